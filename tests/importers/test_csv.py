"""CSV and TSV: delimiters, headers in Dutch or English, quoting, HTML, and row errors."""

import pytest

from decks.importers import csv as csv_importer
from decks.importers.base import ImportLimits, ParseResult


def cards(result: ParseResult) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(card.front, card.back, card.tags) for card in result.cards]


def error_text(result: ParseResult) -> str:
    return " | ".join(str(problem) for problem in result.errors)


def test_the_package_module_does_not_shadow_the_standard_library():
    import csv

    assert csv.reader is csv_importer.csv.reader
    assert csv.__file__ != csv_importer.__file__


def test_a_comma_file_with_an_english_header():
    result = csv_importer.parse("front,back,tags\nde fiets,the bicycle,h1 woorden\n")
    assert cards(result) == [("de fiets", "the bicycle", ("h1", "woorden"))]
    assert result.format == "csv"
    assert result.errors == result.warnings == []


def test_a_semicolon_file_with_a_dutch_header():
    text = "Vraag;Antwoord;Hoofdstuk\nWat kost het?;3,50 euro;H2\nWat is CRM?;klantbeheer;H1\n"
    result = csv_importer.parse(text)
    assert cards(result) == [
        ("Wat kost het?", "3,50 euro", ("H2",)),
        ("Wat is CRM?", "klantbeheer", ("H1",)),
    ]
    assert [card.line for card in result.cards] == [2, 3]


def test_header_columns_in_another_order():
    text = "labels,definitie,begrip\nh1,een persoon die koopt,klant\n"
    assert cards(csv_importer.parse(text)) == [("klant", "een persoon die koopt", ("h1",))]


def test_unknown_header_columns_are_ignored_with_a_warning():
    text = "term,definition,notes\nfiets,bicycle,extra\n"
    result = csv_importer.parse(text)
    assert cards(result) == [("fiets", "bicycle", ())]
    assert [str(warning) for warning in result.warnings] == ["line 1: columns not read: 'notes'"]


def test_without_a_header_the_columns_are_front_back_tags():
    result = csv_importer.parse("de fiets,the bicycle,h1\nhet huis,the house\n")
    assert cards(result) == [("de fiets", "the bicycle", ("h1",)), ("het huis", "the house", ())]
    assert [card.line for card in result.cards] == [1, 2]


def test_a_first_row_naming_only_a_front_is_a_card():
    result = csv_importer.parse("term;a word with a fixed meaning\n")
    assert cards(result) == [("term", "a word with a fixed meaning", ())]


def test_extra_columns_without_a_header_give_a_warning():
    result = csv_importer.parse("a,b,c,d\n")
    assert cards(result) == [("a", "b", ("c",))]
    assert "only the first three columns" in str(result.warnings[0])


def test_quoted_fields_keep_commas_tabs_and_newlines():
    text = (
        'front,back\n'
        '"een, twee","drie\tvier"\n'
        '"Noem twee seizoenen","lente\n'
        'herfst"\n'
        'laatste,kaart\n'
    )  # fmt: skip
    result = csv_importer.parse(text)
    assert cards(result) == [
        ("een, twee", "drie\tvier", ()),
        ("Noem twee seizoenen", "lente<br>herfst", ()),
        ("laatste", "kaart", ()),
    ]
    # The line a row starts on, even after a field that spans two lines.
    assert [card.line for card in result.cards] == [2, 3, 5]


def test_doubled_quotes_inside_a_quoted_field():
    result = csv_importer.parse('"Wat betekent ""klant""?",iemand die koopt\n')
    assert cards(result) == [('Wat betekent "klant"?', "iemand die koopt", ())]


def test_tab_separated_text_is_tsv():
    result = csv_importer.parse("vraag\tantwoord\nhoeveel, ongeveer?\tdrie; of vier\n")
    assert result.format == "tsv"
    assert cards(result) == [("hoeveel, ongeveer?", "drie; of vier", ())]


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("a,b\nc,d\n", ","),
        ("a;b\nc;d\n", ";"),
        ("a\tb\nc\td\n", "\t"),
        ("vraag;3,5 euro\nvraag twee;7,25 euro\nvraag drie;geen\n", ";"),
        ('"a; b",c\n"d; e",f\n', ","),
    ],
)
def test_the_delimiter_is_sniffed(text, delimiter):
    assert csv_importer.sniff_delimiter(text) == delimiter


def test_blank_rows_are_skipped():
    result = csv_importer.parse("a,b\n\n,\n  ,  \nc,d\n")
    assert cards(result) == [("a", "b", ()), ("c", "d", ())]
    assert result.errors == []


def test_a_row_without_a_back_is_an_error_naming_the_line():
    result = csv_importer.parse("front,back\nde fiets,the bicycle\nhet huis\nde kat,\n")
    assert [str(error) for error in result.errors] == [
        "line 3: the row has no back",
        "line 4: the row has no back",
    ]


def test_a_row_without_a_front_is_an_error():
    assert error_text(csv_importer.parse(",alleen een achterkant\n")) == (
        "line 1: the row has no front"
    )


def test_a_field_over_the_limit_is_an_error_naming_the_line():
    limits = ImportLimits(max_field_chars=10)
    result = csv_importer.parse("kort,ook kort\nkort,veel te lange achterkant\n", limits=limits)
    assert error_text(result) == "line 2: the back is 24 characters long; the limit is 10"


def test_an_unclosed_quote_over_the_limit_hints_at_the_quote():
    limits = ImportLimits(max_field_chars=30)
    text = 'a,b\nc,"d\n' + "".join(f"e{n},f{n}\n" for n in range(10))
    assert "a closing quote is missing" in error_text(csv_importer.parse(text, limits=limits))


def test_an_unclosed_quote_past_the_readers_own_cap_is_an_error_naming_the_line():
    text = 'a,b\nc,"d\n' + "een lange regel tekst\n" * 10_000
    assert error_text(csv_importer.parse(text)) == (
        "line 2: this row can't be read: a field is far too long (is a closing quote missing?)"
    )


def test_windows_line_endings_keep_line_numbers():
    result = csv_importer.parse('a,b\r\n"c\r\nd",e\r\nf,g\r\n')
    assert [card.line for card in result.cards] == [1, 2, 4]
    assert result.cards[1].front == "c<br>d"


def test_too_many_cards_is_an_error_and_nothing_is_imported():
    text = "".join(f"vraag {n},antwoord {n}\n" for n in range(6))
    result = csv_importer.parse(text, limits=ImportLimits(max_cards=5))
    assert result.cards == []
    assert error_text(result) == (
        "line 6: the file has more than 5 cards, the most one import may hold: "
        "split it into smaller files"
    )


def test_twenty_thousand_and_one_cards_exceed_the_real_limit():
    text = "".join(f"vraag {n};antwoord {n}\n" for n in range(20_001))
    result = csv_importer.parse(text)
    assert result.cards == []
    assert "more than 20,000 cards" in error_text(result)


def test_twenty_thousand_cards_are_fine():
    text = "".join(f"vraag {n};antwoord {n}\n" for n in range(20_000))
    result = csv_importer.parse(text)
    assert len(result.cards) == 20_000
    assert result.errors == []


def test_the_apostrophe_that_stops_a_formula_is_dropped():
    result = csv_importer.parse("front,back,tags\n'=1+1,'-5 graden,'@h1\n'tis,'+\n")
    assert cards(result) == [("=1+1", "-5 graden", ("@h1",)), ("'tis", "+", ())]


def test_plain_text_is_escaped_with_line_breaks_kept():
    result = csv_importer.parse('"a < b & c","regel 1\nregel 2"\n')
    assert cards(result) == [("a &lt; b &amp; c", "regel 1<br>regel 2", ())]


def test_html_fields_are_sanitised_not_escaped():
    text = 'front,back\n"Wat is een <b>reünie</b>?","<ul><li>lente</li><li>herfst</li></ul>"\n'
    assert cards(csv_importer.parse(text)) == [
        ("Wat is een <b>reünie</b>?", "<ul><li>lente</li><li>herfst</li></ul>", ())
    ]


def test_an_entity_marks_a_field_as_html_and_its_semicolon_is_no_delimiter():
    result = csv_importer.parse("one &amp; two,drie&nbsp;vier\nvijf,zes\n")
    assert cards(result)[0] == ("one &amp; two", "drie&nbsp;vier", ())


def test_newlines_in_html_without_breaks_become_breaks():
    result = csv_importer.parse('"<b>lente</b>\nherfst",x\n')
    assert result.cards[0].front == "<b>lente</b><br>herfst"


def test_hostile_html_is_stripped():
    text = (
        'front,back\n'
        '"<script>alert(1)</script><b onclick=""steal()"">vet</b>",'
        '"<a href=""javascript:alert(1)"">klik</a> <span style=""position:fixed"">rood</span>'
        '<img src=x onerror=alert(1)><iframe src=""https://evil""></iframe>"\n'
    )  # fmt: skip
    result = csv_importer.parse(text)
    assert cards(result) == [("<b>vet</b>", "klik <span>rood</span>", ())]


def test_a_row_with_nothing_left_after_sanitising_is_skipped_with_a_warning():
    result = csv_importer.parse("<script>alert(1)</script>,x\nok,ok\n")
    assert cards(result) == [("ok", "ok", ())]
    assert "line 1" in str(result.warnings[0])


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("h1 woorden", ("h1", "woorden")),
        ("h1, woorden", ("h1", "woorden")),
        ("  h1,,h1   woorden ", ("h1", "woorden")),
        ("", ()),
    ],
)
def test_tags_split_on_spaces_and_commas(tags, expected):
    assert csv_importer.split_tags(tags) == expected


def test_an_empty_file_has_no_rows():
    assert error_text(csv_importer.parse("\n\n")) == "the file has no rows with cards"
