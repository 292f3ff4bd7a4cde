"""Is a typed answer right? The rules a teacher expects, as pure functions.

The expected answer is a card's back (sanitised HTML); the given answer is what the student
typed (plain text). What does not count: case, accents (é = e, ë = e), markup and entities,
hyphens, apostrophes and other punctuation, extra spaces and a final full stop. A small typo
in a word of 5 letters or more is forgiven (one edit, two from 10 letters; a swap of two
letters is one edit), none in a shorter word or in a number, and the numbers must be the
same numbers in the same order. Text in parentheses in the expected answer may be left
out; " / " separates alternatives, either of which is right. A list answer (`<ul>`/`<ol>`)
is right when every item is given, in any order, one a line or separated by commas; the
text around the list introduces it and need not be typed, nor need the items of a list
inside an item.

rapidfuzz does the fuzzy matching (optimal string alignment distance); the differences
shown to the student come from difflib on words. This module imports no Django, so it is
tested on strings alone, like the scheduler.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from html.parser import HTMLParser
from itertools import product

from rapidfuzz.distance import OSA

# Longer than anyone types a flashcard answer; the study form refuses more.
MAX_GIVEN_CHARS = 1000
# typeable(): see its docstring for why these limits.
TYPEABLE_WORDS = 12
TYPEABLE_LIST_ITEMS = 8
TYPEABLE_ITEM_WORDS = 6
# Words this long may carry one typo; from TWO_TYPOS_FROM letters, two.
FORGIVE_FROM_LETTERS = 5
TWO_TYPOS_FROM_LETTERS = 10
# Parenthesised parts beyond this many are always optional together, so the variants
# tried stay few (2**4) whatever the card holds.
MAX_OPTIONAL_PARTS = 4


@dataclass(frozen=True)
class AnswerCheck:
    correct: bool
    # Safe HTML: the expected answer with what the given one lacks or misspells in
    # <mark>; the given answer with what is wrong or extra in <del>. All text escaped.
    expected_marked: str
    given_marked: str
    # Right, but only because a typo was forgiven: the marks show the spelling.
    forgiven: bool = False
    # Nothing was typed: "I don't know".
    blank: bool = False


# --- Reading the expected answer --------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "td", "th", "h3", "h4", "blockquote", "pre"}
_LIST_TAGS = {"ul", "ol"}


class _AnswerParser(HTMLParser):
    """Card HTML as its running text and the items of its top-level lists."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.items: list[list[str]] = []
        self.list_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _LIST_TAGS:
            self.list_depth += 1
        elif tag == "li" and self.list_depth == 1:
            self.items.append([])
        if tag in _BLOCK_TAGS:
            self._add(" ")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self._add(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _LIST_TAGS:
            self.list_depth = max(0, self.list_depth - 1)
        if tag in _BLOCK_TAGS:
            self._add(" ")

    def handle_data(self, data: str) -> None:
        self._add(data)

    def _add(self, data: str) -> None:
        if self.list_depth == 0:
            self.text.append(data)
        elif self.list_depth == 1 and self.items:
            self.items[-1].append(data)


@dataclass(frozen=True)
class ParsedAnswer:
    text: str  # the answer as one line of plain text (a list's items joined by ", ")
    items: tuple[str, ...]  # a list answer's items; empty for any other answer

    @property
    def is_list(self) -> bool:
        return bool(self.items)


@lru_cache(maxsize=1024)
def parse_answer(html: str) -> ParsedAnswer:
    """A card side read as the typed-answer check reads it."""
    if "<" not in html and "&" not in html:
        return ParsedAnswer(text=_squash(html), items=())
    parser = _AnswerParser()
    parser.feed(html or "")
    parser.close()
    items = tuple(t for t in (_squash("".join(i)) for i in parser.items) if t)
    if items:
        return ParsedAnswer(text=", ".join(items), items=items)
    return ParsedAnswer(text=_squash("".join(parser.text)), items=())


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- Normalising ------------------------------------------------------------------------

# Joined without a space: "e-mail" is "email", "auto's" is "autos".
_JOINERS = re.compile(r"[-\u2010\u2011\u2012\u2013\u00ad'\u2019`´]")
_NOT_WORD = re.compile(r"[\W_]+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_LETTER_DIGIT = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")


def _fold(text: str) -> str:
    """Case and accents gone: é, ë and e are the same letter."""
    folded = text.casefold()
    if folded.isascii():
        return folded
    return _COMBINING.sub("", unicodedata.normalize("NFKD", folded))


@lru_cache(maxsize=4096)
def words(text: str) -> tuple[str, ...]:
    """The words of plain `text` as the check compares them; numbers are words of their own."""
    folded = _LETTER_DIGIT.sub(" ", _JOINERS.sub("", _fold(text)))
    return tuple(w for w in _NOT_WORD.split(folded) if w)


def normalised(text: str) -> str:
    """Plain `text` reduced to what counts: two texts the check cannot tell apart are equal."""
    return "".join(words(text))


def answer_key(html: str) -> str:
    """A card side reduced to what counts; a list's items in any order are one key."""
    parsed = parse_answer(html)
    if parsed.is_list:
        return "\n".join(sorted(normalised(item) for item in parsed.items))
    return normalised(parsed.text)


def _numbers(ws: tuple[str, ...]) -> list[str]:
    return [w for w in ws if w.isdigit()]


def _forgivable(expected: str, given: str) -> bool:
    if len(expected) < FORGIVE_FROM_LETTERS or any(ch.isdigit() for ch in expected + given):
        return False
    allowed = 2 if len(expected) >= TWO_TYPOS_FROM_LETTERS else 1
    return OSA.distance(expected, given, score_cutoff=allowed) <= allowed


# --- Matching one answer ----------------------------------------------------------------

_OPTIONAL = re.compile(r"\(([^()]*)\)")
_ALTERNATIVES = re.compile(r"\s+/\s+")


def _variants(text: str, *, alternatives: bool = True) -> list[str]:
    """`text` with each parenthesised part kept and left out, and each " / " alternative."""
    parts = _ALTERNATIVES.split(text) if alternatives else [text]
    texts = [text, *parts] if len(parts) > 1 else [text]
    variants: list[str] = []
    for alternative in texts:
        optional = _OPTIONAL.findall(alternative)[:MAX_OPTIONAL_PARTS]
        pieces = _OPTIONAL.split(alternative, maxsplit=len(optional))
        # split() alternates text and group: text, group, text, group, ..., text
        for keep in product((True, False), repeat=len(optional)):
            out = [pieces[0]]
            for index, kept in enumerate(keep):
                out.append(f" {pieces[2 * index + 1]} " if kept else " ")
                out.append(pieces[2 * index + 2])
            variants.append("".join(out))
    return variants


def _match(expected: tuple[str, ...], given: tuple[str, ...]) -> tuple[bool, bool]:
    """(right, right only by a forgiven typo) for one variant's words against the given."""
    if not given or _numbers(expected) != _numbers(given):
        return False, False
    if "".join(expected) == "".join(given):
        return True, False
    if len(expected) != len(given):
        return False, False
    if all(e == g or _forgivable(e, g) for e, g in zip(expected, given, strict=True)):
        return True, True
    return False, False


def _judge(expected_text: str, given_text: str, *, alternatives: bool = True) -> tuple[bool, bool]:
    """(right, right only by a forgiven typo): an exact variant wins over a forgiven one."""
    given = words(given_text)
    forgiven_match = False
    for variant in _variants(expected_text, alternatives=alternatives):
        right, forgiven = _match(words(variant), given)
        if right and not forgiven:
            return True, False
        forgiven_match = forgiven_match or right
    return forgiven_match, forgiven_match


# --- Showing the differences ------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """(shown, compared, inside parentheses) for each space-separated piece of `text`."""
    out = []
    depth = 0
    for piece in text.split():
        opening = piece.count("(")
        optional = depth > 0 or opening > 0
        depth = max(0, depth + opening - piece.count(")"))
        out.append((piece, normalised(piece), optional))
    return out


def _marked_pair(expected_text: str, given_text: str, *, exact: bool) -> tuple[str, str]:
    """Both texts escaped, with the words that differ marked (none when `exact`)."""
    if exact:
        return escape(expected_text), escape(given_text)
    expected = _tokens(expected_text)
    given = _tokens(given_text)
    matcher = difflib.SequenceMatcher(
        a=[t[1] for t in expected], b=[t[1] for t in given], autojunk=False
    )
    shown_e: list[str] = []
    shown_g: list[str] = []
    for op, e1, e2, g1, g2 in matcher.get_opcodes():
        if op == "replace" and e2 - e1 == g2 - g1:
            # Word for word: mark the letters that differ, so a typo shows where it is.
            for (piece, _k, _o), (typed, _t, _p) in zip(expected[e1:e2], given[g1:g2], strict=True):
                shown_e.append(_marked_letters(piece, typed, "mark"))
                shown_g.append(_marked_letters(typed, piece, "del"))
            continue
        for piece, _key, optional in expected[e1:e2]:
            missed = op != "equal" and not (op == "delete" and optional)
            shown_e.append(f"<mark>{escape(piece)}</mark>" if missed else escape(piece))
        for piece, _key, _optional in given[g1:g2]:
            shown_g.append(escape(piece) if op == "equal" else f"<del>{escape(piece)}</del>")
    return " ".join(shown_e), " ".join(shown_g)


def _marked_letters(piece: str, other: str, tag: str) -> str:
    """`piece` escaped, with the letters `other` does not share wrapped in `tag`."""
    if len(piece) != len(piece.lower()) or len(other) != len(other.lower()):
        return f"<{tag}>{escape(piece)}</{tag}>"
    matcher = difflib.SequenceMatcher(a=_fold(piece), b=_fold(other), autojunk=False)
    if len(_fold(piece)) != len(piece) or matcher.ratio() < 0.5:
        return f"<{tag}>{escape(piece)}</{tag}>"
    out = []
    for op, a1, a2, _b1, _b2 in matcher.get_opcodes():
        text = escape(piece[a1:a2])
        out.append(text if op == "equal" or not text else f"<{tag}>{text}</{tag}>")
    return "".join(out)


def _closest(alternatives: list[str], given_text: str) -> int:
    given = normalised(given_text)
    scores = [difflib.SequenceMatcher(a=normalised(a), b=given).ratio() for a in alternatives]
    return scores.index(max(scores))


def _check_text(expected_text: str, given_text: str) -> AnswerCheck:
    right, forgiven = _judge(expected_text, given_text)
    alternatives = _ALTERNATIVES.split(expected_text)
    if len(alternatives) == 1:
        shown, given_shown = _marked_pair(expected_text, given_text, exact=right and not forgiven)
        return AnswerCheck(right, shown, given_shown, forgiven=forgiven)
    # Mark against what the student gave: one alternative, or all of them.
    targets = [*alternatives, expected_text]
    verdicts = [_judge(t, given_text, alternatives=False) for t in targets]
    best = next((i for i, v in enumerate(verdicts) if v == (True, False)), None)
    if best is None:
        best = next((i for i, v in enumerate(verdicts) if v[0]), None)
    if best is None:
        best = _closest(alternatives, given_text)
    marked, given_shown = _marked_pair(
        targets[best], given_text, exact=verdicts[best] == (True, False)
    )
    if best == len(alternatives):
        return AnswerCheck(right, marked, given_shown, forgiven=forgiven)
    shown = " / ".join(marked if i == best else escape(a) for i, a in enumerate(alternatives))
    return AnswerCheck(right, shown, given_shown, forgiven=forgiven)


# --- Lists ------------------------------------------------------------------------------

_ITEM_MARKER = re.compile(r"^\s*(?:[-*•·–]\s*|\d{1,2}[.)]\s+|[a-zA-Z][.)]\s+)")


def given_items(given: str) -> list[str]:
    """A typed list: one item a line, or on one line separated by commas or semicolons."""
    lines = [line for line in given.splitlines() if line.strip()]
    if len(lines) > 1:
        return [_ITEM_MARKER.sub("", line).strip() for line in lines]
    return [part.strip() for part in re.split(r"[,;]", given) if part.strip()]


def _pairs(expected: tuple[str, ...], given: list[str]) -> dict[int, int]:
    """Expected item -> given item, as many as can be matched one to one (Kuhn's algorithm)."""
    fits = [[g for g, text in enumerate(given) if _judge(item, text)[0]] for item in expected]
    given_to: dict[int, int] = {}

    def assign(e: int, seen: set[int]) -> bool:
        for g in fits[e]:
            if g not in seen:
                seen.add(g)
                if g not in given_to or assign(given_to[g], seen):
                    given_to[g] = e
                    return True
        return False

    for e in range(len(expected)):
        assign(e, set())
    return {e: g for g, e in given_to.items()}


def _check_list(items: tuple[str, ...], given: str) -> AnswerCheck:
    typed = given_items(given)
    pairs = _pairs(items, typed)
    correct = len(pairs) == len(items) == len(typed)
    shown_items, forgiven = [], False
    given_shown: dict[int, str] = {}
    for e, item in enumerate(items):
        if e in pairs:
            one = _check_text(item, typed[pairs[e]])
            forgiven = forgiven or one.forgiven
            shown_items.append(one.expected_marked)
            given_shown[pairs[e]] = one.given_marked
        else:
            shown_items.append(f"<mark>{escape(item)}</mark>")
    expected_marked = "<ul>" + "".join(f"<li>{i}</li>" for i in shown_items) + "</ul>"
    given_marked = "<br>".join(
        given_shown.get(g, f"<del>{escape(text)}</del>") for g, text in enumerate(typed)
    )
    return AnswerCheck(correct, expected_marked, given_marked, forgiven=correct and forgiven)


# --- The check --------------------------------------------------------------------------


def typed_answer_check(*, expected: str, given: str) -> AnswerCheck:
    """Judge `given` (typed plain text) against `expected` (a card side's HTML)."""
    parsed = parse_answer(expected)
    if not words(given):
        shown = (
            "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in parsed.items) + "</ul>"
            if parsed.is_list
            else escape(parsed.text)
        )
        return AnswerCheck(False, shown, "", blank=True)
    if parsed.is_list:
        return _check_list(parsed.items, given)
    return _check_text(parsed.text, " ".join(given.split()))


def typed_answer_right(*, expected: str, given: str) -> bool:
    """`typed_answer_check(...).correct` without working out what to show."""
    parsed = parse_answer(expected)
    if not words(given):
        return False
    if parsed.is_list:
        typed = given_items(given)
        return len(typed) == len(parsed.items) == len(_pairs(parsed.items, typed))
    return _judge(parsed.text, " ".join(given.split()))[0]


def typeable(expected_html: str) -> bool:
    """Whether an answer can fairly be typed and checked word for word.

    Not when it has no words (a picture, a sound), nor when it runs past 12 words: longer
    answers are definitions and explanations that a student who knows them says in their
    own words, so a check that wants the card's wording would mark them wrong (the seed
    decks' definitions run 13 to 25 words). A list is typeable with up to 8 items of up to
    6 words each: a list of terms, not of sentences.
    """
    parsed = parse_answer(expected_html)
    if parsed.is_list:
        return len(parsed.items) <= TYPEABLE_LIST_ITEMS and all(
            0 < len(item.split()) <= TYPEABLE_ITEM_WORDS and words(item) for item in parsed.items
        )
    count = len(parsed.text.split())
    return 0 < count <= TYPEABLE_WORDS and bool(words(parsed.text))
