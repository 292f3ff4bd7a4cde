"""The teacher's hardest-cards page and progress pages: what they list and who may see them."""

import pytest
from django.urls import reverse

from tests.conftest import answer_card, make_class, make_deck, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    return make_user("tess", first_name="Tess")


def class_with_answers(teacher, *, cards: int, seen: int, decks: int = 1):
    student = make_user("sam", first_name="Sam", last_name="de Boer")
    made = [make_deck(f"Deck {n}", cards=cards, owner=teacher) for n in range(decks)]
    classroom = make_class("Klas 1A", students=[student], decks=made, teachers=[teacher])
    for deck in made:
        for card in deck.cards.all()[:seen]:
            answer_card(student=student, card=card, rating=2, seen_reviews=0)
    return classroom, student, made


def test_the_hardest_cards_page_lists_only_seen_cards(client, teacher):
    classroom, _, (deck,) = class_with_answers(teacher, cards=5, seen=2)
    client.force_login(teacher)

    response = client.get(reverse("class_items", args=[classroom.pk]))

    assert len(response.context["items"]) == 2
    assert "2 cards the class has seen" in response.text


def test_the_hardest_cards_page_shows_25_cards_a_page(client, teacher):
    classroom, _, _ = class_with_answers(teacher, cards=30, seen=30)
    client.force_login(teacher)
    url = reverse("class_items", args=[classroom.pk])

    first = client.get(url)
    second = client.get(url, {"page": 2})

    assert len(first.context["items"]) == 25
    assert 'rel="next" href="?page=2"' in first.text
    assert len(second.context["items"]) == 5
    assert "Page 2 of 2" in second.text


def test_the_hardest_cards_page_filters_by_deck(client, teacher):
    classroom, _, decks = class_with_answers(teacher, cards=2, seen=2, decks=2)
    client.force_login(teacher)

    response = client.get(reverse("class_items", args=[classroom.pk]), {"deck": decks[1].pk})

    assert {item.card.deck for item in response.context["items"]} == {decks[1]}
    assert f'<option value="{decks[1].pk}" selected>' in response.text


def test_a_deck_outside_the_class_is_no_filter(client, teacher):
    classroom, _, _ = class_with_answers(teacher, cards=2, seen=2)
    elsewhere = make_deck(cards=1)
    client.force_login(teacher)

    response = client.get(reverse("class_items", args=[classroom.pk]), {"deck": elsewhere.pk})

    assert response.context["deck"] is None
    assert len(response.context["items"]) == 2


def test_progress_shows_seen_and_can_recall_out_of_the_class_cards(client, teacher):
    classroom, student, _ = class_with_answers(teacher, cards=4, seen=3, decks=2)
    client.force_login(teacher)

    html = client.get(reverse("class_progress", args=[classroom.pk])).text

    assert '3<span class="of">/8</span>' not in html  # 3 of each deck: 6 seen
    assert '6<span class="of">/8</span>' in html
    assert "The class's decks have 8 cards" in html


def test_progress_links_each_student_to_their_own_page(client, teacher):
    classroom, student, _ = class_with_answers(teacher, cards=2, seen=1)
    client.force_login(teacher)

    html = client.get(reverse("class_progress", args=[classroom.pk])).text

    assert reverse("class_student", args=[classroom.pk, student.pk]) in html


def test_a_teacher_opens_one_students_progress_per_deck(client, teacher):
    classroom, student, decks = class_with_answers(teacher, cards=4, seen=3, decks=2)
    client.force_login(teacher)

    response = client.get(reverse("class_student", args=[classroom.pk, student.pk]))

    assert response.status_code == 200
    assert [(s.deck, s.seen, s.cards) for s in response.context["standings"]] == [
        (decks[0], 3, 4),
        (decks[1], 3, 4),
    ]
    assert "6/8" in response.text


def test_another_teacher_cannot_open_a_student_of_this_class(client, teacher):
    classroom, student, _ = class_with_answers(teacher, cards=1, seen=1)
    client.force_login(make_user("otto"))

    response = client.get(reverse("class_student", args=[classroom.pk, student.pk]))

    assert response.status_code == 404


def test_a_student_outside_the_class_has_no_page_in_it(client, teacher):
    classroom, _, _ = class_with_answers(teacher, cards=1, seen=1)
    outsider = make_user("olga")
    client.force_login(teacher)

    response = client.get(reverse("class_student", args=[classroom.pk, outsider.pk]))

    assert response.status_code == 404


def test_a_student_cannot_open_a_classmates_page(client, teacher):
    classroom, student, _ = class_with_answers(teacher, cards=1, seen=1)
    client.force_login(student)

    response = client.get(reverse("class_student", args=[classroom.pk, student.pk]))

    assert response.status_code == 404
