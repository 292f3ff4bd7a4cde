"""The seed documents the first decks are built from, and the fixtures built from them.

Each document in fixtures/sources/ is read by the parser for its shape. What a teacher
corrects on top of that (a prompt that is no question, a misspelt term, a card that asks
two things, a concept without a card) lives in `<source>.corrections.json` beside it,
keyed by the generated prompt; see decks/seeds/corrections.py.

The fixtures are Django serializer output with natural keys and no primary keys, so
loading them into a database that already has the decks updates cards in place. A
card's key is a hash of its generated prompt, not of its reviewed wording: stable across
rebuilds, reorderings and rewordings.
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
    fixture_file: str  # in fixtures/
    slug: str
    title: str
    description: str
    source: str
    parse: Callable[[str], ParseResult]

    @property
    def corrections_file(self) -> str:
        return f"{Path(self.source_file).stem}.corrections.json"


SEED_DOCUMENTS = (
    SeedDocument(
        source_file="000_05763b97e5e249aa.txt",
        fixture_file="seed_000_samenvatting_h1_klant_centraal.json",
        slug="samenvatting-h1-klant-centraal",
        title="Samenvatting H1: de klant centraal",
        description=(
            "Begrippen en opsommingen uit hoofdstuk 1 van een samenvatting van Inleiding "
            "Sales: klantbegrippen, customer delight, NPS en de drie waardestrategieën."
        ),
        source="Inleiding Sales, H1 — samenvatting H1–H4 (inkijkexemplaar)",
        parse=notes.parse,
    ),
    SeedDocument(
        source_file="001_9c05d95d9b28b91c.txt",
        fixture_file="seed_001_h1_flashcards_klant_centraal.json",
        slug="h1-flashcards-klant-centraal",
        title="H1 Flashcards: klant centraal",
        description=(
            "Vragen over hoofdstuk 1: CRM, de klantrelatiecyclus, verwachtingsmanagement, "
            "het salesproces en sales 1.0 tot 3.0."
        ),
        source="Inleiding Sales, H1 — flashcards",
        parse=qa_blocks.parse,
    ),
    SeedDocument(
        source_file="002_4bbd570fe2bb803c.txt",
        fixture_file="seed_002_h1_aantekeningen_klant_centraal.json",
        slug="h1-aantekeningen-klant-centraal",
        title="H1 Aantekeningen: klant centraal",
        description=(
            "Aantekeningen bij hoofdstuk 1: klantbegrippen, verwachtingen, soorten sales "
            "en de elementen van CRM (ezelsbruggetje STAMP)."
        ),
        source="Inleiding Sales, H1 — aantekeningen",
        parse=notes.parse,
    ),
    SeedDocument(
        source_file="003_bbe4ca5e4c55b098.txt",
        fixture_file="seed_003_h7_accountmanager_klantmanagement_crm.json",
        slug="h7-accountmanager-klantmanagement-crm",
        title="7.5 Accountmanager, klantmanagement en CRM",
        description=(
            "Flashcards bij paragraaf 7.5: accountmanagement, klantmanagement, "
            "klantenpiramides, CRM en customer lifetime value."
        ),
        source="Inleiding Sales, H7.5 — flashcards van een flashcardwebsite",
        parse=flashcard_site.parse,
    ),
    SeedDocument(
        source_file="004_a38dd5dc440a45bb.txt",
        fixture_file="seed_004_h7_teleselling_en_accountmanagement.json",
        slug="h7-teleselling-en-accountmanagement",
        title="Teleselling en H7: accountmanagement voor strategische klanten",
        description=(
            "Aantekeningen over teleselling en contactcenters, en hoofdstuk 7: waarom en "
            "hoe je accountmanagement invoert en organiseert."
        ),
        source="Inleiding Sales, H7 — aantekeningen (met teleselling)",
        parse=notes.parse,
    ),
)


@dataclass
class SeedBuild:
    """One document parsed and corrected into fixture objects, with what went wrong."""

    document: SeedDocument
    cards: list[SeedCard]
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    def objects(self) -> list[dict]:
        return seed_fixture_objects(self.document, self.cards)

    def json(self) -> str:
        return fixture_json(self.objects())


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


def seed_fixture_objects(document: SeedDocument, cards: list[SeedCard]) -> list[dict]:
    deck = {
        "model": "decks.deck",
        "fields": {
            "title": document.title,
            "slug": document.slug,
            "description": document.description,
            "source": document.source,
            "owner": None,
            "new_cards_per_day": NEW_CARDS_PER_DAY,
            "created_at": SEEDED_AT,
            "updated_at": SEEDED_AT,
        },
    }
    keys = card_keys([card.identity for card in cards])
    card_objects = [
        {
            "model": "decks.card",
            "fields": {
                "deck": [document.slug],
                "key": key,
                "front": card.record.front,
                "back": card.record.back,
                "position": position,
                "tags": " ".join(card.record.tags),
                "created_at": SEEDED_AT,
                "updated_at": SEEDED_AT,
            },
        }
        for position, (card, key) in enumerate(zip(cards, keys, strict=True), start=1)
    ]
    return [deck, *card_objects]


def fixture_json(objects: list[dict]) -> str:
    """The fixture file's exact text: the same bytes for the same objects, every time."""
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"


def build_seed_fixture(path: Path) -> list[dict]:
    """The fixture objects for the seed document at `path`."""
    document = next(doc for doc in SEED_DOCUMENTS if doc.source_file == path.name)
    return build_seed(document, path.parent).objects()
