"""The end of a session leads on: to the next deck with cards left, or says all is done."""

import pytest
from django.urls import reverse

from tests.conftest import enroll, make_deck

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def decks(client, student):
    done = make_deck("Aantekeningen", slug="aantekeningen", cards=0)
    waiting = make_deck("Begrippen", slug="begrippen", cards=2)
    enroll(student, done, waiting)
    client.force_login(student)
    return done, waiting


def test_the_summary_loads_where_to_go_next(client, decks):
    done, _ = decks
    response = client.get(reverse("study", args=[done.slug]))
    assert response.context["summary"] is not None
    assert f'hx-get="{reverse("study_next", args=[done.slug])}"'.encode() in response.content


def test_the_next_deck_with_cards_left_is_offered(client, decks):
    done, waiting = decks
    response = client.get(reverse("study_next", args=[done.slug]), headers=HTMX)
    assert response.context["next"].deck == waiting
    assert f'href="{reverse("study", args=[waiting.slug])}"'.encode() in response.content
    assert b"Next up: <strong>Begrippen</strong>, with 2 cards to study today." in response.content


def test_with_every_deck_done_it_says_so(client, decks):
    done, waiting = decks
    waiting.cards.all().delete()
    response = client.get(reverse("study_next", args=[done.slug]), headers=HTMX)
    assert b"every deck is done" in response.content


def test_without_htmx_the_link_goes_straight_to_the_next_deck(client, decks):
    done, waiting = decks
    response = client.get(reverse("study_next", args=[done.slug]))
    assert response["Location"] == reverse("study", args=[waiting.slug])


def test_without_htmx_and_nothing_left_the_link_goes_home(client, decks):
    done, waiting = decks
    waiting.cards.all().delete()
    response = client.get(reverse("study_next", args=[done.slug]))
    assert response["Location"] == reverse("home")
