"""The committed seed fixtures are exactly what the sources rebuild to."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from decks.html import plain_text
from decks.models import Card, Deck
from decks.seeds import (
    MOVES_FILE,
    SEED_DECKS,
    SEED_DOCUMENTS,
    build_seed,
    build_seed_decks,
    card_keys,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = FIXTURES / "sources"
BUILT = build_seed_decks(SEED_DECKS, SOURCES)
BUILDS = {build.deck.slug: build for build in BUILT.decks}
by_deck = pytest.mark.parametrize("deck", SEED_DECKS, ids=lambda deck: deck.slug)


@by_deck
def test_the_committed_fixture_is_byte_identical_to_a_rebuild(deck):
    committed = (FIXTURES / deck.fixture_file).read_bytes()

    assert BUILDS[deck.slug].json().encode("utf-8") == committed


def test_the_committed_moves_are_byte_identical_to_a_rebuild():
    committed = (FIXTURES / MOVES_FILE).read_bytes()

    assert BUILT.moves_json().encode("utf-8") == committed


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda document: document.source_file)
def test_every_correction_still_matches_what_it_corrects(document):
    build = build_seed(document, SOURCES)

    assert [w for w in build.warnings if document.corrections_file in w.message] == []
    assert build.errors == []


@by_deck
def test_every_replacement_names_one_card_and_no_two_cards_share_a_key(deck):
    build = BUILDS[deck.slug]
    files = [deck.fixture_file, *(document.corrections_file for document in deck.documents)]

    assert [w for w in build.warnings if any(file in w.message for file in files)] == []


@by_deck
def test_fixture_objects_use_natural_keys_and_no_primary_keys(deck):
    objects = BUILDS[deck.slug].objects()
    deck_object, cards = objects[0], objects[1:]

    assert all("pk" not in entry for entry in objects)
    assert deck_object["fields"]["slug"] == deck.slug
    assert {tuple(card["fields"]["deck"]) for card in cards} == {(deck.slug,)}
    assert [card["fields"]["position"] for card in cards] == list(range(1, len(cards) + 1))
    assert len({card["fields"]["key"] for card in cards}) == len(cards)


def seed_cards() -> list[tuple[str, str, str]]:
    """Every seed card as (deck slug, front, back), in plain text."""
    return [
        (build.deck.slug, plain_text(card.record.front), plain_text(card.record.back))
        for build in BUILT.decks
        for card, _ in build.cards
    ]


def test_every_seed_card_asks_a_question():
    assert [front for _, front, _ in seed_cards() if not front.endswith("?")] == []


def test_no_answer_of_a_seed_card_is_over_40_words():
    assert [back for _, _, back in seed_cards() if len(back.split()) > 40] == []


def normalised(front: str) -> str:
    """A question with case, punctuation and spacing left out."""
    return " ".join("".join(c if c.isalnum() else " " for c in front.casefold()).split())


def test_no_two_seed_cards_ask_the_same_question():
    questions = [normalised(front) for _, front, _ in seed_cards()]

    assert sorted({q for q in questions if questions.count(q) > 1}) == []


def test_fixture_file_names_sort_in_deck_order():
    names = [deck.fixture_file for deck in SEED_DECKS]

    assert names == sorted(names)


def test_a_card_key_depends_only_on_its_prompt():
    assert card_keys(["Wat is CRM?", "Wat is KPI?"])[1] == card_keys(["Wat is KPI?"])[0]


def test_a_card_key_ignores_case_markup_and_spacing():
    assert card_keys(["<b>Wat is  CRM?</b>"]) == card_keys(["wat is crm?"])


def test_cards_with_the_same_prompt_get_different_keys_in_a_stable_order():
    keys = card_keys(["Wat is CRM?", "Wat is CRM?"])

    assert keys[0] == card_keys(["Wat is CRM?"])[0]
    assert keys[0] != keys[1]


@pytest.mark.django_db
def test_loading_the_fixtures_twice_updates_the_decks_in_place():
    names = [deck.fixture_file.removesuffix(".json") for deck in SEED_DECKS]
    expected = sum(
        len(json.loads((FIXTURES / deck.fixture_file).read_text(encoding="utf-8"))) - 1
        for deck in SEED_DECKS
    )

    call_command("loaddata", *names, verbosity=0)
    call_command("loaddata", *names, verbosity=0)

    assert Deck.objects.count() == len(SEED_DECKS)
    assert Card.objects.count() == expected
