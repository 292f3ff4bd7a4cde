"""Study notes: definitions and headed lists among prose, under chapter and section headings.

Three seed documents share this shape (a marketplace summary, chapter notes, notes on
teleselling and chapter 7). The cards a teacher would write from them:

- a defined term: "Klantgerichtheid = het nemen van ...", "- Klantinzicht, het continu
  onderzoeken ...", "Verwachtingsmanagement is het bewust ...", "PSU (problem solving
  unit) financiële, ..." -> "Wat is klantgerichtheid?" and the definition;
- a headed list: "Redenen om accountmanagement in te voeren:" and its items, nested
  lists kept -> the heading as a question and the list;
- a subsection of prose only (7.2.1 choice) -> what the subsection's name means.

Other prose is context for the reader, not a card, and is skipped. Page debris (the
marketplace page around the document, tables of contents with dotted leaders, page
numbers, the "," a page break leaves, running headers) is removed before reading.
"""

import re
from dataclasses import dataclass, field
from html import escape

from decks.html import clean_card_html
from decks.importers.base import CardRecord, ParseResult, Problem
from decks.importers.outline import Line, definition_line, depth, list_token, read_list
from decks.importers.prompts import (
    announced_count,
    definition_prompt,
    item_prompt,
    list_prompt,
    list_topic,
    name_prompt,
    names_something,
    section_prompt,
)
from decks.importers.text_blocks import (
    ItemList,
    ListItem,
    blocks_to_html,
    continues_previous,
    deshout,
    ends_sentence,
    join_wrapped,
    read_marker,
    sentence_case,
    split_sentences,
    text_html,
    tidy,
)

MARKETPLACE_CONTENT_START = "Content preview"
MARKETPLACE_CONTENT_END = "Get to know the seller"

_PAGE_NUMBER = re.compile(r"\d{1,3}")
_DOTTED_LEADER = re.compile(r"\.{5}[ \t]*\d*\Z")  # "1.2 Klantwaarde ........ 4"
_PAGE_BREAK = re.compile(r",\s*")
_CHAPTER = re.compile(r"hoofdstuk\s+(\d+)\b\s*[–—-]?\s*(.*)", re.IGNORECASE)
_SECTION = re.compile(r"(\d+(?:\.\d+)+)\s+([^\d\s].*)")
_BARE_NOUN_DEFINITION = re.compile(r"[a-z]+(?: of [a-z]+)? (?:die|dat)\b")
_COMMA_DEFINITION = re.compile(r"(?P<term>[A-Z][^,]{0,40}), (?P<definition>.+)")
_DEFINING_START = re.compile(r"(?:het|de|een) |\w+ (?:die|dat|waarin|waarbij|waarmee|waardoor)\b")
_IS_DEFINITION = re.compile(
    r"(?P<article>Een )?(?P<term>[\w’'-]+(?: [\w’'-]+){0,2}) is (?P<definition>(?:een|het) .+)"
)
_ABBREVIATION = re.compile(
    r"(?P<abbr>[A-Z]{2,6}) \((?P<expansion>[^()]+)\) (?P<definition>[a-z].+)"
)
_ALSO_CALLED = re.compile(
    r"(?P<definition>(?:Het|De) .+?) wordt ook wel (?P<term>[\w-]+) genoemd\b.*"
)
_COLON_DEFINITION = re.compile(r"(?P<term>[^:]{2,60}): (?P<definition>[a-z‘].+)")
_LEADING_IS = re.compile(r"is (?:echter |dus |eigenlijk )?")
# Words a defined term never opens with: pronouns, adverbs, prepositions, signposts.
_NOT_A_TERM = {
    "het", "de", "dit", "dat", "deze", "die", "er", "hier", "daar", "daarvoor", "hiervoor",
    "daarom", "daarnaast", "bovendien", "ook", "dus", "echter", "toch", "zo", "nu", "dan",
    "wel", "niet", "nog", "je", "jij", "we", "wij", "ze", "zij", "hij", "men", "u", "wat",
    "wie", "waar", "hoe", "in", "op", "bij", "voor", "met", "door", "om", "van", "na", "als",
    "volgens", "onder", "over", "uit", "tot", "aan", "kortom", "vb", "bijvoorbeeld", "let",
    "samengevat", "tip", "namelijk", "juist", "alle", "elke", "iedere",
}  # fmt: skip


@dataclass(frozen=True)
class Definition:
    term: str
    prompt: str
    text: str


@dataclass
class Section:
    number: str | None
    title: str
    parent_title: str | None
    tags: tuple[str, ...]
    line: int
    prose: list[str] = field(default_factory=list)
    has_cards: bool = False


@dataclass
class Passage:
    """Paragraph text joined from wrapped lines, remembering which line each part came from."""

    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)  # (offset, line number)

    def add(self, line: Line) -> None:
        offset = len(self.text) + (1 if self.text else 0)
        self.text = join_wrapped(self.text, line.text)
        self.starts.append((offset, line.number))

    def line_at(self, offset: int) -> int:
        return max((number for start, number in self.starts if start <= offset), default=0)

    def sentences(self) -> list[tuple[str, int]]:
        found, cursor = [], 0
        for sentence in split_sentences(self.text):
            offset = self.text.find(sentence, cursor)
            cursor = offset + len(sentence)
            found.append((sentence, self.line_at(offset)))
        return found


def parse(text: str) -> ParseResult:
    reader = _NotesReader(content_lines(text))
    reader.read()
    return ParseResult(
        cards=merge_same_prompts(reader.cards), warnings=reader.warnings, errors=reader.errors
    )


def content_lines(text: str) -> list[Line]:
    """The document's own lines, numbered as in the source, with page debris removed."""
    raw = text.splitlines()
    first, last = 0, len(raw)
    stripped = [line.strip() for line in raw]
    if MARKETPLACE_CONTENT_START in stripped:
        first = stripped.index(MARKETPLACE_CONTENT_START) + 1
    if MARKETPLACE_CONTENT_END in stripped:
        last = stripped.index(MARKETPLACE_CONTENT_END)
    tidied = [tidy(line) for line in raw]
    chapter_titles = {
        match[2].lower()
        for line in tidied
        if (match := _CHAPTER.fullmatch(line.lstrip(", "))) and match[2] and "," not in match[2]
    }
    lines = []
    for index in range(first, last):
        line = tidied[index]
        if _PAGE_NUMBER.fullmatch(line) or _DOTTED_LEADER.search(line):
            continue
        if page_break := _PAGE_BREAK.match(line):
            line = _without_running_header(line[page_break.end() :], chapter_titles)
        lines.append(Line(index + 1, line))
    return lines


def _without_running_header(line: str, chapter_titles: set[str]) -> str:
    """A page can open with the chapter title as running header: ",Klant centraal, 5 ...".

    One look-up of the text before the first comma, not a try of every title: a file of
    many chapters and page breaks would otherwise cost chapters times lines.
    """
    title, comma, rest = line.partition(",")
    if comma and title.lower() in chapter_titles:
        return rest.strip()
    return line


def is_heading(text: str) -> bool:
    return bool(_CHAPTER.fullmatch(text) or _section_heading(text) or _is_caps_heading(text))


def _section_heading(text: str) -> tuple[str, str] | None:
    match = _SECTION.fullmatch(text)
    if not match or len(match[2].split()) > 10 or ends_sentence(match[2]):
        return None
    return match[1], match[2]


def _is_caps_heading(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if read_marker(text) is not None:
        return False  # "- STRATEGIE:" is a list item written in capitals
    return len(letters) >= 4 and all(ch.isupper() for ch in letters) and len(text.split()) <= 6


class _NotesReader:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.cards: list[CardRecord] = []
        self.warnings: list[Problem] = []
        self.errors: list[Problem] = []
        self.chapter: str | None = None
        self.section = Section(None, "", None, (), 0)
        self.section_titles: dict[str, str] = {}
        self.paragraph: list[Line] = []

    def read(self) -> None:
        index = 0
        while index < len(self.lines):
            line = self.lines[index]
            if not line.text:
                self._end_paragraph()
            elif is_heading(line.text):
                self._end_paragraph()
                self._enter_heading(line)
            elif self._opens_list(index):
                index = self._read_list(index)
                continue
            elif self.paragraph and _same_paragraph(self.paragraph[-1].text, line.text):
                self.paragraph.append(line)
            else:
                self._end_paragraph()
                self.paragraph = [line]
            index += 1
        self._end_paragraph()
        self._end_section()

    def _opens_list(self, index: int) -> bool:
        text = self.lines[index].text
        after_colon = bool(self.paragraph) and self.paragraph[-1].text.endswith(":")
        return list_token(text, [], may_open=after_colon) is not None

    def _enter_heading(self, line: Line) -> None:
        if chapter := _CHAPTER.fullmatch(line.text):
            self._end_section()
            self.chapter = chapter[1]
            self.section = Section(None, chapter[2], None, (f"H{chapter[1]}",), line.number)
        elif section := _section_heading(line.text):
            self._end_section()
            number, title = section
            self.section_titles[number] = title
            parent = self.section_titles.get(number.rpartition(".")[0])
            self.section = Section(number, title, parent, _section_tags(number), line.number)
        # a heading in capitals ("VERWACHTINGSMANAGEMENT") names a topic, not a section

    def _end_section(self) -> None:
        """A subsection of prose only still makes a card: what does its name mean?"""
        section = self.section
        if section.number is None or section.number.count(".") < 2:
            return
        if section.has_cards or not section.prose:
            return
        text = " ".join(p if ends_sentence(p) else f"{p}." for p in section.prose)
        self._add_card(
            section_prompt(section.title, section.parent_title),
            f"<p>{escape(text, quote=False)}</p>",
            section.line,
        )

    def _end_paragraph(self) -> None:
        if not self.paragraph:
            return
        passage = Passage()
        for line in self.paragraph:
            passage.add(line)
        self.paragraph = []
        self._read_prose(passage.sentences())

    def _read_prose(self, sentences: list[tuple[str, int]]) -> None:
        found = False
        for position, (sentence, line_number) in enumerate(sentences):
            definition = prose_definition(sentence)
            if definition is None:
                continue
            found = True
            text = definition.text
            for follower, _ in sentences[position + 1 :]:
                if not _mentions_first(follower, definition):
                    break
                text = f"{text} {follower}"
            self._add_card(definition.prompt, _paragraph_html(text), line_number)
        if not found and sentences:
            self.section.prose.append(" ".join(sentence for sentence, _ in sentences))

    def _read_list(self, index: int) -> int:
        heading, context, heading_line = self._take_heading()
        tree, end, problems = read_list(
            self.lines,
            index,
            may_open_digits=heading is not None and heading.endswith(":"),
            is_heading=is_heading,
        )
        self.warnings.extend(problems)
        self._list_cards(heading, context, tree, heading_line or self.lines[index].number)
        return end

    def _take_heading(self) -> tuple[str | None, str, int | None]:
        """Split the list's heading off the paragraph right above the list.

        The heading is the paragraph's last sentence when it ends in ":", or the whole
        paragraph when it is one short sentence ("Begrippen met betrekking tot ...").
        The sentences before it are prose, read as usual.
        """
        if not self.paragraph:
            return None, "", None
        passage = Passage()
        for line in self.paragraph:
            passage.add(line)
        self.paragraph = []
        sentences = passage.sentences()
        last, line_number = sentences[-1]
        if last.endswith(":") or (len(sentences) == 1 and len(last.split()) <= 12):
            self._read_prose(sentences[:-1])
            context = sentences[-2][0] if len(sentences) > 1 else ""
            return last, context, line_number
        self._read_prose(sentences)
        return None, "", None

    def _list_cards(
        self, heading: str | None, context: str, tree: ItemList, line_number: int
    ) -> None:
        definitions = [item_definition(item.text) for item in tree.items]
        glossary = all(definitions)
        if heading is None and not glossary:
            self.warnings.append(
                Problem("list without a heading skipped: no question to ask", line_number)
            )
            return
        if heading is not None:
            self._check_count(heading, tree, line_number)
        if glossary:
            if heading is not None and len(tree.items) > 1:
                terms = [ListItem(sentence_case(term)) for term, _ in definitions]
                self._add_card(
                    list_prompt(heading, context=context),
                    blocks_to_html([ItemList(tree.ordered, terms, tree.start)]),
                    line_number,
                )
            for item, (term, definition) in zip(tree.items, definitions, strict=True):
                prompt = definition_prompt(term, countable=is_countable_definition(definition))
                self._add_card(prompt, _paragraph_html(definition), item.line or line_number)
        elif depth(tree) >= 3:
            self._split_deep_list(heading, context, tree, line_number)
        else:
            self._add_card(
                list_prompt(heading, context=context), blocks_to_html([tree]), line_number
            )

    def _split_deep_list(self, heading: str, context: str, tree: ItemList, line: int) -> None:
        """A list three levels deep is too much for one card: one card per branch.

        The first card asks for the branches by name; each branch with content under it
        gets its own card.
        """
        names = [ListItem(item.text.rstrip(": ")) for item in tree.items]
        self._add_card(
            list_prompt(heading, context=context),
            blocks_to_html([ItemList(tree.ordered, names, tree.start)]),
            line,
        )
        topic = list_topic(heading)
        for item in tree.items:
            if not item.children:
                self.warnings.append(
                    Problem(f"nothing listed under {item.text!r}: no card for it", item.line)
                )
                continue
            self._add_card(item_prompt(item.text, topic), blocks_to_html(item.children), item.line)

    def _check_count(self, heading: str, tree: ItemList, line: int) -> None:
        promised = announced_count(heading)
        if promised is not None and promised != len(tree.items):
            self.warnings.append(
                Problem(
                    f"heading announces {promised} items but {len(tree.items)} are listed: "
                    f"{heading!r}",
                    line,
                )
            )

    def _add_card(self, prompt: str, back_html: str, line: int | None) -> None:
        self.section.has_cards = True
        self.cards.append(
            CardRecord(
                front=text_html(prompt),
                back=clean_card_html(back_html),
                tags=self.section.tags,
                line=line,
            )
        )


def _same_paragraph(previous: str, line: str) -> bool:
    """Whether `line` carries on the paragraph whose last line is `previous`.

    A wrapped line does, and so does a new sentence after a finished one. A capital
    after an unfinished line means the converter lost a full stop between paragraphs,
    and a line after one ending in ":" starts what the colon announced.
    """
    if continues_previous(line):
        return True
    return ends_sentence(previous)


def _section_tags(number: str) -> tuple[str, ...]:
    """Section 7.2.1 is tagged H7, 7.2 and 7.2.1, so its cards turn up under each."""
    parts = number.split(".")
    return (f"H{parts[0]}", *(".".join(parts[:end]) for end in range(2, len(parts) + 1)))


def _paragraph_html(text: str) -> str:
    return f"<p>{escape(sentence_case(text), quote=False)}</p>"


def prose_definition(sentence: str) -> Definition | None:
    """The definition a prose sentence gives, with the prompt that asks for it."""
    if match := _IS_DEFINITION.fullmatch(sentence):
        term = match["term"]
        if match["article"] or (term[0].isupper() and _may_be_term(term)):
            prompt = definition_prompt(term, countable=bool(match["article"]))
            return Definition(term, prompt, match["definition"])
    if match := _ABBREVIATION.fullmatch(sentence):
        prompt = f"Wat is de {match['abbr']} ({match['expansion']})?"
        return Definition(match["abbr"], prompt, match["definition"])
    if match := _ALSO_CALLED.fullmatch(sentence):
        return Definition(match["term"], definition_prompt(match["term"]), match["definition"])
    if match := _COLON_DEFINITION.fullmatch(sentence):
        term = _without_stray_quotes(match["term"])
        first_word = term.split()[0].lower()
        if (
            len(term.split()) <= 6
            and names_something(term)
            and (first_word in {"de", "het"} or _may_be_term(term))
        ):
            definition = _LEADING_IS.sub("", match["definition"], count=1)
            return Definition(term, name_prompt(deshout(term)), definition)
    return None


def item_definition(text: str) -> tuple[str, str] | None:
    """The (term, definition) a list item gives, if it defines a term.

    "Klantbewustheid = Het zich ..." and "Klantbewustheid, het zich realiseren ..." do;
    "Toenemende complexiteit, stellen hoge eisen" does not: after the comma comes no
    article or noun with a relative clause, so it is a remark, not a definition.
    """
    if found := definition_line(text):
        return found
    match = _COMMA_DEFINITION.fullmatch(text)
    if (
        match
        and len(match["term"].split()) <= 4
        and _may_be_term(match["term"])
        and _DEFINING_START.match(match["definition"])
    ):
        return match["term"], match["definition"]
    return None


def is_countable_definition(definition: str) -> bool:
    """Whether the definition names a countable thing, asked with "een": "Wat is een klant?".

    "persoon of organisatie die ..." does; "het nemen van ..." does not.
    """
    return bool(_BARE_NOUN_DEFINITION.match(definition))


def _may_be_term(term: str) -> bool:
    return term.split()[0].lower() not in _NOT_A_TERM


def _without_stray_quotes(term: str) -> str:
    """Drop a closing quote whose opening one was lost, as in "CORE’-fasen"."""
    if "’" in term and "‘" not in term:
        return term.replace("’", "")
    return term


def _mentions_first(sentence: str, definition: Definition) -> bool:
    """Whether `sentence` goes on about the defined term ("De PSU adviseert ...")."""
    pattern = rf"(?:(?:de|het|een) )?{re.escape(definition.term)}\b"
    return re.match(pattern, sentence, re.IGNORECASE) is not None


def merge_same_prompts(cards: list[CardRecord]) -> list[CardRecord]:
    """One card per prompt: a term defined twice (7.1 and 7.2) gets both answers.

    Two cards asking the same question with different answers would leave a student
    unable to tell which one is wanted.
    """
    merged: dict[str, CardRecord] = {}
    for card in cards:
        if card.front not in merged:
            merged[card.front] = card
            continue
        first = merged[card.front]
        tags = tuple(dict.fromkeys([*first.tags, *card.tags]))
        merged[card.front] = CardRecord(first.front, first.back + card.back, tags, first.line)
    return list(merged.values())
