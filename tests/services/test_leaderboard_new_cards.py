"""New cards learned on the leaderboard: their own column, not the rank."""

from datetime import date

import pytest

from decks.services.leaderboard import class_leaderboard
from tests.conftest import answer_card, make_class, make_deck, make_user
from tests.services.conftest import local

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 11, 25)


@pytest.fixture
def classroom():
    deck = make_deck(cards=32)
    # Noor first, so that only the tie-break puts Kim above her.
    noor, kim = make_user("noor", first_name="Noor"), make_user("kim", first_name="Kim")
    classroom = make_class(students=[noor, kim], decks=[deck])
    for card in deck.cards.all():
        answer_card(student=kim, card=card, rating=4, seen_reviews=0, now=local(24, 10))
    return classroom


def rows(classroom, viewer):
    return class_leaderboard(classroom=classroom, viewer=viewer, today=WEDNESDAY)


def test_a_student_who_learned_32_new_cards_shows_them_in_their_own_column(classroom):
    kim = classroom.students.get(username="kim")
    row = next(r for r in rows(classroom, kim) if r.name == "Kim")
    assert (row.cards, row.new_cards) == (0, 32)


def test_new_cards_do_not_change_the_rank_but_order_a_tie(classroom):
    kim = classroom.students.get(username="kim")
    board = rows(classroom, kim)
    assert [(r.name, r.rank) for r in board] == [("Kim", 1), ("Noor", 1)]


def test_the_board_can_be_sorted_by_new_cards_learned(classroom):
    kim = classroom.students.get(username="kim")
    board = class_leaderboard(classroom=classroom, viewer=kim, today=WEDNESDAY, sort="new_cards")
    assert [(r.name, r.rank) for r in board] == [("Kim", 1), ("Noor", 2)]
