"""Both directions: reverse siblings made, kept in step, and retired with their progress."""

from pathlib import Path

import pytest
from django.utils import timezone

from decks.models import Card, CardState
from decks.services.directions import (
    deck_directions_apply,
    reverse_cards_ensure,
    sibling_retirement_sync,
    sibling_sides_sync,
)
from decks.services.imports import deck_import
from tests.conftest import answer_card, enroll, make_card, make_deck, make_user

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parents[1] / "importers" / "data"


def both_ways(cards: int = 2):
    deck = make_deck(cards=cards, both_directions=True)
    deck_directions_apply(deck=deck)
    return deck


def test_the_option_gives_every_card_a_reverse_sibling():
    deck = both_ways(2)
    first = deck.cards.get(front="Question 1")
    reverse = Card.objects.get(pk=first.sibling_id)
    assert (reverse.front, reverse.back, reverse.direction) == ("Answer 1", "Question 1", "reverse")
    assert reverse.sibling_id == first.pk
    assert reverse.position == first.position
    assert deck.cards.count() == 4


def test_applying_the_option_twice_makes_no_second_reverse():
    deck = both_ways(2)
    assert deck_directions_apply(deck=deck) == 0
    assert deck.cards.filter(direction="reverse").count() == 2


def test_an_edit_changes_both_directions_and_keeps_each_ones_progress():
    student = make_user()
    deck = both_ways(1)
    enroll(student, deck)
    forward = deck.cards.get(direction="forward")
    reverse = Card.objects.get(pk=forward.sibling_id)
    now = timezone.now()
    answer_card(student=student, card=forward, rating=5, seen_reviews=0, now=now)
    answer_card(student=student, card=reverse, rating=2, seen_reviews=0, now=now)
    states = list(CardState.objects.order_by("card_id").values())

    forward.back = "Een beter antwoord"
    forward.save()
    sibling_sides_sync(cards=[forward])

    reverse.refresh_from_db()
    assert reverse.front == "Een beter antwoord" and reverse.back == "Question 1"
    assert list(CardState.objects.order_by("card_id").values()) == states


def test_an_edit_of_the_reverse_card_changes_its_forward_card():
    deck = both_ways(1)
    reverse = deck.cards.get(direction="reverse")
    reverse.front = "Antwoord, verbeterd"
    reverse.save()
    sibling_sides_sync(cards=[reverse])
    assert deck.cards.get(direction="forward").back == "Antwoord, verbeterd"


def test_switching_the_option_off_retires_the_reverses_and_on_brings_them_back():
    student = make_user()
    deck = both_ways(1)
    enroll(student, deck)
    reverse = deck.cards.get(direction="reverse")
    answer_card(student=student, card=reverse, rating=4, seen_reviews=0, now=timezone.now())
    deck.both_directions = False
    deck.save()
    deck_directions_apply(deck=deck)
    assert deck.cards.get(pk=reverse.pk).retired_at is not None
    deck.both_directions = True
    deck.save()
    deck_directions_apply(deck=deck)
    assert deck.cards.get(pk=reverse.pk).retired_at is None
    assert deck.cards.filter(direction="reverse").count() == 1  # the same card, not a new one
    assert CardState.objects.get(student=student).card_id == reverse.pk


def test_retiring_a_card_retires_its_reverse():
    deck = both_ways(1)
    forward = deck.cards.get(direction="forward")
    forward.retired_at = timezone.now()
    forward.save()
    sibling_retirement_sync(cards=[forward])
    assert deck.cards.get(direction="reverse").retired_at is not None


def test_a_reverse_is_made_only_for_forward_cards_without_one():
    deck = make_deck()
    card = make_card(deck)
    assert reverse_cards_ensure(cards=[card]) == 1
    card.refresh_from_db()
    assert reverse_cards_ensure(cards=[card, Card.objects.get(pk=card.sibling_id)]) == 0


@pytest.mark.parametrize("sample", ["anki26-modern.apkg", "anki26-legacy.apkg"])
def test_ankis_basic_and_reversed_note_imports_as_a_card_and_its_reverse(sample):
    data = (SAMPLES / sample).read_bytes()
    _, result = deck_import(data=data, filename=sample, format=None, owner=None, deck=None)
    deck = result.deck
    forward = deck.cards.get(front="het ijsje")
    reverse = deck.cards.get(front="the ice cream")
    assert (forward.direction, forward.sibling_id) == ("forward", reverse.pk)
    assert (reverse.direction, reverse.sibling_id, reverse.back) == (
        "reverse",
        forward.pk,
        "het ijsje",
    )
    assert deck.cards.filter(sibling__isnull=False).count() == 2  # the Basic notes have none


def test_importing_the_package_again_keeps_the_reverse_and_its_progress():
    data = (SAMPLES / "anki26-modern.apkg").read_bytes()
    _, first = deck_import(data=data, filename="a.apkg", format=None, owner=None, deck=None)
    reverse = first.deck.cards.get(front="the ice cream")
    student = make_user()
    enroll(student, first.deck)
    answer_card(student=student, card=reverse, rating=4, seen_reviews=0, now=timezone.now())
    _, again = deck_import(
        data=data, filename="a.apkg", format=None, owner=None, deck=first.deck,
        retire_missing=True,
    )  # fmt: skip
    assert (again.added, again.retired) == (0, 0)
    assert first.deck.cards.active().count() == 6
    assert CardState.objects.get(student=student).card_id == reverse.pk


def test_an_import_into_a_deck_studied_both_ways_gives_new_cards_their_reverse():
    deck = make_deck(both_directions=True)
    deck_import(
        data=b"front,back\nDe klant,The customer\n", filename="a.csv", format=None,
        owner=None, deck=deck,
    )  # fmt: skip
    assert set(deck.cards.values_list("front", "direction")) == {
        ("De klant", "forward"),
        ("The customer", "reverse"),
    }


def test_an_import_that_changes_a_back_changes_the_reverse_in_place():
    deck = make_deck(both_directions=True)
    csv = "front,back\nDe klant,{}\n"
    deck_import(data=csv.format("The customer").encode(), filename="a.csv", format=None,
                owner=None, deck=deck)  # fmt: skip
    reverse = deck.cards.get(direction="reverse")
    deck_import(data=csv.format("The client").encode(), filename="a.csv", format=None,
                owner=None, deck=deck)  # fmt: skip
    reverse.refresh_from_db()
    assert (reverse.front, reverse.back) == ("The client", "De klant")
    assert deck.cards.count() == 2


def test_an_export_holds_each_note_once_and_the_anki_package_brings_the_reverse_back():
    from decks.services.exports import deck_to_apkg, deck_to_csv

    deck = both_ways(2)
    csv = deck_to_csv(deck).decode("utf-8-sig")
    assert csv.count("Question") == 2 and "Answer 1,Question 1" not in csv
    _, result = deck_import(
        data=deck_to_apkg(deck), filename="terug.apkg", format=None, owner=None, deck=None
    )
    again = result.deck
    assert again.cards.count() == 4
    forward = again.cards.get(front="Question 1")
    assert again.cards.get(pk=forward.sibling_id).front == "Answer 1"
