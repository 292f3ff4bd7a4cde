from datetime import UTC, datetime, timedelta

import pytest

from decks.models import CardState, DailyActivity, ReviewLog
from decks.services.study import review_undo
from tests.conftest import answer_card, enroll, make_deck

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 23, 11, tzinfo=UTC)


def snapshot(student):
    return (
        list(CardState.objects.filter(student=student).order_by("card_id").values()),
        list(ReviewLog.objects.filter(student=student).order_by("id").values()),
        list(DailyActivity.objects.filter(student=student).order_by("day").values()),
    )


def answer(student, card, rating, when):
    state = CardState.objects.filter(student=student, card=card).first()
    return answer_card(
        student=student, card=card, rating=rating, seen_reviews=state.reviews if state else 0,
        now=when,
    ).log  # fmt: skip


@pytest.mark.parametrize("ratings", [[5], [5, 1], [5, 4, 2], [2, 4]])
def test_undo_restores_schedule_log_and_activity_exactly(student, ratings):
    deck = make_deck(cards=1)
    enroll(student, deck)
    card = deck.cards.get()
    for day, rating in enumerate(ratings[:-1]):
        answer(student, card, rating, NOON + timedelta(days=day))
    before = snapshot(student)
    log = answer(student, card, ratings[-1], NOON + timedelta(days=len(ratings) - 1))
    assert review_undo(student=student, deck_id=deck.pk, log_id=log.pk) == log
    assert snapshot(student) == before


def test_undo_restores_a_same_day_repeat_exactly(student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    card = deck.cards.get()
    answer(student, card, 2, NOON)
    before = snapshot(student)
    log = answer(student, card, 4, NOON + timedelta(minutes=2))
    review_undo(student=student, deck_id=deck.pk, log_id=log.pk)
    assert snapshot(student) == before


def test_only_the_latest_answer_can_be_undone(student):
    deck = make_deck(cards=2)
    enroll(student, deck)
    first, second = deck.cards.all()
    old = answer(student, first, 5, NOON)
    answer(student, second, 5, NOON + timedelta(minutes=1))
    before = snapshot(student)
    assert review_undo(student=student, deck_id=deck.pk, log_id=old.pk) is None
    assert snapshot(student) == before


def test_nobody_can_undo_another_students_answer(student, django_user_model):
    deck = make_deck(cards=1)
    enroll(student, deck)
    log = answer(student, deck.cards.get(), 5, NOON)
    other = django_user_model.objects.create_user("other")
    assert review_undo(student=other, deck_id=deck.pk, log_id=log.pk) is None
    assert ReviewLog.objects.filter(pk=log.pk).exists()
