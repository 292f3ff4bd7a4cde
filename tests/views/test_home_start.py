"""A new student's home page, and one "cards studied today" on home, deck and study pages."""

import pytest
from django.urls import reverse

from tests.conftest import enroll, make_class, make_deck

pytestmark = pytest.mark.django_db


def test_a_new_student_is_told_to_join_a_class(client, student):
    client.force_login(student)
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "Join your class with the code your teacher gave you" in html
    assert f'href="{reverse("class_join")}"' in html
    assert 'role="progressbar"' not in html
    assert "pick a deck" not in html.lower()


def test_a_student_in_a_class_without_decks_is_told_the_teacher_adds_them(client, student):
    make_class("Klas 1A", students=[student])
    client.force_login(student)
    assert b"Your class has no decks yet" in client.get(reverse("home")).content


def test_sign_up_welcomes_a_new_student_with_what_to_do_first(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "noor",
            "password1": "een-lang-wachtwoord-7",
            "password2": "een-lang-wachtwoord-7",
        },
        follow=True,
    )
    assert b"Join your class with the code your teacher gave you" in response.content
    assert b"Pick a deck" not in response.content


def answer(client, deck, card, rating, seen):
    client.post(
        reverse("study_answer", args=[deck.slug]),
        {"card": card.pk, "rating": rating, "seen": seen, "shown_at": ""},
    )


def test_home_deck_and_study_pages_count_the_same_cards_studied_today(client, student):
    deck = make_deck("Klant centraal", cards=3)
    enroll(student, deck)
    client.force_login(student)
    first, second = deck.cards.order_by("position")[:2]
    answer(client, deck, first, 2, seen=0)  # comes back today
    answer(client, deck, first, 5, seen=1)
    answer(client, deck, second, 5, seen=0)

    home = client.get(reverse("home"))
    deck_page = client.get(reverse("deck_detail", args=[deck.slug]))
    study = client.get(reverse("study", args=[deck.slug]))

    assert home.context["progress"].cards == 2
    assert deck_page.context["studied_today"] == 2
    assert study.context["studied_today"] == 2
    assert b'data-testid="done">2</strong> cards studied today' in study.content
    assert b'data-testid="done-today">2</span> cards studied today' in home.content
