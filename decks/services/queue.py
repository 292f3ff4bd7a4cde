"""A student's study queue for one deck, as SM-2 orders it.

Due cards come first, most overdue first; then unseen cards up to the deck's daily
new-card limit; then the cards answered today with a rating below 4, which SM-2
repeats the same day until they are rated 4 or 5.

The study loop is the hot path: `queue_snapshot` reads the next card together with
every count the page shows in one query, whatever the size of the deck.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Case,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from decks.models import Card, CardState, DailyActivity, Deck, DeckSettings
from decks.services.scheduling import SAME_DAY_REPEAT_BELOW


@dataclass(frozen=True)
class QueueCounts:
    due: int
    new: int
    repeat: int
    done_today: int

    @property
    def left(self) -> int:
        return self.due + self.new + self.repeat


@dataclass(frozen=True)
class QueueItem:
    card: Card
    state: CardState | None  # None for a card the student has never answered
    kind: str  # "due", "new" or "repeat"

    @property
    def seen_reviews(self) -> int:
        """How many answers the card had when shown; a POST echoes it back."""
        return self.state.reviews if self.state else 0


@dataclass(frozen=True)
class QueueSnapshot:
    counts: QueueCounts
    item: QueueItem | None


def _states(student: AbstractBaseUser, deck: Deck):
    return CardState.objects.filter(student=student, deck=deck, card__retired_at__isnull=True)


def _due_states(student: AbstractBaseUser, deck: Deck, today: date):
    return _states(student, deck).filter(due__lte=today)


def _repeat_states(student: AbstractBaseUser, deck: Deck, today: date):
    return _states(student, deck).filter(
        last_review_day=today, last_rating__lt=SAME_DAY_REPEAT_BELOW
    )


def _unseen_cards(student: AbstractBaseUser, deck: Deck):
    answered = CardState.objects.filter(student=student, card=OuterRef("pk"))
    return Card.objects.active().filter(deck=deck).filter(~Exists(answered))


def _count(queryset) -> Coalesce:
    """COUNT(*) of a queryset as a scalar subquery."""
    counted = queryset.order_by().annotate(n=Func(Value(1), function="COUNT")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# With no review limit set, a day's reviews are bounded only by what is due.
NO_REVIEW_LIMIT = 1_000_000


def _count_annotations(
    student: AbstractBaseUser, deck, today: date, default_new_limit=None
) -> dict:
    """Today's counts as subqueries, for one deck or, with OuterRef("pk"), for each deck."""
    if default_new_limit is None:
        default_new_limit = deck.new_cards_per_day
    own = DeckSettings.objects.filter(student=student, deck=deck)
    today_activity = DailyActivity.objects.filter(student=student, deck=deck, day=today)
    return {
        "new_limit": Coalesce(Subquery(own.values("new_per_day")[:1]), default_new_limit),
        "review_limit": Coalesce(Subquery(own.values("reviews_per_day")[:1]), NO_REVIEW_LIMIT),
        "n_reviewed": Coalesce(Subquery(today_activity.values("learned_answers")[:1]), 0),
        "n_due": _count(_due_states(student, deck, today)),
        "n_repeat": _count(_repeat_states(student, deck, today)),
        "n_introduced": _count(_states(student, deck).filter(introduced_on=today)),
        "n_seen": _count(_states(student, deck)),
        "n_cards": _count(Card.objects.active().filter(deck=deck)),
        "n_done": Coalesce(Subquery(today_activity.values("answers")[:1]), 0),
    }


def _counts_from(row) -> QueueCounts:
    new_allowed = max(0, row.new_limit - row.n_introduced)
    return QueueCounts(
        due=min(row.n_due, max(0, row.review_limit - row.n_reviewed)),
        new=min(new_allowed, row.n_cards - row.n_seen),
        repeat=row.n_repeat,
        done_today=row.n_done,
    )


_STATE_FIELDS = [
    "id", "repetitions", "easiness", "interval", "due", "lapses", "reviews",
    "introduced_on", "last_reviewed_at", "last_review_day", "last_rating",
]  # fmt: skip


def queue_snapshot(*, student: AbstractBaseUser, deck: Deck, today: date) -> QueueSnapshot:
    """The next card to answer in `deck` with today's counts, in one query.

    When nothing is left a second query reads the counts alone.
    """
    due_id = _due_states(student, deck, today).order_by("due", "card__position", "card_id")
    repeat_id = _repeat_states(student, deck, today).order_by("last_reviewed_at", "card_id")
    new_id = _unseen_cards(student, deck).order_by("position", "id").values("pk")[:1]
    counts = _count_annotations(student, deck, today)
    next_id = Coalesce(
        Case(
            When(
                LessThan(counts["n_reviewed"], counts["review_limit"]),
                then=Subquery(due_id.values("card_id")[:1]),
            ),
            default=None,
        ),
        Case(
            When(LessThan(counts["n_introduced"], counts["new_limit"]), then=Subquery(new_id)),
            default=None,
        ),
        Subquery(repeat_id.values("card_id")[:1]),
    )
    card = (
        Card.objects.filter(pk=next_id)
        .annotate(**counts)
        .annotate(
            mine=FilteredRelation("states", condition=Q(states__student=student)),
            **{f"state_{name}": F(f"mine__{name}") for name in _STATE_FIELDS},
        )
        .first()
    )
    if card is None:
        row = Deck.objects.filter(pk=deck.pk).annotate(**counts).get()
        return QueueSnapshot(counts=_counts_from(row), item=None)
    card.deck = deck
    return QueueSnapshot(counts=_counts_from(card), item=_item_from(card, student, today))


def _item_from(card: Card, student: AbstractBaseUser, today: date) -> QueueItem:
    if card.state_id is None:
        return QueueItem(card=card, state=None, kind="new")
    state = CardState(
        student_id=student.pk,
        card=card,
        deck_id=card.deck_id,
        **{name: getattr(card, f"state_{name}") for name in _STATE_FIELDS},
    )
    kind = "due" if state.due <= today else "repeat"
    return QueueItem(card=card, state=state, kind=kind)


def new_cards_left_today(*, student: AbstractBaseUser, deck: Deck, today: date) -> int:
    """How many more unseen cards the daily new-card limit allows today."""
    return queue_counts(student=student, deck=deck, today=today).new


def queue_counts(*, student: AbstractBaseUser, deck: Deck, today: date) -> QueueCounts:
    """What is left for today and how many answers were given today."""
    row = Deck.objects.filter(pk=deck.pk).annotate(**_count_annotations(student, deck, today)).get()
    return _counts_from(row)


def next_card(*, student: AbstractBaseUser, deck: Deck, today: date) -> QueueItem | None:
    """The card the student should answer next in `deck`, or None when today is done."""
    return queue_snapshot(student=student, deck=deck, today=today).item


def queue_counts_per_deck(
    *, student: AbstractBaseUser, decks, today: date
) -> list[tuple[Deck, int, int, QueueCounts]]:
    """(deck, active cards, cards seen, today's counts) for each deck, in one query.

    The same counting as the study queue, so the home page and the session agree.
    """
    rows = decks.annotate(
        **_count_annotations(student, OuterRef("pk"), today, F("new_cards_per_day"))
    )
    return [(row, row.n_cards, row.n_seen, _counts_from(row)) for row in rows]
