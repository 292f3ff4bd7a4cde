"""The seed documents the first decks are built from, and the fixtures built from them.

Each document in fixtures/sources/ is read by the parser for its shape. What a teacher
corrects on top of that (a prompt that is no question, a misspelt term, a card that asks
two things, a concept without a card) lives in `<source>.corrections.json` beside it,
keyed by the generated prompt; see decks/seeds/corrections.py.

The fixtures are Django serializer output with natural keys and no primary keys, so
loading them into a database that already has the decks updates cards in place. A
card's key is a hash of its generated prompt, not of its reviewed wording: stable across
rebuilds, reorderings and rewordings.

A deck may be built from several documents (the three H1 documents make one deck), and a
card may be `replaced_by` a card that asks the same question, in its deck or another.
The keys stay those of the decks the cards were first published in; `moved_seed_cards.json`
records which old decks and cards now live where, so seed_decks can move the students'
history there before loading the fixtures.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from decks.html import plain_text
from decks.importers import flashcard_site, notes, qa_blocks
from decks.importers.base import ParseResult, Problem
from decks.seeds.corrections import SeedCard, corrected_cards, load_corrections

# loaddata saves raw, so auto_now fields are not filled in: fixed values keep the output
# valid and the same on every build.
SEEDED_AT = "2026-01-01T00:00:00Z"
NEW_CARDS_PER_DAY = 20


@dataclass(frozen=True)
class SeedDocument:
    source_file: str  # in fixtures/sources/
    # The deck its cards were first published in: their keys, and the students' history on
    # them, live there until seed_decks moves them into the deck that holds them now.
    slug: str
    parse: Callable[[str], ParseResult]

    @property
    def corrections_file(self) -> str:
        return f"{Path(self.source_file).stem}.corrections.json"


@dataclass(frozen=True)
class SeedDeck:
    """One deck, built from one document or several (the H1 documents make one deck).

    The cards follow in the order of `documents`: the H1 summary first, as it follows the
    book; then the notes, whose CRM and sales cards the flashcards' later ones build on.
    """

    fixture_file: str  # in fixtures/
    slug: str
    title: str
    description: str
    source: str
    documents: tuple[SeedDocument, ...]


SEED_DECKS = (
    SeedDeck(
        fixture_file="seed_000_h1_klant_centraal.json",
        slug="h1-klant-centraal",
        title="H1: de klant centraal",
        description=(
            "Hoofdstuk 1 van Inleiding Sales: klantbegrippen, klanttevredenheid en NPS, de "
            "waardestrategieën, big data, CRM (STAMP), het salesproces en sales 1.0 tot 3.0."
        ),
        source="Inleiding Sales, H1 — samenvatting, flashcards en aantekeningen",
        documents=(
            SeedDocument("000_05763b97e5e249aa.txt", "samenvatting-h1-klant-centraal", notes.parse),
            SeedDocument(
                "002_4bbd570fe2bb803c.txt", "h1-aantekeningen-klant-centraal", notes.parse
            ),
            SeedDocument(
                "001_9c05d95d9b28b91c.txt", "h1-flashcards-klant-centraal", qa_blocks.parse
            ),
        ),
    ),
    SeedDeck(
        fixture_file="seed_003_h7_accountmanager_klantmanagement_crm.json",
        slug="h7-accountmanager-klantmanagement-crm",
        title="7.5 Accountmanager, klantmanagement en CRM",
        description=(
            "Flashcards bij paragraaf 7.5: accountmanagement, klantmanagement, "
            "klantenpiramides, CRM en customer lifetime value."
        ),
        source="Inleiding Sales, H7.5 — flashcards van een flashcardwebsite",
        documents=(
            SeedDocument(
                "003_bbe4ca5e4c55b098.txt",
                "h7-accountmanager-klantmanagement-crm",
                flashcard_site.parse,
            ),
        ),
    ),
    SeedDeck(
        fixture_file="seed_004_h7_teleselling_en_accountmanagement.json",
        slug="h7-teleselling-en-accountmanagement",
        title="Teleselling en H7: accountmanagement voor strategische klanten",
        description=(
            "Aantekeningen over teleselling en contactcenters, en hoofdstuk 7: waarom en "
            "hoe je accountmanagement invoert en organiseert."
        ),
        source="Inleiding Sales, H7 — aantekeningen (met teleselling)",
        documents=(
            SeedDocument(
                "004_a38dd5dc440a45bb.txt", "h7-teleselling-en-accountmanagement", notes.parse
            ),
        ),
    ),
)
SEED_DOCUMENTS = tuple(document for deck in SEED_DECKS for document in deck.documents)
# Where seed_decks reads which old decks and cards now live elsewhere.
MOVES_FILE = "moved_seed_cards.json"


@dataclass
class SeedBuild:
    """One document parsed and corrected into cards, with what went wrong.

    `keys` are the cards' keys in the deck the document was first published as, computed
    over every card, the replaced ones too, so no key shifts when a card leaves.
    """

    document: SeedDocument
    cards: list[SeedCard]
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return card_keys([card.identity for card in self.cards])


@dataclass
class SeedDeckBuild:
    """One deck's cards (the ones replaced left out) with their keys, ready to write."""

    deck: SeedDeck
    cards: list[tuple[SeedCard, str]]
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    def objects(self) -> list[dict]:
        return seed_fixture_objects(self.deck, self.cards)

    def json(self) -> str:
        return fixture_json(self.objects())


@dataclass
class SeedDecksBuild:
    decks: list[SeedDeckBuild]
    # What seed_decks moves before loading the fixtures: old deck slugs into the deck that
    # holds their cards now, and each replaced card's (slug, key) to its replacement's.
    moved_decks: list[tuple[str, str]]
    moved_cards: list[tuple[tuple[str, str], tuple[str, str]]]

    def moves_json(self) -> str:
        return fixture_json(
            {
                "decks": [{"from": old, "to": new} for old, new in self.moved_decks],
                "cards": [{"from": list(old), "to": list(new)} for old, new in self.moved_cards],
            }
        )


def build_seed(document: SeedDocument, sources_dir: Path) -> SeedBuild:
    """Parse `document` from `sources_dir` and apply its corrections, if it has any.

    An entry that no longer matches is a warning; a malformed corrections file is an
    error, since applying half of it would publish cards nobody reviewed.
    """
    text = (sources_dir / document.source_file).read_text(encoding="utf-8")
    result = document.parse(text)
    corrections, problems = load_corrections(sources_dir / document.corrections_file)
    if problems:
        return SeedBuild(document, [], list(result.warnings), [*result.errors, *problems])
    corrected = corrected_cards(result.cards, corrections, text)
    warnings = [
        *result.warnings,
        *(Problem(f"{document.corrections_file}: {stale}") for stale in corrected.stale),
    ]
    return SeedBuild(document, corrected.cards, warnings, list(result.errors))


def card_keys(identities: list[str]) -> list[str]:
    """A stable key per card: the first 16 hex digits of the sha1 of its normalised identity.

    The identity is the generated prompt (see corrections.py), so rewording, correcting
    or reordering cards leaves their keys alone and students keep their progress. Two
    cards with the same identity get "#2", "#3" hashed in, in document order.
    """
    keys: list[str] = []
    for identity in identities:
        normalised = plain_text(identity).casefold()
        candidate, suffix = normalised, 1
        while (key := hashlib.sha1(candidate.encode()).hexdigest()[:16]) in keys:
            suffix += 1
            candidate = f"{normalised}#{suffix}"
        keys.append(key)
    return keys


def build_seed_decks(decks: tuple[SeedDeck, ...], sources_dir: Path) -> SeedDecksBuild:
    """Build `decks` from their documents, resolving each `replaced_by` among all of them.

    A replaced card leaves its deck; its old (slug, key) is recorded against the card
    whose identity it names, so students' history can follow. A name no kept card has, or
    that several have, is a warning (and the card stays), as is a key two kept cards of one
    deck share.
    """
    builds = {deck.slug: [build_seed(doc, sources_dir) for doc in deck.documents] for deck in decks}
    kept: dict[str, list[tuple[str, str]]] = {}  # identity -> (deck slug, key)
    for deck in decks:
        for build in builds[deck.slug]:
            for card, key in zip(build.cards, build.keys, strict=True):
                if not card.replaced_by:
                    kept.setdefault(_name(card.identity), []).append((deck.slug, key))
    results, moved_cards = [], []
    for deck in decks:
        cards, warnings, errors = [], [], []
        for build in builds[deck.slug]:
            warnings += build.warnings
            errors += build.errors
            file = build.document.corrections_file
            for card, key in zip(build.cards, build.keys, strict=True):
                if not card.replaced_by:
                    cards.append((card, key))
                    continue
                targets = kept.get(_name(card.replaced_by), [])
                if len(targets) != 1:
                    how = "no kept card has" if not targets else "several kept cards have"
                    message = f"{card.identity!r} is replaced by {card.replaced_by!r}, which {how}"
                    warnings.append(Problem(f"{file}: {message}"))
                    # Kept where it is: dropping it would leave its students' history behind.
                    cards.append((card, key))
                    continue
                moved_cards.append(((build.document.slug, key), targets[0]))
        keys = [key for _, key in cards]
        warnings += [
            Problem(f"{deck.fixture_file}: two cards have the key {key} ({card.identity!r})")
            for (card, key) in cards
            if keys.count(key) > 1
        ]
        results.append(SeedDeckBuild(deck, cards, warnings, errors))
    moved_decks = [
        (document.slug, deck.slug)
        for deck in decks
        for document in deck.documents
        if document.slug != deck.slug
    ]
    return SeedDecksBuild(results, moved_decks, moved_cards)


def _name(identity: str) -> str:
    return plain_text(identity).casefold()


def seed_fixture_objects(deck: SeedDeck, cards: list[tuple[SeedCard, str]]) -> list[dict]:
    deck_object = {
        "model": "decks.deck",
        "fields": {
            "title": deck.title,
            "slug": deck.slug,
            "description": deck.description,
            "source": deck.source,
            "owner": None,
            "new_cards_per_day": NEW_CARDS_PER_DAY,
            "created_at": SEEDED_AT,
            "updated_at": SEEDED_AT,
        },
    }
    card_objects = [
        {
            "model": "decks.card",
            "fields": {
                "deck": [deck.slug],
                "key": key,
                "front": card.record.front,
                "back": card.record.back,
                "position": position,
                "tags": " ".join(card.record.tags),
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            },
        }
        for position, (card, key) in enumerate(cards, start=1)
    ]
    return [deck_object, *card_objects]


def fixture_json(objects: list[dict] | dict) -> str:
    """The fixture file's exact text: the same bytes for the same objects, every time."""
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
