"""Notes to cards: Basic-like note types by their templates, clozes one card per number,
anything else by its first two fields; the decks the cards are in give the title and tags.
"""

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from decks.html import clean_card_html
from decks.importers.anki_collection import Collection, Note, NoteType
from decks.importers.base import (
    CardRecord,
    ImportLimits,
    ParseResult,
    Problem,
    card_text_chars,
    snippet,
    too_much_card_text,
)
from decks.importers.media import MediaCollector, MediaLimitExceeded

_FIELD_REFERENCE = re.compile(r"\{\{([^{}]+)\}\}")
# A cloze with no other cloze inside: rendering innermost first handles nested clozes.
_CLOZE = re.compile(
    r"\{\{c(\d+)::((?:(?!\{\{c\d+::).)*?)(?:::((?:(?!\{\{c\d+::).)*?))?\}\}", re.DOTALL
)
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")
_SOUND = re.compile(r"\[sound:[^\]\n]{0,500}\]")  # left out of the note's name in messages


@dataclass
class CardBuilder:
    """Turns the notes of a collection into cards, collecting what had to be left out."""

    collection: Collection
    limits: ImportLimits
    result: ParseResult
    media: MediaCollector
    text_budget: int  # characters of card text, from base.card_text_budget
    text_chars: int = 0
    other_types: Counter[str] = field(default_factory=Counter)
    card_decks: list[int] = field(default_factory=list)  # the deck of each card in result

    def build(self) -> None:
        try:
            for position, note in enumerate(self.collection.notes, start=1):
                self._add_note(note, f"note {position}")
                if len(self.result.cards) > self.limits.max_cards:
                    self.result.errors.append(Problem(_too_many_cards(self.limits)))
                    self.result.cards.clear()
                    return
                if self.text_chars > self.text_budget:
                    message = too_much_card_text(self.text_budget)
                    self.result.errors.append(Problem(message, entry=f"note {position}"))
                    self.result.cards.clear()
                    return
        except MediaLimitExceeded as exceeded:
            self.result.errors.append(Problem(str(exceeded), entry="entry media"))
            self.result.cards.clear()
            return
        _warn_other_types(self.other_types, self.result)
        self.result.warnings.extend(self.media.problems())
        self.result.media = self.media.by_hash()
        _name_decks(self.collection.decks, self.card_decks, self.result)

    def _add_note(self, note: Note, label: str) -> None:
        # Problems quote the note's start: "note 3" alone is hard to find in Anki.
        start = snippet(_SOUND.sub("", note.fields[0][:1_000]))
        where = f'{label} ("{start}")' if start else label
        notetype = self.collection.notetypes.get(note.notetype_id)
        if notetype is None:
            self.result.warnings.append(Problem("skipped: its note type is missing", entry=where))
            return
        longest = max(len(value) for value in note.fields)
        if longest > self.limits.max_field_chars:
            message = (
                f"a field is {longest:,} characters long; the limit is "
                f"{self.limits.max_field_chars:,}"
            )
            self.result.errors.append(Problem(message, entry=where))
            return
        cards = self.collection.cards.get(note.id, [])
        sides = _note_sides(note, notetype, cards, self.result, where, self.limits)
        if sides is None:
            self.other_types[notetype.name] += 1
            sides = _first_two_fields(note, cards)
        if len(sides) > self.limits.max_cards_per_note:
            self.result.errors.append(_too_many_per_note(len(sides), self.limits, where))
            return
        previous: CardRecord | None = None
        for number, (ordinal, deck_id, front, back) in enumerate(sides, start=1):
            entry = label if number == 1 else f"{label}, card {number}"
            front_html = clean_card_html(self.media.link(front, where))
            back_html = clean_card_html(self.media.link(back, where))
            if front_html and back_html:
                # The note's previous card, sides swapped: its reverse (and reversed card).
                reverse = previous is not None and (front_html, back_html) == (
                    previous.back,
                    previous.front,
                )
                record = CardRecord(front_html, back_html, note.tags, entry=entry, reverse=reverse)
                previous = record
                self.result.cards.append(record)
                self.text_chars += card_text_chars(record)
                self.card_decks.append(deck_id)
            else:
                message = f"card {ordinal + 1} skipped: one side has nothing a card can show"
                self.result.warnings.append(Problem(message, entry=where))


def _note_sides(
    note: Note,
    notetype: NoteType,
    cards: list[tuple[int, int]],
    result: ParseResult,
    entry: str,
    limits: ImportLimits,
) -> list[tuple[int, int, str, str]] | None:
    """(ord, deck id, front, back) per card, or None when the note type is not understood."""
    if notetype.is_cloze:
        return _cloze_sides(note, notetype, cards, result, entry, limits)
    plan = template_fields(notetype)
    if plan is None:
        return None
    sides = []
    for ordinal, deck_id in cards or [(0, 0)]:
        if ordinal < len(plan):
            front, back = plan[ordinal]
            sides.append((ordinal, deck_id, _field(note, front), _field(note, back)))
    return sides


def template_fields(notetype: NoteType) -> list[tuple[int, int]] | None:
    """(front field, back field) per template, if every template shows one field each side.

    That covers Basic, "and reversed card", "optional reversed card" and "type in the
    answer" in any language, because it reads the templates rather than the names.
    """
    plan = []
    for question, answer in notetype.templates:
        asked = _referenced_fields(question, notetype.fields, question=True)
        shown = [
            index for index in _referenced_fields(answer, notetype.fields) if index not in asked
        ]
        if len(asked) != 1 or len(shown) != 1:
            return None
        plan.append((asked[0], shown[0]))
    return plan or None


def _referenced_fields(template: str, fields: list[str], *, question: bool = False) -> list[int]:
    """Indexes of the fields a template shows, in order: {{Front}}, {{text:Back}}, ..."""
    found: list[int] = []
    for reference in _FIELD_REFERENCE.findall(template):
        reference = reference.strip()
        if reference[:1] in ("#", "^", "/", "!"):
            continue  # a conditional section shows nothing by itself
        if question and reference.startswith("type:"):
            continue  # on the question side {{type:Back}} is an empty box to type in
        name = reference.rsplit(":", 1)[-1].strip()  # "type:Back", "text:Back"
        if name in fields and fields.index(name) not in found:
            found.append(fields.index(name))
    return found


def _cloze_sides(
    note: Note,
    notetype: NoteType,
    cards: list[tuple[int, int]],
    result: ParseResult,
    entry: str,
    limits: ImportLimits,
) -> list[tuple[int, int, str, str]]:
    """One card per cloze number: that cloze hidden on the front, in bold on the back.

    The caps are checked before rendering: each card renders every cloze of the note, so
    the work grows with clozes times cards.
    """
    text_index, extra_indexes = _cloze_fields(notetype)
    text = _field(note, text_index)
    if "image-occlusion:" in text:
        result.warnings.append(
            Problem("skipped: image occlusion notes need their picture", entry=entry)
        )
        return []
    clozes = _CLOZE_NUMBER.findall(text)
    numbers = sorted({int(number) for number in clozes})
    if len(clozes) > limits.max_clozes_per_note:
        result.errors.append(
            Problem(
                f"the note has {len(clozes):,} clozes; the most one note may have is "
                f"{limits.max_clozes_per_note:,}: split it into several notes",
                entry=entry,
            )
        )
        return []
    if len(numbers) > limits.max_cards_per_note:
        result.errors.append(_too_many_per_note(len(numbers), limits, entry))
        return []
    if not numbers:
        result.warnings.append(
            Problem("skipped: a cloze note without any {{c1::...}}", entry=entry)
        )
        return []
    extra = "<br>".join(value for index in extra_indexes if (value := _field(note, index).strip()))
    deck_by_ord = dict(cards)
    default_deck = cards[0][1] if cards else 0
    sides = []
    for number in numbers:
        back = render_cloze(text, number, side="back")
        back = f"{back}<br>{extra}" if extra else back
        deck_id = deck_by_ord.get(number - 1, default_deck)
        sides.append((number - 1, deck_id, render_cloze(text, number, side="front"), back))
    return sides


def _cloze_fields(notetype: NoteType) -> tuple[int, list[int]]:
    """The field the clozes are in, and the fields the answer adds (Extra)."""
    question, answer = notetype.templates[0] if notetype.templates else ("", "")
    cloze_names = re.findall(r"\{\{cloze:([^{}]+)\}\}", question)
    text_index = 0
    if cloze_names and cloze_names[0].strip() in notetype.fields:
        text_index = notetype.fields.index(cloze_names[0].strip())
    extras = _referenced_fields(answer, notetype.fields)
    return text_index, [index for index in extras if index != text_index]


def render_cloze(text: str, number: int, *, side: str) -> str:
    """Cloze `number` as "[...]" (or "[hint]") on the front and bold on the back; others shown."""

    def replace(match: re.Match[str]) -> str:
        answer, hint = match[2], match[3]
        if int(match[1]) != number:
            return answer
        return f"[{hint or '...'}]" if side == "front" else f"<b>{answer}</b>"

    previous = None
    while previous != text:  # innermost clozes first, then the ones around them
        previous, text = text, _CLOZE.sub(replace, text)
    return text


def _first_two_fields(note: Note, cards: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    deck_id = cards[0][1] if cards else 0
    return [(0, deck_id, _field(note, 0), _field(note, 1))]


def _field(note: Note, index: int) -> str:
    return note.fields[index] if index < len(note.fields) else ""


def _too_many_per_note(count: int, limits: ImportLimits, entry: str) -> Problem:
    return Problem(
        f"the note gives {count:,} cards; the most one note may give is "
        f"{limits.max_cards_per_note:,}: split it into several notes",
        entry=entry,
    )


def _too_many_cards(limits: ImportLimits) -> str:
    return (
        f"the package has more than {limits.max_cards:,} cards, the most one import may hold: "
        "export a smaller deck"
    )


def _warn_other_types(other_types: Counter[str], result: ParseResult) -> None:
    for name, count in other_types.items():
        notes = "1 note" if count == 1 else f"{count} notes"
        result.warnings.append(
            Problem(
                f"note type {name!r} is not Basic or Cloze: for its {notes} the first field "
                "became the front and the second the back"
            )
        )


def _name_decks(decks: dict[int, str], card_decks: list[int], result: ParseResult) -> None:
    """The deck the cards are in gives the title; subdecks below it become tags."""
    paths = {deck_id: decks.get(deck_id, "").split("::") for deck_id in set(card_decks)}
    paths = {deck_id: path for deck_id, path in paths.items() if path != [""]}
    if not paths:
        return
    common = _common_prefix(list(paths.values()))
    if common:
        result.deck_title = common[-1]
    else:
        most_used = Counter(deck for deck in card_decks if deck in paths).most_common(1)[0][0]
        result.deck_title = paths[most_used][-1]
    if len(paths) == 1:
        return
    for index, (card, deck_id) in enumerate(zip(result.cards, card_decks, strict=True)):
        if below := paths.get(deck_id, [])[len(common) :]:
            tag = "::".join(below).replace(" ", "_")
            result.cards[index] = replace(card, tags=tuple(dict.fromkeys([*card.tags, tag])))


def _common_prefix(paths: list[list[str]]) -> list[str]:
    common = paths[0]
    for path in paths[1:]:
        length = 0
        while length < min(len(common), len(path)) and common[length] == path[length]:
            length += 1
        common = common[:length]
    return common
