"""Question/answer blocks: a title line, then each question on one line with its answer below.

    H1 Flashcards
    Wat zijn de 5 factoren van CRM          <- a question, even without its "?"
    De klant                                <- answer lines, any number
    2. De strategie
    Klantinzicht=                           <- a term to define
    Klantinzicht = het continu onderzoeken, ...

A question ends in "?", ends in "=" (a term to define) or opens with a question word
("Wat", "Welke", "Zet", ...). Every question has an answer, so the line straight after a
question always belongs to its answer: that is how "Drie fases van het salesproces:"
opens an answer instead of asking one.

Exports from flashcard sites and quiz tools mark each side instead:

    Q: Wat is accountmanagement?            <- or "Q" alone, its question on the next lines
    A: de filosofie en de set ...           <- or "A" alone; the answer runs to the next Q
    How well did you know this? / 1 / ...   <- the site's rating widget: never a card

with or without a card number above each Q, and blank lines anywhere. When the text has
those markers they, not the question words, say where a card starts.
"""

import re

from decks.importers.base import CardRecord, ParseResult, Problem
from decks.importers.flashcard_site import rating_widget_lines
from decks.importers.flashcard_site import tags_from_title as section_tags
from decks.importers.prompts import about_prompt, definition_prompt
from decks.importers.text_blocks import (
    answer_blocks,
    blocks_to_html,
    sentence_case,
    text_html,
    tidy,
)

QUESTION_WORDS = {"wat", "welke", "welk", "wie", "hoe", "waarom", "wanneer", "waar", "hoeveel"}
INSTRUCTION_WORDS = {"noem", "zet", "geef", "leg", "beschrijf", "verklaar", "definieer", "vul"}
# An answer that opens with a verb says something about the term instead of defining it.
_REMARK_VERBS = {"is", "wordt", "zijn", "worden", "heeft", "kan", "moet"}
_CHAPTER = re.compile(r"(?:H|Hoofdstuk\s*)(\d+)\b", re.IGNORECASE)
# Side markers, matched against one stripped line: "Q", "Q:", "Q1.", "3. Q)", "Vraag:".
# A word needs its colon, a letter a separator or the line's end, a numbered letter ("Q1")
# a colon, stop or bracket: "Quiz", "Als" and "Q1 was goed" are text.
_QUESTION_MARKER = re.compile(
    r"(?:\d{1,4}[.)]?[ \t]+)?"
    r"(?:Q(?:[ \t]*[:.)][ \t]*|[ \t]+|$)|Q\d{1,4}(?:[ \t]*[:.)][ \t]*|$)"
    r"|(?:Vraag|Question)[ \t]*:[ \t]*)"
    r"(.*)"
)
_ANSWER_MARKER = re.compile(
    r"(?:A(?:[ \t]*[:.)][ \t]*|[ \t]+|$)|A\d{1,4}(?:[ \t]*[:.)][ \t]*|$)"
    r"|(?:Antwoord|Answer)[ \t]*:[ \t]*)"
    r"(.*)"
)
# A marked text has at least this share of its lines opening a question.
_MARKED_SHARE = 1 / 40


def parse(text: str) -> ParseResult:
    """Cards from question/answer text, read by its side markers when it has them."""
    raw_lines = text.splitlines()
    tidied = [tidy(line) for line in raw_lines]
    result = ParseResult()
    widget = rating_widget_lines(tidied, result)
    content = [
        (index + 1, raw_lines[index].strip())
        for index, line in enumerate(tidied)
        if line and index not in widget
    ]
    if marked_shape([line for _, line in content]) is not None:
        _parse_marked(content, result)
        return result
    return _parse_unmarked(text, widget, result)


def marked_shape(lines: list[str]) -> str | None:
    """ "site" when every card is "number / Q / question / A", "marked" for any other use
    of Q and A markers, None when the lines have too few of them to be a marked text.

    `lines` are the text's non-blank lines without the rating widget.
    """
    questions = answers = numbered = inline_answers = 0
    for previous, line in zip(["", *lines], lines, strict=False):
        if _QUESTION_MARKER.fullmatch(line):
            questions += 1
            numbered += line == "Q" and previous.isdecimal()
        elif _ANSWER_MARKER.fullmatch(line):
            answers += 1
            inline_answers += line != "A"  # the site puts its answer below a bare A
    if not questions or not answers or questions < len(lines) * _MARKED_SHARE:
        return None
    return "site" if numbered == questions and not inline_answers else "marked"


def _parse_marked(content: list[tuple[int, str]], result: ParseResult) -> None:
    """Read cards between Q markers; a card number right above a Q is no part of either side.

    An A marker only counts inside a question: "A. Jansen" in an answer is text.
    """
    tags: tuple[str, ...] = ()
    question: list[tuple[int, str]] = []
    answer: list[tuple[int, str]] | None = None
    card_number_line: int | None = None
    for position, (number, line) in enumerate(content):
        following = content[position + 1][1] if position + 1 < len(content) else ""
        if line.isdecimal() and _QUESTION_MARKER.fullmatch(following):
            card_number_line = number  # the card starts here, as the site counts it
            continue
        if opened := _QUESTION_MARKER.fullmatch(line):
            _add_marked_card(question, answer, tags, result)
            question, answer = [(card_number_line or number, opened[1])], None
            card_number_line = None
        elif question and answer is None and (side := _ANSWER_MARKER.fullmatch(line)):
            answer = [(number, side[1])] if side[1] else []
        elif question:
            (question if answer is None else answer).append((number, line))
        elif position == 0:
            tags = _tags_from_title(tidy(line)) or section_tags(tidy(line))
        else:
            result.warnings.append(
                Problem(f"text before the first question: {tidy(line)!r}", number)
            )
    _add_marked_card(question, answer, tags, result)


def _add_marked_card(
    question: list[tuple[int, str]],
    answer: list[tuple[int, str]] | None,
    tags: tuple[str, ...],
    result: ParseResult,
) -> None:
    if not question:
        return
    number = question[0][0]
    prompt = " ".join(tidy(line) for _, line in question if tidy(line))
    if not prompt or not answer:
        missing = "an answer" if prompt else "a question"
        shown = f": {prompt!r}" if prompt else ""
        result.errors.append(Problem(f"card without {missing}{shown}", number))
        return
    if prompt.endswith("="):
        front, answer = _term_card(prompt.removesuffix("=").strip(), answer)
    else:  # a bare term stays a term; a question or an instruction gets its punctuation
        front = _question_prompt(prompt) if is_question(prompt) else sentence_case(prompt)
    blocks, problems = answer_blocks(answer, keep_lines=True)
    result.warnings.extend(problems)
    result.cards.append(
        CardRecord(front=text_html(front), back=blocks_to_html(blocks), tags=tags, line=number)
    )


def _parse_unmarked(text: str, widget: set[int], result: ParseResult) -> ParseResult:
    lines = [(number, tidy(line)) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line and number - 1 not in widget]
    if not lines:
        result.errors.append(Problem("the document is empty"))
        return result
    (_, title), body = lines[0], lines[1:]
    tags = _tags_from_title(title)
    question: tuple[int, str] | None = None
    answer: list[tuple[int, str]] = []
    for number, line in body:
        if question is not None and not answer:
            answer.append((number, line))  # a question always has an answer
        elif is_question(line):
            _add_card(question, answer, tags, result)
            question, answer = (number, line), []
        elif question is None:
            result.warnings.append(Problem(f"text before the first question: {line!r}", number))
        else:
            answer.append((number, line))
    _add_card(question, answer, tags, result)
    return result


def is_question(line: str) -> bool:
    first_word = line.split()[0].lower().strip(",:")
    return (
        line.endswith(("?", "=")) or first_word in QUESTION_WORDS or first_word in INSTRUCTION_WORDS
    )


def _tags_from_title(title: str) -> tuple[str, ...]:
    match = _CHAPTER.match(title)
    return (f"H{match[1]}",) if match else ()


def _add_card(
    question: tuple[int, str] | None,
    answer: list[tuple[int, str]],
    tags: tuple[str, ...],
    result: ParseResult,
) -> None:
    if question is None:
        return
    number, line = question
    if not answer:
        result.errors.append(Problem(f"question without an answer: {line!r}", number))
        return
    if line.endswith("="):
        term = line.removesuffix("=").strip()
        if not term.strip("= "):
            result.errors.append(Problem(f"a line of '=' with no term before it: {line!r}", number))
            return
        front, answer = _term_card(term, answer)
    else:
        front = _question_prompt(line)
    blocks, problems = answer_blocks(answer, keep_lines=True)
    result.warnings.extend(problems)
    result.cards.append(
        CardRecord(front=text_html(front), back=blocks_to_html(blocks), tags=tags, line=number)
    )


def _question_prompt(line: str) -> str:
    """The question as a teacher would print it: capitalised and properly punctuated."""
    line = sentence_case(line)
    if line.endswith("?"):
        return line
    if line.split()[:1] and line.split()[0].lower() in INSTRUCTION_WORDS:
        return line.rstrip(" :.") + "."
    return line.rstrip(" :.") + "?"


def _term_card(term: str, answer: list[tuple[int, str]]) -> tuple[str, list[tuple[int, str]]]:
    """The prompt for "Term=" and its answer without the term repeated in front of it.

    "Klantinzicht = het continu ..." loses its "Klantinzicht =": the prompt already asks
    for it. An answer that goes on about the term ("is nog steeds actueel, want ...")
    gets the term back as its subject, and a prompt asking what one knows about it.
    """
    (first_number, first_line), rest = answer[0], answer[1:]
    repeated = re.match(rf"{re.escape(term)}\s*=\s*", first_line, re.IGNORECASE)
    if repeated:
        first_line = first_line[repeated.end() :]
    if first_line.split()[:1] and first_line.split()[0].lower() in _REMARK_VERBS:
        return about_prompt(term), [(first_number, f"{term} {first_line}"), *rest]
    return definition_prompt(term), [(first_number, first_line), *rest]
