"""Reads that several views share."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Count,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from decks.models import (
    Card,
    CardState,
    Classroom,
    DailyActivity,
    Deck,
    ReviewLog,
)


def decks_for(user: AbstractBaseUser) -> QuerySet[Deck]:
    """The decks `user` may study: those of their classes, and those they teach or edit."""
    if not user.is_authenticated:
        return Deck.objects.none()
    if user.is_superuser:
        return Deck.objects.all()
    # A subquery rather than joins, so callers can annotate counts without duplicates.
    allowed = Deck.objects.filter(
        Q(classrooms__students=user)
        | Q(classrooms__teachers=user)
        | Q(owner=user)
        | Q(editors=user)
    ).values("pk")
    return Deck.objects.filter(pk__in=allowed)


@dataclass(frozen=True)
class DeckOverview:
    deck: Deck
    cards: int
    seen: int
    counts: Any  # decks.services.queue.QueueCounts

    @property
    def due(self) -> int:
        return self.counts.due

    @property
    def new(self) -> int:
        return self.counts.new

    @property
    def repeat(self) -> int:
        return self.counts.repeat

    @property
    def to_study(self) -> int:
        return self.counts.left


def deck_overviews_for(student: AbstractBaseUser, *, today: date) -> list[DeckOverview]:
    """Every deck the student may study with today's counts, as the study queue counts them."""
    from decks.services.queue import queue_counts_per_deck

    rows = queue_counts_per_deck(student=student, decks=decks_for(student), today=today)
    return [DeckOverview(deck, cards, seen, counts) for deck, cards, seen, counts in rows]


@dataclass(frozen=True)
class SessionSummary:
    answers: int
    cards: int
    ratings: dict[int, int] = field(default_factory=dict)
    due_tomorrow: int = 0
    next_due: date | None = None

    @property
    def rating_rows(self) -> list[tuple[int, int]]:
        return [(rating, self.ratings.get(rating, 0)) for rating in range(1, 6)]


def session_summary(*, student: AbstractBaseUser, deck: Deck, today: date) -> SessionSummary:
    """What the student did in `deck` today and when its next cards come due."""
    logs = ReviewLog.objects.filter(student=student, deck=deck, study_day=today)
    ratings = Counter(dict(logs.values_list("rating").annotate(n=Count("id")).order_by()))
    states = CardState.objects.filter(student=student, deck=deck, due__gt=today)
    upcoming = states.aggregate(
        next_due=Min("due"), tomorrow=Count("id", filter=Q(due=today + timedelta(days=1)))
    )
    return SessionSummary(
        answers=sum(ratings.values()),
        cards=logs.values("card_id").distinct().count(),
        ratings=dict(ratings),
        due_tomorrow=upcoming["tomorrow"],
        next_due=upcoming["next_due"],
    )


@dataclass(frozen=True)
class AnswerTarget:
    """Everything recording an answer needs, read in one query on the hot path."""

    card: Card
    state: CardState | None
    exam_date: date | None


_TARGET_STATE_FIELDS = [
    "id", "repetitions", "easiness", "interval", "due", "lapses", "reviews",
    "introduced_on", "last_reviewed_at", "last_review_day", "last_rating",
]  # fmt: skip


def answer_target(
    *, student: AbstractBaseUser, deck_slug: str, card_id: int, today: date
) -> AnswerTarget | None:
    """The card with its deck, the student's state and any upcoming exam, or None.

    None when the card is retired or not in a deck of `deck_slug` the student may study.
    """
    exam = (
        Classroom.objects.filter(students=student, decks=OuterRef("deck_id"), exam_date__gt=today)
        .order_by("exam_date")
        .values("exam_date")[:1]
    )
    card = (
        Card.objects.active()
        .filter(pk=card_id, deck__in=decks_for(student), deck__slug=deck_slug)
        .select_related("deck")
        .annotate(
            exam_date=Subquery(exam),
            # One LEFT JOIN on the student's state, not a subquery per field: this query
            # runs on every answer, and building it costs more than running it.
            mine=FilteredRelation("states", condition=Q(states__student=student)),
            **{f"state_{name}": F(f"mine__{name}") for name in _TARGET_STATE_FIELDS},
        )
        .first()
    )
    if card is None:
        return None
    current = None
    if card.state_id is not None:
        current = CardState(
            student_id=student.pk,
            card=card,
            deck_id=card.deck_id,
            **{name: getattr(card, f"state_{name}") for name in _TARGET_STATE_FIELDS},
        )
        current._state.adding = False
    return AnswerTarget(card=card, state=current, exam_date=card.exam_date)


@dataclass(frozen=True)
class TodayProgress:
    answers: int
    cards: int
    streak: int
    left: int

    @property
    def share_done(self) -> int:
        """Percent of today's work done, for the progress bar."""
        total = self.cards + self.left
        return round(100 * self.cards / total) if total else 100


def today_progress_for(student: AbstractBaseUser, *, today: date, left: int) -> TodayProgress:
    """Today's answers and cards over all decks, and the study streak, from activity rows."""
    from decks.services.leaderboard import study_streak

    activity = DailyActivity.objects.filter(student=student, day__lte=today)
    totals = activity.filter(day=today).aggregate(answers=Sum("answers"), cards=Sum("cards"))
    days = activity.values_list("day", flat=True).distinct()
    return TodayProgress(
        answers=totals["answers"] or 0,
        cards=totals["cards"] or 0,
        streak=study_streak(days, today),
        left=left,
    )
