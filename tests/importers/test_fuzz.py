"""Every reader, fed random text, lines of punctuation and the markers the readers look for,
reports problems and never crashes (a crash reaches the teacher as "send the file to the
app's maintainers")."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from decks.importers.detect import FORMATS, parse_upload
from tests.importers.packages import make_zip

MARKERS = [
    "=",
    "==",
    "===",
    ":",
    "::",
    "-",
    "--",
    "*",
    "•",
    "1.",
    "2)",
    "a.",
    "#",
    "##",
    ";",
    ",",
    "\t",
    '"',
    "'",
    "?",
    "Q:",
    "A:",
    "Vraag:",
    "Antwoord:",
    "Term",
    "Definitie",
    "V1",
    "A1",
    "[sound:geluid.mp3]",
    '<img src="kaart.png">',
    "{{c1::kat}}",
    "|",
    ">",
    "...",
    "(",
    ")",
]
WORDS = ["Wat", "is", "CRM", "de kat", "the cat", "Noem", "Leg uit", "antwoord", "uitleg"]

line = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.punctuation + " \t", max_size=12),
    st.lists(st.sampled_from(MARKERS + WORDS), max_size=6).map(" ".join),
)
document = st.lists(line, max_size=25).map("\n".join)
TEXT_FORMATS = [None, *(name for name in FORMATS if name not in {"apkg", "zip"})]


@pytest.mark.parametrize("format", TEXT_FORMATS)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=document)
def test_no_text_reader_crashes_on_any_lines(format, text):
    parse_upload(text.encode(), filename="kaarten.txt", format=format)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=document, names=st.lists(st.sampled_from(["kaart.png", "a/b.mp3", "x.csv"])))
def test_no_zip_of_a_table_and_files_crashes_its_reader(text, names):
    entries = {"kaarten.csv": text.encode(), **{name: b"\x89PNG" + name.encode() for name in names}}
    parse_upload(make_zip(entries), filename="kaarten.zip", format="zip")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=200))
def test_no_package_reader_crashes_on_any_bytes(data):
    for format in ("apkg", "zip", None):
        parse_upload(b"PK\x03\x04" + data, filename="deck.apkg", format=format)
