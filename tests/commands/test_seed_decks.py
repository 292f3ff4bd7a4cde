import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from decks.importers.base import CardRecord, ParseResult
from decks.models import Card, CardState, Deck, ReviewLog
from decks.seeds import MOVES_FILE, SeedDeck, SeedDocument, build_seed_decks
from decks.services.clock import today_for_study
from tests.conftest import answer_card, enroll, next_card

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

PUBLISHED_KEYS = {
    tuple(line.split())
    for line in (Path(__file__).parent / "data" / "published_seed_keys.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line and not line.startswith("#")
}


def seed() -> str:
    out = StringIO()
    call_command("seed_decks", stdout=out)
    return out.getvalue()


def test_seeding_loads_the_three_seed_decks_with_their_cards():
    seed()
    assert Deck.objects.count() == 3
    # The 7.5 flashcards (23, plus cards split off them) and the three H1 documents.
    assert Card.objects.filter(deck__slug="h7-accountmanager-klantmanagement-crm").count() >= 23
    assert Card.objects.filter(deck__slug="h1-klant-centraal").count() >= 15 + 2 * 12
    assert Card.objects.count() >= 15 + 23 + 3 * 12


def test_seeding_twice_doubles_nothing():
    seed()
    counts = (Deck.objects.count(), Card.objects.count())
    seed()
    assert (Deck.objects.count(), Card.objects.count()) == counts


def test_seeding_again_keeps_every_students_progress(student):
    seed()
    card = Card.objects.order_by("pk").first()
    enroll(student, card.deck)
    answer_card(student=student, card=card, rating=5, seen_reviews=0)
    state_before = CardState.objects.values().get()
    seed()
    assert CardState.objects.values().get() == state_before
    assert ReviewLog.objects.get().card_id == card.pk
    assert Card.objects.filter(pk=card.pk).exists()


def test_a_seed_card_retired_and_restored_by_seeding_is_offered_to_students_past_it(student):
    seed()
    deck = Deck.objects.order_by("pk").first()
    first = deck.cards.order_by("position", "id").first()
    Card.objects.filter(pk=first.pk).update(retired_at=timezone.now())
    enroll(student, deck)
    for card in deck.cards.active().order_by("position", "id")[:3]:
        answer_card(student=student, card=card, rating=5, seen_reviews=0)
    seed()
    item = next_card(student=student, deck=deck, today=today_for_study())
    assert (item.kind, item.card.pk) == ("new", first.pk)


def parse_term_lines(text: str) -> ParseResult:
    """A source of "Term: answer" lines, one card each, so the tests need no real parser."""
    cards = []
    for line in text.splitlines():
        term, _, answer = line.partition(": ")
        cards.append(CardRecord(front=term, back=f"<p>{answer}</p>", tags=("H7",)))
    return ParseResult(cards=cards)


SOURCE = "Dog: een klant die je beter afstoot, want hij wordt zelden winstgevend.\n"
DOCUMENT = SeedDocument(source_file="900_test.txt", slug="test-seed", parse=parse_term_lines)
DECK = SeedDeck(
    fixture_file="seed_900_test.json",
    slug="test-seed",
    title="Testdeck",
    description="",
    source="",
    documents=(DOCUMENT,),
)


def seed_with_corrections(base_dir: Path, corrections: dict) -> None:
    """Rebuild the test deck's fixture under `base_dir` with `corrections`, then seed."""
    sources = base_dir / "fixtures" / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    (sources / DOCUMENT.source_file).write_text(SOURCE, encoding="utf-8")
    (sources / DOCUMENT.corrections_file).write_text(json.dumps(corrections), encoding="utf-8")
    (build,) = build_seed_decks((DECK,), sources).decks
    assert build.warnings == build.errors == []
    (base_dir / "fixtures" / DECK.fixture_file).write_text(build.json(), encoding="utf-8")
    seed()


def test_a_reworded_seed_card_keeps_its_students_progress(student, settings, tmp_path):
    settings.BASE_DIR = tmp_path
    seed_with_corrections(tmp_path, {})
    card = Card.objects.get(deck__slug=DOCUMENT.slug)
    enroll(student, card.deck)
    answer_card(student=student, card=card, rating=4, seen_reviews=0)
    state_before = CardState.objects.values().get()

    seed_with_corrections(tmp_path, {"cards": {"Dog": {"front": "Wat kenmerkt een dog?"}}})

    reworded = Card.objects.get(deck__slug=DOCUMENT.slug)
    assert (reworded.pk, reworded.front) == (card.pk, "Wat kenmerkt een dog?")
    assert CardState.objects.values().get() == state_before
    assert ReviewLog.objects.get().card_id == card.pk


def test_a_split_seed_card_keeps_its_history_on_the_part_asking_the_old_question(
    student, settings, tmp_path
):
    settings.BASE_DIR = tmp_path
    seed_with_corrections(tmp_path, {})
    card = Card.objects.get(deck__slug=DOCUMENT.slug)
    enroll(student, card.deck)
    answer_card(student=student, card=card, rating=4, seen_reviews=0)
    split = {
        "front": "Wat kenmerkt een dog?",
        "back": "<p>Een klant die zelden winstgevend wordt.</p>",
        "split": [{"front": "Wat doe je met een dog?", "back": "<p>Je stoot hem af.</p>"}],
    }

    seed_with_corrections(tmp_path, {"cards": {"Dog": split}})

    old, new = Card.objects.filter(deck__slug=DOCUMENT.slug).order_by("position")
    assert (old.pk, old.front, old.back) == (card.pk, split["front"], split["back"])
    assert new.front == "Wat doe je met een dog?"
    assert list(CardState.objects.values_list("card_id", flat=True)) == [card.pk]
    assert ReviewLog.objects.get().card_id == card.pk


def moved(slug: str, key: str) -> tuple[str, str]:
    """Where the card published as (slug, key) lives now (fixtures/moved_seed_cards.json)."""
    moves = json.loads((FIXTURES / MOVES_FILE).read_text(encoding="utf-8"))
    cards = {tuple(move["from"]): tuple(move["to"]) for move in moves["cards"]}
    decks = {move["from"]: move["to"] for move in moves["decks"]}
    return cards.get((slug, key), (decks.get(slug, slug), key))


def test_every_published_seed_card_key_still_leads_to_a_card_students_study():
    seed()
    keys = set(Card.objects.active().values_list("deck__slug", "key"))
    before_26 = {
        (card["fields"]["deck"][0], card["fields"]["key"])
        for path in (Path(__file__).parent / "data" / "seeds_before_issue_26").glob("*.json")
        for card in json.loads(path.read_text(encoding="utf-8"))[1:]
    }

    assert len(before_26) == 123
    assert {moved(*key) for key in PUBLISHED_KEYS | before_26} - keys == set()
