"""Uploaded bytes to text: UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252."""

import codecs

import pytest

from decks.importers.decoding import decode_text

TEXT = "vraag;antwoord\nWat is een reünie?;Een bijeenkomst 🚲\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
    ],
    ids=["utf-8", "utf-8 bom", "utf-16 le", "utf-16 be"],
)
def test_unicode_files_decode_without_problems(data, encoding):
    decoded = decode_text(data)
    assert decoded.text == TEXT  # the byte order mark is gone
    assert decoded.encoding == encoding
    assert decoded.warnings == []
    assert decoded.errors == []


def test_windows_1252_is_read_with_a_warning():
    decoded = decode_text("café;één privé\n".encode("cp1252"))
    assert decoded.text == "café;één privé\n"
    assert decoded.encoding == "cp1252"
    assert [warning.message.split(";")[0] for warning in decoded.warnings] == [
        "the file is not UTF-8"
    ]
    assert "read as Windows-1252" in str(decoded.warnings[0])
    assert decoded.errors == []


def test_windows_1252_curly_quotes_and_euro_sign_decode():
    decoded = decode_text("“prijs” – 5 €".encode("cp1252"))
    assert decoded.text == "“prijs” – 5 €"


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, b"  \r\n\n", codecs.BOM_UTF16_LE])
def test_an_empty_file_is_an_error(data):
    decoded = decode_text(data)
    assert [str(error) for error in decoded.errors] == ["the file is empty"]


def test_a_nul_byte_is_an_error_naming_its_line():
    decoded = decode_text(b"front,back\nde fiets,the bicycle\nkapot\x00,bestand\n")
    assert decoded.errors[0].line == 3
    assert "NUL byte" in str(decoded.errors[0])
    assert str(decoded.errors[0]).startswith("line 3: ")


def test_utf16_without_a_bom_is_refused_for_its_nul_bytes():
    decoded = decode_text("front,back\n".encode("utf-16-le"))
    assert decoded.errors[0].line == 1
    assert "UTF-16" in decoded.errors[0].message


def test_a_nul_character_inside_utf16_text_is_an_error_too():
    decoded = decode_text(codecs.BOM_UTF16_LE + "a,b\nc\x00,d\n".encode("utf-16-le"))
    assert decoded.errors[0].line == 2


def test_bytes_that_are_no_known_encoding_are_an_error():
    decoded = decode_text(b"caf\x81 \x8d")  # undefined in Windows-1252, invalid in UTF-8
    assert "not text in a known encoding" in str(decoded.errors[0])


def test_damaged_utf16_is_an_error():
    decoded = decode_text(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # a lone surrogate half
    assert "not text in a known encoding" in str(decoded.errors[0])
