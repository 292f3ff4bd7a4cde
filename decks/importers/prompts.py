"""How a term, a list heading or a section becomes the prompt a teacher would write.

The notes name things ("Klantgerichtheid = ...", "Redenen om accountmanagement in te
voeren:") rather than ask about them, so the card front turns the name into a Dutch
question. The rules cover the shapes the seed documents use; a heading none of them
fits is kept as written with "Welke?" after it, which still reads as a question.
"""

import re

from decks.importers.text_blocks import deshout, lower_first, sentence_case

NUMBER_WORDS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    "tien": 10,
}  # fmt: skip
_PLURAL_WORDS = {*NUMBER_WORDS, "enkele", "meerdere", "diverse", "verschillende", "alle"}
# Finite verbs that mark a heading as a clause rather than a name.
_FINITE_VERBS = {
    "is", "zijn", "heeft", "hebben", "moet", "moeten", "kan", "kunnen", "wordt", "worden",
    "komt", "komen", "valt", "vallen", "gaat", "gaan", "blijkt", "blijken", "bestaat",
    "bestaan", "zal", "zullen", "wil", "willen", "mag", "mogen", "krijgt", "staat", "ligt",
    "geeft", "doet", "maakt",
}  # fmt: skip
_BACK_REFERENCES = ("daarvoor", "hiervoor", "daarbij", "hierbij", "daarnaast", "daarom")
_TRAILING_HINT = re.compile(r"(?P<head>.+?)[.\s]*(?P<hint>\([^()]*\))$")


def term_for_sentence(term: str) -> str:
    """A term as it reads mid-sentence: "Klantinzicht" -> "klantinzicht".

    Names of two or more capitalised words ("Customer Intimacy") and acronyms stay.
    """
    words = term.split()
    if len(words) > 1 and any(word[:1].isupper() for word in words[1:]):
        return term
    return lower_first(term)


def definition_prompt(term: str, *, countable: bool = False) -> str:
    """Ask for a definition: "Wat is klantgerichtheid?", or "Wat is een klant?" if countable."""
    article = "een " if countable else ""
    return f"Wat is {article}{term_for_sentence(term)}?"


def about_prompt(term: str) -> str:
    """For a term whose answer is a remark about it rather than a definition."""
    return f"Wat weet je over {term_for_sentence(term)}?"


def is_plural_name(name: str) -> bool:
    """Whether a name is plural: "Redenen om ...", "Drie fases", "CORE-fasen" are."""
    words = name.split()
    first = words[0].lower()
    if first in {"de", "het"} and len(words) > 1:
        first = words[1].lower()
    if first in _PLURAL_WORDS or first.isdigit():
        return True
    return len(first) > 4 and first.endswith(("en", "s")) and not first.endswith("is")


def names_something(heading: str) -> bool:
    """Whether a heading is a name ("Redenen om ... in te voeren") rather than a clause."""
    return not any(word.strip(",.:;").lower() in _FINITE_VERBS for word in heading.split())


def name_prompt(name: str) -> str:
    """Ask what a name stands for: "Wat zijn de twee manieren ...?", "Wat is de rol ...?"."""
    if is_plural_name(name):
        if name.split()[0].lower() == "de":
            return f"Wat zijn {lower_first(name)}?"
        return f"Wat zijn de {lower_first(name)}?"
    return f"Wat is {term_for_sentence(name)}?"


def list_prompt(heading: str, *, context: str = "") -> str:
    """The question whose answer is the list under `heading`.

    `context` is the sentence before the heading, needed when the heading points back to
    it ("Daarvoor is het volgende van belang:").
    """
    heading = deshout(heading.strip().rstrip(":").strip())
    hint = ""
    if match := _TRAILING_HINT.fullmatch(heading):
        heading, hint = match["head"], f" {match['hint']}"
    heading = heading.rstrip(" .")
    if heading.endswith("?"):
        return sentence_case(heading) + hint
    if match := re.fullmatch(r"(?P<pre>.+?) (?P<verb>is|zijn) het volgende (?P<rest>.+)", heading):
        question = f"Wat {match['verb']} {lower_first(match['pre'])} {match['rest']}?"
        if match["pre"].lower() in _BACK_REFERENCES and context:
            return f"{context} {question}{hint}"
        return question + hint
    if match := re.fullmatch(r"(?P<subject>.+) zijn", heading):
        return f"Wat zijn {lower_first(match['subject'])}?{hint}"
    if match := re.fullmatch(r"(?P<pre>.+?) zijn er (?P<rest>.+)", heading):
        return f"Wat zijn {lower_first(match['pre'])} de {match['rest']}?{hint}"
    if match := re.fullmatch(r"(?P<clause>.+), zoals", heading):
        return f"{sentence_case(match['clause'])}. Noem voorbeelden.{hint}"
    if match := re.fullmatch(r"[Ss]oorten (?P<kind>.+)", heading):
        return f"Welke soorten {match['kind']} zijn er?{hint}"
    if names_something(heading):
        if is_plural_name(heading):
            return name_prompt(heading) + hint
        return f"Wat valt onder {term_for_sentence(heading)}?{hint}"
    return f"{sentence_case(heading)}. Welke?{hint}"


def list_topic(heading: str) -> str | None:
    """The thing a list heading names, for prompts about one of its items, if it names one."""
    heading = deshout(heading.strip().rstrip(":").strip())
    if match := _TRAILING_HINT.fullmatch(heading):
        heading = match["head"]
    heading = heading.rstrip(" .")
    if names_something(heading):
        return term_for_sentence(heading)
    return None


def item_prompt(item: str, topic: str | None) -> str:
    """A prompt for one branch of a deep list.

    "Strategie" under "5 elementen van CRM" asks "Wat valt onder strategie bij de 5
    elementen van CRM?".
    """
    item = term_for_sentence(deshout(item.rstrip(": ")))
    if topic is None:
        return f"Wat valt onder {item}?"
    article = "de " if is_plural_name(topic) and not topic.lower().startswith("de ") else ""
    return f"Wat valt onder {item} bij {article}{topic}?"


def section_prompt(title: str, parent_title: str | None) -> str:
    """A prompt for a subsection of prose, named after its parent for context.

    "choice" in "de aanpak van accountmanagement" asks "De aanpak van
    accountmanagement: wat houdt ‘choice’ in?".
    """
    question = f"wat houdt ‘{title}’ in?"
    if parent_title:
        return f"{sentence_case(parent_title)}: {question}"
    return sentence_case(question)


def announced_count(heading: str) -> int | None:
    """How many items a heading promises: "drie manieren" -> 3, "5 ELEMENTEN" -> 5."""
    for word in heading.lower().replace("(", " ").split():
        word = word.strip(",.:;")
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
        if word.isdigit() and 1 < int(word) < 20:
            return int(word)
    return None
