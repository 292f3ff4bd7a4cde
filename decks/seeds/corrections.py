"""A teacher's reviewed corrections to the cards parsed from one seed document.

The sources stay as they were given; what a teacher would change lives in
`<source>.corrections.json` beside each one (fixtures/sources/README.md describes the
format). A correction is keyed by the prompt the parser generates, which is also the
card's identity: rewording its front or correcting its back leaves its key, and so every
student's progress on it, where it was. Every entry must still match what it corrects;
one that no longer does is reported, so the file cannot silently go stale.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from decks.html import clean_card_html, plain_text
from decks.importers.base import CardRecord, Problem
from decks.importers.text_blocks import text_html

CARD_FIELDS = {"front", "back", "fix", "tags", "split", "key_from", "replaced_by"}
EXTRA_CARD_FIELDS = {"front", "back", "tags", "source", "key_from", "replaced_by"}
NEW_CARD_FIELDS = {*EXTRA_CARD_FIELDS, "after"}


@dataclass(frozen=True)
class SeedCard:
    """A card of a seed deck, with the text its key is hashed from.

    `replaced_by` names the identity of the card that asks its question now: the card
    leaves its deck, and seed_decks moves its students' history onto that card.
    """

    record: CardRecord
    identity: str
    replaced_by: str = ""


@dataclass
class Corrections:
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    new: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CorrectedCards:
    cards: list[SeedCard]
    stale: list[str]  # entries that no longer match anything, worded for the reviewer


def load_corrections(path: Path) -> tuple[Corrections, list[Problem]]:
    """Read a corrections file; a missing file corrects nothing.

    A misspelt field would otherwise be ignored without a word, so every unknown or
    mistyped field is an error naming the entry it is in.
    """
    if not path.exists():
        return Corrections(), []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        return Corrections(), [Problem(f"{path.name}: not valid JSON: {error}", error.lineno)]
    problems: list[Problem] = []
    if not isinstance(data, dict) or set(data) - {"cards", "new"}:
        return Corrections(), [Problem(f'{path.name}: expected an object with "cards" and "new"')]
    cards = data.get("cards", {})
    new = data.get("new", [])
    if not isinstance(cards, dict) or not isinstance(new, list):
        return Corrections(), [Problem(f'{path.name}: "cards" must be an object, "new" a list')]
    for prompt, entry in cards.items():
        problems += _entry_problems(path.name, f"card {prompt!r}", entry, CARD_FIELDS)
        split = entry.get("split", []) if isinstance(entry, dict) else []
        for part in split if isinstance(split, list) else []:
            where = f"split of {prompt!r}"
            problems += _entry_problems(
                path.name, where, part, EXTRA_CARD_FIELDS, {"front", "back"}
            )
    for number, entry in enumerate(new, start=1):
        where = f"new card {number}"
        problems += _entry_problems(path.name, where, entry, NEW_CARD_FIELDS, {"front", "back"})
        if isinstance(entry, dict) and not entry.get("source"):
            problems.append(Problem(f"{path.name}: {where} quotes no source for its content"))
    return Corrections(cards, new), problems


def _entry_problems(
    file: str,
    where: str,
    entry: object,
    allowed: set[str],
    required: frozenset[str] | set[str] = frozenset(),
) -> list[Problem]:
    if not isinstance(entry, dict):
        return [Problem(f"{file}: {where} must be an object")]
    problems = [
        Problem(f"{file}: {where} has an unknown field {name!r}")
        for name in sorted(set(entry) - allowed)
    ]
    problems += [
        Problem(f"{file}: {where} lacks {name!r}") for name in sorted(required - set(entry))
    ]
    for name, value in entry.items():
        expected = {"fix": dict, "split": list, "tags": list, "source": list}.get(name, str)
        if not isinstance(value, expected):
            problems.append(Problem(f"{file}: {where}: {name!r} must be a {expected.__name__}"))
        elif name in {"fix", "tags", "source"} and not all(
            isinstance(text, str) for text in _texts(value)
        ):
            problems.append(Problem(f"{file}: {where}: {name!r} must hold text only"))
    return problems


def _texts(value: dict | list) -> list[object]:
    """What a field holding several texts holds: a fix's both sides, a list's items."""
    return [*value, *value.values()] if isinstance(value, dict) else value


def corrected_cards(
    cards: list[CardRecord], corrections: Corrections, source_text: str
) -> CorrectedCards:
    """Apply `corrections` to the parsed `cards`, keeping document order.

    A corrected card keeps its generated prompt (or its `key_from`) as its identity. The
    cards split off it follow it, then the new cards whose `after` names it; a new card
    without `after` goes at the end of the deck.
    """
    stale: list[str] = []
    prompts = [plain_text(card.front) for card in cards]
    following: dict[str, list[dict[str, Any]]] = {}
    for entry in corrections.new:
        after = entry.get("after", "")
        if after and after not in prompts:
            stale.append(f"new card {entry['front']!r} follows {after!r}, which no card asks")
            after = ""
        following.setdefault(after, []).append(entry)
    result: list[SeedCard] = []
    for card, prompt in zip(cards, prompts, strict=True):
        fix = corrections.cards.get(prompt)
        result += [SeedCard(card, prompt)] if fix is None else _corrected(card, fix, stale)
        result += [_extra_card(new, card) for new in following.pop(prompt, [])]
    last = cards[-1] if cards else CardRecord("", "")
    result += [_extra_card(new, last) for new in following.pop("", [])]
    stale += [f"no card asks {prompt!r}" for prompt in corrections.cards if prompt not in prompts]
    stale += _missing_quotes(corrections, source_text)
    return CorrectedCards(result, stale)


def _corrected(card: CardRecord, entry: dict[str, Any], stale: list[str]) -> list[SeedCard]:
    prompt = plain_text(card.front)
    back = entry.get("back", card.back)
    for wrong, right in entry.get("fix", {}).items():
        if wrong not in back:
            stale.append(f"the back of {prompt!r} has no {wrong!r} to fix")
        back = back.replace(wrong, right)
    front = text_html(entry["front"]) if "front" in entry else card.front
    tags = tuple(entry["tags"]) if "tags" in entry else card.tags
    corrected = CardRecord(front, clean_card_html(back), tags, card.line, card.entry)
    parts = [SeedCard(corrected, entry.get("key_from", prompt), entry.get("replaced_by", ""))]
    return parts + [_extra_card(part, card) for part in entry.get("split", [])]


def _extra_card(entry: dict[str, Any], neighbour: CardRecord) -> SeedCard:
    """A card the corrections add, tagged like the card it follows unless told otherwise.

    Its identity is its own first front: rewording it later needs that front as `key_from`.
    """
    tags = tuple(entry["tags"]) if "tags" in entry else neighbour.tags
    back = clean_card_html(entry.get("back", ""))
    record = CardRecord(text_html(entry["front"]), back, tags, neighbour.line)
    return SeedCard(record, entry.get("key_from", entry["front"]), entry.get("replaced_by", ""))


def _missing_quotes(corrections: Corrections, source_text: str) -> list[str]:
    """The `source` quotes the document no longer contains (line breaks count as spaces)."""
    searchable = " ".join(source_text.split())
    extras = [
        *corrections.new,
        *(part for entry in corrections.cards.values() for part in entry.get("split", [])),
    ]
    return [
        f"{entry['front']!r} quotes {quote!r}, which the source lacks"
        for entry in extras
        for quote in entry.get("source", [])
        if " ".join(quote.split()) not in searchable
    ]
