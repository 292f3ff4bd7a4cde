"""Both directions in the queue: a card and its reverse are never shown on the same day."""

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from decks.models import ReviewLog
from decks.services.directions import deck_directions_apply
from decks.services.study import queue_snapshot, study_answer, study_counts_per_deck
from tests.conftest import answer_card, enroll, make_deck

pytestmark = pytest.mark.django_db

# Noon UTC is 12:00 or 13:00 in Amsterdam: well inside the study day, far in the future.
FIRST_DAY = date(2099, 3, 2)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


@pytest.fixture
def both_ways(student):
    deck = make_deck(cards=3, both_directions=True)
    deck_directions_apply(deck=deck)
    enroll(student, deck)
    return deck


def test_a_new_cards_reverse_waits_for_the_next_day(student, both_ways):
    first = both_ways.cards.get(front="Question 1")
    answer_card(student=student, card=first, rating=5, now=noon(FIRST_DAY))
    snapshot = queue_snapshot(student=student, deck=both_ways, today=FIRST_DAY)
    assert snapshot.item.card.front == "Question 2"
    assert snapshot.counts.new == 4  # five unseen, but Answer 1 is buried
    tomorrow = queue_snapshot(student=student, deck=both_ways, today=FIRST_DAY + timedelta(1))
    assert tomorrow.counts.new == 5  # Answer 1 is new again (after the due Question 1)


def test_a_due_card_is_not_shown_or_counted_the_day_its_reverse_is_answered(student, both_ways):
    first = both_ways.cards.get(front="Question 1")
    answer_card(student=student, card=first, rating=5, now=noon(FIRST_DAY))
    reverse = both_ways.cards.get(pk=first.sibling_id)
    day = FIRST_DAY + timedelta(days=1)
    answer_card(student=student, card=reverse, rating=5, now=noon(day))  # Question 1 is due
    snapshot = queue_snapshot(student=student, deck=both_ways, today=day)
    assert snapshot.item.card != first
    assert snapshot.counts.due == 0
    assert queue_snapshot(student=student, deck=both_ways, today=day + timedelta(1)).counts.due


def test_an_answer_to_a_buried_card_is_not_recorded(student, both_ways):
    first = both_ways.cards.get(front="Question 1")
    answer_card(student=student, card=first, rating=5, now=noon(FIRST_DAY))
    result = study_answer(
        student=student, deck_slug=both_ways.slug, card_id=first.sibling_id, rating=5,
        seen_reviews=0, now=noon(FIRST_DAY),
    )  # fmt: skip
    assert result.offered is False
    assert ReviewLog.objects.count() == 1


def test_a_card_rated_low_still_comes_back_the_same_day(student, both_ways):
    first = both_ways.cards.get(front="Question 1")
    answer_card(student=student, card=first, rating=2, now=noon(FIRST_DAY))
    for card in both_ways.cards.filter(front__in=["Question 2", "Question 3"]):
        answer_card(student=student, card=card, rating=5, now=noon(FIRST_DAY))
    snapshot = queue_snapshot(student=student, deck=both_ways, today=FIRST_DAY)
    assert (snapshot.item.card, snapshot.item.kind) == (first, "repeat")


def test_the_home_page_counts_leave_the_buried_reverse_out(student, both_ways):
    first = both_ways.cards.get(front="Question 1")
    answer_card(student=student, card=first, rating=5, now=noon(FIRST_DAY))
    ((_, cards, seen, counts),) = study_counts_per_deck(
        student=student, decks=[both_ways], today=FIRST_DAY
    )
    assert (cards, seen, counts.new) == (6, 1, 4)  # five unseen, Answer 1 buried


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_siblings_are_never_answered_on_the_same_day(student, both_ways, seed):
    """Study the deck as the queue offers it for three weeks, rating at random."""
    rng = random.Random(seed)
    for offset in range(21):
        day = FIRST_DAY + timedelta(days=offset)
        for _ in range(40):  # more than a day ever holds here
            item = queue_snapshot(student=student, deck=both_ways, today=day).item
            if item is None:
                break
            result = study_answer(
                student=student, deck_slug=both_ways.slug, card_id=item.card.pk,
                rating=rng.choice([1, 2, 3, 4, 5, 5]), seen_reviews=item.seen_reviews,
                show_next=False, now=noon(day),
            )  # fmt: skip
            assert result.applied
    cards_by_day = defaultdict(set)
    for card_id, day in ReviewLog.objects.values_list("card_id", "study_day"):
        cards_by_day[day].add(card_id)
    siblings = dict(both_ways.cards.values_list("pk", "sibling_id"))
    assert len(cards_by_day) > 10
    for cards in cards_by_day.values():
        assert not any(siblings[card] in cards for card in cards)
    assert set(ReviewLog.objects.values_list("card_id", flat=True)) == set(siblings)
