"""A class's leaderboard: steady, honest study, read from daily activity rows.

Each row sums a student's activity on the class's decks over a period: cards cleared
(each card once a day), new cards learned, days studied, the current streak, mastered
cards and recall rate.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from decks.models import Classroom, DailyActivity
from decks.selectors import is_class_teacher
from decks.services.checked import CheckedRecall, checked_recall_by_student
from decks.services.classes import display_name

PERIODS = {"week": _("This week"), "month": _("This month"), "all": _("All time")}
SORTABLE = {
    "cards": _("Cards cleared"),
    "new_cards": _("New cards learned"),
    "days": _("Days studied"),
    "streak": _("Streak"),
    "mastered": _("Mastered"),
    "recall": _("Recall"),
    # Recall from typed or picked answers, which the app checked (decks.services.checked).
    "checked": _("Checked recall"),
}
ANONYMOUS = _("Anonymous student")


def period_start(period: str, today: date) -> date | None:
    """First study day of the period: Monday for a week, the 1st for a month, None for all."""
    if period == "week":
        return today - timedelta(days=today.weekday())
    if period == "month":
        return today.replace(day=1)
    return None


def study_streak(days: Iterable[date], today: date) -> int:
    """Consecutive study days ending today, or yesterday if today has no study yet."""
    studied = set(days)
    day = today if today in studied else today - timedelta(days=1)
    streak = 0
    while day in studied:
        streak += 1
        day -= timedelta(days=1)
    return streak


def competition_ranks(values: Sequence) -> list[int]:
    """Ranks for values already sorted best first; ties share a rank (1, 2, 2, 4)."""
    ranks: list[int] = []
    for index, value in enumerate(values):
        ranks.append(ranks[-1] if index and value == values[index - 1] else index + 1)
    return ranks


@dataclass
class LeaderboardRow:
    name: str
    is_viewer: bool
    cards: int = 0
    # Shown beside the rank, never in it: see class_leaderboard.
    new_cards: int = 0
    days: int = 0
    streak: int = 0
    mastered: int = 0
    learned_answers: int = 0
    learned_recalled: int = 0
    checked_answers: int = 0
    checked_right: int = 0
    rank: int = 0

    @property
    def recall(self) -> float | None:
        if not self.learned_answers:
            return None
        return self.learned_recalled / self.learned_answers

    @property
    def checked(self) -> float | None:
        return self.checked_right / self.checked_answers if self.checked_answers else None


def _sort_value(row: LeaderboardRow, sort: str):
    value = getattr(row, sort)
    return -1.0 if value is None else value


def class_leaderboard(
    *,
    classroom: Classroom,
    viewer: AbstractBaseUser,
    today: date,
    period: str = "week",
    sort: str = "cards",
    descending: bool = True,
) -> list[LeaderboardRow]:
    """One row per student of the class; names hidden from classmates as students choose."""
    sort = sort if sort in SORTABLE else "cards"
    teacher_view = is_class_teacher(viewer, classroom)
    students = list(classroom.students.select_related("profile"))
    activity = DailyActivity.objects.filter(
        student__in=students, deck__in=classroom.decks.all(), day__lte=today
    )
    start = period_start(period, today)
    in_period = activity.filter(day__gte=start) if start else activity
    sums = {
        row["student_id"]: row
        for row in in_period.values("student_id").annotate(
            # Before `cards` is redefined below, so this sums the field.
            first_answers=Sum("cards"),
            # Due cards cleared: first answers of the day on cards seen before. New cards
            # don't count, so raising one's own new-card limit can't buy a higher rank.
            cards=Sum("learned_answers"),
            days=Count("day", distinct=True),
            learned_answers=Sum("learned_answers"),
            learned_recalled=Sum("learned_recalled"),
        )
    }
    mastered = dict(
        activity.values("student_id")
        .annotate(m=Sum("mastered_delta"))
        .values_list("student_id", "m")
    )
    checked = checked_recall_by_student(
        student_ids=[s.pk for s in students],
        deck_ids=classroom.decks.values_list("id", flat=True),
        since=start,
        today=today,
    )
    days_by_student: dict[int, list[date]] = defaultdict(list)
    for student_id, day in activity.values_list("student_id", "day").distinct():
        days_by_student[student_id].append(day)

    rows = []
    for student in students:
        own = student.pk == viewer.pk
        hidden = getattr(getattr(student, "profile", None), "hide_from_leaderboard", False)
        if teacher_view:
            name = student.get_full_name() or student.get_username()
        else:
            name = str(ANONYMOUS) if hidden and not own else display_name(student)
        figures: Mapping[str, Any] = sums.get(student.pk, {})
        rows.append(
            LeaderboardRow(
                name=name,
                is_viewer=own,
                cards=figures.get("cards") or 0,
                # First answers less those on cards seen before: new cards learned.
                new_cards=(figures.get("first_answers") or 0) - (figures.get("cards") or 0),
                days=figures.get("days") or 0,
                learned_answers=figures.get("learned_answers") or 0,
                learned_recalled=figures.get("learned_recalled") or 0,
                streak=study_streak(days_by_student[student.pk], today),
                mastered=max(0, mastered.get(student.pk) or 0),
                checked_answers=checked.get(student.pk, CheckedRecall()).answers,
                checked_right=checked.get(student.pk, CheckedRecall()).right,
            )
        )
    # Within a tie, who learned more new cards stands higher in the list (not in rank).
    rows.sort(
        key=lambda row: (_sort_value(row, sort), row.cards, row.new_cards), reverse=descending
    )
    # Ranks always follow the chosen column from best to worst.
    best_first = sorted(rows, key=lambda row: _sort_value(row, sort), reverse=True)
    rank_of = dict(
        zip(
            map(id, best_first),
            competition_ranks([_sort_value(r, sort) for r in best_first]),
            strict=True,
        )
    )
    for row in rows:
        row.rank = rank_of[id(row)]
    return rows
