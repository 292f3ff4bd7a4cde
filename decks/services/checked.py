"""Checked recall: how often typed or picked answers were right, beside self-rated recall.

Recall and mastered cards rest on the student's own ratings, and a leaderboard gives every
reason to press 5. Answers that were typed or picked were checked by the app; these
figures come from them alone, so a page can say which figure is checked and which is
self-rated. Counted as recall is: the first answer of a study day on a card seen on an
earlier day, as the self-rated recall counts. The review log's partial index on checked
answers (reviewlog_checked_day) keeps the read to checked answers only.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from decks.models import AnswerMode, ReviewLog


@dataclass(frozen=True)
class CheckedRecall:
    answers: int = 0
    right: int = 0

    @property
    def share(self) -> float | None:
        return self.right / self.answers if self.answers else None


def _checked_learned(since: date | None, today: date | None) -> QuerySet:
    logs = ReviewLog.objects.exclude(answered_by=AnswerMode.SHOWN).filter(
        scheduled=True, sequence__gt=0
    )
    if since is not None:
        logs = logs.filter(study_day__gte=since)
    if today is not None:
        logs = logs.filter(study_day__lte=today)
    return logs


def checked_recall_by_student(
    *,
    student_ids: Iterable[int],
    deck_ids: Iterable[int] | None = None,
    since: date | None = None,
    today: date | None = None,
) -> dict[int, CheckedRecall]:
    """Each student's checked recall in `deck_ids` (all decks if None) since `since`.

    Right is what the check found right; a student's "I was right" does not count, so the
    figure stays the check's own.
    """
    logs = _checked_learned(since, today).filter(student_id__in=list(student_ids))
    if deck_ids is not None:
        logs = logs.filter(deck_id__in=list(deck_ids))
    rows = logs.values("student_id").annotate(
        n=Count("id"), right=Count("id", filter=Q(checked_correct=True))
    )
    return {row["student_id"]: CheckedRecall(row["n"], row["right"]) for row in rows}


def checked_recall_for(
    *, student_id: int, deck_id: int | None = None, since: date | None = None
) -> CheckedRecall:
    """One student's checked recall, over one deck or all."""
    found = checked_recall_by_student(
        student_ids=[student_id], deck_ids=None if deck_id is None else [deck_id], since=since
    )
    return found.get(student_id, CheckedRecall())
