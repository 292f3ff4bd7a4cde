import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from decks.services.answer_check import (
    MAX_GIVEN_CHARS,
    given_items,
    typeable,
    typed_answer_check,
)

RIGHT, WRONG = True, False


@pytest.mark.parametrize(
    ("expected", "typed", "correct"),
    [
        # case, accents, markup and entities, punctuation, spaces, a final full stop
        ("Amsterdam", "amsterdam", RIGHT),
        ("<p>Klantgerichtheid</p>", "KLANTGERICHTHEID", RIGHT),
        ("café", "cafe", RIGHT),
        ("België", "belgie", RIGHT),
        ("<b>Tom</b> &amp; Jerry", "tom & jerry", RIGHT),
        ("Tom &amp; Jerry", "tom jerry", RIGHT),
        ("e-mail", "email", RIGHT),
        ("CRM-bestand", "crm bestand", RIGHT),
        ("auto's", "autos", RIGHT),
        ("Het is zo, zei hij!", "het is zo zei hij", RIGHT),
        ("Op   tijd", "  op tijd  ", RIGHT),
        ("De klant.", "de klant", RIGHT),
        # a small typo in a word of 5 letters or more is forgiven
        ("Klanttevredenheid", "klanttevredenhied", RIGHT),
        ("Parijs", "Parij", RIGHT),
        ("accountmanager", "acountmanagr", RIGHT),
        ("Parijs", "Londen", WRONG),
        ("accountmanager", "acntmanagr", WRONG),
        # ... but not in a word of 4 letters or fewer, nor in a number
        ("kaas", "kass", WRONG),
        ("Rome", "Roma", WRONG),
        ("1492", "1493", WRONG),
        ("Artikel 12", "artikel 21", WRONG),
        # numbers must match in order, and no number may be added or lost
        ("1914 tot 1918", "1918 tot 1914", WRONG),
        ("1914 tot 1918", "1914 tot 1918", RIGHT),
        ("12 3", "123", WRONG),
        ("H7", "h 7", RIGHT),
        ("Hoofdstuk 7", "Hoofdstuk", WRONG),
        ("007", "7", WRONG),
        # text in parentheses in the expected answer is optional
        ("Klant (nieuwe klant of loyale klant)", "klant", RIGHT),
        ("Klant (nieuwe klant of loyale klant)", "klant nieuwe klant of loyale klant", RIGHT),
        ("(de) Verenigde Staten (VS)", "verenigde staten", RIGHT),
        ("(de) Verenigde Staten (VS)", "de verenigde staten", RIGHT),
        ("Verenigde Staten", "verenigde staten vs", WRONG),
        # " / " separates alternatives
        ("kat / poes", "poes", RIGHT),
        ("kat / poes", "kat", RIGHT),
        ("kat / poes", "kat / poes", RIGHT),
        ("kat / poes", "hond", WRONG),
        ("en/of", "en of", RIGHT),
        # a list is right with every item, in any order, one a line or comma separated
        ("<ul><li>Strategie</li><li>Mensen</li></ul>", "strategie, mensen", RIGHT),
        ("<ul><li>Strategie</li><li>Mensen</li></ul>", "mensen\nstrategie", RIGHT),
        ("<ol><li>Strategie</li><li>Mensen</li></ol>", "1. mensen\n2. strategie", RIGHT),
        ("<ul><li>Strategie</li><li>Mensen</li></ul>", "mensen; strategie", RIGHT),
        ("<ul><li>Strategie</li><li>Mensen</li></ul>", "strategie", WRONG),
        ("<ul><li>Strategie</li><li>Mensen</li></ul>", "strategie, mensen, geld", WRONG),
        ("<ul><li>Strategie</li><li>Mensen</li></ul>", "strategie, strategie", WRONG),
        ("<ul><li>Strategie</li><li>Mensen</li></ul>", "stratgie, mensen", RIGHT),
        ("<p>De drie:</p><ul><li>a b</li><li>c d</li></ul>", "c d, a b", RIGHT),
        (
            "<ol><li>Potentiële klant</li><li>Klant<ol><li>Nieuw</li></ol></li></ol>",
            "klant\npotentiele klant",
            RIGHT,
        ),
        # nothing typed is "I don't know"
        ("Amsterdam", "", WRONG),
        ("Amsterdam", "   ", WRONG),
        ("Amsterdam", "...", WRONG),
    ],
)
def test_a_typed_answer_is_judged_by_the_rules_a_teacher_expects(expected, typed, correct):
    assert typed_answer_check(expected=expected, given=typed).correct is correct


def test_an_empty_answer_is_blank_and_shows_the_expected_answer_unmarked():
    check = typed_answer_check(expected="Amsterdam", given="")
    assert (check.correct, check.blank, check.expected_marked, check.given_marked) == (
        False,
        True,
        "Amsterdam",
        "",
    )


def test_a_forgiven_typo_is_right_and_marks_the_letter_that_differs():
    check = typed_answer_check(expected="Klanttevredenheid", given="klanttevredenhied")
    assert check.correct and check.forgiven
    assert "<mark>" in check.expected_marked
    assert re.sub(r"</?mark>", "", check.expected_marked) == "Klanttevredenheid"


def test_an_exact_answer_shows_no_marks():
    check = typed_answer_check(expected="De klant.", given="de klant")
    assert "<mark>" not in check.expected_marked and "<del>" not in check.given_marked


def test_a_missing_word_is_marked_in_the_expected_answer_and_an_extra_one_in_the_given():
    check = typed_answer_check(expected="de grote klant", given="de kleine dikke klant")
    assert "<mark>grote</mark>" in check.expected_marked
    assert "<del>kleine</del>" in check.given_marked
    assert "<del>dikke</del>" in check.given_marked


def test_an_optional_part_left_out_is_not_marked():
    check = typed_answer_check(expected="Verenigde Staten (VS)", given="verenigde staten")
    assert check.correct and "<mark>" not in check.expected_marked


def test_a_list_marks_the_items_not_given_and_the_items_that_are_wrong():
    check = typed_answer_check(
        expected="<ul><li>Strategie</li><li>Mensen</li></ul>", given="strategie\ngeld"
    )
    assert check.expected_marked == "<ul><li>Strategie</li><li><mark>Mensen</mark></li></ul>"
    assert check.given_marked == "strategie<br><del>geld</del>"


def test_everything_typed_is_shown_escaped():
    check = typed_answer_check(expected="Amsterdam", given='<script>alert("x")</script>')
    assert "<script>" not in check.given_marked
    assert "&lt;script&gt;" in check.given_marked


def test_a_long_typed_answer_is_judged_without_error():
    check = typed_answer_check(expected="Amsterdam", given="amsterdam " * (MAX_GIVEN_CHARS // 10))
    assert check.correct is False


@pytest.mark.parametrize(
    ("typed", "items"),
    [
        ("a, b", ["a", "b"]),
        ("a\nb", ["a", "b"]),
        ("- a\n- b\n\n", ["a", "b"]),
        ("1) a, x\n2) b", ["a, x", "b"]),
    ],
)
def test_a_typed_list_is_read_one_item_a_line_or_comma_separated(typed, items):
    assert given_items(typed) == items


@pytest.mark.parametrize(
    ("answer", "can_type"),
    [
        ("Amsterdam", True),
        ("<p>Het nemen van de klant als uitgangspunt.</p>", True),
        ("een twee drie vier vijf zes zeven acht negen tien elf twaalf", True),
        ("een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien", False),
        ("<ul><li>Klantbewustheid</li><li>Klantinzicht</li></ul>", True),
        ("<ul>" + "<li>item</li>" * 9 + "</ul>", False),
        ("<ul><li>een twee drie vier vijf zes zeven</li></ul>", False),
        ('<img src="/media/x.png" alt="">', False),
        ("", False),
        ("?", False),
    ],
)
def test_an_answer_is_typeable_when_short_enough_to_type_word_for_word(answer, can_type):
    assert typeable(answer) is can_type


# --- Properties ---------------------------------------------------------------------------

word = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéëïöüç"), min_size=1, max_size=12
)
number = st.integers(min_value=0, max_value=100_000)
token = st.one_of(word, number.map(str))
phrase = st.lists(token, min_size=1, max_size=12).map(" ".join)
punctuated = st.tuples(
    phrase, st.sampled_from(["", ".", "!", "?"]), st.sampled_from(["", "<b>", "<p>"])
).map(lambda t: f"{t[2]}{t[0]}{t[1]}")


@given(punctuated)
def test_the_expected_answer_itself_is_always_right(expected):
    plain = re.sub(r"<[^>]+>", "", expected)
    assert typed_answer_check(expected=expected, given=plain).correct


@given(st.lists(phrase, min_size=1, max_size=8))
def test_a_list_typed_item_by_item_is_always_right(items):
    expected = "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    assert typed_answer_check(expected=expected, given="\n".join(items)).correct


@given(
    st.lists(token, max_size=6),
    number,
    st.lists(token, max_size=6),
    number,
    st.booleans(),
)
def test_changing_a_number_is_always_wrong(before, old, after, new, as_list):
    assume(old != new)
    expected_text = " ".join([*before, str(old), *after])
    typed = " ".join([*before, str(new), *after])
    expected = f"<ul><li>{expected_text}</li></ul>" if as_list else expected_text
    assert not typed_answer_check(expected=expected, given=typed).correct


@given(st.text(max_size=200), st.text(max_size=200))
def test_any_text_is_judged_and_shown_escaped(expected, typed):
    check = typed_answer_check(expected=expected, given=typed)
    shown = re.sub(r"</?(mark|del|ul|li|br)>", "", check.given_marked)
    assert "<" not in shown
