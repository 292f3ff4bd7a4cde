"""The edge where wall-clock time enters: everything below it takes the day as an argument."""

from datetime import date, datetime

from django.utils import timezone

from decks.services.scheduling import study_day


def today_for_study(now: datetime | None = None) -> date:
    """The current study day in the site's time zone (rolls over at 04:00)."""
    return study_day(timezone.localtime(now or timezone.now()))
