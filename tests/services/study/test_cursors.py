"""The new-card cursor lets the queue skip seen cards, and never hides an unseen one."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.models import User

from decks.models import Card, CardState, Deck, DeckCardsVersion, NewCardCursor
from decks.services.study import review_undo
from decks.services.study.cursors import new_card_cursors_broken, new_card_cursors_repair
from tests.conftest import answer_card, enroll, make_card, make_deck, next_card

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("answer_write_path")]

TODAY = date(2026, 11, 23)
NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def answer_next(student, deck, rating=5, when=NOON):
    item = next_card(student=student, deck=deck, today=TODAY)
    return answer_card(
        student=student, card=item.card, rating=rating, seen_reviews=item.seen_reviews, now=when
    )


def cursor_of(student, deck) -> tuple[int, int] | None:
    row = NewCardCursor.objects.filter(student=student, deck=deck).first()
    return (row.after_position, row.after_card) if row else None


def version_of(deck) -> int:
    row = DeckCardsVersion.objects.filter(deck=deck).first()
    return row.version if row else 0


def first_unseen(student, deck) -> Card | None:
    """What the queue must offer as new, found the slow way: every card, in deck order."""
    seen = set(CardState.objects.filter(student=student).values_list("card_id", flat=True))
    cards = deck.cards.active().order_by("position", "id")
    return next((card for card in cards if card.pk not in seen), None)


def test_answering_new_cards_in_deck_order_moves_the_cursor_past_them(student):
    deck = make_deck(cards=4)
    enroll(student, deck)
    for _ in range(2):
        answer_next(student, deck)
    second = deck.cards.get(position=2)
    assert cursor_of(student, deck) == (2, second.pk)
    assert next_card(student=student, deck=deck, today=TODAY).card.position == 3


def test_a_card_answered_out_of_order_leaves_the_cursor_behind_the_skipped_one(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    answer_next(student, deck)
    third = deck.cards.get(position=3)
    answer_card(student=student, card=third, rating=5, seen_reviews=0, now=NOON)
    assert cursor_of(student, deck) == (1, deck.cards.get(position=1).pk)
    assert next_card(student=student, deck=deck, today=TODAY).card.position == 2


def test_the_cursor_catches_up_once_the_skipped_card_is_answered(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    answer_next(student, deck)
    answer_card(student=student, card=deck.cards.get(position=3), rating=5, seen_reviews=0,
                  now=NOON)  # fmt: skip
    answer_next(student, deck)  # card 2, the one skipped
    assert cursor_of(student, deck) == (3, deck.cards.get(position=3).pk)
    assert next_card(student=student, deck=deck, today=TODAY) is None


def test_a_card_added_before_the_cursor_is_offered_next(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    for _ in range(2):
        answer_next(student, deck)
    inserted = make_card(deck, front="Ingevoegd", position=1)
    assert next_card(student=student, deck=deck, today=TODAY).card == inserted


def test_the_next_answer_sets_a_distrusted_cursor_again(student):
    deck = make_deck(cards=4)
    enroll(student, deck)
    answer_next(student, deck)
    make_card(deck, position=10)  # a change to the deck's cards: the cursor is not trusted
    answer_next(student, deck)
    cursor = NewCardCursor.objects.get(student=student, deck=deck)
    assert (cursor.after_position, cursor.deck_version) == (2, version_of(deck))


def test_a_due_review_also_sets_a_distrusted_cursor_again(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    answer_next(student, deck, when=NOON - timedelta(days=1))
    make_card(deck, position=10)
    item = next_card(student=student, deck=deck, today=TODAY)
    assert item.kind == "due"
    answer_card(student=student, card=item.card, rating=5, seen_reviews=1, now=NOON)
    assert NewCardCursor.objects.get(student=student, deck=deck).deck_version == version_of(deck)


def test_undoing_a_first_answer_offers_the_card_as_new_again(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    answer_next(student, deck)
    log = answer_next(student, deck).log
    review_undo(student=student, deck_id=deck.pk, log_id=log.pk)
    assert cursor_of(student, deck) == (0, 0)
    assert next_card(student=student, deck=deck, today=TODAY).card.position == 2


def test_without_a_cursor_the_queue_reads_from_the_decks_start(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    for _ in range(2):
        answer_next(student, deck)
    NewCardCursor.objects.all().delete()
    assert next_card(student=student, deck=deck, today=TODAY).card.position == 3


def test_a_cursor_past_an_unseen_card_is_found_and_repair_drops_it(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    for _ in range(2):
        answer_next(student, deck)
    third = deck.cards.get(position=3)
    # Written behind the database's back: the cursor claims the unseen third card is seen.
    NewCardCursor.objects.filter(student=student).update(after_position=3, after_card=third.pk)
    assert [fault.card_id for fault in new_card_cursors_broken()] == [third.pk]
    new_card_cursors_repair(new_card_cursors_broken())
    assert new_card_cursors_broken() == []
    assert next_card(student=student, deck=deck, today=TODAY).card == third


@pytest.mark.parametrize("seed", range(6))
def test_the_queue_offers_the_first_unseen_card_whatever_happens_to_the_deck(student, seed):
    """Random answers, undos, insertions, re-orderings and retirements, checked each step."""
    rng = random.Random(seed)
    deck = make_deck(cards=8, new_cards_per_day=1000)
    enroll(student, deck)
    clock = NOON
    last_log = None
    for _ in range(40):
        clock += timedelta(seconds=10)
        action = rng.choice(["answer", "answer", "answer", "undo", "insert", "move", "retire"])
        cards = list(deck.cards.order_by("position", "id"))
        if action == "answer" and first_unseen(student, deck):
            last_log = answer_next(student, deck, rating=rng.choice([4, 5]), when=clock).log
        elif action == "undo" and last_log is not None:
            review_undo(student=student, deck_id=deck.pk, log_id=last_log.pk)
            last_log = None
        elif action == "insert":
            make_card(deck, position=rng.randint(0, 10))
        elif action == "move":
            card = rng.choice(cards)
            card.position = rng.randint(0, 10)
            card.save(update_fields=["position"])
        elif action == "retire":
            card = rng.choice(cards)
            card.retired_at = None if card.retired_at else clock
            card.save(update_fields=["retired_at"])
        item = next_card(student=student, deck=deck, today=TODAY)
        expected = first_unseen(student, deck)
        offered_new = item.card if item is not None and item.kind == "new" else None
        assert offered_new == expected, f"after {action}"
        assert new_card_cursors_broken() == []


# The two rules are database triggers: paths that call no service keep them too.


def test_a_reorder_by_bulk_update_still_offers_the_unseen_card_it_moved_forward(student):
    deck = make_deck(cards=4)
    enroll(student, deck)
    for _ in range(2):
        answer_next(student, deck)
    last = deck.cards.get(position=4)
    last.position = 0
    Card.objects.bulk_update([last], ["position"])
    assert next_card(student=student, deck=deck, today=TODAY).card == last
    assert new_card_cursors_broken() == []


def test_a_card_moved_by_a_queryset_update_is_offered_next(student):
    deck = make_deck(cards=4)
    enroll(student, deck)
    for _ in range(2):
        answer_next(student, deck)
    moved = deck.cards.get(position=3)
    Card.objects.filter(pk=moved.pk).update(position=1)
    assert next_card(student=student, deck=deck, today=TODAY).card == moved


def test_a_card_brought_back_by_a_queryset_update_is_offered_next(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    first = deck.cards.get(position=1)
    Card.objects.filter(pk=first.pk).update(retired_at=NOON)
    for _ in range(2):
        answer_next(student, deck)  # cards 2 and 3
    Card.objects.filter(pk=first.pk).update(retired_at=None)
    assert next_card(student=student, deck=deck, today=TODAY).card == first


def test_cards_reworded_or_retired_keep_the_cursor_trusted(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    answer_next(student, deck)
    before = version_of(deck)
    deck.cards.filter(position=2).update(front="Anders gezegd")
    deck.cards.filter(position=3).update(retired_at=NOON)
    assert version_of(deck) == before


def test_a_state_removed_by_a_queryset_delete_sets_the_cursor_back(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    for _ in range(2):
        answer_next(student, deck)
    first = deck.cards.get(position=1)
    CardState.objects.filter(student=student, card=first).delete()
    assert cursor_of(student, deck) == (0, 0)
    assert next_card(student=student, deck=deck, today=TODAY).card == first


def test_a_deck_with_cursors_and_states_can_be_deleted(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    answer_next(student, deck)
    Deck.objects.filter(pk=deck.pk).delete()
    assert not NewCardCursor.objects.exists()
    assert not CardState.objects.exists()


def test_a_student_with_cursors_and_states_can_be_deleted(student):
    deck = make_deck(cards=3)
    enroll(student, deck)
    answer_next(student, deck)
    User.objects.filter(pk=student.pk).delete()
    assert not NewCardCursor.objects.exists()
