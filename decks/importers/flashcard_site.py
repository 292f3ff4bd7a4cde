"""Cards exported from a flashcard website, copied as text off its study page.

The export repeats one shape per card:

    7.5 Accountmanager, klantmanagement en CRM Flashcards    <- title, once
    1                                                         <- card number
    Q
    accountmanagement                                         <- question
    A
    de filosofie en de set van instrumenten ...               <- answer, any number of lines
    How well did you know this?                               <- the site's rating widget:
    1 / Not at all / 2 / 3 / 4 / 5 / Perfectly                   one line each, sometimes absent

A number only opens a card when `Q` follows it, so the widget's own digits never do.
Blank lines fall anywhere, even mid-sentence, so they carry no meaning.
"""

import re

from decks.importers.base import CardRecord, ParseResult, Problem
from decks.importers.text_blocks import (
    answer_blocks,
    blocks_to_html,
    sentence_case,
    text_html,
    tidy,
)

RATING_WIDGET = ("How well did you know this?", "1", "Not at all", "2", "3", "4", "5", "Perfectly")
_WIDGET_QUESTION = RATING_WIDGET[0]
_WIDGET_WORDS = " ".join(RATING_WIDGET[1:]).split()
_SECTION = re.compile(r"(\d+)\.(\d+(?:\.\d+)*)\b")


def parse(text: str) -> ParseResult:
    result = ParseResult()
    raw_lines = text.splitlines()
    lines = [tidy(line) for line in raw_lines]
    widget_lines = rating_widget_lines(lines, result)
    # Answers keep their raw lines: a private-use glyph there is the bullet.
    content = [
        (index + 1, raw_lines[index])
        for index, line in enumerate(lines)
        if line and index not in widget_lines
    ]
    if not content:
        result.errors.append(Problem("the export is empty"))
        return result
    title_line, title = content[0][0], tidy(content[0][1])
    tags = tags_from_title(title)
    starts = [
        position
        for position in range(1, len(content) - 1)
        if tidy(content[position][1]).isdigit() and tidy(content[position + 1][1]) == "Q"
    ]
    if not starts:
        result.errors.append(Problem("no numbered card with a Q line was found", title_line))
        return result
    for position in range(1, starts[0]):
        line_number, line = content[position]
        result.warnings.append(
            Problem(f"text before the first card skipped: {tidy(line)!r}", line_number)
        )
    for expected, (start, end) in enumerate(
        zip(starts, [*starts[1:], len(content)], strict=True), start=1
    ):
        _read_card(content[start:end], expected, tags, result)
    return result


def rating_widget_lines(lines: list[str], result: ParseResult | None = None) -> set[int]:
    """Indexes of every line of every rating widget, so none of it reaches a card.

    `lines` are tidied. The widget is read as words, not as lines: copied off the page it
    comes one word group a line, all on one line, or with blank lines in between, and each
    of those is the same widget.
    """
    found: set[int] = set()
    for index, line in enumerate(lines):
        if not line.startswith(_WIDGET_QUESTION):
            continue
        words = line.removeprefix(_WIDGET_QUESTION).split()
        if words != _WIDGET_WORDS[: len(words)]:
            continue
        widget = [index]
        following = index + 1
        while len(words) < len(_WIDGET_WORDS) and following < len(lines):
            more = lines[following].split()
            if more and more != _WIDGET_WORDS[len(words) : len(words) + len(more)]:
                break
            words += more
            widget.append(following)
            following += 1
        while widget[-1] != index and not lines[widget[-1]]:
            widget.pop()  # blank lines after a cut-short widget are not part of it
        if len(words) < len(_WIDGET_WORDS) and result is not None:
            result.warnings.append(Problem("rating widget cut short", index + 1))
        found.update(widget)
    return found


def tags_from_title(title: str) -> tuple[str, ...]:
    """The title "7.5 Accountmanager ..." gives the chapter and the section: H7, 7.5."""
    match = _SECTION.match(title)
    if not match:
        return ()
    return (f"H{match[1]}", f"{match[1]}.{match[2]}")


def _read_card(
    lines: list[tuple[int, str]], expected: int, tags: tuple[str, ...], result: ParseResult
) -> None:
    card_line, card_number = lines[0][0], tidy(lines[0][1])
    if int(card_number) != expected:
        result.warnings.append(
            Problem(f"card numbered {card_number} where {expected} was expected", card_line)
        )
    body = lines[2:]  # after the number and the Q
    answer_at = next((i for i, (_, line) in enumerate(body) if tidy(line) == "A"), None)
    if answer_at is None:
        result.errors.append(Problem(f"card {card_number} has no A line", card_line))
        return
    question = " ".join(tidy(line) for _, line in body[:answer_at])
    answer = body[answer_at + 1 :]
    if not question or not answer:
        missing = "question" if not question else "answer"
        result.errors.append(Problem(f"card {card_number} has no {missing}", card_line))
        return
    blocks, problems = answer_blocks(answer)
    result.warnings.extend(problems)
    result.cards.append(
        CardRecord(
            front=text_html(sentence_case(question)),
            back=blocks_to_html(blocks),
            tags=tags,
            line=card_line,
        )
    )
