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
"""

import re

from decks.importers.base import CardRecord, ParseResult, Problem
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


def parse(text: str) -> ParseResult:
    result = ParseResult()
    lines = [(number, tidy(line)) for number, line in enumerate(text.splitlines(), start=1)]
    lines = [(number, line) for number, line in lines if line]
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
        front, answer = _term_card(line.removesuffix("=").strip(), answer)
    else:
        front = _question_prompt(line)
    blocks, problems = answer_blocks(answer)
    result.warnings.extend(problems)
    result.cards.append(
        CardRecord(front=text_html(front), back=blocks_to_html(blocks), tags=tags, line=number)
    )


def _question_prompt(line: str) -> str:
    """The question as a teacher would print it: capitalised and properly punctuated."""
    line = sentence_case(line)
    if line.endswith("?"):
        return line
    if line.split()[0].lower() in INSTRUCTION_WORDS:
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
    if first_line.split()[0].lower() in _REMARK_VERBS:
        return about_prompt(term), [(first_number, f"{term} {first_line}"), *rest]
    return definition_prompt(term), [(first_number, first_line), *rest]
