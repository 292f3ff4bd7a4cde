"""Uploaded bytes to text: the encodings teachers' files really come in.

Excel and Notepad save UTF-8 with a byte order mark, "Unicode text" is UTF-16 with one, and
older Windows programs still write Windows-1252. Without a mark, UTF-8 is tried first: text
in Windows-1252 with accents is almost never valid UTF-8, so a clean UTF-8 decode is trusted
and anything else is read as Windows-1252 with a warning to check the accents.
"""

import codecs
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from decks.importers.base import Problem

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_NOT_TEXT = gettext_noop("the file is not text in a known encoding (UTF-8, UTF-16 or Windows-1252)")
_NUL_MESSAGE = gettext_noop(
    "the file contains a NUL byte, so it is not a text file (a UTF-16 file without a byte "
    "order mark looks like this too: save it as UTF-8)"
)
_CP1252_WARNING = gettext_noop(
    "the file is not UTF-8; read as Windows-1252: check that accented letters (é, ë) look "
    "right, or save the file as UTF-8"
)


@dataclass
class DecodedText:
    text: str = ""
    encoding: str = ""  # "utf-8", "utf-8-sig", "utf-16" or "cp1252"; "" when unreadable
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


def decode_text(data: bytes) -> DecodedText:
    """Decode an uploaded text file, or say in the errors why it is not one."""
    if not data:
        return DecodedText(errors=[Problem(gettext("the file is empty"))])
    if data.startswith(codecs.BOM_UTF32_LE):
        # FF FE 00 00 also opens UTF-16 text starting with NUL, which is no text either.
        return DecodedText(errors=[Problem(gettext(_NOT_TEXT))])
    if data.startswith(_UTF16_BOMS):
        result = _decode(data, "utf-16")
    else:
        if (nul := data.find(b"\x00")) != -1:
            line = data.count(b"\n", 0, nul) + 1
            return DecodedText(errors=[Problem(gettext(_NUL_MESSAGE), line)])
        encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
        result = _decode(data, encoding)
        if result.errors and encoding == "utf-8":
            result = _decode(data, "cp1252")
            if not result.errors:
                result.warnings.append(Problem(gettext(_CP1252_WARNING)))
    if not result.errors:
        _check_text(result)
    return result


_SAMPLE = 4096
# Bytes no text file has: control characters other than tab, newlines, form feed and escape.
_CONTROL = frozenset(range(9)) | frozenset(range(14, 27)) | frozenset(range(28, 32))


def looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: every other byte NUL, as Latin letters make it."""
    if data.startswith((*_UTF16_BOMS, codecs.BOM_UTF32_LE)):
        return False
    sample = data[:_SAMPLE]
    half = len(sample) // 2
    if half < 4:
        return False
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    return max(even, odd) > half * 0.3 and min(even, odd) < half * 0.05


def looks_binary(data: bytes) -> bool:
    """Many bytes no text has at the start: a binary file, not text with one stray NUL.

    One NUL in a text file is reported at its line instead, where the teacher can find it.
    """
    if data.startswith((*_UTF16_BOMS, codecs.BOM_UTF32_LE)):
        return False
    sample = data[:_SAMPLE]
    control = sum(byte in _CONTROL for byte in sample)
    return control >= 16 and control > len(sample) * 0.05


def _decode(data: bytes, encoding: str) -> DecodedText:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return DecodedText(errors=[Problem(gettext(_NOT_TEXT))])
    return DecodedText(text=text.removeprefix("\ufeff"), encoding=encoding)


def _check_text(result: DecodedText) -> None:
    """NUL characters can only have come from UTF-16; a BOM and nothing else is empty."""
    if (nul := result.text.find("\x00")) != -1:
        line = result.text.count("\n", 0, nul) + 1
        result.errors.append(Problem(gettext(_NUL_MESSAGE), line))
    elif not result.text.strip():
        result.errors.append(Problem(gettext("the file is empty")))
