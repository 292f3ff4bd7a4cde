"""What every parser returns: plain card records plus problems saying where they are.

Parsers turn bytes or text into these records and never touch the database, so they are
tested on input alone; one service writes the result.
"""

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from django.utils.translation import gettext

from decks.html import media_hashes

MB = 1024 * 1024
_BREAKING_TAG = re.compile(r"<(?:br|/?p|/?div|/?li|/?tr|/?td|/?th|/?h\d)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class CardRecord:
    front: str  # card HTML, already passed through decks.html.clean_card_html
    back: str
    tags: tuple[str, ...] = ()
    line: int | None = None  # 1-based line of the source where the card starts
    entry: str | None = None  # where the card comes from when a line can't say: "note 3"
    # The record before this one, front and back swapped (the second card of Anki's
    # "Basic (and reversed card)"): imported as that card's reverse sibling.
    reverse: bool = False


@dataclass(frozen=True)
class Problem:
    """A warning or error, worded for the teacher who uploaded the file.

    `line` is for text files; `entry` names anything else a teacher can find again
    ('note 3 ("de fiets")', "entry collection.anki21b"); `file` is the upload's name,
    filled in by detect.parse_upload so every message says which file it is about.
    """

    message: str
    line: int | None = None
    entry: str | None = None
    file: str | None = None

    @property
    def where(self) -> str:
        """Where the problem is, such as "cards.csv, line 12"; "" when nothing is known."""
        line = gettext("line %(number)s") % {"number": self.line} if self.line else None
        parts = [self.file, line, self.entry]
        return ", ".join(part for part in parts if part)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class ParseResult:
    cards: list[CardRecord] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    format: str = ""  # one of detect.FORMATS once parse_upload has picked the parser
    deck_title: str | None = None  # a title the file suggests, such as the Anki deck name
    # The pictures and sounds the cards show, by sha256 (decks.importers.media.MediaFile).
    media: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportLimits:
    """How much an upload may make us do; uploads are hostile until parsed.

    Bytes bound memory, cards and field sizes bound what a teacher can review, and the
    row cap and time limit bound what an Anki collection (a whole SQLite database) costs.
    """

    max_bytes: int = 10 * MB  # the upload itself
    max_cards: int = 20_000
    max_field_chars: int = 20_000
    max_unzipped_bytes: int = 100 * MB  # everything unpacked from one package, in total
    max_rows: int = 100_000  # notes or cards read from an Anki collection
    time_limit_seconds: float = 10.0  # SQLite work on one Anki collection
    max_media_files: int = 1_000  # pictures and sounds the cards of one import use
    max_media_file_bytes: int = 5 * MB  # one picture or sound
    max_media_bytes: int = 50 * MB  # all of them together, as unpacked
    max_image_pixels: int = 25_000_000  # width x height a picture's header may claim
    max_card_text_chars: int = 5_000_000  # card text of one import, unless twice the upload is more
    max_clozes_per_note: int = 100  # {{c1::...}} in one Anki note: every card renders all of them
    max_cards_per_note: int = 50  # the cloze numbers or templates of one Anki note
    max_text_lines: int = 100_000  # lines of a text upload: every parser keeps an object per line


DEFAULT_LIMITS = ImportLimits()  # a default argument shared safely: the limits are frozen


def card_text_budget(limits: ImportLimits, upload_bytes: int) -> int:
    """The characters of card text one upload may give: twice its size, or the setting if more.

    What is read is already bounded; this bounds what it unfolds into. Clozes copy a note
    onto every card, so a small package could otherwise become hundreds of megabytes that
    the preview, the import and every view of the deck afterwards would carry.
    """
    return max(2 * upload_bytes, limits.max_card_text_chars)


def card_text_chars(card: CardRecord) -> int:
    return len(card.front) + len(card.back)


def too_much_card_text(budget: int) -> str:
    return (
        f"the cards hold more than {budget:,} characters of text, the most this upload may "
        "give: split it into smaller files"
    )


def front_key(front_html: str) -> str:
    """What makes two fronts "the same card": their text, ignoring markup, case and spacing;
    for a front with no text, the pictures and sounds it shows, so two picture-only fronts
    stay two cards while a picture added to a worded front keeps it the same card.

    Uploads keep one card per key (detect.py) and imports match a deck's cards by it
    (decks.services.imports), so a file that passes the one never gives the other two
    cards for one front.
    """
    text = " ".join(unescape(_TAG.sub(" ", front_html)).split()).casefold()
    return text or " ".join(media_hashes(front_html))


def snippet(html: str, length: int = 40) -> str:
    """The start of a card's text, to quote in a problem so the teacher can find the card."""
    text = _TAG.sub("", _BREAKING_TAG.sub(" ", html))
    text = " ".join(unescape(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def human_size(count: int) -> str:
    """A byte count as a teacher reads it: "12.5 MB", "340 KB", "80 bytes"."""
    if count >= MB:
        return f"{count / MB:.1f} MB".replace(".0 MB", " MB")
    if count >= 1024:
        return f"{count / 1024:.0f} KB"
    return f"{count} bytes"
