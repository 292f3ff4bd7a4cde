"""Anki packages: the two real samples, cloze and other note types, media, hostile packages."""

import tempfile
from html import unescape

import genanki
import pytest
import zstandard

from decks.importers import apkg
from decks.importers.anki_cards import render_cloze
from decks.importers.anki_collection import protobuf_fields
from decks.importers.base import ImportLimits, ParseResult, human_size
from tests.importers.packages import (
    LEGACY_SAMPLE,
    MODERN_SAMPLE,
    basic_note,
    changed_legacy_sample,
    changed_modern_sample,
    cloze_note,
    genanki_package,
    make_zip,
    with_lying_size,
    zip_entries,
)

SAMPLE_CARDS = [
    ("de fiets", "the bicycle", ("h1", "woorden")),
    (
        "Wat is een <b>reünie</b>?",
        "Een bijeenkomst van oud-klasgenoten.<br>Vaak na jaren.",
        ("h1",),
    ),
    ("Noem twee seizoenen", "<ul><li>lente</li><li>herfst</li></ul>", ("h2",)),
    ("één, twee &amp; drie 🚲", "one, two &amp; three", ()),
    ("het ijsje", "the ice cream", ("omgekeerd",)),
    ("the ice cream", "het ijsje", ("omgekeerd",)),  # the reversed card of the same note
]


@pytest.fixture(params=[MODERN_SAMPLE, LEGACY_SAMPLE], ids=["modern", "legacy"])
def sample(request) -> ParseResult:
    return apkg.parse(request.param.read_bytes())


def error_text(result: ParseResult) -> str:
    return " | ".join(str(problem) for problem in result.errors)


def warning_text(result: ParseResult) -> str:
    return " | ".join(str(problem) for problem in result.warnings)


# --- the real samples ------------------------------------------------------------------


def test_both_samples_give_five_notes_as_six_cards(sample):
    assert [(card.front, card.back, card.tags) for card in sample.cards] == SAMPLE_CARDS
    assert len({card.entry.split(",")[0] for card in sample.cards}) == 5


def test_the_samples_parse_without_problems(sample):
    # Their media lists are empty ({} and an empty zstd protobuf), so nothing is left out.
    assert sample.errors == []
    assert sample.warnings == []
    assert sample.format == "apkg"


def test_entities_display_as_anki_shows_them(sample):
    assert unescape(sample.cards[3].front) == "één, twee & drie 🚲"
    assert unescape(sample.cards[3].back) == "one, two & three"


def test_the_deck_name_becomes_the_title_hint(sample):
    assert sample.deck_title == "Nederlands"  # of "Stamp peer::Nederlands"


def test_the_decoy_collection_is_never_imported(sample):
    assert not any("Please update" in card.front + card.back for card in sample.cards)


@pytest.mark.parametrize("sample_path", [MODERN_SAMPLE, LEGACY_SAMPLE], ids=["modern", "legacy"])
def test_the_newest_collection_wins_whatever_the_order_in_the_zip(sample_path):
    entries = zip_entries(sample_path.read_bytes())
    reordered = dict(sorted(entries.items()))  # collection.anki2 (the decoy) first
    assert list(reordered)[0] == "collection.anki2"
    assert len(apkg.parse(make_zip(reordered)).cards) == 6


def test_a_package_with_only_the_decoy_is_an_error():
    decoy = zip_entries(LEGACY_SAMPLE.read_bytes())["collection.anki2"]
    result = apkg.parse(make_zip({"collection.anki2": decoy}))
    assert result.cards == []
    assert "placeholder note" in error_text(result)
    assert result.errors[0].entry == "entry collection.anki2"


def test_the_temporary_collection_file_is_deleted(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert len(apkg.parse(MODERN_SAMPLE.read_bytes()).cards) == 6
    assert list(tmp_path.iterdir()) == []


# --- note types ------------------------------------------------------------------------


def test_a_cloze_note_gives_one_card_per_cloze_number():
    note = cloze_note("{{c1::Parijs}} is de hoofdstad van {{c2::Frankrijk::land}}.", "Sinds 508")
    result = apkg.parse(genanki_package([note]))
    assert result.errors == []
    assert [(card.front, card.back) for card in result.cards] == [
        (
            "[...] is de hoofdstad van Frankrijk.",
            "<b>Parijs</b> is de hoofdstad van Frankrijk.<br>Sinds 508",
        ),
        (
            "Parijs is de hoofdstad van [land].",
            "Parijs is de hoofdstad van <b>Frankrijk</b>.<br>Sinds 508",
        ),
    ]


def test_a_cloze_number_used_twice_hides_both_places_on_one_card():
    result = apkg.parse(genanki_package([cloze_note("{{c1::rood}}, {{c1::wit}} en {{c2::blauw}}")]))
    assert [card.front for card in result.cards] == ["[...], [...] en blauw", "rood, wit en [...]"]
    assert result.cards[0].back == "<b>rood</b>, <b>wit</b> en blauw"  # no Extra, no <br>


def test_nested_clozes_render_inside_out():
    text = "{{c1::De {{c2::Seine}} stroomt door Parijs}}."
    assert render_cloze(text, 1, side="front") == "[...]."
    assert render_cloze(text, 2, side="front") == "De [...] stroomt door Parijs."
    assert render_cloze(text, 2, side="back") == "De <b>Seine</b> stroomt door Parijs."


def test_a_cloze_note_without_clozes_is_skipped_with_a_warning():
    result = apkg.parse(genanki_package([cloze_note("geen gaten hier"), cloze_note("{{c1::wel}}")]))
    assert len(result.cards) == 1
    assert "note 1" in warning_text(result)
    assert "without any {{c1::...}}" in warning_text(result)


def test_optional_reversed_notes_get_the_second_card_only_when_asked():
    model = genanki.BASIC_OPTIONAL_REVERSED_CARD_MODEL
    notes = [
        genanki.Note(model=model, fields=["de kat", "the cat", "y"]),
        genanki.Note(model=model, fields=["de hond", "the dog", ""]),
    ]
    result = apkg.parse(genanki_package(notes))
    assert [(card.front, card.back) for card in result.cards] == [
        ("de kat", "the cat"),
        ("the cat", "de kat"),
        ("de hond", "the dog"),
    ]
    assert result.warnings == []


def test_type_in_the_answer_reads_as_basic():
    note = genanki.Note(model=genanki.BASIC_TYPE_IN_THE_ANSWER_MODEL, fields=["het paard", "horse"])
    result = apkg.parse(genanki_package([note]))
    assert [(card.front, card.back) for card in result.cards] == [("het paard", "horse")]
    assert result.warnings == []


def test_other_note_types_use_the_first_two_fields_and_say_so():
    model = genanki.Model(
        1607392319,
        "Woordenschat",
        fields=[{"name": "Woord"}, {"name": "Betekenis"}, {"name": "Voorbeeld"}],
        templates=[
            {"name": "Kaart", "qfmt": "{{Woord}}", "afmt": "{{Betekenis}}<br>{{Voorbeeld}}"}
        ],
    )
    note = genanki.Note(model=model, fields=["lopen", "to walk", "Ik loop naar huis."])
    result = apkg.parse(genanki_package([note]))
    assert [(card.front, card.back) for card in result.cards] == [("lopen", "to walk")]
    assert "'Woordenschat' is not Basic or Cloze" in warning_text(result)


def test_cards_in_subdecks_are_tagged_with_their_subdeck(tmp_path):
    first, second = genanki.Deck(1, "Frans::H1"), genanki.Deck(2, "Frans::H2")
    first.add_note(basic_note("le chat", "de kat", ["dieren"]))
    second.add_note(basic_note("le chien", "de hond"))
    genanki.Package([first, second]).write_to_file(tmp_path / "frans.apkg")
    result = apkg.parse((tmp_path / "frans.apkg").read_bytes())
    assert result.deck_title == "Frans"
    assert [card.tags for card in result.cards] == [("dieren", "H1"), ("H2",)]


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (80, "80 bytes"),
        (340 * 1024, "340 KB"),
        (100 * 1024 * 1024, "100 MB"),
        (13_107_200, "12.5 MB"),
    ],
)
def test_sizes_read_as_a_teacher_reads_them(count, text):
    assert human_size(count) == text


def test_protobuf_fields_reads_varints_and_bytes():
    assert protobuf_fields(b"\x08\x01\x12\x03abc\x12\x00") == {1: [1], 2: [b"abc", b""]}
    with pytest.raises(ValueError):
        protobuf_fields(b"\x12\x05ab")  # says 5 bytes, has 2


# --- hostile content -------------------------------------------------------------------

HOSTILE_FRONT = '<script>alert(1)</script><b onclick="steal()">vet</b>'
HOSTILE_BACK = (
    '<a href="javascript:alert(1)">klik</a> <span style="position:fixed">rood</span>'
    "<img src=x onerror=alert(1)><style>body{display:none}</style>"
)


def test_hostile_html_in_fields_is_stripped():
    front, back = HOSTILE_FRONT.replace("'", "''"), HOSTILE_BACK.replace("'", "''")
    package = changed_legacy_sample(
        f"UPDATE notes SET flds = '{front}' || char(31) || '{back}' "
        "WHERE id = (SELECT min(id) FROM notes)"
    )
    card = apkg.parse(package).cards[0]
    assert card.front == "<b>vet</b>"
    assert card.back == "klik <span>rood</span>"
    for dangerous in ("script", "onclick", "javascript", "style", "onerror", "<img", "<a"):
        assert dangerous not in card.front + card.back


def test_not_a_zip_is_an_error():
    result = apkg.parse(b"front,back\nde fiets,the bicycle\n")
    assert error_text(result) == "the file is not an Anki package (not a zip archive)"


def test_a_zip_without_a_collection_is_an_error():
    result = apkg.parse(make_zip({"readme.txt": b"hello"}))
    assert "no Anki collection in the package" in error_text(result)


def test_a_collection_that_is_not_sqlite_is_an_error():
    result = apkg.parse(make_zip({"collection.anki21": b"hello"}))
    assert "not an SQLite database" in error_text(result)
    assert result.errors[0].entry == "entry collection.anki21"


def test_a_damaged_collection_is_an_error():
    result = apkg.parse(make_zip({"collection.anki21": b"SQLite format 3\x00" + b"\x07" * 5000}))
    assert "can't be read" in error_text(result)


@pytest.mark.parametrize(
    "name", ["../evil", "/abs", "media/../../evil", "C:/Windows/evil", "..\\evil"]
)
def test_entries_with_unsafe_names_reject_the_package(name):
    entries = {**zip_entries(LEGACY_SAMPLE.read_bytes()), name: b"x"}
    result = apkg.parse(make_zip(entries))
    assert result.cards == []
    assert result.errors[0].entry == f"entry {name}"
    assert "unsafe file name" in error_text(result)


def test_a_package_declaring_too_many_unzipped_bytes_is_refused():
    bomb = make_zip({"collection.anki21": b"\0" * 2_000_000})  # deflates to ~2 KB
    assert len(bomb) < 10_000
    result = apkg.parse(bomb, limits=ImportLimits(max_unzipped_bytes=1_000_000))
    assert result.cards == []
    assert "would unpack to" in error_text(result)


def test_a_member_lying_about_its_size_is_refused():
    liar = with_lying_size(make_zip({"collection.anki21": b"\0" * 2_000_000}), declared=100)
    result = apkg.parse(liar)
    assert result.cards == []
    assert result.errors[0].entry == "entry collection.anki21"


def test_a_zstd_bomb_stops_at_the_budget():
    bomb = zstandard.ZstdCompressor().compress(b"\0" * 5_000_000)  # a few hundred bytes
    result = apkg.parse(
        make_zip({"collection.anki21b": bomb}), limits=ImportLimits(max_unzipped_bytes=1024 * 1024)
    )
    assert "unpacks to more than 1 MB" in error_text(result)
    assert result.errors[0].entry == "entry collection.anki21b"


@pytest.mark.parametrize("change", [changed_legacy_sample, changed_modern_sample])
def test_notes_as_a_view_is_refused(change):
    package = change(
        "ALTER TABLE notes RENAME TO real_notes",
        "CREATE VIEW notes AS SELECT * FROM real_notes",
    )
    result = apkg.parse(package)
    assert result.cards == []
    assert "'notes' table is a view, not a table" in error_text(result)


def test_a_missing_cards_table_is_an_error():
    result = apkg.parse(changed_legacy_sample("DROP TABLE cards"))
    assert "'cards' table is missing" in error_text(result)


def test_more_rows_than_the_cap_is_an_error():
    result = apkg.parse(LEGACY_SAMPLE.read_bytes(), limits=ImportLimits(max_rows=3))
    assert result.cards == []
    assert error_text(result) == (
        "entry collection.anki21: the collection has more than 3 notes, the most one import reads"
    )


def test_the_time_limit_stops_a_slow_collection():
    result = apkg.parse(LEGACY_SAMPLE.read_bytes(), limits=ImportLimits(time_limit_seconds=0))
    assert "took longer than 0 s" in error_text(result)


def test_a_field_over_the_limit_is_an_error_naming_the_note():
    result = apkg.parse(LEGACY_SAMPLE.read_bytes(), limits=ImportLimits(max_field_chars=20))
    assert 'note 2 ("Wat is een reünie?")' in error_text(result)
    assert "the limit is 20" in error_text(result)


def test_more_cards_than_the_cap_imports_nothing():
    result = apkg.parse(MODERN_SAMPLE.read_bytes(), limits=ImportLimits(max_cards=5))
    assert result.cards == []
    assert "more than 5 cards" in error_text(result)


# --- what a package may unfold into ----------------------------------------------------


def numbered_clozes(count: int) -> str:
    return " ".join(f"{{{{c{number}::woord {number}}}}}" for number in range(1, count + 1))


def test_a_note_with_more_clozes_than_the_cap_is_refused_naming_the_note():
    many = " ".join(f"{{{{c{number % 2 + 1}::rood}}}}" for number in range(150))
    notes = [cloze_note("{{c1::Parijs}} is een stad"), cloze_note(f"Kleuren {many}")]
    result = apkg.parse(genanki_package(notes))
    assert (
        'note 2 ("Kleuren {{c1::rood}} {{c2::rood}} {{c1:…"): the note has 150 clozes; '
        "the most one note may have is 100: split it into several notes"
    ) in error_text(result)


def test_a_note_that_gives_more_cards_than_the_cap_is_refused_naming_the_note():
    result = apkg.parse(genanki_package([cloze_note(numbered_clozes(60))]))
    assert result.cards == []
    assert "the note gives 60 cards; the most one note may give is 50" in error_text(result)


def test_clozes_that_copy_a_long_note_onto_every_card_stop_at_the_card_text_budget():
    text = numbered_clozes(50) + " tekst" * 3_000  # 50 cards of 19,000 characters
    notes = [cloze_note(f"{text} {number}", "extra " * 3_000) for number in range(3)]
    result = apkg.parse(genanki_package(notes))
    assert result.cards == []
    assert (
        "note 2: the cards hold more than 5,000,000 characters of text, the most this upload "
        "may give"
    ) in error_text(result)
