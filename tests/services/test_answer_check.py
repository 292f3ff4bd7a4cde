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
from tests.answer_check_cases import TYPED_ANSWERS, TYPED_LISTS


@pytest.mark.parametrize(
    ("expected", "typed", "correct"),
    TYPED_ANSWERS,
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
    TYPED_LISTS,
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
