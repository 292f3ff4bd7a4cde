"""parse_upload: size and kind checks, format detection, and what every format gets after."""

import codecs
from pathlib import Path

import pytest

from decks.importers import flashcard_site, notes, qa_blocks
from decks.importers.base import ImportLimits, ParseResult
from decks.importers.detect import FORMATS, detect_format, front_key, parse_upload
from tests.cpu_budget import run_within_cpu_seconds
from tests.importers.packages import (
    LEGACY_SAMPLE,
    MODERN_SAMPLE,
    basic_note,
    genanki_package,
    make_zip,
)

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
SEEDS = {
    "000_05763b97e5e249aa.txt": ("notes", notes.parse),
    "001_9c05d95d9b28b91c.txt": ("qa_blocks", qa_blocks.parse),
    "002_4bbd570fe2bb803c.txt": ("notes", notes.parse),
    "003_bbe4ca5e4c55b098.txt": ("flashcard_site", flashcard_site.parse),
    "004_a38dd5dc440a45bb.txt": ("notes", notes.parse),
}


def problems(result: ParseResult) -> list[str]:
    return [str(problem) for problem in [*result.errors, *result.warnings]]


# --- detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("cards.csv", b"front,back\nde fiets,the bicycle\n", "csv"),
        ("cards.csv", b"vraag;antwoord\nWat kost het?;3,50\n", "csv"),
        ("cards.csv", b"vraag\tantwoord\nfiets\tbicycle\n", "tsv"),
        ("cards.tsv", b"fiets\tbicycle\n", "tsv"),
        ("quizlet.txt", b"fiets\tbicycle\nhuis\thouse\n", "quizlet"),
        ("export.txt", b"fiets\tbicycle\tH1\n", "tsv"),
        ("export.txt", b'"fiets"\tbicycle\n', "tsv"),
        ("upload", b"Wat is CRM?;klantbeheer\nWat is NPS?;een score\n", "csv"),
        ("upload", b"H1\nWat is CRM?\nklantbeheer\nWat is NPS?\neen score\n", "qa_blocks"),
        ("upload", b"Titel\n1\nQ\nfiets\nA\nbicycle\n", "flashcard_site"),
        ("deck.apkg", MODERN_SAMPLE.read_bytes(), "apkg"),
        ("collection.colpkg", LEGACY_SAMPLE.read_bytes(), "apkg"),
        ("no-extension", LEGACY_SAMPLE.read_bytes(), "apkg"),
    ],
)
def test_the_format_is_detected(filename, data, expected):
    assert detect_format(data, filename) == expected
    assert parse_upload(data, filename=filename).format == expected


@pytest.mark.parametrize("source", sorted(SEEDS))
def test_the_seed_documents_are_detected_and_parsed_as_their_own_parser_does(source):
    data = (SOURCES / source).read_bytes()
    expected_format, parse = SEEDS[source]
    result = parse_upload(data, filename=source)
    assert result.format == expected_format
    assert result.errors == []
    assert result.cards == parse(data.decode("utf-8")).cards


def test_a_chosen_format_wins_over_detection():
    data = b"H1\nWat is CRM?\nklantbeheer\n"
    assert parse_upload(data, filename="x.txt").format == "qa_blocks"
    result = parse_upload(data, filename="x.txt", format="notes")
    assert result.format == "notes"


def test_formats_lists_every_parser():
    assert set(FORMATS) == {
        "csv", "tsv", "quizlet", "flashcard_site", "qa_blocks", "notes", "apkg", "zip"
    }  # fmt: skip


# --- what the file is ------------------------------------------------------------------


def test_an_apkg_that_is_not_a_zip_is_an_error():
    result = parse_upload(b"front,back\n", filename="deck.apkg")
    assert problems(result) == ["deck.apkg: the file is not an Anki package (not a zip archive)"]
    assert result.cards == []


def test_a_csv_that_is_a_zip_is_an_error():
    result = parse_upload(make_zip({"cards.csv": b"a,b\n"}), filename="cards.csv")
    assert problems(result) == [
        "cards.csv: this is a zip archive, not a text file: upload the CSV or text file itself"
    ]


def test_an_excel_workbook_named_csv_is_an_error_that_says_what_to_do():
    workbook = make_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"})
    result = parse_upload(workbook, filename="cards.csv")
    assert problems(result) == [
        "cards.csv: this is an Excel workbook, not a card file: save it as CSV (UTF-8) and "
        "upload that"
    ]


def test_a_zip_that_is_not_an_anki_package_is_an_error():
    result = parse_upload(make_zip({"notes.txt": b"hello"}), filename="deck.apkg")
    assert "deck.apkg: no Anki collection in the package" in problems(result)[0]


def test_a_pdf_is_an_error():
    result = parse_upload(b"%PDF-1.7\n...", filename="samenvatting.pdf")
    assert "samenvatting.pdf: this is a PDF file, not a card file" in problems(result)[0]


# Real files open like this: binary bytes right after the mark, so NUL bytes early on.
BINARY_FILES = {
    "a PDF file": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 3 >>\nstream\n\x00\x01\x02",
    "a picture (PNG)": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
    "a picture (JPEG)": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01",
    "a sound file (MP3)": b"ID3\x04\x00\x00\x00\x00\x00\x00",
}


@pytest.mark.parametrize("kind", list(BINARY_FILES))
def test_a_binary_upload_is_told_what_it_is_and_which_formats_are_read(kind):
    (message,) = problems(parse_upload(BINARY_FILES[kind], filename="upload.txt"))

    assert message.startswith(f"upload.txt: this is {kind}, not a card file. Stamp reads: CSV")
    assert "Anki package (.apkg, .colpkg)" in message
    assert "NUL" not in message and "UTF-16" not in message


def test_a_pdf_with_bytes_before_its_mark_is_still_named_a_pdf():
    data = b"\r\n" + BINARY_FILES["a PDF file"]

    assert "this is a PDF file" in problems(parse_upload(data, filename="h1.pdf"))[0]


def test_an_unknown_binary_file_is_not_blamed_on_nul_bytes_or_utf16():
    data = bytes(range(256)) * 8

    (message,) = problems(parse_upload(data, filename="cards.dat"))

    assert "this is not a text file, nor a file Stamp knows. Stamp reads: CSV" in message
    assert "NUL" not in message


def test_utf16_without_a_byte_order_mark_is_named_as_such():
    data = "vraag;antwoord\nWat is CRM?;klantbeheer\n".encode("utf-16-le")

    (message,) = problems(parse_upload(data, filename="cards.csv"))

    assert "UTF-16 text without a byte order mark: save it as UTF-8" in message


def test_no_message_shows_an_internal_format_id():
    messages = [
        *problems(parse_upload(b"a,b\n", filename="cards.csv", format="xlsx")),
        *problems(parse_upload(BINARY_FILES["a PDF file"], filename="x.pdf")),
    ]

    assert messages
    assert not any(fid in m for m in messages for fid in ("flashcard_site", "qa_blocks", "tsv,"))


@pytest.mark.parametrize(
    ("data", "filename", "format"),
    [(b"a,b\n", "cards.csv", "apkg"), (make_zip({"a": b"b"}), "upload.bin", "csv")],
)
def test_a_chosen_format_the_file_does_not_have_is_an_error(data, filename, format):
    result = parse_upload(data, filename=filename, format=format)
    assert result.errors and result.cards == []


def test_an_unknown_format_is_an_error():
    result = parse_upload(b"a,b\n", filename="cards.csv", format="xlsx")
    assert "unknown format; Stamp reads: CSV" in problems(result)[0]


def test_a_file_over_the_size_limit_is_refused_before_reading():
    result = parse_upload(b"a,b\n" * 1000, filename="cards.csv", limits=ImportLimits(max_bytes=100))
    assert problems(result) == ["cards.csv: the file is 4 KB; the limit is 100 bytes"]


def test_an_empty_file_is_an_error():
    assert problems(parse_upload(b"", filename="cards.csv")) == ["cards.csv: the file is empty"]


def test_a_nul_byte_names_the_file_and_line():
    result = parse_upload(b"a,b\nc\x00,d\n", filename="cards.csv")
    assert problems(result)[0].startswith("cards.csv, line 2: the file contains a NUL byte")


def test_encodings_reach_the_parsers():
    data = codecs.BOM_UTF16_LE + "vraag;antwoord\nWat is een reünie?;feest\n".encode("utf-16-le")
    result = parse_upload(data, filename="cards.csv")
    assert [(card.front, card.back) for card in result.cards] == [("Wat is een reünie?", "feest")]


def test_the_windows_1252_warning_names_the_file():
    result = parse_upload("café;koffie\n".encode("cp1252"), filename="woorden.csv")
    assert result.cards[0].front == "café"
    assert problems(result)[0].startswith(
        "woorden.csv: the file is not UTF-8; read as Windows-1252"
    )


def test_the_file_name_loses_any_folder():
    result = parse_upload(b"", filename="C:\\Users\\juf\\Desktop\\cards.csv")
    assert problems(result) == ["cards.csv: the file is empty"]


# --- after parsing ---------------------------------------------------------------------


def test_a_repeated_front_keeps_the_first_card_and_names_both_lines():
    data = b"de fiets,the bicycle\nhet huis,the house\nDe  <b>Fiets</b>,a bike\n"
    result = parse_upload(data, filename="cards.csv")
    assert [card.back for card in result.cards] == ["the bicycle", "the house"]
    assert problems(result) == [
        'cards.csv, line 3: "De Fiets" is asked twice: kept the card from line 1, skipped the '
        "one from line 3"
    ]


def test_a_repeated_front_in_an_anki_package_names_both_notes():
    package = genanki_package(
        [basic_note("de fiets", "the bicycle"), basic_note("de fiets", "bike")]
    )
    result = parse_upload(package, filename="deck.apkg")
    assert len(result.cards) == 1
    assert problems(result) == [
        'deck.apkg, note 2: "de fiets" is asked twice: kept the card from note 1, skipped the '
        "one from note 2"
    ]


def test_front_key_ignores_markup_case_and_spacing():
    assert front_key("De  <b>Fiets</b>\n") == front_key("de fiets") == "de fiets"


def test_more_cards_than_the_cap_imports_nothing_for_any_format():
    data = b"H1\nWat is CRM?\nklantbeheer\nWat is NPS?\neen score\nWat is B2B?\nzakelijk\n"
    result = parse_upload(data, filename="vragen.txt", limits=ImportLimits(max_cards=2))
    assert result.format == "qa_blocks"
    assert result.cards == []
    assert problems(result) == [
        "vragen.txt: the file has 3 cards; the most one import may hold is 2: split it into "
        "smaller files"
    ]


def test_twenty_thousand_and_one_cards_through_the_upload():
    data = "".join(f"vraag {n};antwoord {n}\n" for n in range(101)).encode()
    result = parse_upload(data, filename="cards.csv", limits=ImportLimits(max_cards=100))
    assert result.cards == []
    assert "more than 100 cards" in problems(result)[0]


def test_seed_format_cards_over_the_field_limit_are_errors():
    data = (SOURCES / "001_9c05d95d9b28b91c.txt").read_bytes()
    result = parse_upload(data, filename="h1.txt", limits=ImportLimits(max_field_chars=100))
    assert result.errors
    assert all(error.line for error in result.errors)


def test_a_file_without_cards_is_an_error():
    result = parse_upload(b"<script>alert(1)</script>,x\n", filename="cards.csv")
    assert result.cards == []
    assert "cards.csv: no cards were found in the file" in problems(result)


def test_long_lists_of_problems_are_cut_short():
    data = "".join(f"vraag {n},\n" for n in range(150)).encode()
    result = parse_upload(data, filename="cards.csv")
    assert len(result.errors) == 101
    assert str(result.errors[-1]) == "cards.csv: … and 50 more errors like these"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"a,b\nc\n", "cards.csv"),
        (b"\x00", "cards.txt"),
        (b"x", "deck.apkg"),
        (make_zip({"../evil": b"x"}), "deck.apkg"),
        ("café,x\nx,y\n".encode("cp1252"), "cards.csv"),
    ],
)
def test_every_problem_names_the_file(data, filename):
    result = parse_upload(data, filename=filename)
    assert problems(result)
    assert all(problem.startswith(filename) for problem in problems(result))


def test_the_title_hint_is_the_anki_deck_or_the_file_name():
    assert parse_upload(MODERN_SAMPLE.read_bytes(), filename="x.apkg").deck_title == "Nederlands"
    assert parse_upload(b"a,b\n", filename="Hoofdstuk 3.csv").deck_title == "Hoofdstuk 3"


def test_the_samples_through_the_upload():
    for sample in (MODERN_SAMPLE, LEGACY_SAMPLE):
        result = parse_upload(sample.read_bytes(), filename=sample.name)
        assert len(result.cards) == 6
        assert result.errors == result.warnings == []


# --- linear work on hostile text -------------------------------------------------------

PATHOLOGICAL_TEXT = {  # Python expressions, built in the child process
    "blank lines after one word": '"woord" + "\\n" * 1_000_000',
    "lines of spaces after one word": '"woord\\n" + " \\n" * 500_000',
    "a card number then blank lines": '"1\\n" + "\\n" * 1_000_000 + "x"',
    "dots that never lead to a page number": '"." * 1_000_000 + "x"',
    "a dotted leader ending in a word": '"Inhoud " + "." * 1_000_000 + " x"',
    "chapters each followed by a page break": (
        '"".join(f"hoofdstuk {n} titel{n}\\n,x\\n" for n in range(40_000))'
    ),
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL_TEXT))
def test_a_megabyte_of_pathological_text_is_detected_and_parsed_within_a_cpu_budget(name):
    """Counted, not timed: a quadratic pattern needs hours here, RLIMIT_CPU stops at 10 s.

    The line cap is lifted so that the parsers themselves are what is measured.
    """
    script = f"""
import django
django.setup()
from decks.importers.base import ImportLimits
from decks.importers.detect import parse_upload
data = ({PATHOLOGICAL_TEXT[name]}).encode()
result = parse_upload(data, filename="notes.txt", limits=ImportLimits(max_text_lines=10**7))
print(result.format, [problem.message for problem in result.errors])
"""
    done = run_within_cpu_seconds(script, 10)
    assert done.stdout.strip() == "notes ['no cards were found in the file']", done.stderr[-500:]


def test_a_text_upload_of_more_lines_than_the_limit_is_refused_before_it_is_parsed():
    data = b"woord" + b"\n" * 1_000_000
    result = parse_upload(data, filename="notes.txt")
    assert result.cards == []
    assert problems(result) == [
        "notes.txt: the file has 1,000,001 lines; the limit is 100,000. Split it into smaller files"
    ]


def test_a_text_upload_within_the_line_limit_is_parsed():
    data = b"front,back\n" + b"".join(b"v%d,a%d\n" % (n, n) for n in range(99_998))
    result = parse_upload(data, filename="cards.csv", limits=ImportLimits(max_cards=100_000))
    assert len(result.cards) == 99_998
    assert result.errors == []


def test_text_that_unfolds_past_twice_the_upload_is_refused_at_the_line_that_passes():
    rows = "".join(f"{'&' * 100} {row},{'&' * 100}\n" for row in range(10))
    data = f"front,back\n{rows}".encode()
    result = parse_upload(data, filename="cards.csv", limits=ImportLimits(max_card_text_chars=1))
    assert result.cards == []
    assert (
        f"cards.csv, line 6: the cards hold more than {2 * len(data):,} characters"
        in (problems(result)[0])
    )
