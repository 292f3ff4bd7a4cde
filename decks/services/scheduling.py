"""SM-2, the SuperMemo 2 algorithm, as pure functions.

Source: P. A. Wozniak, "Optimization of learning", master's thesis, University of
Technology in Poznan, 1990; published as "Application of a computer to improve the
results obtained in working with the SuperMemo method"
(https://super-memory.com/english/ol/sm2.htm).

After each answer the student rates recall with quality q from 1 ("Not at all") to
5 ("Perfectly"). The choices this module pins where the text leaves room:

- The easiness factor is updated after every answer:
  EF' = EF + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)), never below 1.3.
- q >= 3 is a pass: repetitions + 1, and the interval becomes 1 day, then 6 days,
  then ceil(previous interval * EF'), using the updated EF.
- q < 3 is a fail: repetitions 0 and interval 1 day, and the EF still takes the
  update. Read literally, the text leaves EF unchanged on a fail, which would make
  ratings 1 and 2 indistinguishable.
- Intervals are capped at 36,500 days (100 years), as Anki caps them.
- EF moves in steps of 0.02, so it is kept as whole hundredths: summing floats would
  let ceil() turn noise such as 1.9200000000000002 into an extra day.
- The study day rolls over at 04:00 local time, so a late-night session counts for
  the day it started in. The day is passed in; nothing here reads a clock.

This module imports only the standard library, so it is usable and testable without
Django or a database.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

MIN_QUALITY = 1
MAX_QUALITY = 5
PASSING_QUALITY = 3
# SM-2 repeats a card the same day until it is rated at least this.
SAME_DAY_REPEAT_BELOW = 4
MIN_EASINESS_HUNDREDTHS = 130
MAX_INTERVAL_DAYS = 36_500
ROLLOVER_HOUR = 4


@dataclass(frozen=True)
class Schedule:
    """A card's SM-2 state for one student; interval in days."""

    repetitions: int = 0
    easiness: float = 2.5
    interval: int = 0


def _easiness_hundredths(easiness: float) -> int:
    return round(easiness * 100)


def _easiness_change_hundredths(quality: int) -> int:
    """SM-2's 0.1 - (5-q)(0.08 + (5-q)0.02), in hundredths: +10, 0, -14, -32, -54."""
    miss = MAX_QUALITY - quality
    return 10 - miss * (8 + 2 * miss)


def validate_quality(quality: int) -> int:
    """Return `quality` if it is an SM-2 rating from 1 to 5, else raise ValueError."""
    if isinstance(quality, bool) or not isinstance(quality, int):
        raise ValueError(f"quality must be an integer from 1 to 5, not {quality!r}")
    if not MIN_QUALITY <= quality <= MAX_QUALITY:
        raise ValueError(f"quality must be from 1 to 5, not {quality}")
    return quality


def next_schedule(current: Schedule, quality: int) -> Schedule:
    """Return the schedule after answering a card in state `current` with `quality`."""
    validate_quality(quality)
    easiness = max(
        MIN_EASINESS_HUNDREDTHS,
        _easiness_hundredths(current.easiness) + _easiness_change_hundredths(quality),
    )
    if quality < PASSING_QUALITY:
        return Schedule(repetitions=0, easiness=easiness / 100, interval=1)
    repetitions = current.repetitions + 1
    if repetitions == 1:
        interval = 1
    elif repetitions == 2:
        interval = 6
    else:
        # Integer ceil of interval * EF, exact because EF is whole hundredths.
        interval = -(-current.interval * easiness // 100)
    return Schedule(
        repetitions=repetitions,
        easiness=easiness / 100,
        interval=min(interval, MAX_INTERVAL_DAYS),
    )


def study_day(local_moment: datetime, rollover_hour: int = ROLLOVER_HOUR) -> date:
    """The study day a local time belongs to: days start at `rollover_hour`, not midnight."""
    return (local_moment - timedelta(hours=rollover_hour)).date()


def due_after(today: date, schedule: Schedule) -> date:
    """The study day a card answered on `today` comes due again."""
    return today + timedelta(days=schedule.interval)


MASTERED_INTERVAL_DAYS = 21


def clamp_to_exam(due: date, *, today: date, exam_date: date | None) -> date:
    """Keep a card's next review before an upcoming exam; SM-2's own state is untouched.

    Until the exam a due date is clamped to the day before it. On the exam's eve the
    earliest possible next review is the exam day itself, so that is the limit then:
    clamping to today would show the card again and again. After the exam, no clamp.
    """
    if exam_date is None or today >= exam_date:
        return due
    limit = max(exam_date - timedelta(days=1), today + timedelta(days=1))
    return min(due, limit)


def is_mastered(interval: int) -> bool:
    """A card is mastered once SM-2 spaces it three weeks or more apart."""
    return interval >= MASTERED_INTERVAL_DAYS


def is_lapse(*, repetitions_before: int, rating: int) -> bool:
    """Forgetting a card that had been learned: a fail after at least one pass."""
    return rating < PASSING_QUALITY and repetitions_before > 0
