"""The admin in Dutch: its actions, their messages and the import's messages."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from decks.models import Card
from tests.conftest import make_card, make_deck, make_teacher

pytestmark = pytest.mark.django_db

DUTCH = {"accept-language": "nl"}


@pytest.fixture(autouse=True)
def english_after_each_test():
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def teacher(client):
    teacher = make_teacher()
    client.force_login(teacher)
    return teacher


def test_the_deck_actions_are_dutch(client, teacher):
    make_deck(owner=teacher)

    html = client.get(reverse("admin:decks_deck_changelist"), headers=DUTCH).text

    assert "Exporteer de gekozen decks als CSV" in html
    assert "Exporteer de gekozen decks als Anki-pakketten" in html
    assert "Export selected decks" not in html


def test_retiring_cards_is_asked_and_answered_in_dutch(client, teacher):
    deck = make_deck(owner=teacher)
    cards = [make_card(deck, front=f"Vraag {n}") for n in range(2)]
    changelist = reverse("admin:decks_card_changelist")

    html = client.get(changelist, headers=DUTCH).text
    response = client.post(
        changelist,
        {"action": "retire", "_selected_action": [card.pk for card in cards]},
        headers=DUTCH,
        follow=True,
    )

    assert "Zet de gekozen kaarten buiten gebruik" in html
    assert "2 kaarten buiten gebruik gesteld." in response.text
    assert Card.objects.filter(retired_at__isnull=False).count() == 2


def test_the_import_problems_are_dutch(client, teacher):
    response = client.post(
        reverse("admin:decks_deck_import"),
        {"file": SimpleUploadedFile("leeg.csv", b"front,back\n"), "format": ""},
        headers=DUTCH,
    )

    assert "leeg.csv: er zijn geen kaarten in het bestand gevonden" in response.text


def test_a_problem_on_a_line_names_the_line_in_dutch(client, teacher):
    data = "café;koffie\nfiets;bike\nfiets;bicycle\n".encode()

    response = client.post(
        reverse("admin:decks_deck_import"),
        {"file": SimpleUploadedFile("woorden.csv", data), "format": ""},
        headers=DUTCH,
    )

    assert "woorden.csv, regel 3: &quot;fiets&quot; wordt twee keer gevraagd" in response.text
