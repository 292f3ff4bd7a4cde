"""Per-student, per-deck, per-day activity rows, kept in step with the review log."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import F

from decks.models import DailyActivity, ReviewLog
from decks.services.scheduling import PASSING_QUALITY, is_mastered


def _figures(log: ReviewLog) -> dict[str, int]:
    learned = log.scheduled and log.sequence > 0
    return {
        "answers": 1,
        "cards": int(log.scheduled),
        "learned_answers": int(learned),
        "learned_recalled": int(learned and log.rating >= PASSING_QUALITY),
        "mastered_delta": int(is_mastered(log.interval_after))
        - int(is_mastered(log.interval_before)),
        "time_ms": log.time_taken_ms or 0,
    }


def activity_record(*, log: ReviewLog) -> None:
    """Add one review to its day's activity row; call inside the review's transaction."""
    figures = _figures(log)
    key = {"student_id": log.student_id, "deck_id": log.deck_id, "day": log.study_day}
    updates = {name: F(name) + value for name, value in figures.items()}
    if DailyActivity.objects.filter(**key).update(**updates):
        return
    try:
        with transaction.atomic():
            DailyActivity.objects.create(**key, **figures)
    except IntegrityError:
        # Another review of the same student, deck and day created the row first.
        DailyActivity.objects.filter(**key).update(**updates)


def activity_rebuild() -> int:
    """Recompute every activity row from the review log; returns the number of rows."""
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    logs = ReviewLog.objects.only(
        "student_id", "deck_id", "study_day", "scheduled", "sequence", "rating",
        "interval_before", "interval_after", "time_taken_ms",
    ).iterator(chunk_size=5000)  # fmt: skip
    for log in logs:
        row = totals[(log.student_id, log.deck_id, log.study_day)]
        for name, value in _figures(log).items():
            row[name] += value
    with transaction.atomic():
        DailyActivity.objects.all().delete()
        DailyActivity.objects.bulk_create(
            [
                DailyActivity(student_id=student, deck_id=deck, day=day, **figures)
                for (student, deck, day), figures in totals.items()
            ],
            batch_size=2000,
        )
    return len(totals)
