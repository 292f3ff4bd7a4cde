"""The flashcard-website export (seed document 003) and the shapes it is made of."""

import re
from pathlib import Path

import pytest

from decks.html import plain_text
from decks.importers import flashcard_site
from decks.importers.base import CardRecord, ParseResult

SOURCE = Path(__file__).resolve().parents[2] / "fixtures" / "sources" / "003_bbe4ca5e4c55b098.txt"


@pytest.fixture(scope="module")
def export() -> ParseResult:
    return flashcard_site.parse(SOURCE.read_text(encoding="utf-8"))


def card_asking(result: ParseResult, front: str) -> CardRecord:
    return next(card for card in result.cards if plain_text(card.front) == front)


def all_card_text(result: ParseResult) -> str:
    return "\n".join(f"{card.front}\n{card.back}" for card in result.cards)


def test_the_export_gives_exactly_23_cards(export):
    assert len(export.cards) == 23


def test_the_export_parses_without_problems(export):
    assert export.warnings == []
    assert export.errors == []


@pytest.mark.parametrize("widget_text", ["How well did you know this", "Not at all", "Perfectly"])
def test_no_card_contains_the_rating_widget(export, widget_text):
    assert widget_text not in all_card_text(export)


def test_no_card_is_a_card_number_or_a_q_or_a_marker(export):
    for card in export.cards:
        for side in (card.front, card.back):
            assert not re.fullmatch(r"(<p>)?(\d+|Q|A)(</p>)?", side)


def test_the_title_line_never_reaches_a_card(export):
    assert "Flashcards" not in all_card_text(export)


def test_no_private_use_character_reaches_a_card(export):
    assert not re.search(r"[\ue000-\uf8ff\U000f0000-\U0010ffff]", all_card_text(export))


def test_every_card_is_tagged_with_the_chapter_and_section_of_the_title(export):
    assert {card.tags for card in export.cards} == {("H7", "7.5")}


def test_private_use_bullets_become_list_items_with_wrapped_lines_joined(export):
    card = card_asking(export, "Functies accountmanagement")

    assert card.back.count("<li>") == 7
    assert (
        "<li>Is ook verkoop in de zin van de klant begeleiden c.q. dat hij inspeelt op het "
        "communicatie-, koop-, gebruik- en afdankgedrag.</li>"
    ) in card.back
    assert "<li>Interne marketing</li>" in card.back


def test_a_card_without_a_rating_widget_keeps_its_whole_answer(export):
    card = export.cards[-1]

    assert plain_text(card.front) == "Drie drivers van customer equity voor de klant"
    assert card.back == (
        "<ol><li>Value equilty – waarden of behoeften invulling voor de klant.</li>"
        "<li>Brand equity – merkwaarde voor de klant.</li>"
        "<li>Relationship equilty – waarde van de relatie voor de klant.</li></ol>"
    )


def test_dot_and_dash_bullets_in_one_answer_make_one_list(export):
    card = card_asking(export, "Aanbieder klantverhouding bestaat uit tweetal hoofdcomponenten")

    assert card.back == "<ul><li>Actieve koopgedrag</li><li>Relateigedrag</li></ul>"


def test_numbered_items_keep_their_indented_continuation_lines(export):
    card = card_asking(
        export, "Drie methoden om potentiele klanten te selecteren en huidige te beoordelen:"
    )

    assert card.back.startswith("<ol><li>Account georiënteerde methode: de positie van de klant")
    assert "er wordt gekeken naar de specifieke producten en diensten aspecten.</li></ol>" in (
        card.back
    )


def test_a_sentence_split_by_a_blank_line_stays_one_paragraph(export):
    card = card_asking(export, "Strategische klantengroep")

    assert card.back == "<p>Klanten die min of meer vergelijkbaar zijn, bijv. op basis van DMU</p>"


def test_a_lead_in_line_stays_above_its_list(export):
    card = card_asking(export, "Actief koopgedrag")

    assert card.back.startswith("<p>RFM ratio:</p><ul><li>Recency: wanneer?</li>")


EXPORT_WITH_TWO_CARDS = """Deck
1
Q
term
A
the answer
How well did you know this?
1
Not at all
2
3
4
5
Perfectly
2
Q
second term
A
second answer
"""


def test_digits_of_the_rating_widget_never_open_a_card():
    result = flashcard_site.parse(EXPORT_WITH_TWO_CARDS)

    assert [(plain_text(c.front), plain_text(c.back)) for c in result.cards] == [
        ("Term", "The answer"),
        ("Second term", "Second answer"),
    ]


def test_a_rating_widget_cut_short_is_removed_and_reported():
    result = flashcard_site.parse("Deck\n1\nQ\nterm\nA\nanswer\nHow well did you know this?\n1\n")

    assert plain_text(result.cards[0].back) == "Answer"
    assert [problem.line for problem in result.warnings] == [7]


def test_a_card_without_an_answer_is_an_error_not_a_card():
    result = flashcard_site.parse("Deck\n1\nQ\nterm\nA\n2\nQ\nnext\nA\nanswer\n")

    assert [plain_text(card.front) for card in result.cards] == ["Next"]
    assert [(problem.line, "no answer" in problem.message) for problem in result.errors] == [
        (2, True)
    ]


def test_a_card_number_out_of_sequence_is_reported():
    result = flashcard_site.parse("Deck\n1\nQ\nterm\nA\nanswer\n3\nQ\nnext\nA\nanswer\n")

    assert len(result.cards) == 2
    assert [problem.line for problem in result.warnings] == [7]


def test_text_without_any_card_is_an_error():
    result = flashcard_site.parse("Deck\nsome notes\n")

    assert result.cards == []
    assert len(result.errors) == 1
