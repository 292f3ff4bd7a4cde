"""An answer posted after the session ended is never lost, never a page inside the card,
never a 405: it travels through the log-in and is offered again on its card."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from decks.models import ReviewLog
from tests.conftest import enroll, make_deck

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def deck(student):
    deck = make_deck("Klant centraal", slug="klant", cards=2)
    enroll(student, deck)
    return deck


def answer(deck, rating=4):
    return {"card": deck.cards.first().pk, "seen": 0, "rating": rating, "shown_at": 1}


def test_an_htmx_answer_without_a_session_gets_a_fragment_saying_so(client, deck):
    response = client.post(reverse("study_answer", args=["klant"]), answer(deck), headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "Your session has ended" in page
    assert 'name="password"' not in page
    assert not ReviewLog.objects.exists()


def test_the_fragment_tells_the_offline_pack_that_nothing_was_saved(client, deck):
    response = client.post(reverse("study_answer", args=["klant"]), answer(deck), headers=HTMX)
    assert response["Stamp-Session-Ended"] == "1"


def test_the_fragments_log_in_leads_back_to_the_card_with_the_answer(client, deck):
    response = client.post(reverse("study_answer", args=["klant"]), answer(deck), headers=HTMX)
    login = response.context["login_url"]
    next_url = parse_qs(urlsplit(login).query)["next"][0]
    assert urlsplit(next_url).path == reverse("study", args=["klant"])
    assert parse_qs(urlsplit(next_url).query) == {
        "card": [str(deck.cards.first().pk)],
        "seen": ["0"],
        "rating": ["4"],
    }


def test_a_plain_answer_without_a_session_goes_to_the_log_in_keeping_it(client, deck):
    response = client.post(reverse("study_answer", args=["klant"]), answer(deck, rating=2))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    assert "rating%3D2" in response["Location"]


def test_after_logging_in_the_card_offers_the_answer_again(client, student, deck):
    client.force_login(student)
    card = deck.cards.first()
    page = client.get(reverse("study", args=["klant"]), {"card": card.pk, "seen": 0, "rating": 4})
    assert page.context["unsaved"]["rating"] == 4
    assert b"Save my answer: 4 \xc2\xb7 Well" in page.content


def test_an_answer_offered_again_is_not_offered_for_another_card(client, student, deck):
    client.force_login(student)
    other = deck.cards.last().pk
    page = client.get(reverse("study", args=["klant"]), {"card": other, "seen": 0, "rating": 4})
    assert page.context["unsaved"] is None


def test_saving_the_offered_answer_twice_records_it_once(client, student, deck):
    client.force_login(student)
    for _ in range(2):
        client.post(reverse("study_answer", args=["klant"]), answer(deck), headers=HTMX)
    assert ReviewLog.objects.count() == 1


def test_a_get_of_the_answer_address_opens_the_study_page_not_a_405(client, student, deck):
    client.force_login(student)
    response = client.get(reverse("study_answer", args=["klant"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("study", args=["klant"])
