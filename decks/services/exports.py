"""Taking a deck back out: CSV for spreadsheets, .apkg for Anki; a class's progress as CSV."""

import csv
import hashlib
import io
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from html import escape
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import genanki
from django.core.files.storage import default_storage

from decks.html import MEDIA_EXTENSIONS, MEDIA_URL, clean_card_html, media_hashes
from decks.models import Card, Deck
from decks.services.progress import StudentProgress

# Spreadsheet apps run a cell that starts with one of these as a formula (OWASP "CSV
# injection"); a leading apostrophe makes it text. The CSV importer strips it again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ["front", "back", "tags"]
# Card HTML has passed the sanitiser, so its media tags have exactly these shapes.
_AUDIO_TAG = re.compile(rf'<audio[^>]*\ssrc="{MEDIA_URL.pattern}"[^>]*>.*?</audio>', re.S)
_IMAGE_SOURCE = re.compile(rf'src="{MEDIA_URL.pattern}"')
# Characters no file system or Anki's [sound:...] tag takes in a name.
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\[\]\x00-\x1f]')


def csv_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_row(values: Iterable[object]) -> list[str]:
    """Every cell of an exported row escaped alike: a spreadsheet runs any cell that opens
    like a formula, whoever typed it (a student's name, a deck's title, a card)."""
    return [csv_cell(str(value)) for value in values]


def class_progress_csv(rows: Sequence[StudentProgress]) -> str:
    """The teacher's progress page as CSV, one row per student and a column per deck.

    With a BOM, so Excel reads the accents; every cell escaped by `csv_row`, as a
    student's name is typed by the student. The decks' columns follow the first row's.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    decks = [m.deck.title for m in rows[0].mastery] if rows else []
    writer.writerow(csv_row(
        ["student", "username", "last studied", "due", "streak", "reviews this week", "seen",
         "can recall", *[f"mastered: {title}" for title in decks]]
    ))  # fmt: skip
    for r in rows:
        writer.writerow(csv_row(
            [r.name, r.username, r.last_studied or "", r.due, r.streak, r.reviews_this_week,
             r.seen, r.can_recall, *[f"{m.mastered}/{m.cards}" for m in r.mastery]]
        ))  # fmt: skip
    return out.getvalue()


def deck_csv_chunks(deck: Deck) -> Iterator[bytes]:
    """The deck's active cards as CSV, a row at a time: UTF-8 with a BOM so Excel reads the
    accents. A download streams these, so a large deck never sits in memory whole."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def take() -> bytes:
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text.encode("utf-8")

    writer.writerow(CSV_HEADER)
    yield "\ufeff".encode() + take()
    for card in _exported_cards(deck).iterator(chunk_size=500):
        front, back = clean_card_html(card.front), clean_card_html(card.back)
        writer.writerow(csv_row([front, back, card.tags]))
        yield take()


def deck_to_csv(deck: Deck) -> bytes:
    """The whole CSV at once, for commands and archives."""
    return b"".join(deck_csv_chunks(deck))


def _stable_id(*parts: str) -> int:
    """Anki wants 31-bit-ish ids; derive them so re-exports update the same deck in Anki."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


def _exported_cards(deck: Deck):
    """The deck's active cards, less the reverse cards that follow a card: an export
    holds each note once (a CSV imported into a deck studied both ways, or an Anki
    "and reversed" note, makes the reverse again)."""
    return (
        deck.cards.active()
        .exclude(direction=Card.Direction.REVERSE, sibling__isnull=False)
        .order_by("position", "id")
    )


_CARD_1 = {"name": "Card 1", "qfmt": "{{Front}}", "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}
_CARD_2 = {"name": "Card 2", "qfmt": "{{Back}}", "afmt": '{{FrontSide}}<hr id="answer">{{Front}}'}


def _anki_model(deck: Deck, *, reversed_too: bool = False) -> genanki.Model:
    """Anki's Basic, or with `reversed_too` its "Basic (and reversed card)": a card with
    a reverse sibling leaves as the note Anki studies both ways."""
    if reversed_too:
        return genanki.Model(
            _stable_id("stamp-model", "basic-and-reversed-with-tags"),
            "Stamp Basic (and reversed card)",
            fields=[{"name": "Front"}, {"name": "Back"}],
            templates=[_CARD_1, _CARD_2],
        )
    return genanki.Model(
        _stable_id("stamp-model", "basic-with-tags"),
        "Stamp Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[_CARD_1],
    )


def deck_apkg_file(deck: Deck) -> BinaryIO:
    """The deck's active cards as an Anki package (Basic notes, tags kept), with every
    picture and sound they show: an open temporary file, gone when closed, which a
    download streams from disk."""
    model = _anki_model(deck)
    both_ways = _anki_model(deck, reversed_too=True)
    reversed_cards = set(
        deck.cards.active()
        .filter(direction=Card.Direction.REVERSE, sibling__isnull=False)
        .values_list("sibling_id", flat=True)
    )
    anki_deck = genanki.Deck(_stable_id("stamp-deck", deck.slug), deck.title)
    names = anki_media_names(deck)
    for card in _exported_cards(deck).iterator(chunk_size=500):
        anki_deck.add_note(
            genanki.Note(
                model=both_ways if card.pk in reversed_cards else model,
                # Anki runs script in card fields; only the allow-list leaves the app.
                fields=[
                    to_anki_html(clean_card_html(card.front), names),
                    to_anki_html(clean_card_html(card.back), names),
                ],
                tags=[tag.replace(" ", "_") for tag in card.tag_list],
                guid=genanki.guid_for("stamp", deck.slug, card.key),
            )
        )
    package = tempfile.TemporaryFile()  # noqa: SIM115  (the caller closes it, after streaming)
    with tempfile.TemporaryDirectory() as folder:
        media_paths = []
        for media in deck.media.filter(sha256__in=names):
            path = Path(folder) / names[media.sha256]
            with default_storage.open(media.file.name, "rb") as stored, path.open("wb") as out:
                shutil.copyfileobj(stored, out)
            media_paths.append(str(path))
        genanki.Package(anki_deck, media_files=media_paths).write_to_file(package)
    package.seek(0)
    return package


def deck_to_apkg(deck: Deck) -> bytes:
    """The whole package at once, for commands and archives."""
    with deck_apkg_file(deck) as package:
        return package.read()


def anki_media_names(deck: Deck) -> dict[str, str]:
    """sha256 -> the file name Anki gets, for the files the deck's active cards show: the
    name it came with, made unique in the deck.

    Names are labels from uploads, so only their last part is used and Anki's own
    forbidden characters are replaced.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    shown = {
        sha256
        for front, back in deck.cards.active().values_list("front", "back")
        for sha256 in media_hashes(front + back)
    }
    for sha256, name, content_type in (
        deck.media.filter(sha256__in=shown)
        .order_by("id")
        .values_list("sha256", "name", "content_type")
    ):
        stem = _UNSAFE_NAME.sub("_", PurePosixPath(name).stem)[:80] or sha256[:12]
        candidate = f"{stem}.{MEDIA_EXTENSIONS[content_type]}"
        if candidate.casefold() in taken:
            candidate = f"{stem}-{sha256[:8]}.{MEDIA_EXTENSIONS[content_type]}"
        taken.add(candidate.casefold())
        names[sha256] = candidate
    return names


def to_anki_html(html: str, names: dict[str, str]) -> str:
    """Card HTML as Anki writes it: <img src="name.png"> and [sound:name.mp3]."""

    def sound(match: re.Match[str]) -> str:
        name = names.get(match["sha256"])
        return f"[sound:{name}]" if name else ""

    def image(match: re.Match[str]) -> str:
        name = names.get(match["sha256"])
        return f'src="{escape(name)}"' if name else 'src=""'

    html = _AUDIO_TAG.sub(sound, html)
    return _IMAGE_SOURCE.sub(image, html)


def export_filename(deck: Deck, fmt: str) -> str:
    return f"{deck.slug}.{fmt}"
