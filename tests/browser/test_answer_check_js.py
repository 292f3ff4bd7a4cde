"""static/js/answer_check.js judges a typed answer as decks/services/answer_check.py does.

An offline phone judges with the script and the server re-judges on sync, so the two must
agree. Each test runs all its cases through the script in one page.evaluate and compares them
with the Python check: correct, forgiven and blank, and for a list answer the items read from
what was typed and which expected and typed items were matched to nothing.
"""

import json
import random
import unicodedata
from pathlib import Path

import pytest

from decks.services.answer_check import (
    _pairs,
    given_items,
    parse_answer,
    typeable,
    typed_answer_check,
    words,
)
from tests.answer_check_cases import TYPED_ANSWERS, TYPED_LISTS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "js" / "answer_check.js"
JUDGE_ALL = (
    """cases => cases.map(([expected, given]) => window.StampAnswerCheck.check(expected, given))"""
)


def python_verdict(html: str, given: str) -> dict:
    """What the server decides, in the shape the script answers."""
    check = typed_answer_check(expected=html, given=given)
    verdict = {"correct": check.correct, "forgiven": check.forgiven, "blank": check.blank}
    items = parse_answer(html).items
    if not items or check.blank:
        return verdict | {"missed": [], "extra": [], "givenItems": []}
    typed = given_items(given)
    pairs = _pairs(items, typed)
    return verdict | {
        "missed": [e for e in range(len(items)) if e not in pairs],
        "extra": [g for g in range(len(typed)) if g not in pairs.values()],
        "givenItems": typed,
    }


def disagreements(page, cases: list[tuple[str, str]]) -> list[str]:
    """Each (expected HTML, typed) case the script judges otherwise than the server, readably."""
    page.add_script_tag(path=str(SCRIPT))
    packed = []
    for html, given in cases:
        parsed = parse_answer(html)
        packed.append([{"text": parsed.text, "items": list(parsed.items)}, given])
    script = page.evaluate(JUDGE_ALL, packed)
    assert len(script) == len(cases)
    out = []
    for (html, given), js in zip(cases, script, strict=True):
        python = python_verdict(html, given)
        if js != python:
            differs = {k: (python[k], js[k]) for k in python if python[k] != js.get(k)}
            out.append(
                f"expected={html[:80]!r} given={given[:80]!r}: (python, js) differ in {differs}"
            )
    return out


def assert_agree(page, cases: list[tuple[str, str]]) -> None:
    failures = disagreements(page, cases)
    assert not failures, f"{len(failures)} of {len(cases)} cases disagree:\n" + "\n".join(failures)


# --- The rules' worked examples -----------------------------------------------------------

LIST_OF_TWO = "<ul><li>a</li><li>b</li></ul>"


def test_the_script_judges_the_worked_examples_as_the_server_does(page):
    cases = [(expected, typed) for expected, typed, _correct in TYPED_ANSWERS]
    cases += [(LIST_OF_TWO, typed) for typed, _items in TYPED_LISTS]
    assert_agree(page, cases)


# --- The seed decks' typeable answers, typed well and badly --------------------------------


def seed_backs() -> list[str]:
    backs = []
    for path in sorted((ROOT / "fixtures").glob("*.json")):
        rows = json.loads(path.read_text())
        if isinstance(rows, list):
            backs += [r["fields"]["back"] for r in rows if r.get("model") == "decks.card"]
    return [back for back in backs if typeable(back)]


def without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _longest_word(text: str) -> tuple[int, str]:
    pieces = text.split(" ")
    index = max(range(len(pieces)), key=lambda i: sum(c.isalpha() for c in pieces[i]))
    return index, pieces[index]


def _in_longest_word(text: str, change) -> str:
    pieces = text.split(" ")
    index, word = _longest_word(text)
    pieces[index] = change(word)
    return " ".join(pieces)


def one_letter_dropped(text: str) -> str:
    return _in_longest_word(text, lambda w: w[: len(w) // 2] + w[len(w) // 2 + 1 :])


def two_letters_dropped(text: str) -> str:
    return one_letter_dropped(one_letter_dropped(text))


def two_letters_swapped(text: str) -> str:
    def swap(w: str) -> str:
        m = max(1, len(w) // 2)
        return w[: m - 1] + w[m] + w[m - 1] + w[m + 1 :] if len(w) > 1 else w

    return _in_longest_word(text, swap)


def last_word_dropped(text: str) -> str:
    return " ".join(text.split()[:-1])


def number_changed(text: str) -> str | None:
    for i, c in enumerate(text):
        if c.isdigit():
            return text[:i] + str((int(c) + 1) % 10) + text[i + 1 :]
    return None


def typed_versions(html: str) -> list[str]:
    """What a student might type for an answer: right, nearly right and wrong."""
    parsed = parse_answer(html)
    text = parsed.text
    typed = [
        text,
        text.upper(),
        without_accents(text),
        one_letter_dropped(text),
        two_letters_dropped(text),
        two_letters_swapped(text),
        last_word_dropped(text),
    ]
    if changed := number_changed(text):
        typed.append(changed)
    if items := list(parsed.items):
        typed += [
            ", ".join(reversed(items)),
            "\n".join(f"- {item}" for item in items),
            "; ".join(items[1:]),
            ", ".join([*items, "Onzin"]),
            "\n".join([one_letter_dropped(items[0]), *items[1:]]),
            "\n".join(f"{n}. {item.lower()}" for n, item in enumerate(items, start=1)),
        ]
    return typed


def test_the_script_judges_the_seed_decks_answers_as_the_server_does(page):
    backs = seed_backs()
    assert len(backs) > 30  # the seed decks are read, not skipped
    assert_agree(page, [(back, typed) for back in backs for typed in typed_versions(back)])


# --- Hostile and edge cases ---------------------------------------------------------------

TWO_ITEMS = "<ul><li>Strategie</li><li>Mensen</li></ul>"
EDGE_CASES = [
    # nothing, or nothing that counts
    ("Amsterdam", ""),
    ("Amsterdam", "?!.,;:-'"),
    ("Amsterdam", "😀"),
    ("Amsterdam", "👩‍👩‍👧 🇳🇱"),
    ("Amsterdam", "\u200b\ufeff"),
    ("?!", "?!"),
    (TWO_ITEMS, ",;,"),
    # too long
    ("Amsterdam", "a" * 1000),
    ("Amsterdam", "amsterdam " * 100),
    (TWO_ITEMS, ("mensen, " * 125)[:1000]),
    (TWO_ITEMS, "mensen\n" * 140),
    # typed markup is text
    ("Amsterdam", '<script>alert("x")</script>'),
    ("Tom &amp; Jerry", "tom &amp; jerry"),
    # Dutch
    ("IJsland", "ijsland"),
    ("IJsland", "\u0133sland"),
    ("\u0132ssel", "ijssel"),
    ("België", "BELGIË"),
    ("België", "belgie"),
    ("ideeën", "ideeen"),
    ("één", "een"),
    ("Curaçao", "curacao"),
    ("zee-egel", "zeeegel"),
    # German ß, and other letters casefold() folds further than lower()
    ("Straße", "strasse"),
    ("Straße", "STRASSE"),
    ("STRASSE", "straße"),
    ("Straße", "strase"),
    ("Fuß", "fus"),
    ("\u1e9e", "ss"),
    ("ΟΔΟΣ", "οδος"),
    ("ᾳδω", "αιδω"),
    ("\u1c80\u1c82", "во"),
    ("İstanbul", "istanbul"),
    ("ﬁets", "fiets"),
    # joiners
    ("e-mail", "email"),
    ("email", "e-mail"),
    ("e-mail", "e mail"),
    ("e\u2010mail", "email"),
    ("auto's", "autos"),
    ("auto’s", "auto's"),
    ("auto's", "auto s"),
    # numbers in other shapes
    ("H₂O", "h2o"),
    ("x²", "x2"),
    ("½", "1/2"),
    ("٣ appels", "3 appels"),
    ("፩", "1"),
    ("①", "1"),
    ("Route 66", "route66"),
    # how far a typo is forgiven
    ("Klanttevredenheid", "klantevredenhed"),
    ("Klanttevredenheid", "klantevrednhed"),
    ("abcdefghij", "abdefghj"),
    ("abcdefghi", "abdefghi"),
    ("abcdefghi", "abdefgh"),
    ("Parijs", "Prajis"),
    # parentheses and alternatives
    ("(a) (b) (c) (d) (e) kern", "kern"),
    ("(a) (b) (c) (d) (e) kern", "e kern"),
    ("(a) (b) (c) (d) (e) kern", "a b c d e kern"),
    ("Klant ((nieuw))", "klant"),
    ("a (b (c) d)", "a b d"),
    ("(de) kat / (de) poes", "de poes"),
    ("kat / poes / hond", "poes hond"),
    ("Verenigde Staten (VS)", "verenigde staten"),
    ("de grote klant", "de kleine dikke klant"),
    # lists: markers, line breaks, whitespace Python and JavaScript see differently
    (TWO_ITEMS, "strategie\ngeld"),
    (TWO_ITEMS, "a) mensen\nb) strategie"),
    (TWO_ITEMS, "• mensen\n• strategie"),
    (TWO_ITEMS, "٣. mensen\n٤. strategie"),
    (TWO_ITEMS, "10. mensen\n11. strategie"),
    (TWO_ITEMS, "100. mensen\n101. strategie"),
    (TWO_ITEMS, "1.\ufeffmensen\n2.\ufeffstrategie"),
    (TWO_ITEMS, "mensen\u0085strategie"),
    (TWO_ITEMS, "mensen\u2028strategie"),
    (TWO_ITEMS, "mensen\x1cstrategie"),
    (TWO_ITEMS, "mensen\r\nstrategie"),
    (TWO_ITEMS, "mensen\n-\nstrategie"),
    (TWO_ITEMS, "\u00a0mensen ,\u3000strategie\u00a0"),
    (TWO_ITEMS, "\ufeffmensen, strategie\x1c"),
    ("<ul><li>kat / poes</li><li>kat</li></ul>", "kat, poes"),
    ("<ul><li>Klanttevredenheid</li><li>Klantinzicht</li></ul>", "klantinzicht, klantevredenheid"),
]


def test_the_script_judges_hostile_and_edge_cases_as_the_server_does(page):
    assert_agree(page, EDGE_CASES)


# --- Random answers, seeded ---------------------------------------------------------------

PIECES = (  # noqa: SIM905 (a list of words reads better as a sentence)
    "klant Klanttevredenheid accountmanager Straße ĳs België e-mail auto's H7 12 007 1914 "
    "ΟΔΟΣ ᾳ x² ½ één Curaçao İs ﬁets kat poes hond de het (VS) (de) / , ; . ! ? - 😀"
).split()


def random_answer(rng: random.Random) -> str:
    text = " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6)))
    if rng.random() < 0.3:
        items = [text, *(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))]
        return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"
    return text


def random_typing(rng: random.Random, html: str) -> str:
    parsed = parse_answer(html)
    items = list(parsed.items)
    rng.shuffle(items)
    typed = rng.choice(
        [parsed.text, ", ".join(items), "\n".join(items)] if items else [parsed.text]
    )
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        i = rng.randrange(len(typed) + 1)
        typed = rng.choice(
            [
                typed[:i] + typed[i + 1 :],
                typed[:i] + rng.choice("aeßë1 ,\n()/-") + typed[i:],
                typed[: i - 1] + typed[i : i + 1] + typed[i - 1 : i] + typed[i + 1 :]
                if i > 0
                else typed,
            ]
        )
    return typed.upper() if rng.random() < 0.2 else typed


def test_the_script_judges_random_answers_as_the_server_does(page):
    rng = random.Random(29)
    cases = []
    for _ in range(1500):
        html = random_answer(rng)
        cases.append((html, random_typing(rng, html)))
    assert_agree(page, cases)


# --- What a list answer lacks and adds ----------------------------------------------------


# (typed, expected items missed, typed items extra, right?) for the answer Strategie, Mensen
LISTS_TYPED = [
    ("strategie\ngeld", [1], [1], False),
    ("mensen, strategie, geld", [], [2], False),
    ("strategie, strategie", [1], [1], False),
    ("geld; tijd", [0, 1], [0, 1], False),
    ("mensen", [0], [], False),
    ("mensen, stratgie", [], [], True),
]


def test_a_list_answer_says_which_items_were_missed_and_which_were_extra(page):
    page.add_script_tag(path=str(SCRIPT))
    parsed = {"text": "Strategie, Mensen", "items": ["Strategie", "Mensen"]}
    got = page.evaluate(JUDGE_ALL, [[parsed, typed] for typed, *_ in LISTS_TYPED])
    assert [
        (typed, g["missed"], g["extra"], g["correct"])
        for (typed, *_), g in zip(LISTS_TYPED, got, strict=True)
    ] == LISTS_TYPED


def test_one_to_one_matching_finds_a_pairing_a_greedy_one_would_miss(page):
    page.add_script_tag(path=str(SCRIPT))
    parsed = {"text": "kat / poes, kat", "items": ["kat / poes", "kat"]}
    got = page.evaluate("([e, g]) => window.StampAnswerCheck.check(e, g)", [parsed, "kat, poes"])
    assert (got["correct"], got["missed"], got["extra"]) == (True, [], [])


# --- Every character ----------------------------------------------------------------------


def test_the_script_reads_every_character_into_the_same_words_as_the_server(page):
    """Case folding, accents, joiners, word and digit classes, for each assigned character."""
    assigned = [
        cp for cp in range(0x110000) if unicodedata.category(chr(cp)) not in {"Cn", "Co", "Cs"}
    ]
    page.add_script_tag(path=str(SCRIPT))
    # One line a character, "words|how many are numbers": one string crosses over quickly.
    script = page.evaluate(
        """cps => cps.map(cp => {
            const ws = window.StampAnswerCheck.words(String.fromCodePoint(cp));
            return ws.join(" ") + "|" + window.StampAnswerCheck.numbers(ws).length;
        }).join("\\n")""",
        assigned,
    ).split("\n")
    failures = []
    for cp, js in zip(assigned, script, strict=True):
        ws = words(chr(cp))
        python = " ".join(ws) + "|" + str(sum(w.isdigit() for w in ws))
        if python != js:
            name = unicodedata.name(chr(cp), "?")
            failures.append(f"U+{cp:04X} {name}: python {python!r}, js {js!r}")
    assert not failures, f"{len(failures)} of {len(assigned)} characters differ:\n" + "\n".join(
        failures[:200]
    )
