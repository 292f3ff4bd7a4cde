"""Question/answer blocks (seed document 001, "H1 Flashcards") and their tricky shapes."""

from pathlib import Path

import pytest

from decks.html import plain_text
from decks.importers import qa_blocks
from decks.importers.base import CardRecord, ParseResult

SOURCE = Path(__file__).resolve().parents[2] / "fixtures" / "sources" / "001_9c05d95d9b28b91c.txt"


@pytest.fixture(scope="module")
def flashcards() -> ParseResult:
    return qa_blocks.parse(SOURCE.read_text(encoding="utf-8"))


def card_asking(result: ParseResult, front: str) -> CardRecord:
    return next(card for card in result.cards if plain_text(card.front) == front)


def test_the_document_gives_exactly_15_cards(flashcards):
    assert len(flashcards.cards) == 15


def test_the_document_parses_without_problems(flashcards):
    assert flashcards.warnings == []
    assert flashcards.errors == []


def test_every_card_is_tagged_with_the_chapter_of_the_title(flashcards):
    assert {card.tags for card in flashcards.cards} == {("H1",)}


def test_the_title_line_never_becomes_a_card(flashcards):
    assert all("Flashcards" not in card.front for card in flashcards.cards)


def test_every_prompt_reads_as_a_question_or_an_instruction(flashcards):
    assert all(plain_text(card.front).endswith(("?", ".")) for card in flashcards.cards)


def test_a_question_without_a_question_mark_gets_one(flashcards):
    assert plain_text(flashcards.cards[0].front) == "Wat zijn de 5 factoren van CRM?"


def test_a_numbered_list_that_lost_its_first_number_gets_all_its_items(flashcards):
    card = card_asking(flashcards, "Wat zijn de 5 factoren van CRM?")

    assert card.back == (
        "<ol><li>De klant</li><li>De strategie</li><li>De mensen</li><li>De processen</li>"
        "<li>De technologieën</li></ol>"
    )


def test_a_lost_first_item_spanning_two_lines_is_restored_whole(flashcards):
    card = card_asking(flashcards, "Wat zijn de redenen voor toegenomen aandacht voor klanten?")

    assert card.back == (
        "<ol><li>Leveranciers proberen vertrouwen op te bouwen, nadat het vertrouwen vanwege "
        "schandalen een deuk op heeft gelopen.</li><li>Veel traditionele bedrijven ondervinden "
        "stevige concurrentie van onlinealternatieven.</li></ol>"
    )


def test_a_full_stop_left_of_a_lost_number_opens_item_one(flashcards):
    card = card_asking(
        flashcards,
        "Welke twee factoren zijn volgens Thomassen nodig om customer delight te creeeren?",
    )

    assert card.back.startswith("<ol><li>Het overstijgen van verwachtingen")
    assert card.back.count("<li>") == 2


def test_dashes_followed_by_numbers_are_one_numbered_list(flashcards):
    card = card_asking(flashcards, "Zet de salesfuncties in volgorde volgens de matrix.")

    assert card.back.startswith("<ol><li>Key accountmanager</li><li>Sales accountmanager</li>")
    assert card.back.count("<li>") == 6


def test_a_term_to_define_becomes_a_what_is_question_without_the_term_repeated(flashcards):
    card = card_asking(flashcards, "Wat is klantinzicht?")

    assert card.back == (
        "<p>Het continu onderzoeken, vastleggen en analyseren van de wensen, eisen en het "
        "gedrag van individuele klanten.</p>"
    )


def test_an_answer_opening_with_a_colon_line_is_not_a_new_question(flashcards):
    card = card_asking(flashcards, "Welke 3 fases zijn er binnen de sales proces?")

    assert card.back == (
        "<p>Drie fases van het salesproces:</p><ol><li>Market to sales-proces</li>"
        "<li>Sales to order-proces</li><li>Order to loyal customer-proces</li></ol>"
    )


def test_a_list_whose_first_dash_was_lost_gets_its_first_item_back(flashcards):
    card = card_asking(
        flashcards, "Wat is een manier om diversiteit binnen de sales te beschrijven?"
    )

    assert card.back.startswith("<ul><li>Sales 1.0: focus op de transactie")
    assert card.back.count("<li>") == 3


def test_a_dash_without_a_space_is_still_a_bullet(flashcards):
    card = card_asking(
        flashcards,
        "Welke twee dimensies zijn er in de matrix die in sales een belangrijke rol spelen?",
    )

    assert card.back == (
        "<ul><li>Omvang van de klant</li><li>Complexiteit van het product of de dienst</li></ul>"
    )


def test_a_long_wrapped_answer_is_kept_whole(flashcards):
    card = flashcards.cards[-1]

    assert plain_text(card.front) == "Wat weet je over sales 2.0?"
    assert plain_text(card.back).startswith("Sales 2.0 wordt ook wel aangeduid als")
    assert plain_text(card.back).endswith("‘problem solving unit’ (PSU).")


def test_a_question_line_right_after_a_question_is_read_as_its_answer():
    result = qa_blocks.parse("Titel\nWat is X?\nWat is ook Y?\nWelke Z?\nantwoord\n")

    assert [(plain_text(c.front), plain_text(c.back)) for c in result.cards] == [
        ("Wat is X?", "Wat is ook Y?"),
        ("Welke Z?", "Antwoord"),
    ]


def test_a_question_without_an_answer_is_an_error():
    result = qa_blocks.parse("Titel\nWat is X?\nantwoord\nWat is Y?\n")

    assert len(result.cards) == 1
    assert [problem.line for problem in result.errors] == [4]


def test_text_before_the_first_question_is_reported():
    result = qa_blocks.parse("Titel\nlosse regel\nWat is X?\nantwoord\n")

    assert len(result.cards) == 1
    assert [problem.line for problem in result.warnings] == [2]
