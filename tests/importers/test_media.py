"""Pictures and sound in Anki packages: read within caps, typed by their bytes, linked to cards."""

import hashlib
import json

import pytest

from decks.html import clean_card_html, media_hashes
from decks.importers import apkg
from decks.importers.base import ImportLimits, front_key
from decks.importers.media import MediaRefused, identify, referenced_names
from tests.cpu_budget import run_within_cpu_seconds
from tests.importers.packages import basic_note, genanki_package, make_zip, zip_entries
from tests.media_samples import (
    SVG_WITH_SCRIPT,
    anki_package,
    gif,
    jpeg,
    m4a,
    mp3,
    noisy_jpeg,
    ogg,
    png,
    png_claiming,
    png_with_html,
    wav,
    webp,
)


def warnings(result) -> str:
    return " | ".join(str(problem) for problem in result.warnings)


def errors(result) -> str:
    return " | ".join(str(problem) for problem in result.errors)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- what a file is ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (png(), "image/png"),
        (jpeg(), "image/jpeg"),
        (gif(), "image/gif"),
        (webp(), "image/webp"),
        (mp3(), "audio/mpeg"),
        (ogg(), "audio/ogg"),
        (m4a(), "audio/mp4"),
        (wav(), "audio/wav"),
    ],
)
def test_each_accepted_type_is_recognised_by_its_bytes(data, content_type):
    assert identify(data, max_image_pixels=10_000)[0] == content_type


def test_a_picture_reports_its_pixel_size():
    assert identify(png(40, 30), max_image_pixels=10_000) == ("image/png", 40, 30)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"just some text, called kaart.png", "not a picture or sound"),
        (SVG_WITH_SCRIPT, "markup"),
        (png_with_html(), "markup"),
        (png_claiming(100_000, 100_000), "pixels"),
        (png_claiming(6_000, 6_000), "6,000 x 6,000 pixels"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\0" * 64, "video/mp4"),
        (png()[:20], "can't be read"),
    ],
    ids=[
        "text",
        "svg-script",
        "png-polyglot",
        "pixel-bomb",
        "over-the-cap",
        "video",
        "truncated-png",
    ],
)
def test_files_that_are_not_a_plain_picture_or_sound_are_refused_with_the_reason(data, reason):
    with pytest.raises(MediaRefused, match=reason):
        identify(data, max_image_pixels=25_000_000)


def test_a_field_names_its_pictures_and_sounds_as_the_package_does():
    field = "<img src=\"kaart%20europa.png\"> Europa [sound:uitspraak.mp3] <img src='a&amp;b.jpg'>"
    assert referenced_names(field) == ["kaart europa.png", "a&b.jpg", "uitspraak.mp3"]


# --- a package with media ----------------------------------------------------------------


@pytest.fixture
def files():
    return {"kaart.png": png(40, 30), "europa.mp3": mp3(), "kat.jpg": jpeg()}


@pytest.fixture
def package(tmp_path, files):
    return anki_package(
        tmp_path,
        [
            ('<img src="kaart.png">', "Europa [sound:europa.mp3]"),
            ('de kat <img src="kat.jpg" alt="Een kat">', "the cat"),
        ],
        files,
    )


def test_pictures_and_sounds_of_a_modern_anki_package_become_the_cards_media(package, files):
    result = apkg.parse(package)
    assert result.errors == [] and result.warnings == []
    picture, sound = sha(files["kaart.png"]), sha(files["europa.mp3"])
    first = result.cards[0]
    assert first.front == f'<img src="/media/{picture}.png" alt="" width="40" height="30">'
    assert (
        first.back == f'Europa <audio controls="" preload="none" src="/media/{sound}.mp3"></audio>'
    )
    assert {media.name: media.data for media in result.media.values()} == files


def test_a_pictures_alt_text_is_ankis_alt_else_empty_never_the_files_name(package):
    fronts = [card.front for card in apkg.parse(package).cards]
    assert 'alt=""' in fronts[0]
    assert 'alt="Een kat"' in fronts[1]


def test_a_card_whose_front_is_only_a_picture_is_kept():
    package = genanki_package(
        [basic_note('<img src="kaart.png">', "Europa")], media={"kaart.png": png()}
    )
    result = apkg.parse(package)
    assert [card.back for card in result.cards] == ["Europa"]
    assert media_hashes(result.cards[0].front) == [sha(png())]


def test_two_picture_only_fronts_are_two_cards():
    first = clean_card_html(f'<img src="/media/{"a" * 64}.png">')
    second = clean_card_html(f'<img src="/media/{"b" * 64}.png">')
    assert front_key(first) != front_key(second)


def test_the_legacy_format_reads_its_plain_json_media_list():
    package = genanki_package(
        [basic_note('de kat <img src="kat.gif">', "the cat [sound:kat.ogg]")],
        media={"kat.gif": gif(), "kat.ogg": ogg()},
    )
    result = apkg.parse(package)
    assert sorted(media.content_type for media in result.media.values()) == [
        "audio/ogg",
        "image/gif",
    ]


def test_the_same_file_used_by_many_cards_is_read_once():
    notes = [basic_note(f"kaart {n} <img src='kaart.png'>", f"land {n}") for n in range(40)]
    result = apkg.parse(genanki_package(notes, media={"kaart.png": png()}))
    assert len(result.cards) == 40
    assert list(result.media) == [sha(png())]


# --- bad media: a warning naming the file and the notes, the rest imports ----------------


def test_a_card_naming_a_file_the_package_does_not_have_imports_without_it():
    package = genanki_package([basic_note('de kat <img src="kat.jpg">', "the cat")])
    result = apkg.parse(package)
    assert [card.front for card in result.cards] == ["de kat"]
    assert warnings(result) == (
        'deck.apkg: "kat.jpg" left out: the package doesn\'t have this file; '
        'used by note 1 ("de kat")'
    ).removeprefix("deck.apkg: ")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("kaart.png", b"<p>not a picture</p>", "not a picture or sound"),
        ("kaart.png", png_with_html(), "markup"),
        ("kaart.svg", SVG_WITH_SCRIPT, "markup"),
        ("kaart.png", png_claiming(100_000, 100_000), "pixels"),
    ],
)
def test_a_bad_file_is_left_out_with_a_warning_naming_it_and_its_notes(name, data, reason):
    notes = [
        basic_note(f'Europa <img src="{name}">', "een werelddeel"),
        basic_note(f'Azië <img src="{name}">', "ook een werelddeel"),
        basic_note("de kat", "the cat"),
    ]
    result = apkg.parse(genanki_package(notes, media={name: data}))
    assert [card.front for card in result.cards] == ["Europa", "Azië", "de kat"]
    assert result.media == {}
    (warning,) = result.warnings
    assert name in warning.message and reason in warning.message
    assert 'note 1 ("Europa"), note 2 ("Azië")' in warning.message


@pytest.mark.parametrize("name", ["../../x.png", "/etc/x.png", "media/../../x.png"])
def test_a_media_list_naming_a_path_is_only_a_label_and_is_left_out(name):
    entries = zip_entries(genanki_package([basic_note(f'kaart <img src="{name}">', "Europa")]))
    entries["media"] = json.dumps({"0": name}).encode()
    entries["0"] = png()
    result = apkg.parse(make_zip(entries))
    assert [card.front for card in result.cards] == ["kaart"]
    assert "may not be a path" in warnings(result)
    assert result.media == {}


def test_ten_thousand_tiny_files_stop_at_the_cap_of_a_thousand():
    tiny = png(1, 1)
    notes = [
        basic_note(
            f"kaart {n} " + "".join(f'<img src="t{n * 20 + k}.png">' for k in range(20)), "x"
        )
        for n in range(500)
    ]
    entries = zip_entries(genanki_package(notes))
    entries["media"] = json.dumps({str(n): f"t{n}.png" for n in range(10_000)}).encode()
    entries |= {str(n): tiny + n.to_bytes(4, "big") for n in range(10_000)}
    result = apkg.parse(make_zip(entries))
    assert result.cards == []
    assert "more than 1,000 pictures and sounds" in errors(result)


def test_more_files_than_the_cap_stops_the_import_naming_the_cap():
    names = {f"p{n}.png": png(1, 1, (n % 256, n // 256 % 256, 0)) for n in range(30)}
    notes = [basic_note(f'kaart {name} <img src="{name}">', "x") for name in names]
    result = apkg.parse(
        genanki_package(notes, media=names), limits=ImportLimits(max_media_files=25)
    )
    assert result.cards == []
    assert "more than 25 pictures and sounds" in errors(result)


def test_a_file_that_inflates_past_the_per_file_cap_is_left_out():
    bomb = png() + b"\0" * 3_000_000
    notes = [basic_note('kaart <img src="kaart.png">', "x")]
    package = make_zip(zip_entries(genanki_package(notes, media={"kaart.png": bomb})))
    assert len(package) < 100_000  # deflated
    result = apkg.parse(package, limits=ImportLimits(max_media_file_bytes=1_024_000))
    assert [card.front for card in result.cards] == ["kaart"]
    assert "the file is 2.9 MB; the most one picture or sound may be is 1000 KB" in warnings(result)


def test_media_that_together_unpack_past_the_total_cap_stop_the_import():
    files = {f"p{n}.png": png(1, 1, (n, 0, 0)) + b"\0" * 400_000 for n in range(5)}
    notes = [basic_note(f'kaart {name} <img src="{name}">', "x") for name in files]
    limits = ImportLimits(max_media_bytes=1_000_000)
    result = apkg.parse(genanki_package(notes, media=files), limits=limits)
    assert result.cards == []
    assert "unpack to more than" in errors(result)


PATHOLOGICAL = {  # Python expressions, built in the child process
    "long attribute name": '"<img " + "a" * 1_000_000 + ">"',
    "tags never closed": '"<img" * 250_000',
    "sound tags never closed": '"[sound:" * 150_000',
    "attributes never valued": '"<img " + "a= " * 330_000',
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_a_megabyte_of_pathological_markup_is_linked_within_a_cpu_budget(name):
    """Counted, not timed: a quadratic pattern needs minutes here, RLIMIT_CPU stops at 5 s."""
    script = f"""
import zipfile, io
from decks.importers.base import ImportLimits
from decks.importers.media import MediaCollector, referenced_names
field = {PATHOLOGICAL[name]}
archive = zipfile.ZipFile(io.BytesIO(), "w")
MediaCollector(archive, {{}}, ImportLimits()).link(field, "line 1")
referenced_names(field)
print("done")
"""
    done = run_within_cpu_seconds(script, 5)
    assert done.stdout.strip() == "done", done.stderr[-500:]


def test_markup_bytes_inside_a_pictures_compressed_data_are_not_mistaken_for_a_page():
    data = bytearray(noisy_jpeg())
    assert len(data) > 4_000
    data[3_000:3_008] = b"<svg>xx "  # what compressed bytes hold by chance
    content_type, _, _ = identify(bytes(data), max_image_pixels=1_000_000)
    assert content_type == "image/jpeg"


def test_a_jpeg_with_a_web_page_after_its_end_is_refused():
    with pytest.raises(MediaRefused, match="markup"):
        identify(jpeg() + b"<html><script>x()</script>", max_image_pixels=10_000)
