"""One entry point for uploads: check the file, pick its parser, tidy what comes back.

The order of the checks follows what a teacher can get wrong: a file too big, empty, or
not what its name says (an Excel workbook called cards.csv, a deck.apkg that is text).
Then the content decides the parser when the teacher did not choose one, and every result
gets the same treatment: one card per front, the card cap, and the file's name on every
problem so a preview of several uploads stays readable.
"""

import io
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import PurePath

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from decks.importers import apkg, bundle, flashcard_site, notes, qa_blocks, quizlet
from decks.importers import csv as csv_importer
from decks.importers.archive import zip_names
from decks.importers.base import (
    DEFAULT_LIMITS,
    CardRecord,
    ImportLimits,
    ParseResult,
    Problem,
    card_text_budget,
    card_text_chars,
    front_key,
    human_size,
    snippet,
    too_much_card_text,
)
from decks.importers.decoding import decode_text, looks_binary, looks_like_utf16
from decks.importers.text_blocks import tidy

FORMATS = ("csv", "tsv", "quizlet", "flashcard_site", "qa_blocks", "notes", "apkg", "zip")
FORMAT_LABELS = {
    "csv": _("CSV (comma or semicolon)"),
    "tsv": _("TSV (tab-separated)"),
    "quizlet": _("Quizlet export"),
    "flashcard_site": _("Flashcard website export"),
    "qa_blocks": _("Questions with answers below"),
    "notes": _("Study notes (term = definition)"),
    "apkg": _("Anki package (.apkg, .colpkg)"),
    "zip": _("CSV or TSV with its pictures (.zip)"),
}
TEXT_EXTENSIONS = {".csv", ".tsv", ".tab", ".txt", ".text"}
ANKI_EXTENSIONS = {".apkg", ".colpkg"}
MAX_PROBLEMS = 100  # of each kind: past that a preview only scrolls

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt before 2007
_PDF_MAGIC = b"%PDF"
_BINARY_MAGIC = (
    (b"\x89PNG", _("a picture (PNG)")),
    (b"\xff\xd8\xff", _("a picture (JPEG)")),
    (b"GIF8", _("a picture (GIF)")),
    (b"ID3", _("a sound file (MP3)")),
    (b"OggS", _("a sound file (Ogg)")),
    (b"{\\rtf", _("a Rich Text (RTF) document")),
    (b"\x1f\x8b", _("a compressed (gzip) file")),
    (b"7z\xbc\xaf\x27\x1c", _("a compressed (7-Zip) file")),
    (b"Rar!", _("a compressed (RAR) file")),
    (b"\x7fELF", _("a program")),
    (b"SQLite format 3\x00", _("a database file (SQLite)")),
)
# Seed-document parsers take text only; they check no sizes of their own.
_UNCHECKED_FORMATS = {"flashcard_site", "qa_blocks", "notes"}

TextParser = Callable[[str, ImportLimits], ParseResult]
TEXT_PARSERS: dict[str, TextParser] = {
    "csv": lambda text, limits: csv_importer.parse(text, limits=limits),
    "tsv": lambda text, limits: csv_importer.parse(text, limits=limits, delimiter="\t"),
    "quizlet": lambda text, limits: quizlet.parse(text, limits=limits),
    "flashcard_site": lambda text, limits: flashcard_site.parse(text),
    "qa_blocks": lambda text, limits: qa_blocks.parse(text),
    "notes": lambda text, limits: notes.parse(text),
}


def parse_upload(
    data: bytes,
    *,
    filename: str,
    format: str | None = None,
    limits: ImportLimits = DEFAULT_LIMITS,
) -> ParseResult:
    """Parse an uploaded file into cards; `format` None detects it from name and content.

    Every problem carries the file's base name in `Problem.file`. A result with errors
    must not be imported: then `cards` may be partial or empty.
    """
    name = PurePath(filename.replace("\\", "/")).name or "the upload"
    result = _parse(data, name, format, limits)
    if not result.errors:
        _post_process(result, name, limits, card_text_budget(limits, len(data)))
    result.warnings = _named(_capped(result.warnings, "warnings"), name)
    result.errors = _named(_capped(result.errors, "errors"), name)
    return result


def detect_format(data: bytes, filename: str) -> str:
    """The format of an upload from its bytes, with the file name as a tie-breaker."""
    extension = PurePath(filename).suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        names = zip_names(data)
        is_package = extension in ANKI_EXTENSIONS or any(n in apkg.COLLECTIONS for n in names)
        return "zip" if not is_package and bundle.table_members(names) else "apkg"
    if extension in ANKI_EXTENSIONS:
        return "apkg"
    text = decode_text(data).text
    if extension == ".tsv":
        return "tsv"
    if extension == ".csv":
        return _delimited_format(text)
    return detect_text_format(text)


def detect_text_format(text: str) -> str:
    """The text format whose shape the content has; study notes when nothing else fits.

    Tables come before question blocks because a CSV row "Wat is CRM?;..." also opens
    with a question word.
    """
    tidied = [tidy(line) for line in text.splitlines()]
    widget = flashcard_site.rating_widget_lines(tidied)
    lines = [  # tabs at the ends count
        line for index, line in enumerate(text.splitlines()) if line.strip() and index not in widget
    ]
    if not lines:
        return "notes"
    # Q and A markers come before tables: a marked answer may have a comma on every line.
    shape = qa_blocks.marked_shape([line.strip() for line in lines])
    if shape == "site":
        return "flashcard_site"
    if shape == "marked":
        return "qa_blocks"
    if sum("\t" in line for line in lines) >= len(lines) / 2:
        return "quizlet" if quizlet.looks_like_quizlet(text) else "tsv"
    for delimiter in (";", ","):
        width, share = csv_importer.delimited_shape(text, delimiter)
        if width >= 2 and share >= 0.8:
            return "csv"
    questions = sum(qa_blocks.is_question(line.strip()) for line in lines[1:])
    if questions and questions >= len(lines) / 10:
        return "qa_blocks"
    return "notes"


def _parse(data: bytes, name: str, format: str | None, limits: ImportLimits) -> ParseResult:
    if len(data) > limits.max_bytes:
        return _failed(
            gettext("the file is %(size)s; the limit is %(limit)s")
            % {"size": human_size(len(data)), "limit": human_size(limits.max_bytes)}
        )
    if not data:
        return _failed(gettext("the file is empty"))
    if format is not None and format not in FORMATS:
        return _failed(
            gettext("unknown format; Stamp reads: %(formats)s") % {"formats": readable_formats()}
        )
    if problem := _wrong_kind(data, name, format):
        return _failed(problem)
    if problem := _too_many_lines(data, format, limits):
        return _failed(problem)
    format = format or detect_format(data, name)
    if format == "apkg":
        return apkg.parse(data, limits=limits)
    if format == "zip":
        return _parse_bundle(data, limits)
    decoded = decode_text(data)
    if decoded.errors:
        return ParseResult(warnings=decoded.warnings, errors=decoded.errors, format=format)
    result = TEXT_PARSERS[format](decoded.text, limits)
    result.warnings[:0] = decoded.warnings
    result.format = result.format or format
    return result


def _too_many_lines(data: bytes, format: str | None, limits: ImportLimits) -> str | None:
    """Refuse a text upload of more lines than any deck has, before a parser holds each line.

    Counted in the bytes, so the check costs one pass whatever the encoding: a newline is
    one byte in UTF-8 and Windows-1252 and one of two in UTF-16.
    """
    if format in ("apkg", "zip") or data.startswith(_ZIP_MAGIC):
        return None
    lines = max(data.count(b"\n"), data.count(b"\r")) + 1
    if lines <= limits.max_text_lines:
        return None
    return gettext(
        "the file has %(lines)s lines; the limit is %(limit)s. Split it into smaller files"
    ) % {"lines": f"{lines:,}", "limit": f"{limits.max_text_lines:,}"}


def _parse_bundle(data: bytes, limits: ImportLimits) -> ParseResult:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bundle.parse(archive, limits=limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return _failed(gettext("the file is not a zip archive"))


def _wrong_kind(data: bytes, name: str, format: str | None) -> str | None:
    """Why the file is not what its name (or the chosen format) says, if it is not."""
    extension = PurePath(name).suffix.lower()
    is_zip = data.startswith(_ZIP_MAGIC)
    # An Anki package, or a CSV zipped with its pictures: both are zip archives.
    wants_zip = format in ("apkg", "zip") or (
        format is None and extension in ANKI_EXTENSIONS | {".zip"}
    )
    if is_zip:
        if office := _office_kind(data):
            return gettext(
                "this is %(kind)s, not a card file: save it as CSV (UTF-8) and upload that"
            ) % {"kind": office}
        if not wants_zip and (format is not None or extension in TEXT_EXTENSIONS):
            return gettext(
                "this is a zip archive, not a text file: upload the CSV or text file itself"
            )
        return None
    if data.startswith(_OLE_MAGIC):
        return gettext("this is an old Word or Excel file: save it as CSV (UTF-8) and upload that")
    if kind := binary_kind(data):
        message = gettext("this is %(kind)s, not a card file. Stamp reads: %(formats)s.") % {
            "kind": kind,
            "formats": readable_formats(),
        }
        if kind in (gettext("a PDF file"), gettext("a Rich Text (RTF) document")):
            message += " " + gettext("Copy its text into a .txt file and upload that.")
        return message
    if wants_zip and (format == "zip" or extension == ".zip"):
        return gettext("the file is not a zip archive")
    if wants_zip:
        return gettext("the file is not an Anki package (not a zip archive)")
    if looks_like_utf16(data):
        return gettext(
            "this looks like UTF-16 text without a byte order mark: save it as UTF-8 and "
            "upload it again"
        )
    if looks_binary(data):
        return gettext(
            "this is not a text file, nor a file Stamp knows. Stamp reads: %(formats)s."
        ) % {"formats": readable_formats()}
    return None


def binary_kind(data: bytes) -> str | None:
    """What a file that is no text is, from its first bytes, as a teacher would name it.

    A PDF may have bytes before its "%PDF" (the format allows 1 KB of them), so that mark
    is looked for in the opening kilobyte, not only at the start.
    """
    if _PDF_MAGIC in data[:1024]:
        return gettext("a PDF file")
    for magic, kind in _BINARY_MAGIC:
        if data.startswith(magic):
            return str(kind)
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        return gettext("a picture (WebP)")
    if data[4:8] == b"ftyp":
        return gettext("a video or sound file")
    if data.startswith(b"MZ") and b"\x00" in data[:512]:  # text may open with "MZ"
        return gettext("a program (.exe)")
    return None


def readable_formats() -> str:
    """The formats an upload may have, as the upload form names them."""
    return ", ".join(str(FORMAT_LABELS[format]) for format in FORMATS)


def _office_kind(data: bytes) -> str | None:
    names = zip_names(data)
    if any(name.startswith("xl/") for name in names):
        return gettext("an Excel workbook")
    if any(name.startswith("word/") for name in names):
        return gettext("a Word document")
    if any(name.startswith("ppt/") for name in names):
        return gettext("a PowerPoint presentation")
    if "mimetype" in names and "content.xml" in names:
        return gettext("an OpenDocument file")
    return None


def _delimited_format(text: str) -> str:
    return "tsv" if csv_importer.sniff_delimiter(text) == "\t" else "csv"


def _post_process(result: ParseResult, name: str, limits: ImportLimits, text_budget: int) -> None:
    if result.format in _UNCHECKED_FORMATS:
        _check_card_sizes(result, limits)
    _check_card_text(result, text_budget)
    result.cards = _one_card_per_front(result.cards, result.warnings)
    if len(result.cards) > limits.max_cards:
        result.errors.append(
            Problem(
                gettext(
                    "the file has %(cards)s cards; the most one import may hold is %(limit)s: "
                    "split it into smaller files"
                )
                % {"cards": f"{len(result.cards):,}", "limit": f"{limits.max_cards:,}"}
            )
        )
        result.cards = []
    elif not result.cards and not result.errors:
        result.errors.append(Problem(gettext("no cards were found in the file")))
    if result.deck_title is None:
        result.deck_title = PurePath(name).stem or None


def _check_card_text(result: ParseResult, budget: int) -> None:
    """Refuse the upload at the card whose text passes the budget, naming where it is."""
    total = 0
    for card in result.cards:
        total += card_text_chars(card)
        if total > budget:
            result.errors.append(Problem(too_much_card_text(budget), card.line, card.entry))
            result.cards = []
            return


def _check_card_sizes(result: ParseResult, limits: ImportLimits) -> None:
    for card in result.cards:
        longest = max(len(card.front), len(card.back))
        if longest > limits.max_field_chars:
            result.errors.append(
                Problem(
                    gettext("the card is %(length)s characters long; the limit is %(limit)s")
                    % {"length": f"{longest:,}", "limit": f"{limits.max_field_chars:,}"},
                    card.line,
                    card.entry,
                )
            )


def _one_card_per_front(cards: list[CardRecord], warnings: list[Problem]) -> list[CardRecord]:
    """Keep the first card of each front: a deck holds one card per question."""
    first: dict[str, CardRecord] = {}
    for card in cards:
        key = front_key(card.front)
        if key not in first:
            first[key] = card
            continue
        kept = first[key]
        warnings.append(
            Problem(
                gettext(
                    '"%(front)s" is asked twice: kept the card from %(kept)s, skipped the one '
                    "from %(skipped)s"
                )
                % {"front": snippet(card.front), "kept": _where(kept), "skipped": _where(card)},
                card.line,
                None if card.line else card.entry,
            )
        )
    return list(first.values())


def _where(card: CardRecord) -> str:
    if card.line:
        return gettext("line %(number)s") % {"number": card.line}
    return card.entry or gettext("earlier in the file")


def _capped(problems: list[Problem], kind: str) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    text = {
        "warnings": gettext("… and %(count)s more warnings like these"),
        "errors": gettext("… and %(count)s more errors like these"),
    }[kind]
    return [*problems[:MAX_PROBLEMS], Problem(text % {"count": f"{more:,}"})]


def _named(problems: list[Problem], name: str) -> list[Problem]:
    return [replace(problem, file=name) for problem in problems]


def _failed(message: str) -> ParseResult:
    return ParseResult(errors=[Problem(message)])
