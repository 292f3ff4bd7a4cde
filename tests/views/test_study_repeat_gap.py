"""A failed card comes back after a few cards, not after all of the day's new cards."""

import re

import pytest
from django.urls import reverse

from decks.services.study import REPEAT_GAP_CARDS
from tests.conftest import enroll, make_deck

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def studying(client, student):
    deck = make_deck("Klant centraal", slug="klant", cards=10)
    enroll(student, deck)
    client.force_login(student)
    return deck


def shown(html: str) -> tuple[int, int]:
    """The card the page shows: its id and answer count."""
    card = re.search(r'name="card" value="(\d+)"', html)
    seen = re.search(r'name="seen" value="(\d+)"', html)
    return int(card[1]), int(seen[1])


def answer(client, html: str, rating: int) -> str:
    card, seen = shown(html)
    return client.post(
        reverse("study_answer", args=["klant"]),
        {"card": card, "seen": seen, "rating": rating},
        headers=HTMX,
    ).content.decode()


def test_a_failed_card_comes_back_after_a_few_cards(client, studying):
    html = client.get(reverse("study", args=["klant"])).content.decode()
    failed, _ = shown(html)
    html = answer(client, html, 1)
    for _ in range(REPEAT_GAP_CARDS):
        assert shown(html)[0] != failed
        html = answer(client, html, 4)
    assert shown(html)[0] == failed
    assert "Again today" in html


def test_with_nothing_else_left_a_failed_card_comes_back_at_once(client, student):
    deck = make_deck("Een kaart", slug="klant", cards=1)
    enroll(student, deck)
    client.force_login(student)
    html = client.get(reverse("study", args=["klant"])).content.decode()
    failed, _ = shown(html)
    assert shown(answer(client, html, 2))[0] == failed


def test_a_card_passed_the_second_time_leaves_the_day(client, studying):
    html = client.get(reverse("study", args=["klant"])).content.decode()
    failed, _ = shown(html)
    html = answer(client, html, 1)
    for _ in range(REPEAT_GAP_CARDS):
        html = answer(client, html, 4)
    html = answer(client, html, 5)  # the failed card, now known
    for _ in range(6):
        assert shown(html)[0] != failed
        html = answer(client, html, 4)
