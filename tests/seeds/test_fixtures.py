"""The committed seed fixtures are exactly what the sources rebuild to."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from decks.html import plain_text
from decks.models import Card, Deck
from decks.seeds import (
    SEED_DOCUMENTS,
    build_seed,
    build_seed_fixture,
    card_keys,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SOURCES = FIXTURES / "sources"


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda document: document.source_file)
def test_the_committed_fixture_is_byte_identical_to_a_rebuild(document):
    committed = (FIXTURES / document.fixture_file).read_bytes()

    assert build_seed(document, SOURCES).json().encode("utf-8") == committed


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda document: document.source_file)
def test_every_correction_still_matches_what_it_corrects(document):
    build = build_seed(document, SOURCES)

    assert [w for w in build.warnings if document.corrections_file in w.message] == []
    assert build.errors == []


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda document: document.source_file)
def test_fixture_objects_use_natural_keys_and_no_primary_keys(document):
    objects = build_seed_fixture(SOURCES / document.source_file)
    deck, cards = objects[0], objects[1:]

    assert all("pk" not in entry for entry in objects)
    assert deck["fields"]["slug"] == document.slug
    assert {tuple(card["fields"]["deck"]) for card in cards} == {(document.slug,)}
    assert [card["fields"]["position"] for card in cards] == list(range(1, len(cards) + 1))
    assert len({card["fields"]["key"] for card in cards}) == len(cards)


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda document: document.source_file)
def test_every_seed_card_asks_a_question(document):
    fronts = [plain_text(card.record.front) for card in build_seed(document, SOURCES).cards]

    assert [front for front in fronts if not front.endswith("?")] == []


@pytest.mark.parametrize("document", SEED_DOCUMENTS, ids=lambda document: document.source_file)
def test_no_seed_card_answers_in_more_than_60_words(document):
    backs = [plain_text(card.record.back) for card in build_seed(document, SOURCES).cards]

    assert [back for back in backs if len(back.split()) > 60] == []


def test_fixture_file_names_sort_in_document_order():
    names = [document.fixture_file for document in SEED_DOCUMENTS]

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
    names = [document.fixture_file.removesuffix(".json") for document in SEED_DOCUMENTS]
    expected = sum(
        len(json.loads((FIXTURES / document.fixture_file).read_text(encoding="utf-8"))) - 1
        for document in SEED_DOCUMENTS
    )

    call_command("loaddata", *names, verbosity=0)
    call_command("loaddata", *names, verbosity=0)

    assert Deck.objects.count() == len(SEED_DOCUMENTS)
    assert Card.objects.count() == expected
