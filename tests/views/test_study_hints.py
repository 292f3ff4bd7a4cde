"""The study page's key hints say only what the deck has."""

import re

import pytest
from django.urls import reverse

from tests.conftest import enroll, make_card, make_deck, make_media
from tests.media_samples import mp3

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(client, student):
    deck = make_deck("Klant centraal")
    make_card(deck)
    enroll(student, deck)
    client.force_login(student)
    return deck


def keys(client, deck) -> str:
    page = client.get(reverse("study", args=[deck.slug])).content.decode()
    hint = page[page.index('data-testid="keys"') :]
    return hint[: hint.index("</p>")]


def test_a_deck_without_sound_has_no_r_key_hint(client, deck):
    assert "<kbd>U</kbd>" in keys(client, deck)
    assert "<kbd>R</kbd>" not in keys(client, deck)


def test_a_deck_with_sound_names_the_r_key(client, deck):
    make_media(deck, data=mp3(), name="uitspraak.mp3")
    assert "<kbd>R</kbd> plays the sound again." in keys(client, deck)


def test_an_error_message_is_an_alert_and_a_success_a_status(client, deck):
    client.post(reverse("deck_options", args=[deck.slug]), {"new_per_day": "-3"})
    page = client.get(reverse("home")).content.decode()
    assert '<li class="message error"><span role="alert">' in page
    client.post(reverse("deck_options", args=[deck.slug]), {"new_per_day": "3"})
    page = client.get(reverse("home")).content.decode()
    assert re.search(
        r'<div role="status"[^>]*>\s*<ul class="messages">\s*<li class="message success">', page
    )
