"""The seed documents the first decks are built from, and the fixtures built from them.

Each document in fixtures/sources/ is read by the parser for its shape. Where a generated
prompt reads badly (a heading that points back at a sentence the card does not show, a
keyword that needs its context), `<source>.prompts.json` beside it holds the reviewed
wording, keyed by the generated prompt; a key that no longer matches any card is
reported, so the file cannot silently go stale.

The fixtures are Django serializer output with natural keys and no primary keys, so
loading them into a database that already has the decks updates cards in place. A
card's key is a hash of its prompt: stable across rebuilds and reorderings.
"""

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path

from decks.importers import flashcard_site, notes, qa_blocks
from decks.importers.base import CardRecord, ParseResult, Problem
from decks.importers.text_blocks import text_html

# loaddata saves raw, so auto_now fields are not filled in: fixed values keep the output
# valid and the same on every build.
SEEDED_AT = "2026-01-01T00:00:00Z"
NEW_CARDS_PER_DAY = 20
_TAG = re.compile(r"<[^>]+>")


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
    def prompts_file(self) -> str:
        return f"{Path(self.source_file).stem}.prompts.json"


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
    """One document parsed and turned into fixture objects, with what went wrong."""

    document: SeedDocument
    cards: list[CardRecord]
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    def objects(self) -> list[dict]:
        return seed_fixture_objects(self.document, self.cards)

    def json(self) -> str:
        return fixture_json(self.objects())


def build_seed(document: SeedDocument, sources_dir: Path) -> SeedBuild:
    """Parse `document` from `sources_dir` and apply its reviewed prompts, if it has any."""
    text = (sources_dir / document.source_file).read_text(encoding="utf-8")
    result = document.parse(text)
    prompts_path = sources_dir / document.prompts_file
    prompts = json.loads(prompts_path.read_text(encoding="utf-8")) if prompts_path.exists() else {}
    cards, unused = with_reviewed_prompts(result.cards, prompts)
    warnings = [
        *result.warnings,
        *(Problem(f"{document.prompts_file}: no card asks {prompt!r}") for prompt in unused),
    ]
    return SeedBuild(document, cards, warnings, list(result.errors))


def with_reviewed_prompts(
    cards: list[CardRecord], prompts: dict[str, str]
) -> tuple[list[CardRecord], list[str]]:
    """Replace generated prompts by their reviewed wording; also return the unused keys."""
    used = set()
    reviewed = []
    for card in cards:
        generated = plain_text(card.front)
        if generated in prompts:
            used.add(generated)
            card = replace(card, front=text_html(prompts[generated]))
        reviewed.append(card)
    return reviewed, [prompt for prompt in prompts if prompt not in used]


def plain_text(html: str) -> str:
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def card_keys(fronts: list[str]) -> list[str]:
    """A stable key per card: the first 16 hex digits of the sha1 of its normalised prompt.

    Rewording or reordering other cards leaves a card's key alone, so students keep
    their progress on it. Two cards with the same prompt get "#2", "#3" hashed in, in
    document order.
    """
    keys: list[str] = []
    for front in fronts:
        normalised = plain_text(front).casefold()
        candidate, suffix = normalised, 1
        while (key := hashlib.sha1(candidate.encode()).hexdigest()[:16]) in keys:
            suffix += 1
            candidate = f"{normalised}#{suffix}"
        keys.append(key)
    return keys


def seed_fixture_objects(document: SeedDocument, cards: list[CardRecord]) -> list[dict]:
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
    keys = card_keys([card.front for card in cards])
    card_objects = [
        {
            "model": "decks.card",
            "fields": {
                "deck": [document.slug],
                "key": key,
                "front": card.front,
                "back": card.back,
                "position": position,
                "tags": " ".join(card.tags),
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
