"""Each rating button says when the card comes back, as the scheduler would set it."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from decks.models import CardState
from decks.services.clock import today_for_study
from decks.templatetags.cards import comes_back
from tests.conftest import answer_card, enroll, make_card, make_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(client, student):
    deck = make_deck("Klant centraal", slug="klant")
    card = make_card(deck, front="Wat is CRM?")
    enroll(student, deck)
    client.force_login(student)
    return card


COMES_BACK = re.compile(
    r'data-testid="comes-back-(\d)"><span class="visually-hidden">[^<]*</span>([^<]*)</span>'
)


def shown(client) -> dict[int, str]:
    page = client.get(reverse("study", args=["klant"])).content.decode()
    return {int(rating): label for rating, label in COMES_BACK.findall(page)}


def test_a_new_cards_buttons_say_today_for_1_to_3_and_1_d_for_4_and_5(client, card):
    assert shown(client) == {1: "today", 2: "today", 3: "today", 4: "1 d", 5: "1 d"}


def test_a_mature_cards_buttons_say_months(client, student, card):
    CardState.objects.create(
        student=student, card=card, deck=card.deck, repetitions=3, easiness=2.5, interval=30,
        due=today_for_study(), reviews=3, introduced_on=today_for_study() - timedelta(days=60),
    )  # fmt: skip
    assert shown(client)[4] == "2 mo"
    assert shown(client)[1] == "today"


def test_a_card_repeated_today_says_the_date_its_first_answer_set(client, student, card):
    answer_card(student=student, card=card, rating=2)
    assert shown(client) == {1: "today", 2: "today", 3: "today", 4: "1 d", 5: "1 d"}


def test_the_help_says_why_1_to_3_repeat(client, card):
    page = client.get(reverse("study", args=["klant"])).content.decode()
    assert "1 to 3 bring it back later today" in page


@pytest.mark.parametrize(
    ("days", "label"), [(0, "today"), (1, "1 d"), (6, "6 d"), (75, "2 mo"), (400, "1.1 y")]
)
def test_when_a_card_comes_back_reads_short(days, label):
    assert comes_back(days) == label
