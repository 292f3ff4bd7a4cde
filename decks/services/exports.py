"""Taking a deck back out: CSV for spreadsheets, .apkg for Anki."""

import csv
import hashlib
import io
import tempfile
from pathlib import Path

import genanki

from decks.html import clean_card_html
from decks.models import Deck

# Spreadsheet apps run a cell that starts with one of these as a formula (OWASP "CSV
# injection"); a leading apostrophe makes it text. The CSV importer strips it again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ["front", "back", "tags"]


def csv_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def deck_to_csv(deck: Deck) -> bytes:
    """The deck's active cards as CSV: UTF-8 with a BOM so Excel reads the accents."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for card in deck.cards.active().order_by("position", "id"):
        front, back = clean_card_html(card.front), clean_card_html(card.back)
        writer.writerow([csv_cell(front), csv_cell(back), csv_cell(card.tags)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _stable_id(*parts: str) -> int:
    """Anki wants 31-bit-ish ids; derive them so re-exports update the same deck in Anki."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _anki_model(deck: Deck) -> genanki.Model:
    return genanki.Model(
        _stable_id("stamp-model", "basic-with-tags"),
        "Stamp Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Back}}',
            }
        ],
    )


def deck_to_apkg(deck: Deck) -> bytes:
    """The deck's active cards as an Anki package (Basic notes, tags kept)."""
    model = _anki_model(deck)
    anki_deck = genanki.Deck(_stable_id("stamp-deck", deck.slug), deck.title)
    for card in deck.cards.active().order_by("position", "id"):
        anki_deck.add_note(
            genanki.Note(
                model=model,
                # Anki runs script in card fields; only the allow-list leaves the app.
                fields=[clean_card_html(card.front), clean_card_html(card.back)],
                tags=[tag.replace(" ", "_") for tag in card.tag_list],
                guid=genanki.guid_for("stamp", deck.slug, card.key),
            )
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deck.apkg"
        genanki.Package(anki_deck).write_to_file(str(path))
        return path.read_bytes()


def export_filename(deck: Deck, fmt: str) -> str:
    return f"{deck.slug}.{fmt}"
