"""Nested lists in converted notes, rebuilt from marker kinds alone.

Indentation does not survive PDF conversion, so nesting is read from the markers: the
first kind of marker opens the outer list, a new kind opens a list inside the item
above, and a kind already open closes everything inside it. Numbered items also carry
lines without any marker (their bullets were lost, or they are a short explanation),
and a body line ending in ":" can open a list of its own ("Bedrijven moeten voldoen
aan:" / "1. Juistheid ..."), which is why a "1." can nest instead of restarting.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from decks.importers.base import Problem
from decks.importers.prompts import names_something
from decks.importers.text_blocks import (
    ItemList,
    ListItem,
    Paragraph,
    continues_previous,
    deshout,
    join_wrapped,
    read_marker,
    sentence_case,
)

ORDERED_KINDS = {"decimal", "alpha", "digit"}
_DIGIT_ITEM = re.compile(r"(\d{1,2})\s+([^\d\s].*)")  # "1 decentraal accountmanagement"
_DEFINITION_LINE = re.compile(r"(?P<term>[A-Z][^=()]{0,40}?)\s*=\s*(?P<definition>\S.*)")
_PARENTHESES = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in the source
    text: str  # tidied; empty for a blank line


@dataclass(frozen=True)
class Token:
    kind: str  # "bullet", "decimal", "alpha", "digit" or "define" (a "Term = ..." line)
    number: int | None
    text: str


def definition_line(text: str) -> tuple[str, str] | None:
    """The (term, definition) of a "Sales 1.0 = transactiegericht" line."""
    match = _DEFINITION_LINE.fullmatch(text)
    if not match or len(match["term"].split()) > 4:
        return None
    return match["term"].strip(), match["definition"].strip()


def list_token(text: str, stack: list[tuple[str, ItemList]], *, may_open: bool) -> Token | None:
    """The list item `text` opens, given the lists already open.

    `may_open` says whether a plain "1 decentraal ..." may start a list here: only
    straight after a heading that ends in ":" is a bare number a list marker.
    """
    if not text:
        return None
    if marker := read_marker(text, alpha=bool(stack)):
        return Token(marker.kind, marker.number, deshout(marker.text))
    if continues_previous(text):
        return None
    if definition_line(text):
        return Token("define", None, text)
    if match := _DIGIT_ITEM.fullmatch(text):
        number = int(match[1])
        open_digits = [items for kind, items in stack if kind == "digit"]
        expected = open_digits[-1].start + len(open_digits[-1].items) if open_digits else 1
        if number == expected and (open_digits or may_open):
            return Token("digit", number, match[2])
    return None


def read_list(
    lines: list[Line], start: int, *, may_open_digits: bool, is_heading: Callable[[str], bool]
) -> tuple[ItemList, int, list[Problem]]:
    """Read the list that starts at `lines[start]`; return it and the index after it.

    A line `is_heading` accepts always ends the list.
    """
    reader = _ListReader(lines, may_open_digits, is_heading)
    end = reader.read(start)
    for item in _all_items(reader.root):
        # A "," or ";" closing an item only separated it from the next one. It is cut once
        # the item's wrapped lines are joined: one at the end of a line mid-item is real.
        item.text = item.text.rstrip(" ,;")
        _shape_body(item)
    return reader.root, end, reader.problems


def depth(items: ItemList) -> int:
    nested = [
        depth(child)
        for item in items.items
        for child in item.children
        if isinstance(child, ItemList)
    ]
    return 1 + max(nested, default=0)


class _ListReader:
    def __init__(
        self, lines: list[Line], may_open_digits: bool, is_heading: Callable[[str], bool]
    ) -> None:
        self.lines = lines
        self.may_open_digits = may_open_digits
        self.is_heading = is_heading
        self.root = ItemList(ordered=False)
        self.stack: list[tuple[str, ItemList]] = []
        self.last_text: ListItem | Paragraph | None = None
        self.problems: list[Problem] = []

    def token(self, index: int) -> Token | None:
        return list_token(
            self.lines[index].text, self.stack, may_open=not self.stack and self.may_open_digits
        )

    def read(self, index: int) -> int:
        while index < len(self.lines):
            line = self.lines[index]
            if self.is_heading(line.text):
                return index
            if not line.text:
                after = self._next_text(index)
                if after is None or not self._continues_list(self.token(after)):
                    return index
                index = after  # a blank inside a list is a page break
            elif token := self.token(index):
                self._add_item(token, line.number)
                index += 1
            elif self.last_text is not None and continues_previous(line.text):
                self.last_text.text = join_wrapped(self.last_text.text, line.text)
                index += 1
            else:
                end = self._body_end(index)
                if end is None:
                    return index
                self._add_body(index, end)
                index = end
        return index

    def _next_text(self, index: int) -> int | None:
        for after in range(index, len(self.lines)):
            if self.lines[after].text:
                return after
        return None

    def _continues_list(self, token: Token | None) -> bool:
        return token is not None and token.kind in {kind for kind, _ in self.stack}

    def _add_item(self, token: Token, line_number: int) -> None:
        item = ListItem(sentence_case(token.text), line=line_number)
        kinds = [kind for kind, _ in self.stack]
        if not self.stack:
            self.root.ordered = token.kind in ORDERED_KINDS
            self.root.lettered = token.kind == "alpha"
            self.root.start = token.number or 1
            self.stack.append((token.kind, self.root))
        elif token.kind in kinds:
            level = len(kinds) - 1 - kinds[::-1].index(token.kind)
            items = self.stack[level][1]
            if token.number == 1 and _opens_with_colon(items.items[-1]):
                self._open_nested(token.kind, level)  # "Bedrijven moeten voldoen aan:" / "1. ..."
            else:
                del self.stack[level + 1 :]
                expected = items.start + len(items.items)
                if token.number is not None and token.number != expected:
                    self.problems.append(
                        Problem(
                            f"item numbered {token.number} where {expected} was expected",
                            line_number,
                        )
                    )
        else:
            self._open_nested(token.kind, len(self.stack) - 1)
        self.stack[-1][1].items.append(item)
        self.last_text = item

    def _open_nested(self, kind: str, level: int) -> None:
        parent = self.stack[level][1].items[-1]
        nested = ItemList(ordered=kind in ORDERED_KINDS, lettered=kind == "alpha")
        parent.children.append(nested)
        del self.stack[level + 1 :]
        self.stack.append((kind, nested))

    def _body_end(self, index: int) -> int | None:
        """Where the unmarked lines at `index` end, if they belong to a numbered item.

        They do when the list carries on after them, when they end in ":" and a list
        follows, or when the item's earlier siblings had such lines too. Otherwise the
        list has ended and the lines are prose.
        """
        owner_level = self._innermost_ordered_level()
        if owner_level is None:
            return None
        end = index
        while (
            end < len(self.lines)
            and self.lines[end].text
            and not self.is_heading(self.lines[end].text)
            and not self.token(end)
        ):
            end += 1
        last = self.lines[end - 1].text
        following = self.token(end) if end < len(self.lines) else None
        if following is not None:
            if self._continues_list(following) and not (
                following.number == 1 and following.kind in ORDERED_KINDS
            ):
                return end
            if last.endswith(":"):
                return end
        siblings = self.stack[owner_level][1].items[:-1]
        if any(isinstance(child, Paragraph) for item in siblings for child in item.children):
            return end
        return None

    def _innermost_ordered_level(self) -> int | None:
        levels = [level for level, (_, items) in enumerate(self.stack) if items.ordered]
        return levels[-1] if levels else None

    def _add_body(self, start: int, end: int) -> None:
        level = self._innermost_ordered_level()
        assert level is not None
        del self.stack[level + 1 :]
        owner = self.stack[level][1].items[-1]
        for line in self.lines[start:end]:
            if isinstance(self.last_text, Paragraph) and continues_previous(line.text):
                self.last_text.text = join_wrapped(self.last_text.text, line.text)
            else:
                self.last_text = Paragraph(sentence_case(line.text))
                owner.children.append(self.last_text)


def _opens_with_colon(item: ListItem) -> bool:
    paragraphs = [child for child in item.children if isinstance(child, Paragraph)]
    return bool(paragraphs) and paragraphs[-1].text.endswith(":")


def _all_items(items: ItemList) -> list[ListItem]:
    found = []
    for item in items.items:
        found.append(item)
        for child in item.children:
            if isinstance(child, ItemList):
                found.extend(_all_items(child))
    return found


def _shape_body(item: ListItem) -> None:
    """Turn runs of two or more short names under an item back into the list they were.

    "Lage kosten" / "Optimaal ingerichte processen" lost their bullets; a sentence such
    as "Waardeketen van Porter is belangrijk bij een proces." stays a paragraph.
    """
    shaped: list[Paragraph | ItemList] = []
    run: list[Paragraph] = []
    for child in [*item.children, None]:
        if isinstance(child, Paragraph) and _is_bare_name(child.text):
            run.append(child)
            continue
        if len(run) >= 2:
            shaped.append(ItemList(False, [ListItem(entry.text) for entry in run]))
        else:
            shaped.extend(run)
        run = []
        if child is not None:
            shaped.append(child)
    item.children = shaped


def _is_bare_name(text: str) -> bool:
    return not text.endswith(":") and names_something(_PARENTHESES.sub("", text))
