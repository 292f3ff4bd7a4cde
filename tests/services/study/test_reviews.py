from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from decks.models import CardState, ReviewLog
from tests.conftest import answer_card, enroll, make_card, make_deck

pytestmark = pytest.mark.django_db

# 12:00 in Amsterdam on 2026-11-23, well inside that study day.
NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)


@pytest.fixture
def card(student):
    deck = make_deck()
    enroll(student, deck)
    return make_card(deck)


def answer(student, card, rating, *, seen=None, when=NOON):
    if seen is None:
        state = CardState.objects.filter(student=student, card=card).first()
        seen = state.reviews if state else 0
    return answer_card(student=student, card=card, rating=rating, seen_reviews=seen, now=when)


def test_the_first_answer_creates_the_schedule_sm2_gives(student, card):
    answer(student, card, 5)
    state = CardState.objects.get(student=student, card=card)
    assert (state.repetitions, state.easiness, state.interval) == (1, Decimal("2.60"), 1)
    assert state.due == TODAY + timedelta(days=1)
    assert state.introduced_on == TODAY


def test_every_answer_is_logged_with_the_schedule_before_and_after(student, card):
    answer(student, card, 5)
    answer(student, card, 4, when=NOON + timedelta(days=1))
    log = ReviewLog.objects.get(student=student, card=card, sequence=1)
    assert (log.rating, log.study_day) == (4, TODAY + timedelta(days=1))
    assert (log.repetitions_before, log.interval_before, log.due_before) == (
        1,
        1,
        TODAY + timedelta(days=1),
    )
    assert (log.repetitions_after, log.interval_after, log.due_after) == (
        2,
        6,
        TODAY + timedelta(days=7),
    )


def test_the_same_answer_sent_twice_is_applied_once(student, card):
    first = answer(student, card, 4, seen=0)
    second = answer(student, card, 4, seen=0)
    assert (first.applied, second.applied) == (True, False)
    assert ReviewLog.objects.filter(student=student, card=card).count() == 1
    assert CardState.objects.get(student=student, card=card).reviews == 1


def test_an_answer_to_a_stale_card_changes_nothing(student, card):
    answer(student, card, 5, seen=0)
    before = CardState.objects.values().get(student=student, card=card)
    outcome = answer(student, card, 1, seen=0)
    assert not outcome.applied
    assert CardState.objects.values().get(student=student, card=card) == before


def test_only_the_first_answer_of_the_day_moves_the_schedule(student, card):
    answer(student, card, 2)
    answer(student, card, 5, when=NOON + timedelta(minutes=3))
    state = CardState.objects.get(student=student, card=card)
    assert (state.repetitions, state.easiness, state.interval) == (0, Decimal("2.18"), 1)
    assert list(ReviewLog.objects.order_by("sequence").values_list("scheduled", flat=True)) == [
        True,
        False,
    ]


def test_a_fail_after_learning_counts_as_a_lapse(student, card):
    answer(student, card, 5)
    answer(student, card, 1, when=NOON + timedelta(days=1))
    assert CardState.objects.get(student=student, card=card).lapses == 1


def test_answers_after_four_in_the_morning_belong_to_the_new_study_day(student, card):
    answer(student, card, 5, when=datetime(2026, 11, 24, 2, 30, tzinfo=UTC))  # 03:30 local
    assert ReviewLog.objects.get().study_day == TODAY


def test_an_invalid_rating_writes_nothing(student, card):
    with pytest.raises(ValueError):
        answer(student, card, 7)
    assert not CardState.objects.exists()
    assert not ReviewLog.objects.exists()


def test_students_keep_separate_schedules_for_the_same_card(student, card, django_user_model):
    other = django_user_model.objects.create_user("other")
    enroll(other, card.deck)
    answer(student, card, 5)
    answer(other, card, 1)
    assert CardState.objects.get(student=student).interval == 1
    assert CardState.objects.get(student=other).easiness == Decimal("1.96")
