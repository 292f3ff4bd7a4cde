import csv
import io
import os

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from decks.models import Deck
from decks.services.exports import class_progress_csv, deck_to_apkg, deck_to_csv
from decks.services.imports import deck_import
from decks.services.progress import DeckMastery, StudentProgress
from tests.conftest import make_card, make_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck():
    deck = make_deck("Nederlands")
    make_card(
        deck,
        front="Wat is een <b>reünie</b>?",
        back="Een bijeenkomst.<br>Vaak na jaren.",
        tags="h1",
    )
    make_card(
        deck, front="Noem twee seizoenen", back="<ul><li>lente</li><li>herfst</li></ul>", tags="h2"
    )
    make_card(deck, front="=1+1", back="-5 graden", tags="")
    make_card(deck, front="één, twee &amp; drie 🚲", back="one, two &amp; three")
    return deck


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_export_starts_with_a_bom_so_excel_reads_accents(deck):
    assert deck_to_csv(deck).startswith("\ufeff".encode())


def test_csv_cells_that_would_run_as_formulas_are_escaped(deck):
    formula_row = rows(deck_to_csv(deck))[3]
    assert formula_row[:2] == ["'=1+1", "'-5 graden"]


def test_retired_cards_are_not_exported(deck):
    deck.cards.filter(front="=1+1").update(retired_at="2026-01-01T00:00:00Z")
    assert len(rows(deck_to_csv(deck))) == 1 + 3


def test_a_csv_export_imports_back_unchanged(deck):
    _, result = deck_import(
        data=deck_to_csv(deck), filename="export.csv", format=None, owner=None, deck=None,
        new_title="Copy",
    )  # fmt: skip
    original = list(deck.cards.values_list("front", "back", "tags"))
    copy = list(result.deck.cards.values_list("front", "back", "tags"))
    assert copy == original


def test_anki_opens_the_apkg_export_with_every_front_and_back(deck, tmp_path):
    package = tmp_path / "deck.apkg"
    package.write_bytes(deck_to_apkg(deck))
    collection = Collection(os.fspath(tmp_path / "collection.anki2"))
    try:
        collection.import_anki_package(
            ImportAnkiPackageRequest(
                package_path=os.fspath(package), options=ImportAnkiPackageOptions()
            )
        )
        notes = [collection.get_note(nid) for nid in collection.find_notes("")]
        found = {(note.fields[0], note.fields[1]) for note in notes}
        tags = {tag for note in notes for tag in note.tags}
    finally:
        collection.close()
    assert found == set(deck.cards.values_list("front", "back"))
    assert {"h1", "h2"} <= tags


def test_exports_carry_only_sanitised_card_html(deck):
    make_card(deck, front='<img src=x onerror="alert(1)">Vraag', back="<script>alert(2)</script>Ja")
    csv_text = deck_to_csv(deck).decode("utf-8-sig")
    assert "onerror" not in csv_text
    assert "<script>" not in csv_text


def _progress_rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_progress_csv_has_a_row_per_student_and_a_column_per_deck():
    decks = [Deck(title="Rekenen"), Deck(title="Taal")]
    sam = StudentProgress(
        student_id=1, name="Sam", username="sam", due=3, streak=2, reviews_this_week=40,
        seen=12, can_recall=9, mastery=[DeckMastery(decks[0], 4, 10), DeckMastery(decks[1], 0, 5)],
    )  # fmt: skip
    header, row = _progress_rows(class_progress_csv([sam]))
    assert header[-2:] == ["mastered: Rekenen", "mastered: Taal"]
    assert row == ["Sam", "sam", "", "3", "2", "40", "12", "9", "4/10", "0/5"]


def test_the_progress_csv_of_a_class_without_students_is_its_header():
    (header,) = _progress_rows(class_progress_csv([]))
    assert header[:3] == ["student", "username", "last studied"]


def test_the_progress_csv_escapes_a_name_typed_as_a_formula():
    mallory = StudentProgress(student_id=1, name="=1+1", username="@mallory")
    _, row = _progress_rows(class_progress_csv([mallory]))
    assert row[:2] == ["'=1+1", "'@mallory"]
