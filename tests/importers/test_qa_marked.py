"""Question/answer text whose sides are marked "Q" and "A", however the blocks are spaced.

Flashcard sites and quiz tools export this shape, often with the site's rating widget
("How well did you know this?" / 1 / Not at all / ... / Perfectly) between the cards.
"""

from pathlib import Path

import pytest

from decks.html import plain_text
from decks.importers import flashcard_site, qa_blocks
from decks.importers.base import ParseResult
from decks.importers.detect import detect_text_format, parse_upload
from tests.cpu_budget import run_within_cpu_seconds

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
WIDGET = "How well did you know this?\n1\nNot at all\n2\n3\n4\n5\nPerfectly\n"


def sides(result: ParseResult) -> list[tuple[str, str]]:
    return [(plain_text(card.front), plain_text(card.back)) for card in result.cards]


INLINE_WITH_WIDGETS = (
    "Accountmanagement Flashcards\n"
    "Q Wat is accountmanagement?\n"
    "A De filosofie en de set van instrumenten.\n"
    f"{WIDGET}"
    "Q Noem de niveaus van accountmanagement\n"
    "A Drie niveaus:\n"
    "- regionaal\n"
    "- nationaal\n"
    "- internationaal\n"
    f"{WIDGET}"
    "Q Wat is klantmanagement?\n"
    "A Planmatige aanpak van activiteiten.\n"
    f"{WIDGET}"
)


def test_an_inline_q_and_a_export_with_rating_widgets_is_detected_as_question_blocks():
    result = parse_upload(INLINE_WITH_WIDGETS.encode(), filename="export.txt")

    assert result.format == "qa_blocks"
    assert result.errors == result.warnings == []
    assert len(result.cards) == 3


def test_the_a_marker_never_reaches_the_answer():
    result = qa_blocks.parse(INLINE_WITH_WIDGETS)

    assert [back for _, back in sides(result)][0] == "De filosofie en de set van instrumenten."
    assert all(not card.back.startswith("<p>A ") for card in result.cards)


def test_a_list_under_a_marked_answer_stays_a_list():
    result = qa_blocks.parse(INLINE_WITH_WIDGETS)

    assert result.cards[1].back == (
        "<p>Drie niveaus:</p><ul><li>Regionaal</li><li>Nationaal</li><li>Internationaal</li></ul>"
    )


def test_the_rating_widget_never_becomes_a_card_or_part_of_one():
    result = qa_blocks.parse(INLINE_WITH_WIDGETS)

    assert [front for front, _ in sides(result)] == [
        "Wat is accountmanagement?",
        "Noem de niveaus van accountmanagement.",
        "Wat is klantmanagement?",
    ]
    assert all("Not at all" not in card.back for card in result.cards)


SPACED_VARIANTS = {
    "colons and blank lines everywhere": (
        "Deck\n\n\nQ: Wat is CRM?\n\n\nA: Klantbeheer.\n\n\n\nQ: Wat is NPS?\n\nA: Een score.\n\n"
    ),
    "bare markers, question and answer below them": (
        "Deck\nQ\n\nWat is CRM?\n\nA\n\nKlantbeheer.\n\nQ\nWat is NPS?\nA\nEen score.\n"
    ),
    "card numbers above bare markers, answers inline": (
        "Deck\n1\nQ\nWat is CRM?\nA Klantbeheer.\n2\nQ\nWat is NPS?\nA Een score.\n"
    ),
    "numbered inline markers": (
        "Deck\n1. Q: Wat is CRM?\nA: Klantbeheer.\n2. Q: Wat is NPS?\nA: Een score.\n"
    ),
    "numbered letters": (
        "Deck\nQ1: Wat is CRM?\nA1: Klantbeheer.\nQ2. Wat is NPS?\nA2. Een score.\n"
    ),
    "Dutch words": (
        "Deck\nVraag: Wat is CRM?\nAntwoord: Klantbeheer.\n"
        "Vraag: Wat is NPS?\nAntwoord: Een score.\n"
    ),
    "indented with tabs, no title": (
        "\tQ:\tWat is CRM?\n\tA:\tKlantbeheer.\n  Q: Wat is NPS?\n  A: Een score.\n"
    ),
    "widget with blank lines inside": (
        f"Deck\nQ Wat is CRM?\nA Klantbeheer.\n\n{WIDGET.replace(chr(10), chr(10) * 2)}\n"
        "Q Wat is NPS?\nA Een score.\n"
    ),
    "widget on one line": (
        "Deck\nQ Wat is CRM?\nA Klantbeheer.\n"
        "How well did you know this? 1 Not at all 2 3 4 5 Perfectly\n"
        "Q Wat is NPS?\nA Een score.\n"
    ),
    "widget cut short at the end": (
        "Deck\nQ Wat is CRM?\nA Klantbeheer.\nQ Wat is NPS?\nA Een score.\n"
        "How well did you know this?\n1\n"
    ),
    "Windows line ends": (
        "Deck\r\nQ: Wat is CRM?\r\nA: Klantbeheer.\r\n\r\nQ: Wat is NPS?\r\nA: Een score.\r\n"
    ),
}


@pytest.mark.parametrize("name", list(SPACED_VARIANTS))
def test_every_spacing_and_marker_style_gives_the_same_two_cards(name):
    text = SPACED_VARIANTS[name]

    assert detect_text_format(text) == "qa_blocks"
    assert sides(qa_blocks.parse(text)) == [
        ("Wat is CRM?", "Klantbeheer."),
        ("Wat is NPS?", "Een score."),
    ]


def test_a_question_over_several_lines_under_a_bare_q_is_joined():
    result = qa_blocks.parse("Deck\nQ\nWat zijn de fases\nvan het salesproces?\nA\nDrie.\n")

    assert sides(result) == [("Wat zijn de fases van het salesproces?", "Drie.")]


def test_a_line_that_looks_like_a_marker_inside_an_answer_is_answer_text():
    result = qa_blocks.parse(
        "Deck\nQ: Wie schreef het boek?\nA: Twee auteurs:\n- A. Jansen\n"
        "- Q1 was hun beste kwartaal\n"
        "Q: Wat is NPS?\nA: Een score.\n"
    )

    assert sides(result)[0] == (
        "Wie schreef het boek?",
        "Twee auteurs: A. Jansen Q1 was hun beste kwartaal",
    )


def test_a_marked_card_without_an_answer_is_an_error_not_a_card():
    result = qa_blocks.parse("Deck\nQ: Wat is CRM?\nA:\nQ: Wat is NPS?\nA: Een score.\n")

    assert sides(result) == [("Wat is NPS?", "Een score.")]
    assert [problem.line for problem in result.errors] == [2]


def test_the_flashcard_site_seed_forced_to_question_blocks_gives_the_same_cards():
    text = (SOURCES / "003_bbe4ca5e4c55b098.txt").read_text(encoding="utf-8")

    forced, own = qa_blocks.parse(text), flashcard_site.parse(text)

    assert forced.errors == []
    # The only notes: which answer lines were joined as wrapped sentences.
    assert all("joined as one wrapped sentence" in w.message for w in forced.warnings)
    assert forced.cards == own.cards


def test_the_question_block_seed_with_widgets_and_blank_lines_between_cards_keeps_its_15_cards():
    text = (SOURCES / "001_9c05d95d9b28b91c.txt").read_text(encoding="utf-8")
    plain = qa_blocks.parse(text)
    lines = text.splitlines()
    # a widget and a blank line before every question of the document
    questions = {card.line for card in plain.cards}
    spaced = "\n".join(
        f"\n{WIDGET}\n{line}" if number in questions else line
        for number, line in enumerate(lines, start=1)
    )

    assert detect_text_format(spaced) == "qa_blocks"
    assert sides(qa_blocks.parse(spaced)) == sides(plain)


HOSTILE_MARKED_TEXT = {
    "a widget question then blank lines": '"How well did you know this?" + "\\n" * 1_000_000',
    "bare Q lines": '"Q\\n" * 400_000',
    "Q lines with blank lines between": '"Q:\\n\\n\\n" * 200_000 + "A: x"',
    "markers padded with spaces": '"Q" + " " * 500_000 + ":\\n" + "A" + "\\t" * 500_000',
}
# Well above what a linear parse of the largest of these costs on a loaded CI machine (the
# 400,000 bare Q lines), far below what a quadratic one costs (minutes).
HOSTILE_CPU_SECONDS = 30


@pytest.mark.parametrize("name", list(HOSTILE_MARKED_TEXT))
def test_hostile_marked_text_is_detected_and_parsed_within_a_cpu_budget(name):
    script = f"""
import django
django.setup()
from decks.importers.base import ImportLimits
from decks.importers.detect import parse_upload
data = ({HOSTILE_MARKED_TEXT[name]}).encode()
result = parse_upload(data, filename="export.txt", limits=ImportLimits(max_text_lines=10**7))
print("done", result.format)
"""
    done = run_within_cpu_seconds(script, HOSTILE_CPU_SECONDS)
    assert done.stdout.startswith("done"), done.stderr[-500:]


def test_one_file_mixing_every_marker_style_and_widget_spacing_reads_whole():
    data = (Path(__file__).parent / "data" / "qa_marked_mixed.txt").read_bytes()

    result = parse_upload(data, filename="Vragen-H7.txt")

    assert result.format == "qa_blocks"
    assert result.errors == result.warnings == []
    assert [front for front, _ in sides(result)] == [
        "Wat is accountmanagement?",
        "Noem de niveaus van accountmanagement.",
        "Welke taken heeft een accountmanager?",
    ]
    assert result.cards[1].back.count("<li>") == 3
    assert result.cards[2].back.startswith("<p>Drie taken:</p><ul><li>Verkopen</li>")
    assert {card.tags for card in result.cards} == {("H7",)}
