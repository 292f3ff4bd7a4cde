"""An answer read before another request changed the card writes none of its rows.

Each test reads the answer's target first, as the view does, lets another answer (or an
undo) land, and only then records the first answer: the race two tabs or an htmx retry
make. On PostgreSQL the rows are one statement, on SQLite a transaction; both must write
all of them or none.
"""

from datetime import UTC, datetime

import pytest

from decks.models import CardState, DailyActivity, NewCardCursor, ReviewLog
from decks.services.study.reviews import answer_target, review_record, review_undo
from tests.conftest import enroll, make_card, make_deck

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("answer_write_path")]

NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


@pytest.fixture
def card(student):
    deck = make_deck(cards=2)
    enroll(student, deck)
    return deck.cards.order_by("position").first()


def target_of(student, card):
    return answer_target(
        student=student, deck_slug=card.deck.slug, card_id=card.pk, today=NOON.date()
    )


def record(student, card, *, seen, target=None, rating=4):
    """The answer, written from `target` when given (a read made earlier), else read now."""
    return review_record(
        student=student,
        target=target or target_of(student, card),
        rating=rating,
        seen_reviews=seen,
        now=NOON,
    )


def rows_of(student, card) -> tuple[int, int, int]:
    state = CardState.objects.filter(student=student, card=card).first()
    activity = DailyActivity.objects.filter(student=student, deck=card.deck).first()
    return (
        state.reviews if state else 0,
        ReviewLog.objects.filter(student=student, card=card).count(),
        activity.answers if activity else 0,
    )


def test_a_first_answer_that_lost_the_race_to_another_first_answer_writes_nothing(student, card):
    stale = target_of(student, card)
    assert record(student, card, seen=0).applied
    outcome = record(student, card, seen=0, target=stale, rating=1)
    assert not outcome.applied
    assert rows_of(student, card) == (1, 1, 1)
    assert ReviewLog.objects.get(student=student, card=card).rating == 4


def test_a_repeat_answer_that_lost_the_race_to_another_answer_writes_nothing(student, card):
    record(student, card, seen=0)
    stale = target_of(student, card)
    assert record(student, card, seen=1).applied
    assert not record(student, card, seen=1, target=stale, rating=1).applied
    assert rows_of(student, card) == (2, 2, 2)


def test_an_answer_read_before_an_undo_writes_no_log_entry_for_a_card_it_did_not_move(
    student, card
):
    record(student, card, seen=0)
    latest = record(student, card, seen=1)
    stale = target_of(student, card)
    assert review_undo(student=student, deck_id=card.deck_id, log_id=latest.log.pk)
    # The card now has one answer, not the two the stale read saw: no sequence-2 entry.
    assert not record(student, card, seen=2, target=stale).applied
    assert rows_of(student, card) == (1, 1, 1)


def test_an_answer_that_lost_the_race_leaves_the_new_card_cursor_alone(student, card):
    record(student, card, seen=0)
    record(student, card.deck.cards.order_by("position").last(), seen=0)
    make_card(card.deck, position=10)  # the cursor is not trusted: the next answer sets it
    before = NewCardCursor.objects.values_list("after_card", "revision").get(student=student)
    stale = target_of(student, card)
    assert not stale.cursor_ok
    assert record(student, card, seen=1).applied
    after_winner = NewCardCursor.objects.values_list("after_card", "revision").get(student=student)
    assert after_winner != before  # the winning answer did set it again
    make_card(card.deck, position=11)
    assert not record(student, card, seen=1, target=stale).applied
    assert (
        NewCardCursor.objects.values_list("after_card", "revision").get(student=student)
        == after_winner
    )
