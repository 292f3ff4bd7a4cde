"""What the services' tests share."""

from datetime import UTC, datetime, timedelta


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 time in Amsterdam (UTC+1), as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC) - timedelta(hours=1)
