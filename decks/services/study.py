"""The study loop as the rest of the app uses it: what to show next, and an answer.

Views, selectors and commands go through these functions only. Behind them:

- `decks.services.queue` reads the next card and today's counts in one query;
- `decks.services.reviews` reads what an answer needs (`answer_target`) and applies SM-2;
- `decks.services.answer_writes` is the one place that says what an answer writes;
- `decks.services.cursors` keeps the new-card cursor the queue starts from. Changes to a
  deck's cards need no call here: database triggers keep the cursors right.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from decks.models import AnswerMode, Deck, ReviewLog
from decks.services.clock import today_for_study
from decks.services.queue import QueueCounts, QueueSnapshot, queue_counts_per_deck, queue_snapshot
from decks.services.reviews import answer_target, review_record, review_undo


@dataclass(frozen=True)
class AnswerResult:
    applied: bool  # False when the card had been answered since it was shown
    log: ReviewLog | None  # the answer's log entry, which undo names
    deck: Deck
    next: QueueSnapshot | None  # what to show now; None when the caller did not ask
    # False when the queue does not offer the card now (not due, past a daily limit):
    # nothing was recorded.
    offered: bool = True


def study_snapshot(
    *, student: AbstractBaseUser, deck: Deck, today: date | None = None
) -> QueueSnapshot:
    """The next card in `deck` with today's counts (and the day's summary once done)."""
    return queue_snapshot(student=student, deck=deck, today=today or today_for_study())


def study_answer(
    *,
    student: AbstractBaseUser,
    deck_slug: str,
    card_id: int,
    rating: int,
    seen_reviews: int,
    time_taken_ms: int | None = None,
    show_next: bool = True,
    now: datetime | None = None,
    answered_by: str = AnswerMode.SHOWN,
    checked_correct: bool | None = None,
    overridden: bool = False,
) -> AnswerResult | None:
    """Record one answer, exactly once, and read what comes next when `show_next`.

    None when the card is retired or not in a deck of `deck_slug` the student may study.
    An answer to a card the queue does not offer now records nothing (`offered` False); a
    card answered since it was shown is told apart first, as `applied` False.
    `answered_by`, `checked_correct` and `overridden` are logged with the answer.
    """
    now = now or timezone.now()
    today = today_for_study(now)
    target = answer_target(student=student, deck_slug=deck_slug, card_id=card_id, today=today)
    if target is None:
        return None
    # A card answered since it was shown (seen count moved on) is told as such by
    # review_record, even though the queue may no longer offer it.
    seen_now = target.state.reviews if target.state else 0
    offered = target.offered or seen_now != seen_reviews
    applied, log = False, None
    if offered:
        outcome = review_record(
            student=student,
            card=target.card,
            rating=rating,
            seen_reviews=seen_reviews,
            now=now,
            time_taken_ms=time_taken_ms,
            target=target,
            answered_by=answered_by,
            checked_correct=checked_correct,
            overridden=overridden,
        )
        applied, log = outcome.applied, outcome.log
    deck = target.card.deck
    following = None
    if show_next:
        # The target read the student's new-card limit: the snapshot needs no query for it.
        following = queue_snapshot(
            student=student, deck=deck, today=today, new_limit=target.new_limit
        )
    return AnswerResult(applied=applied, log=log, deck=deck, next=following, offered=offered)


def study_undo(*, student: AbstractBaseUser, deck: Deck, log_id: int) -> bool:
    """Take back the student's latest answer in `deck`; False when `log_id` is not it."""
    return review_undo(student=student, deck_id=deck.pk, log_id=log_id) is not None


def study_counts_per_deck(
    *, student: AbstractBaseUser, decks, today: date
) -> list[tuple[Deck, int, int, QueueCounts]]:
    """(deck, active cards, cards seen, today's counts) per deck, counted as the loop counts."""
    return queue_counts_per_deck(student=student, decks=decks, today=today)
