from datetime import UTC, date, datetime, timedelta

import pytest

from decks.models import CardState, DeckSettings
from decks.services.study import queue, queue_snapshot
from tests.conftest import answer_card, enroll, make_card, make_deck, next_card, queue_counts

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def state_for(student, card, *, due, interval=6, repetitions=2):
    return CardState.objects.create(
        student=student, card=card, deck=card.deck, due=due, interval=interval,
        repetitions=repetitions, introduced_on=due - timedelta(days=interval), reviews=repetitions,
    )  # fmt: skip


def answer(student, item, rating, when=NOON):
    return answer_card(
        student=student, card=item.card, rating=rating, seen_reviews=item.seen_reviews, now=when
    )


def test_due_cards_come_first_most_overdue_first(student):
    deck = make_deck(cards=3)
    first, second, third = deck.cards.all()
    state_for(student, second, due=TODAY - timedelta(days=1))
    state_for(student, third, due=TODAY - timedelta(days=5))
    assert next_card(student=student, deck=deck, today=TODAY).card == third


def test_cards_due_later_are_not_in_todays_queue(student):
    deck = make_deck(cards=1)
    state_for(student, deck.cards.get(), due=TODAY + timedelta(days=1))
    assert next_card(student=student, deck=deck, today=TODAY) is None


def test_new_cards_follow_deck_order(student):
    deck = make_deck(cards=3)
    item = next_card(student=student, deck=deck, today=TODAY)
    assert (item.kind, item.card.position) == ("new", 1)


def test_new_cards_stop_at_the_daily_limit(student):
    deck = make_deck(cards=5, new_cards_per_day=2)
    enroll(student, deck)
    for _ in range(2):
        answer(student, next_card(student=student, deck=deck, today=TODAY), 5)
    assert next_card(student=student, deck=deck, today=TODAY) is None
    assert queue_counts(student=student, deck=deck, today=TODAY).new == 0


def test_the_new_card_limit_resets_the_next_study_day(student):
    deck = make_deck(cards=5, new_cards_per_day=2)
    enroll(student, deck)
    for _ in range(2):
        answer(student, next_card(student=student, deck=deck, today=TODAY), 5)
    assert queue_counts(student=student, deck=deck, today=TODAY + timedelta(days=1)).new == 2


def test_a_card_rated_below_four_comes_back_the_same_day(student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 3)
    item = next_card(student=student, deck=deck, today=TODAY)
    assert (item.kind, item.card) == ("repeat", deck.cards.get())


def test_a_repeated_card_leaves_the_queue_once_rated_four(student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 2)
    answer(
        student, next_card(student=student, deck=deck, today=TODAY), 4, NOON + timedelta(minutes=1)
    )
    assert next_card(student=student, deck=deck, today=TODAY) is None


def test_repeats_wait_until_due_and_new_cards_are_done(student):
    deck = make_deck(cards=2)
    enroll(student, deck)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 1)
    assert next_card(student=student, deck=deck, today=TODAY).kind == "new"


def test_counts_add_up_what_is_left_and_what_was_done(student):
    deck = make_deck(cards=4, new_cards_per_day=3)
    enroll(student, deck)
    state_for(student, deck.cards.get(position=4), due=TODAY)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 5)  # the due card
    answer(student, next_card(student=student, deck=deck, today=TODAY), 1)  # a new card
    counts = queue_counts(student=student, deck=deck, today=TODAY)
    assert (counts.due, counts.new, counts.repeat, counts.done_today) == (0, 2, 1, 2)
    assert counts.left == 3


def test_another_students_progress_does_not_change_my_queue(student, django_user_model):
    deck = make_deck(cards=1)
    enroll(student, deck)
    other = django_user_model.objects.create_user("other")
    enroll(other, deck)
    answer(other, next_card(student=other, deck=deck, today=TODAY), 5)
    assert next_card(student=student, deck=deck, today=TODAY).kind == "new"


def test_a_students_own_new_card_limit_overrides_the_decks(student):
    deck = make_deck(cards=5, new_cards_per_day=20)
    enroll(student, deck)
    DeckSettings.objects.create(student=student, deck=deck, new_per_day=1)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 5)
    assert next_card(student=student, deck=deck, today=TODAY) is None


def test_the_review_limit_stops_due_reviews_for_the_day(student):
    deck = make_deck(cards=3, new_cards_per_day=0)
    enroll(student, deck)
    for card in deck.cards.all():
        state_for(student, card, due=TODAY)
    DeckSettings.objects.create(student=student, deck=deck, reviews_per_day=2)
    for _ in range(2):
        answer(student, next_card(student=student, deck=deck, today=TODAY), 5)
    assert queue_counts(student=student, deck=deck, today=TODAY).due == 0
    assert next_card(student=student, deck=deck, today=TODAY) is None


def retire(card):
    card.retired_at = NOON
    card.save(update_fields=["retired_at"])


def test_a_retired_due_card_is_neither_counted_nor_served(student):
    deck = make_deck(cards=2)
    first, second = deck.cards.all()
    state_for(student, first, due=TODAY - timedelta(days=3))
    state_for(student, second, due=TODAY - timedelta(days=1))
    retire(first)
    counts = queue_counts(student=student, deck=deck, today=TODAY)
    assert (counts.due, counts.new) == (1, 0)
    assert next_card(student=student, deck=deck, today=TODAY).card == second


def test_a_retired_card_rated_low_today_is_not_repeated(student):
    deck = make_deck(cards=2, new_cards_per_day=1)
    enroll(student, deck)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 2)
    retire(deck.cards.get(position=1))
    counts = queue_counts(student=student, deck=deck, today=TODAY)
    assert (counts.repeat, counts.new) == (0, 1)
    assert next_card(student=student, deck=deck, today=TODAY).card.position == 2


def test_retired_unseen_cards_are_not_offered_as_new(student):
    deck = make_deck(cards=3)
    for card in deck.cards.filter(position__lte=2):
        retire(card)
    counts = queue_counts(student=student, deck=deck, today=TODAY)
    assert counts.new == 1
    assert next_card(student=student, deck=deck, today=TODAY).card.position == 3


def test_cards_due_the_same_day_come_in_the_order_they_were_added(student):
    deck = make_deck()
    added_first = make_card(deck, position=2)
    added_second = make_card(deck, position=1)
    for card in (added_second, added_first):
        state_for(student, card, due=TODAY - timedelta(days=2))
    assert next_card(student=student, deck=deck, today=TODAY).card == added_first


def test_a_due_count_past_the_cap_is_shown_as_at_least_the_cap(student, monkeypatch):
    monkeypatch.setattr(queue, "DUE_COUNT_CAP", 2)
    deck = make_deck(cards=3)
    for card in deck.cards.all():
        state_for(student, card, due=TODAY)
    counts = queue_counts(student=student, deck=deck, today=TODAY)
    assert (counts.due, counts.due_label, counts.left_label) == (2, "2+", "2+")


def test_a_due_count_below_the_cap_is_exact(student, monkeypatch):
    monkeypatch.setattr(queue, "DUE_COUNT_CAP", 3)
    deck = make_deck(cards=3)
    for card in list(deck.cards.all())[:2]:
        state_for(student, card, due=TODAY)
    counts = queue_counts(student=student, deck=deck, today=TODAY)
    assert (counts.due, counts.due_label) == (2, "2")


def test_the_end_of_the_day_comes_with_the_sessions_summary(student):
    deck = make_deck(cards=2)
    enroll(student, deck)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 5)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 2)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 4,
           NOON + timedelta(minutes=1))  # fmt: skip
    summary = queue_snapshot(student=student, deck=deck, today=TODAY).summary
    assert (summary.answers, summary.cards, summary.ratings) == (3, 2, {2: 1, 4: 1, 5: 1})
    assert summary.next_due == TODAY + timedelta(days=1)
    assert summary.due_tomorrow == 2


def test_a_session_with_cards_left_has_no_summary_yet(student):
    deck = make_deck(cards=2)
    enroll(student, deck)
    answer(student, next_card(student=student, deck=deck, today=TODAY), 5)
    assert queue_snapshot(student=student, deck=deck, today=TODAY).summary is None


def test_retired_due_cards_past_the_cap_do_not_hide_the_active_ones(student, monkeypatch):
    monkeypatch.setattr(queue, "DUE_COUNT_CAP", 2)
    deck = make_deck(cards=5)
    for card in deck.cards.all():
        state_for(student, card, due=TODAY)
    for card in deck.cards.filter(position__lte=3):
        retire(card)
    counts = queue_counts(student=student, deck=deck, today=TODAY)
    assert (counts.due, counts.due_label) == (2, "2")


def test_a_review_limit_below_the_cap_shows_an_exact_due_count(student, monkeypatch):
    monkeypatch.setattr(queue, "DUE_COUNT_CAP", 3)
    deck = make_deck(cards=5)
    for card in deck.cards.all():
        state_for(student, card, due=TODAY)
    DeckSettings.objects.create(student=student, deck=deck, reviews_per_day=2)
    counts = queue_counts(student=student, deck=deck, today=TODAY)
    assert (counts.due, counts.due_label) == (2, "2")
