"""Spreadsheet exports: CSV and TSV, one card per row.

    vraag;antwoord;hoofdstuk                     <- optional header, names in Dutch or English,
    Wat is CRM?;"Customer relationship              columns in any order
    management";H1                               <- quotes keep newlines, ; , and tabs in a field

Excel in a Dutch locale writes ";" (the comma is the decimal separator), Google Sheets and
Anki write ",", copying cells gives tabs: the delimiter is whichever splits the first rows
into the same number of columns most often. Without a header the columns are front, back,
tags. A field that contains HTML tags (an Anki export, a teacher's <b>) is sanitised as
HTML; anything else is plain text whose line breaks are kept.
"""

# This module shares its name with the standard library's csv; absolute imports (always on
# in Python 3) make `import csv` below the standard one, never this file.
import csv
import io
import re
from collections import Counter
from collections.abc import Iterator

from decks.html import clean_card_html, text_to_html
from decks.importers.base import DEFAULT_LIMITS, CardRecord, ImportLimits, ParseResult, Problem
from decks.importers.media import MediaCollector

DELIMITERS = ("\t", ";", ",")  # on a tie the earlier one wins: tabs rarely occur in prose
COLUMN_NAMES = {
    "front": {
        "front", "voorkant", "voorzijde", "vraag", "vragen", "question", "questions", "term",
        "terms", "termen", "begrip", "begrippen", "woord", "word",
    },
    "back": {
        "back", "achterkant", "achterzijde", "antwoord", "antwoorden", "answer", "answers",
        "definition", "definitions", "definitie", "definities", "betekenis", "uitleg",
        "vertaling", "translation",
    },
    "tags": {"tags", "tag", "labels", "label", "hoofdstuk", "chapter"},
}  # fmt: skip
_ROLE_BY_NAME = {name: role for role, names in COLUMN_NAMES.items() for name in names}
_DEFAULT_COLUMNS = {"front": 0, "back": 1, "tags": 2}
_SNIFF_ROWS = 50

# Tags whose presence means the teacher (or Anki) wrote HTML, not text that mentions "<".
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|article|audio|b|base|big|blockquote|body|br|button|caption|center|cite|"
    r"code|col|colgroup|dd|del|div|dl|dt|em|embed|figure|font|footer|form|h[1-6]|head|"
    r"header|hr|html|i|iframe|img|input|ins|kbd|label|li|link|mark|math|meta|nav|object|ol|"
    r"option|p|pre|q|s|script|section|select|small|source|span|strike|strong|style|sub|sup|"
    r"svg|table|tbody|td|textarea|tfoot|th|thead|title|tr|u|ul|video|wbr)\b[^<>]*>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.IGNORECASE)
_LINE_BREAKING_TAG = re.compile(r"<(?:br|p|div|li|tr|h[1-6]|blockquote|pre)\b", re.IGNORECASE)
_TAG_SEPARATORS = re.compile(r"[\s,]+")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # as decks.services.exports escapes them


def parse(
    text: str,
    *,
    limits: ImportLimits = DEFAULT_LIMITS,
    delimiter: str | None = None,
    media: MediaCollector | None = None,
) -> ParseResult:
    """Cards from CSV or TSV text; `delimiter` None sniffs it from the first rows.

    `media` holds the pictures and sounds beside the table in a zip (decks.importers.bundle)
    that fields name with <img src="kaart.png"> or [sound:uitspraak.mp3].
    """
    delimiter = delimiter or sniff_delimiter(text)
    result = ParseResult(format="tsv" if delimiter == "\t" else "csv")
    columns: dict[str, int] | None = None
    for line, cells in read_rows(text, delimiter, result):
        if not any(cell.strip() for cell in cells):
            continue  # blank rows separate groups of cards in many spreadsheets
        if columns is None:
            columns = _header_columns(cells, line, result)
            if columns is not None:
                continue
            columns = dict(_DEFAULT_COLUMNS)
            if len(cells) > len(columns):
                result.warnings.append(
                    Problem("only the first three columns are read: front, back, tags", line)
                )
        _add_card(cells, columns, line, limits, result, media)
        if len(result.cards) > limits.max_cards:
            result.errors.append(Problem(too_many_cards(limits), line))
            result.cards.clear()
            return result
    if columns is None:
        result.errors.append(Problem("the file has no rows with cards"))
    return result


def read_rows(text: str, delimiter: str, result: ParseResult) -> Iterator[tuple[int, list[str]]]:
    """Rows with the line each starts on; a quoted field can span several lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            # The reader's own field cap (128 KB) is met when a quote is never closed.
            reason = "a field is far too long" if "field limit" in str(error) else str(error)
            message = f"this row can't be read: {reason} (is a closing quote missing?)"
            result.errors.append(Problem(message, start))
            return
        yield start, cells
        start = reader.line_num + 1


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first rows most often, and most consistently."""
    return max(DELIMITERS, key=lambda delimiter: _split_score(text, delimiter))


def delimited_shape(text: str, delimiter: str) -> tuple[int, float]:
    """The usual number of columns in the first rows, and the share of rows that have it.

    detect.py uses it to tell a real table (every row 2 or 3 columns) from prose that
    happens to contain commas.
    """
    widths = _first_row_widths(text, delimiter)
    if not widths:
        return 0, 0.0
    width, count = Counter(widths).most_common(1)[0]
    return width, count / len(widths)


def _split_score(text: str, delimiter: str) -> tuple[int, int]:
    widths = _first_row_widths(text, delimiter)
    split = [width for width in widths if width >= 2]
    consistent = Counter(split).most_common(1)[0][1] if split else 0
    return len(split), consistent


def _first_row_widths(text: str, delimiter: str) -> list[int]:
    # The ";" that ends "&amp;" in an HTML field separates nothing.
    sample = _ENTITY.sub("&", text[:65536])
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    widths: list[int] = []
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                widths.append(len(cells))
            if len(widths) >= _SNIFF_ROWS:
                break
    except csv.Error:
        pass  # the rows read so far still say something
    return widths


def _header_columns(cells: list[str], line: int, result: ParseResult) -> dict[str, int] | None:
    """Column positions named by a header row, or None when the row is a card.

    A row is a header only when it names both a front and a back column, so a first card
    such as "term;a word with a fixed meaning" is never mistaken for one.
    """
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells):
        name = cell.strip().strip(":*").strip().lower()
        role = _ROLE_BY_NAME.get(name)
        if role is None or role in columns:
            ignored.append(cell.strip())
        else:
            columns[role] = position
    if "front" not in columns or "back" not in columns:
        return None
    if ignored := [name for name in ignored if name]:
        names = ", ".join(repr(name) for name in ignored)
        result.warnings.append(Problem(f"columns not read: {names}", line))
    return columns


def _add_card(
    cells: list[str],
    columns: dict[str, int],
    line: int,
    limits: ImportLimits,
    result: ParseResult,
    media: MediaCollector | None = None,
) -> None:
    def cell(role: str) -> str:
        position = columns.get(role)
        if position is None or position >= len(cells):
            return ""
        return unescape_formula(cells[position]).strip()

    front, back, tags = cell("front"), cell("back"), cell("tags")
    for side, value in (("front", front), ("back", back)):
        if not value:
            result.errors.append(Problem(f"the row has no {side}", line))
            return
        if len(value) > limits.max_field_chars:
            message = field_too_long(side, value, limits)
            if "\n" in value:
                message += " (if the rest of the file ended up in it, a closing quote is missing)"
            result.errors.append(Problem(message, line))
            return
    if media is not None:
        front, back = media.link(front, f"line {line}"), media.link(back, f"line {line}")
    front_html, back_html = field_html(front), field_html(back)
    if not front_html or not back_html:
        side = "front" if not front_html else "back"
        result.warnings.append(Problem(f"row skipped: nothing a card can show in the {side}", line))
        return
    result.cards.append(CardRecord(front_html, back_html, split_tags(tags), line=line))


def field_html(text: str) -> str:
    """Card HTML for one field: sanitised as HTML if it is HTML, else escaped plain text."""
    if not looks_like_html(text):
        return clean_card_html(text_to_html(text))
    if "\n" in text and not _LINE_BREAKING_TAG.search(text):
        # A teacher typing "<b>lente</b>" and Enter in a cell still means a new line.
        text = "<br>".join(line.strip() for line in text.splitlines())
    return clean_card_html(text)


def unescape_formula(cell: str) -> str:
    """Drop the apostrophe that keeps a spreadsheet from running "'=1+1" as a formula.

    Stamp's own CSV export writes it (OWASP "CSV injection"), so an export imports back
    unchanged; an apostrophe before anything else is the teacher's and stays.
    """
    return cell[1:] if cell.startswith("'") and cell[1:2] in FORMULA_STARTS else cell


def looks_like_html(text: str) -> bool:
    return bool(_HTML_TAG.search(text) or _ENTITY.search(text))


def split_tags(text: str) -> tuple[str, ...]:
    """Tags are single words: "H1, woorden" and "H1 woorden" both give ("H1", "woorden")."""
    return tuple(dict.fromkeys(tag for tag in _TAG_SEPARATORS.split(text) if tag))


def field_too_long(side: str, value: str, limits: ImportLimits) -> str:
    return f"the {side} is {len(value):,} characters long; the limit is {limits.max_field_chars:,}"


def too_many_cards(limits: ImportLimits) -> str:
    return (
        f"the file has more than {limits.max_cards:,} cards, the most one import may hold: "
        "split it into smaller files"
    )
