"""Quizlet's export with its default separators: term, a tab, definition; a card per line.

    fiets<TAB>bicycle
    seizoenen<TAB>lente         <- a definition with a line break in it: Quizlet writes the
    herfst                         break as is, so a line without a tab goes on with it

Quizlet text is plain text (the site has no HTML), so it is always escaped. The export
has no header and no quoting; that, and exactly two columns, is how detect.py tells it
from a TSV file. Custom separators chosen in Quizlet's export dialog are not supported.
"""

from dataclasses import dataclass, field

from decks.html import clean_card_html, text_to_html
from decks.importers.base import DEFAULT_LIMITS, CardRecord, ImportLimits, ParseResult, Problem
from decks.importers.csv import COLUMN_NAMES, field_too_long, too_many_cards


@dataclass
class _Pending:
    line: int
    term: str
    definition: list[str] = field(default_factory=list)


def parse(text: str, *, limits: ImportLimits = DEFAULT_LIMITS) -> ParseResult:
    """Cards from a Quizlet export; a term without a definition is an error on its line."""
    result = ParseResult(format="quizlet")
    pending: _Pending | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "\t" not in line:
            if pending is None:
                result.errors.append(
                    Problem("the line has no tab between term and definition", number)
                )
            else:
                pending.definition.append(line)
            continue
        _finish(pending, limits, result)
        if len(result.cards) > limits.max_cards:
            break
        term, _, definition = line.partition("\t")
        pending = _Pending(number, term, [definition])
    _finish(pending, limits, result)
    if len(result.cards) > limits.max_cards:
        result.errors.append(Problem(too_many_cards(limits), result.cards[-1].line))
        result.cards.clear()
    elif not result.cards and not result.errors:
        result.errors.append(Problem("the file has no cards"))
    return result


def looks_like_quizlet(text: str) -> bool:
    """Exactly one tab on every card line, no quotes, no header; the first line a card."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or "\t" not in lines[0]:
        return False
    if _is_header(lines[0]) or any(line.lstrip().startswith('"') for line in lines):
        return False
    return all(line.count("\t") == 1 for line in lines if "\t" in line)


def _is_header(line: str) -> bool:
    names = {cell.strip().strip(":*").strip().lower() for cell in line.split("\t")}
    return bool(names & COLUMN_NAMES["front"]) and bool(names & COLUMN_NAMES["back"])


def _finish(pending: _Pending | None, limits: ImportLimits, result: ParseResult) -> None:
    if pending is None:
        return
    term, definition = pending.term.strip(), "\n".join(pending.definition).strip()
    for side, value in (("term", term), ("definition", definition)):
        if not value:
            result.errors.append(Problem(f"the line has no {side}", pending.line))
            return
        if len(value) > limits.max_field_chars:
            result.errors.append(Problem(field_too_long(side, value, limits), pending.line))
            return
    front = clean_card_html(text_to_html(term))
    back = clean_card_html(text_to_html(definition))
    result.cards.append(CardRecord(front, back, line=pending.line))
