"""A student takes a deck with them: the downloads stream instead of sitting in memory."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from tests.conftest import enroll, make_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck(client, student):
    deck = make_deck("Klant centraal", cards=1200)
    enroll(student, deck)
    client.force_login(student)
    return deck


def test_the_csv_download_streams_every_card_a_row_at_a_time(client, deck):
    response = client.get(reverse("deck_export_csv", args=[deck.slug]))

    assert response.streaming
    chunks = list(response.streaming_content)
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode("utf-8-sig"))))
    assert rows[0] == ["front", "back", "tags"]
    assert len(rows) == 1 + 1200
    assert len(chunks) > 1200 / 2  # not one string built whole
    assert response["Content-Disposition"] == f'attachment; filename="{deck.slug}.csv"'


def test_the_anki_download_is_streamed_from_a_file_and_holds_the_collection(client, deck):
    response = client.get(reverse("deck_export_apkg", args=[deck.slug]))

    assert response.streaming
    package = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "collection.anki2" in package.namelist()
    assert f'filename="{deck.slug}.apkg"' in response["Content-Disposition"]
