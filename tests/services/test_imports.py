from pathlib import Path
from unittest import mock

import pytest

from decks.models import Card, CardState, Deck, ReviewLog
from decks.services.clock import today_for_study
from decks.services.imports import ImportRejected, deck_import
from tests.conftest import answer_card, enroll, make_card, make_deck, make_user, next_card

pytestmark = pytest.mark.django_db

CSV = "front,back,tags\nDe fiets,The bicycle,woorden\nHet ijsje,The ice cream,woorden\n"


def import_csv(text: str, **kwargs):
    kwargs.setdefault("owner", None)
    kwargs.setdefault("deck", None)
    return deck_import(data=text.encode(), filename="cards.csv", format=None, **kwargs)


def test_importing_into_a_new_deck_creates_it_with_every_card():
    _, result = import_csv(CSV, new_title="Woorden")
    deck = Deck.objects.get(title="Woorden")
    assert result.added == 2
    assert list(deck.cards.values_list("front", "back", "tags")) == [
        ("De fiets", "The bicycle", "woorden"),
        ("Het ijsje", "The ice cream", "woorden"),
    ]


def test_the_new_deck_belongs_to_the_teacher_who_imported_it():
    teacher = make_user("tess")
    _, result = import_csv(CSV, owner=teacher, new_title="Woorden")
    assert result.deck.owner == teacher


def test_reimporting_updates_cards_matched_by_front_and_keeps_progress():
    deck = make_deck()
    card = make_card(deck, front="De fiets", back="bike")
    student = make_user()
    enroll(student, deck)
    answer_card(student=student, card=card, rating=5, seen_reviews=0)
    _, result = import_csv(CSV, deck=deck)
    card.refresh_from_db()
    assert (result.added, result.updated) == (1, 1)
    assert card.back == "The bicycle"
    assert CardState.objects.get(card=card).reviews == 1


def test_a_front_matches_whatever_its_case_spacing_and_markup():
    deck = make_deck()
    make_card(deck, front="<b>de  FIETS</b>", back="The bicycle", tags="woorden")
    plan, _ = import_csv(CSV, deck=deck, dry_run=True)
    assert [record.front for record in plan.added] == ["Het ijsje"]


def test_unchanged_cards_are_left_alone():
    deck = make_deck()
    import_csv(CSV, deck=deck)
    _, result = import_csv(CSV, deck=deck)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 2)


def test_cards_missing_from_the_file_are_listed_and_never_deleted():
    deck = make_deck()
    old = make_card(deck, front="Oude vraag", back="Oud antwoord")
    plan, result = import_csv(CSV, deck=deck)
    assert plan.missing == [old]
    assert Card.objects.get(pk=old.pk).retired_at is None
    assert result.retired == 0


def test_retiring_missing_cards_keeps_their_history():
    deck = make_deck()
    old = make_card(deck, front="Oude vraag", back="Oud antwoord")
    student = make_user()
    enroll(student, deck)
    answer_card(student=student, card=old, rating=4, seen_reviews=0)
    plan, result = import_csv(CSV, deck=deck, retire_missing=True)
    assert old.pk in plan.missing_with_progress
    assert result.retired == 1
    assert Card.objects.get(pk=old.pk).is_retired
    assert ReviewLog.objects.filter(card=old).count() == 1


def test_a_rejected_file_writes_nothing():
    before = (Deck.objects.count(), Card.objects.count())
    with pytest.raises(ImportRejected) as rejected:
        import_csv("front,back\nOnly a front,\n", new_title="Kapot")
    assert "line 2" in str(rejected.value)
    assert (Deck.objects.count(), Card.objects.count()) == before


def test_a_dry_run_writes_nothing():
    plan, result = import_csv(CSV, new_title="Woorden", dry_run=True)
    assert result is None
    assert len(plan.added) == 2
    assert not Deck.objects.exists()


@pytest.mark.parametrize("failing", ["bulk_create", "bulk_update"])
def test_a_fault_half_way_through_leaves_no_card_behind(failing):
    deck = make_deck()
    make_card(deck, front="De fiets", back="old")
    cards_before = list(Card.objects.values_list("pk", "front", "back"))
    with (
        mock.patch.object(Card.objects, failing, side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        import_csv(CSV, deck=deck)
    assert list(Card.objects.values_list("pk", "front", "back")) == cards_before


def test_a_reimport_restores_a_retired_card_that_is_back_in_the_file():
    deck = make_deck()
    import_csv(CSV, deck=deck)
    Card.objects.filter(front="De fiets").update(retired_at="2026-01-01T00:00:00Z")
    _, result = import_csv(CSV, deck=deck)
    assert result.updated == 1
    assert not Card.objects.get(front="De fiets").is_retired


def test_a_card_back_from_retirement_is_offered_to_a_student_who_studied_past_it(student):
    deck = make_deck()
    enroll(student, deck)
    import_csv(CSV, deck=deck)
    Card.objects.filter(front="De fiets").update(retired_at="2026-01-01T00:00:00Z")
    answer_card(student=student, card=Card.objects.get(front="Het ijsje"), rating=5,
                  seen_reviews=0)  # fmt: skip
    import_csv(CSV, deck=deck)
    item = next_card(student=student, deck=deck, today=today_for_study())
    assert (item.kind, item.card.front) == ("new", "De fiets")


def test_cards_added_by_a_reimport_are_offered_after_the_ones_studied(student):
    deck = make_deck()
    enroll(student, deck)
    import_csv(CSV, deck=deck)
    for card in deck.cards.order_by("position"):
        answer_card(student=student, card=card, rating=5, seen_reviews=0)
    import_csv(CSV + "Het huis,The house,woorden\n", deck=deck)
    item = next_card(student=student, deck=deck, today=today_for_study())
    assert (item.kind, item.card.front) == ("new", "Het huis")


@pytest.mark.parametrize("sample", ["anki26-modern.apkg", "anki26-legacy.apkg"])
def test_a_real_anki_package_imports_its_six_cards(sample):
    data = (Path(__file__).parents[1] / "importers" / "data" / sample).read_bytes()
    _, result = deck_import(data=data, filename=sample, format=None, owner=None, deck=None)
    fronts = set(result.deck.cards.values_list("front", flat=True))
    assert result.added == 6
    assert "Wat is een <b>reünie</b>?" in fronts
    assert "Please update to the latest Anki version" not in " ".join(fronts)
