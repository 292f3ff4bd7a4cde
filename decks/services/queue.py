"""A student's study queue for one deck, as SM-2 orders it.

Due cards come first, most overdue first; then unseen cards up to the deck's daily
new-card limit; then the cards answered today with a rating below 4, which SM-2
repeats the same day until they are rated 4 or 5.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef

from decks.models import Card, CardState, Deck, ReviewLog
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


def new_cards_left_today(*, student: AbstractBaseUser, deck: Deck, today: date) -> int:
    """How many more unseen cards the daily new-card limit allows today."""
    introduced = CardState.objects.filter(student=student, deck=deck, introduced_on=today).count()
    return max(0, deck.new_cards_per_day - introduced)


def queue_counts(*, student: AbstractBaseUser, deck: Deck, today: date) -> QueueCounts:
    """What is left for today and how many answers were given today."""
    unseen = Card.objects.active().filter(deck=deck).count() - _states(student, deck).count()
    return QueueCounts(
        due=_due_states(student, deck, today).count(),
        new=min(unseen, new_cards_left_today(student=student, deck=deck, today=today)),
        repeat=_repeat_states(student, deck, today).count(),
        done_today=ReviewLog.objects.filter(student=student, deck=deck, study_day=today).count(),
    )


def next_card(*, student: AbstractBaseUser, deck: Deck, today: date) -> QueueItem | None:
    """The card the student should answer next in `deck`, or None when today is done."""
    state = (
        _due_states(student, deck, today)
        .select_related("card")
        .order_by("due", "card__position", "card_id")
        .first()
    )
    if state:
        return QueueItem(card=state.card, state=state, kind="due")
    if new_cards_left_today(student=student, deck=deck, today=today) > 0:
        card = _unseen_cards(student, deck).order_by("position", "id").first()
        if card:
            return QueueItem(card=card, state=None, kind="new")
    state = (
        _repeat_states(student, deck, today)
        .select_related("card")
        .order_by("last_reviewed_at", "card_id")
        .first()
    )
    if state:
        return QueueItem(card=state.card, state=state, kind="repeat")
    return None
