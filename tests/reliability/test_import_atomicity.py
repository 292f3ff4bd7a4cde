"""Every import rejection leaves the database exactly as it was; a fault half-way leaves no card."""

import io
import zipfile
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from decks.models import Card, Deck
from decks.services.imports import ImportRejected, deck_import
from tests.conftest import make_card, make_deck

pytestmark = pytest.mark.django_db


def database_dump() -> str:
    out = StringIO()
    call_command("dumpdata", "decks", "auth", stdout=out, indent=None)
    return out.getvalue()


def zip_with(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


BAD_FILES = {
    "empty.csv": b"",
    "no-back.csv": b"front,back\nDe fiets,The bicycle\nHet ijsje,\n",
    "nul.csv": b"front,back\nDe fi\x00ets,bike\n",
    "huge-field.csv": b"front,back\nx," + b"y" * 20_001 + b"\n",
    "not-a-zip.apkg": b"front,back\nx,y\n",
    "evil.apkg": zip_with("../collection.anki2", b"x"),
    "no-collection.apkg": zip_with("media", b"{}"),
}


@pytest.mark.parametrize("filename", BAD_FILES)
def test_a_rejected_import_leaves_the_database_byte_for_byte_as_before(filename):
    deck = make_deck("Bestaand")
    make_card(deck, front="Oud", back="Old")
    before = database_dump()
    with pytest.raises(ImportRejected):
        deck_import(data=BAD_FILES[filename], filename=filename, format=None, owner=None, deck=deck)
    with pytest.raises(ImportRejected):
        deck_import(
            data=BAD_FILES[filename], filename=filename, format=None, owner=None, deck=None,
            new_title="Nieuw",
        )  # fmt: skip
    assert database_dump() == before


def large_csv(rows: int) -> bytes:
    return ("front,back\n" + "".join(f"Vraag {n},Antwoord {n}\n" for n in range(rows))).encode()


@pytest.mark.parametrize("fail_at", ["first", "middle", "last"])
def test_a_fault_half_way_through_a_large_import_leaves_no_card_behind(fail_at):
    rows = 5_000
    real_bulk_create = Card.objects.bulk_create
    stop = {"first": 1, "middle": rows // 2, "last": rows - 1}[fail_at]

    def fail_part_way(cards, **kwargs):
        cards = list(cards)
        real_bulk_create(cards[:stop], **kwargs)  # these rows reach the database...
        raise OSError(f"disk full after row {stop}")  # ...then the fault

    before = database_dump()
    with (
        mock.patch.object(Card.objects, "bulk_create", side_effect=fail_part_way),
        pytest.raises(OSError),
    ):
        deck_import(
            data=large_csv(rows), filename="groot.csv", format=None, owner=None, deck=None,
            new_title="Groot",
        )  # fmt: skip
    assert not Deck.objects.filter(title="Groot").exists()
    assert Card.objects.count() == 0
    assert database_dump() == before
