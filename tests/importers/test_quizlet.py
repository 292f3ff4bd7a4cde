"""Quizlet's export: term, tab, definition; a line without a tab goes on with the definition."""

import pytest

from decks.importers import quizlet
from decks.importers.base import ImportLimits, ParseResult


def cards(result: ParseResult) -> list[tuple[str, str]]:
    return [(card.front, card.back) for card in result.cards]


def test_one_card_per_line():
    result = quizlet.parse("de fiets\tthe bicycle\nhet huis\tthe house\n")
    assert cards(result) == [("de fiets", "the bicycle"), ("het huis", "the house")]
    assert [card.line for card in result.cards] == [1, 2]
    assert result.format == "quizlet"
    assert result.errors == result.warnings == []


def test_a_line_without_a_tab_goes_on_with_the_definition_above():
    result = quizlet.parse("seizoenen\tlente\nherfst\nde kat\tthe cat\n")
    assert cards(result) == [("seizoenen", "lente<br>herfst"), ("de kat", "the cat")]


def test_text_is_plain_even_when_it_looks_like_html():
    result = quizlet.parse("a <b> tag\t<script>alert(1)</script> & meer\n")
    assert cards(result) == [
        ("a &lt;b&gt; tag", "&lt;script&gt;alert(1)&lt;/script&gt; &amp; meer")
    ]


def test_blank_lines_are_skipped():
    assert len(quizlet.parse("a\tb\n\n\nc\td\n").cards) == 2


def test_a_first_line_without_a_tab_is_an_error_naming_it():
    result = quizlet.parse("mijn kaarten\nde fiets\tthe bicycle\n")
    assert [str(error) for error in result.errors] == [
        "line 1: the line has no tab between term and definition"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("de fiets\t\n", "line 1: the line has no definition"),
        ("\tthe bicycle\n", "line 1: the line has no term"),
    ],
)
def test_a_missing_side_is_an_error(text, message):
    assert [str(error) for error in quizlet.parse(text).errors] == [message]


def test_a_field_over_the_limit_is_an_error():
    result = quizlet.parse("kort\tveel te lang\n", limits=ImportLimits(max_field_chars=5))
    assert [str(error) for error in result.errors] == [
        "line 1: the definition is 12 characters long; the limit is 5"
    ]


def test_too_many_cards_imports_nothing():
    text = "".join(f"term {n}\tdefinitie {n}\n" for n in range(4))
    result = quizlet.parse(text, limits=ImportLimits(max_cards=3))
    assert result.cards == []
    assert "more than 3 cards" in str(result.errors[0])
    assert result.errors[0].line == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("de fiets\tthe bicycle\nhet huis\tthe house\n", True),
        ("seizoenen\tlente\nherfst\n", True),  # a definition over two lines
        ("a\tb\tc\nd\te\tf\n", False),  # three columns: TSV
        ('"a"\tb\n', False),  # quoting: TSV
        ("term\tdefinition\nfiets\tbicycle\n", False),  # a header: TSV
        ("begrip\tbetekenis\nfiets\tbicycle\n", False),
        ("kop zonder tab\nfiets\tbicycle\n", False),
        ("", False),
    ],
)
def test_looks_like_quizlet(text, expected):
    assert quizlet.looks_like_quizlet(text) is expected
