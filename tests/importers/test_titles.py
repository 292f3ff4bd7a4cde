"""An import proposes a readable deck title, not the upload's file name."""

import genanki
import pytest

from decks.importers import apkg
from decks.importers.base import title_from_file_name
from decks.importers.detect import parse_upload


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("verkoop_basis.csv", "Verkoop basis"),
        ("klant-centraal.txt", "Klant centraal"),
        ("Hoofdstuk 3.csv", "Hoofdstuk 3"),
        ("E-mail etiquette.tsv", "E-mail etiquette"),
        ("kaarten.csv.zip", "Kaarten"),
        ("CRM_begrippen__H2.apkg", "CRM begrippen H2"),
        ("map\\sub\\woorden_lijst.csv", "Woorden lijst"),
    ],
)
def test_a_file_name_becomes_a_readable_title(name, title):
    assert title_from_file_name(name) == title


def test_an_upload_named_with_underscores_proposes_a_readable_title():
    assert parse_upload(b"a,b\n", filename="verkoop_basis.csv").deck_title == "Verkoop basis"


def test_an_anki_package_proposes_the_deck_name_inside(tmp_path):
    deck = genanki.Deck(7, "Verkoopgesprekken")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["koop", "buy"]))
    genanki.Package([deck]).write_to_file(tmp_path / "export_2026_11.apkg")
    upload = (tmp_path / "export_2026_11.apkg").read_bytes()
    assert parse_upload(upload, filename="export_2026_11.apkg").deck_title == "Verkoopgesprekken"


def test_ankis_default_deck_gives_way_to_the_file_name(tmp_path):
    deck = genanki.Deck(1, "Default")
    deck.add_note(genanki.Note(model=genanki.BASIC_MODEL, fields=["koop", "buy"]))
    genanki.Package([deck]).write_to_file(tmp_path / "p.apkg")
    assert apkg.parse((tmp_path / "p.apkg").read_bytes()).deck_title is None
    upload = (tmp_path / "p.apkg").read_bytes()
    assert parse_upload(upload, filename="verkoop_basis.apkg").deck_title == "Verkoop basis"
