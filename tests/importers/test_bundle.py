"""A CSV or TSV zipped with its pictures and sound."""

import hashlib

import pytest

from decks.importers.base import ImportLimits
from decks.importers.detect import detect_format, parse_upload
from tests.importers.packages import make_zip
from tests.media_samples import mp3, png

CSV = (
    b"voorkant;achterkant;tags\n"
    b'"Welk werelddeel? <img src=""kaart.png"">";Europa [sound:geluid/europa.mp3];H1\n'
    b"de kat;the cat;H1\n"
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def bundle() -> bytes:
    return make_zip({"kaarten.csv": CSV, "kaart.png": png(40, 30), "geluid/europa.mp3": mp3()})


def test_a_zip_holding_a_table_is_read_as_a_csv_with_pictures(bundle):
    assert detect_format(bundle, "kaarten.zip") == "zip"


def test_fields_that_name_files_in_the_zip_show_them(bundle):
    result = parse_upload(bundle, filename="kaarten.zip")
    assert result.errors == [] and result.warnings == []
    front, back = result.cards[0].front, result.cards[0].back
    assert f'src="/media/{sha(png(40, 30))}.png"' in front
    assert f'src="/media/{sha(mp3())}.mp3"' in back
    assert {media.name for media in result.media.values()} == {"kaart.png", "geluid/europa.mp3"}


def test_a_file_in_a_folder_is_found_by_its_name_alone():
    table = b'front,back\n"<img src=""kaart.png"">",Europa\n'
    result = parse_upload(make_zip({"k.csv": table, "plaatjes/kaart.png": png()}), filename="k.zip")
    assert list(result.media) == [sha(png())]


def test_the_deck_is_named_after_the_table(bundle):
    assert parse_upload(bundle, filename="upload.zip").deck_title == "Kaarten"


def test_a_missing_picture_is_a_warning_naming_the_file_and_the_line():
    table = b'front,back\n"kaart <img src=""weg.png"">",Europa\n'
    result = parse_upload(make_zip({"k.csv": table}), filename="k.zip")
    assert [card.front for card in result.cards] == ["kaart"]
    assert str(result.warnings[0]) == (
        'k.zip: "weg.png" left out: the package doesn\'t have this file; used by line 2'
    )


def test_a_zip_with_two_tables_is_refused_naming_them():
    result = parse_upload(make_zip({"a.csv": CSV, "b.csv": CSV}), filename="k.zip")
    assert "exactly one CSV or TSV file" in str(result.errors[0])
    assert "a.csv, b.csv" in str(result.errors[0])


def test_a_zip_with_an_unsafe_name_is_refused():
    result = parse_upload(make_zip({"k.csv": CSV, "../kaart.png": png()}), filename="k.zip")
    assert result.cards == []
    assert "unsafe file name" in str(result.errors[0])


def test_the_per_file_cap_applies_to_zipped_pictures(bundle):
    limits = ImportLimits(max_media_file_bytes=100)
    result = parse_upload(bundle, filename="kaarten.zip", limits=limits)
    assert len(result.cards) == 2
    assert "kaart.png" in " ".join(str(w) for w in result.warnings)


def test_a_zip_with_more_pictures_than_one_import_may_hold_is_refused_with_the_media_limit():
    rows = "".join(f'"<img src=""p{n}.png"">";b{n}\n' for n in range(5))
    pictures = {f"p{n}.png": png(4 + n, 4) for n in range(5)}
    upload = make_zip({"kaarten.csv": ("voorkant;achterkant\n" + rows).encode(), **pictures})

    result = parse_upload(upload, filename="kaarten.zip", limits=ImportLimits(max_media_files=3))

    assert result.cards == []
    assert "more than 3 pictures and sounds" in result.errors[0].message
