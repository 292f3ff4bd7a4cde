"""The plain-text debris every seed document shares, and how cleaned text becomes card HTML.

PDF and web conversions damage text in the same few ways: bullets turn into private-use
glyphs, numbered lists lose their first number, lines are hard-wrapped mid-sentence. The
parsers read lines through these helpers so each one only has to know its own layout.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from html import escape
from typing import cast

from decks.html import clean_card_html
from decks.importers.base import Problem

_DECIMAL = re.compile(r"(\d{1,2})[.)](?!\d)\s*(\S.*)")  # "2. De strategie", "3.Accountmanager"
_LOST_NUMBER = re.compile(r"\.\s+(\S.*)")  # ". Het overstijgen": the "1" went missing
_ALPHA = re.compile(r"([a-z])[.)]\s+(\S.*)")  # "a. nieuwe klant"
_BULLET = re.compile(r"[-–•▪◦●]\s*(\S.*)")  # "- Klant", "-Omvang", "• regionaal"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“])|(?<=[.!?][’”])\s+(?=[A-Z‘“])")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Marker:
    """A list marker read off the start of a line."""

    kind: str  # "bullet", "decimal" or "alpha"
    number: int | None  # position in an ordered list; None when the conversion lost it
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class ListItem:
    text: str
    children: list["Block"] = field(default_factory=list)
    line: int | None = None  # 1-based source line, where the reader knows it


@dataclass
class ItemList:
    ordered: bool
    items: list[ListItem] = field(default_factory=list)
    start: int = 1
    lettered: bool = False  # "a.", "b.": kept, since the letters are how the source refers to them


Block = Paragraph | ItemList


def is_private_use(character: str) -> bool:
    return unicodedata.category(character) == "Co"


def tidy(line: str) -> str:
    """Collapse whitespace and drop private-use glyphs, which never carry meaning on a card."""
    visible = "".join(" " if is_private_use(ch) else ch for ch in line)
    return _SPACES.sub(" ", visible).strip()


def read_marker(line: str, *, alpha: bool = False) -> Marker | None:
    """Return the list marker `line` opens with, if any.

    A private-use glyph in first position is a bullet: that is what PDF converters make of
    Wingdings bullets. Letter markers (`a.`) are only read where the caller expects a
    nested list, since prose can open with "a." too.
    """
    stripped = line.strip()
    if stripped and is_private_use(stripped[0]):
        text = tidy(stripped[1:])
        return Marker("bullet", None, text) if text else None
    stripped = tidy(stripped)
    if match := _DECIMAL.fullmatch(stripped):
        return Marker("decimal", int(match[1]), match[2])
    if match := _LOST_NUMBER.fullmatch(stripped):
        return Marker("decimal", None, match[1])
    if alpha and (match := _ALPHA.fullmatch(stripped)):
        return Marker("alpha", ord(match[1]) - ord("a") + 1, match[2])
    if match := _BULLET.fullmatch(stripped):
        return Marker("bullet", None, match[1])
    return None


def continues_previous(line: str) -> bool:
    """Whether a hard-wrapped `line` carries on the sentence above it.

    Wrapped lines open in lower case or mid-phrase; a capital opens something new.
    """
    first = line.lstrip()[:1]
    return first.islower() or (first != "" and first in "(%&),;:’”/")


def ends_sentence(text: str) -> bool:
    return text.rstrip("’”)\"' ").endswith((".", "!", "?"))


def join_wrapped(text: str, line: str) -> str:
    """Join a wrapped line to the text before it.

    Always with a space: Dutch elides shared word parts with a hyphen and a space
    ("contact- en callcenter"), so a line-end hyphen is not a broken word.
    """
    return f"{text} {line}".strip() if text else line


def split_sentences(text: str) -> list[str]:
    return [sentence for sentence in _SENTENCE_END.split(text) if sentence]


def sentence_case(text: str) -> str:
    """Capitalise the first letter, leaving words like "eBay" alone."""
    if len(text) >= 2 and text[0].islower() and not text[1].isupper():
        return text[0].upper() + text[1:]
    return text.upper() if len(text) == 1 else text


def lower_first(text: str) -> str:
    """The text as it reads mid-sentence: "Klantinzicht" -> "klantinzicht", "KPI" stays."""
    if len(text) >= 2 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def deshout(text: str) -> str:
    """Lower-case words written in capitals for emphasis, keeping short acronyms.

    Only a line in capitals or a run of two or more capitalised words counts as
    shouting, so a lone mnemonic such as "STAMP" survives.
    """
    words = text.split(" ")
    shouted = [_is_shouted(word) for word in words]
    neutral = [not any(ch.isalpha() for ch in word) for word in words]
    whole_line = any(shouted) and all(s or n for s, n in zip(shouted, neutral, strict=True))
    result = []
    for index, word in enumerate(words):
        in_run = shouted[index] and (
            whole_line
            or (index > 0 and shouted[index - 1])
            or (index + 1 < len(words) and shouted[index + 1])
        )
        result.append(_quiet(word) if in_run else word)
    return sentence_case(" ".join(result)) if whole_line else " ".join(result)


_FUNCTION_WORDS = {"VAN", "DE", "HET", "EEN", "EN", "OP", "IN", "MET", "TE", "OF", "BIJ", "VOOR"}


def _is_shouted(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def _quiet(word: str) -> str:
    letters = "".join(ch for ch in word if ch.isalpha())
    if len(letters) <= 3 and letters not in _FUNCTION_WORDS:
        return word  # an acronym such as CRM or NPS
    return word.lower()


def blocks_to_html(blocks: list[Block]) -> str:
    """Render blocks as card HTML: paragraphs as <p>, lists as <ul>/<ol>, nesting kept."""
    return clean_card_html("".join(_block_html(block) for block in blocks))


def _block_html(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text, quote=False)}</p>"
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    letters = ' type="a"' if block.ordered and block.lettered else ""
    items = "".join(_item_html(item) for item in block.items)
    return f"<{tag}{letters}{start}>{items}</{tag}>"


def _item_html(item: ListItem) -> str:
    parts = [escape(item.text, quote=False)]
    for child in item.children:
        if isinstance(child, Paragraph):
            parts.append(f"<div>{escape(child.text, quote=False)}</div>")
        else:
            parts.append(_block_html(child))
    return f"<li>{''.join(parts)}</li>"


def text_html(text: str) -> str:
    """A one-line prompt as card HTML."""
    return clean_card_html(escape(text, quote=False))


def answer_blocks(lines: list[tuple[int, str]]) -> tuple[list[Block], list[Problem]]:
    """Read an answer's (line number, text) lines into paragraphs and lists.

    Restores what conversion lost: wrapped lines rejoin their paragraph or item, a
    numbered list whose first numbers went missing ("De klant" / "2. De strategie", or
    "- a" / "- b" / "3. c") gets them back, and a list whose first dash went missing
    ("Sales 1.0: ..." / "- Sales 2.0: ...") gets its first item back.
    """
    blocks: list[Block] = []
    problems: list[Problem] = []
    for number, raw in lines:
        marker = read_marker(raw)
        line = marker.text if marker else tidy(raw)
        if not line:
            continue
        last = blocks[-1] if blocks else None
        if marker is None:
            _add_text_line(blocks, line)
        elif marker.kind == "bullet":
            if isinstance(last, ItemList) and not last.ordered:
                last.items.append(ListItem(sentence_case(line)))
            elif isinstance(last, Paragraph) and _lost_its_bullet(last, line):
                blocks[-1] = ItemList(False, [ListItem(last.text), ListItem(sentence_case(line))])
            else:
                blocks.append(ItemList(False, [ListItem(sentence_case(line))]))
        else:
            problems.extend(_add_numbered_item(blocks, marker, line, number))
    return blocks, problems


def _add_text_line(blocks: list[Block], line: str) -> None:
    last = blocks[-1] if blocks else None
    if isinstance(last, ItemList) and continues_previous(line):
        item = last.items[-1]
        item.text = join_wrapped(item.text, line)
    elif isinstance(last, Paragraph) and (
        continues_previous(line) or not (ends_sentence(last.text) or last.text.endswith(":"))
    ):
        last.text = join_wrapped(last.text, line)
    else:
        blocks.append(Paragraph(sentence_case(line)))


def _lost_its_bullet(paragraph: Paragraph, item_text: str) -> bool:
    """A one-line paragraph opening with the same word as the bullet below it is item one."""
    if paragraph.text.endswith(":") or ends_sentence(paragraph.text):
        return False
    return paragraph.text.split()[0].lower() == item_text.split()[0].lower()


def _add_numbered_item(
    blocks: list[Block], marker: Marker, line: str, number: int
) -> list[Problem]:
    item = ListItem(sentence_case(line))
    last = blocks[-1] if blocks else None
    if isinstance(last, ItemList) and last.ordered:
        expected = last.start + len(last.items)
        last.items.append(item)
        if marker.number not in (None, expected):
            return [Problem(f"item numbered {marker.number} where {expected} was expected", number)]
        return []
    if isinstance(last, ItemList) and marker.number == len(last.items) + 1:
        last.ordered = True  # the first items came through as dashes
        last.items.append(item)
        return []
    position = marker.number or 1
    recovered: list[ListItem] = []
    while (
        len(recovered) < position - 1
        and blocks
        and isinstance(blocks[-1], Paragraph)
        and not blocks[-1].text.endswith(":")
    ):
        recovered.insert(0, ListItem(cast(Paragraph, blocks.pop()).text))
    start = position - len(recovered)
    blocks.append(ItemList(True, [*recovered, item], start=start))
    if start != 1:
        return [Problem(f"numbered list starts at {start}: its first items are missing", number)]
    return []
