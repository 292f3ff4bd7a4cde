"""Per-student, per-deck, per-day activity rows, kept in step with the review log."""

from collections import defaultdict

from django.db import transaction
from django.db.models import F

from decks.models import DailyActivity, ReviewLog
from decks.services.scheduling import PASSING_QUALITY, is_mastered


def activity_figures(log: ReviewLog) -> dict[str, int]:
    """What one review adds to its day's activity row."""
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


ACTIVITY_FIGURES = [
    "answers", "cards", "learned_answers", "learned_recalled", "mastered_delta", "time_ms",
]  # fmt: skip
ACTIVITY_TABLE = DailyActivity._meta.db_table


def activity_on_conflict_sql(row: str = ACTIVITY_TABLE) -> str:
    """The upsert's conflict clause: a second review of the day adds to the row `row` names."""
    increments = ", ".join(f"{name} = {row}.{name} + excluded.{name}" for name in ACTIVITY_FIGURES)
    return f"ON CONFLICT (student_id, deck_id, day) DO UPDATE SET {increments}"


def activity_take_out(*, log: ReviewLog) -> None:
    """Take one review back out of its day's activity row (undo), inside undo's transaction.

    An answer adds to the row in its own write (decks.services.study.answer_writes); the row
    exists then, and goes once it counts nothing.
    """
    figures = activity_figures(log)
    row = DailyActivity.objects.filter(
        student_id=log.student_id, deck_id=log.deck_id, day=log.study_day
    )
    row.update(**{name: F(name) - value for name, value in figures.items()})
    row.filter(answers=0).delete()


def activity_rebuild() -> int:
    """Recompute every activity row from the review log; returns the number of rows."""
    return _rebuild(ReviewLog.objects.all(), DailyActivity.objects.all())


def activity_rebuild_for(*, student) -> int:
    """Recompute one student's activity rows from their review log."""
    return _rebuild(
        ReviewLog.objects.filter(student=student), DailyActivity.objects.filter(student=student)
    )


def _rebuild(log_rows, activity_rows) -> int:
    totals: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    logs = log_rows.only(
        "student_id", "deck_id", "study_day", "scheduled", "sequence", "rating",
        "interval_before", "interval_after", "time_taken_ms",
    ).iterator(chunk_size=5000)  # fmt: skip
    for log in logs:
        row = totals[(log.student_id, log.deck_id, log.study_day)]
        for name, value in activity_figures(log).items():
            row[name] += value
    with transaction.atomic():
        activity_rows.delete()
        DailyActivity.objects.bulk_create(
            [
                DailyActivity(student_id=student, deck_id=deck, day=day, **figures)
                for (student, deck, day), figures in totals.items()
            ],
            batch_size=2000,
        )
    return len(totals)
