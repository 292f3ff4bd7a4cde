"""The class form in the admin: the join code a teacher may set, and what a save keeps."""

import pytest

from decks.models import CardState
from tests.admin.conftest import save_join_code
from tests.conftest import answer_card, make_class, make_deck, make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["Q", "abcd2345", "ABCD0123", "ABCD23456"])
def test_a_join_code_nobody_could_type_or_that_is_quickly_guessed_is_refused(client, code):
    classroom = make_class("Klas 1A", teachers=[make_teacher()], join_code="ABCD2345")
    response = save_join_code(client, classroom, code)
    assert response.status_code == 200
    assert "A join code is 8 characters from" in response.content.decode()
    classroom.refresh_from_db()
    assert classroom.join_code == "ABCD2345"


def test_a_join_code_of_the_generated_alphabet_and_length_is_saved(client):
    classroom = make_class("Klas 1A", teachers=[make_teacher()], join_code="ABCD2345")
    response = save_join_code(client, classroom, "KLASZZ99")
    assert response.status_code == 302
    classroom.refresh_from_db()
    assert classroom.join_code == "KLASZZ99"


def test_saving_a_class_keeps_a_co_teachers_deck_the_admin_does_not_offer(client):
    teacher, colleague = make_teacher(), make_teacher("cor")
    theirs = make_deck("Rekenen", owner=colleague)
    classroom = make_class("Klas 1A", teachers=[teacher], decks=[theirs], join_code="ABCD2345")
    response = save_join_code(client, classroom, "ABCD2345")
    assert response.status_code == 302
    assert list(classroom.decks.all()) == [theirs]


def test_setting_an_exam_in_the_admin_brings_forward_the_students_cards(client):
    teacher, student = make_teacher(), make_user()
    deck = make_deck(cards=1, owner=teacher)
    classroom = make_class(
        teachers=[teacher], students=[student], decks=[deck], join_code="ABCD2345"
    )
    answer_card(student=student, card=deck.cards.get(), rating=5)
    CardState.objects.update(due="2099-12-01")
    response = save_join_code(
        client, classroom, "ABCD2345", exam_date="2099-06-01", decks=[deck.pk]
    )
    assert response.status_code == 302
    assert str(CardState.objects.get().due) == "2099-05-31"
