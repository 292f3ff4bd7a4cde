"""Pages whose numbers change as a student studies are never kept by a browser's cache,
so Back and Forward read them again instead of showing yesterday's counts."""

import pytest
from django.urls import reverse

from tests.conftest import enroll, make_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(client, student):
    deck = make_deck("Klant centraal", cards=2)
    enroll(student, deck)
    client.force_login(student)
    return deck


@pytest.mark.parametrize("name", ["home", "deck_detail", "study"])
def test_study_pages_are_sent_with_no_store(client, deck, name):
    args = [] if name == "home" else [deck.slug]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_next_card_after_an_answer_is_sent_with_no_store(client, deck):
    card = deck.cards.first()
    response = client.post(
        reverse("study_answer", args=[deck.slug]),
        {"card": card.pk, "rating": 5, "seen": 0, "shown_at": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["home", "deck_detail", "study"])
def test_study_pages_ask_to_be_read_again_when_restored_from_history(client, deck, name):
    args = [] if name == "home" else [deck.slug]
    assert b"data-fresh" in client.get(reverse(name, args=args)).content
