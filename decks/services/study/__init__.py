"""The study loop, as the rest of the app uses it: what to show next, an answer, an undo,
and the study reads of the home page (each deck's counts, today's progress, the next deck).

This module is the package's front. Views, the admin, commands, other services,
bench/ and the tests outside tests/services/study/ import from `decks.services.study` only
(tests/services/study/test_package.py walks the source to say so). Behind it:

- `queue` reads the next card and today's counts in one query;
- `reviews` reads what an answer needs (`answer_target`) and applies SM-2;
- `answer_writes` is the one place that says what an answer writes;
- `cursors` keeps the new-card cursor the queue starts from. Changes to a deck's cards
  need no call here: database triggers keep the cursors right;
- `card_states` lists the card-state fields the hand-written SQL reads and writes;
- `sql` holds the helpers that hand-written SQL is built and run with.

The SM-2 arithmetic itself is `decks.services.scheduling`, which knows nothing of Django.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from decks.models import AnswerMode, DailyActivity, Deck, ReviewLog
from decks.selectors import decks_for
from decks.services.clock import today_for_study
from decks.services.leaderboard import study_streak
from decks.services.study.card_states import STATE_FIELDS
from decks.services.study.cursors import (
    new_card_cursor_forget,
    new_card_cursor_update,
    new_card_cursors_broken,
    new_card_cursors_repair,
)
from decks.services.study.queue import (
    QueueCounts,
    QueueItem,
    QueueSnapshot,
    cards_studied_today,
    queue_counts_per_deck,
    queue_snapshot,
)
from decks.services.study.reviews import (
    MAX_TIME_TAKEN_MS,
    ReviewOutcome,
    answer_target,
    review_record,
    review_undo,
)

# What code outside the package may use: the front below and these from behind it.
__all__ = [
    "MAX_TIME_TAKEN_MS",
    "STATE_FIELDS",
    "AnswerResult",
    "DeckOverview",
    "QueueCounts",
    "QueueItem",
    "QueueSnapshot",
    "ReviewOutcome",
    "TodayProgress",
    "answer_target",
    "cards_studied_today",
    "deck_overviews_for",
    "new_card_cursor_forget",
    "new_card_cursor_update",
    "new_card_cursors_broken",
    "new_card_cursors_repair",
    "next_deck_to_study",
    "queue_snapshot",
    "review_record",
    "study_answer",
    "study_counts_per_deck",
    "study_snapshot",
    "study_undo",
    "today_progress_for",
]


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
    *, student: AbstractBaseUser, deck: Deck, today: date | None = None, choices: bool = False
) -> QueueSnapshot:
    """The next card in `deck` with today's counts (and the day's summary once done);
    `choices` reads its multiple-choice candidates too, where the query can."""
    return queue_snapshot(
        student=student, deck=deck, today=today or today_for_study(), choices=choices
    )


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
    choices: bool = False,
) -> AnswerResult | None:
    """Record one answer, exactly once, and read what comes next when `show_next`.

    None when the card is retired or not in a deck of `deck_slug` the student may study.
    An answer to a card the queue does not offer now records nothing (`offered` False); a
    card answered since it was shown is told apart first, as `applied` False.
    `answered_by`, `checked_correct` and `overridden` are logged with the answer;
    `choices` reads the next card's multiple-choice candidates with it (`queue_snapshot`).
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
            target=target,
            rating=rating,
            seen_reviews=seen_reviews,
            now=now,
            time_taken_ms=time_taken_ms,
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
            student=student, deck=deck, today=today, new_limit=target.new_limit, choices=choices
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


@dataclass(frozen=True)
class DeckOverview:
    deck: Deck
    cards: int
    seen: int
    counts: QueueCounts

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
    rows = study_counts_per_deck(student=student, decks=decks_for(student), today=today)
    return [DeckOverview(deck, cards, seen, counts) for deck, cards, seen, counts in rows]


def next_deck_to_study(
    student: AbstractBaseUser, *, today: date, after: Deck
) -> DeckOverview | None:
    """The deck to offer when `after` is done for today: the first, in the home page's
    order, that still has cards to study today; None when every deck is done."""
    overviews = deck_overviews_for(student, today=today)
    return next((o for o in overviews if o.deck.pk != after.pk and o.to_study), None)


@dataclass(frozen=True)
class TodayProgress:
    cards: int
    streak: int
    left: int

    @property
    def share_done(self) -> int:
        """Percent of today's work done, for the progress bar."""
        total = self.cards + self.left
        return round(100 * self.cards / total) if total else 100


def today_progress_for(
    student: AbstractBaseUser, *, today: date, overviews: list[DeckOverview]
) -> TodayProgress:
    """Today's cards and what is left over the student's decks, and the study streak."""
    days = DailyActivity.objects.filter(student_id=student.pk, day__lte=today).values_list(
        "day", flat=True
    )
    return TodayProgress(
        cards=cards_studied_today(o.counts for o in overviews),
        streak=study_streak(days.distinct(), today),
        left=sum(o.to_study for o in overviews),
    )
