"""The edge where wall-clock time enters: everything below it takes the day as an argument."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from decks.services.scheduling import ROLLOVER_HOUR, study_day


def today_for_study(now: datetime | None = None) -> date:
    """The current study day in the site's time zone (rolls over at 04:00)."""
    return study_day(timezone.localtime(now or timezone.now()))


def study_day_end(now: datetime | None = None) -> datetime:
    """When the study day holding `now` ends: the next 04:00 in the site's time zone (an
    hour nearer or further on a daylight-saving night)."""
    local = timezone.localtime(now or timezone.now())
    following = study_day(local) + timedelta(days=1)
    return datetime.combine(following, time(ROLLOVER_HOUR), tzinfo=local.tzinfo)
