import pytest

from decks.models import Card, CardState, DeckSettings, ReviewLog
from decks.services.integrity import integrity_mismatches
from decks.services.seed_moves import seed_card_replace, seed_deck_merge, seed_moves_apply
from decks.services.study import new_card_cursors_broken
from tests.conftest import (
    answer_card,
    enroll,
    make_card,
    make_class,
    make_deck,
    make_user,
    next_card,
)

pytestmark = pytest.mark.django_db


def test_a_card_replaced_by_one_not_seeded_yet_takes_its_key_and_keeps_its_history(student):
    old, new = make_deck(slug="old"), make_deck(slug="new")
    card = make_card(old, key="k-old")
    enroll(student, old)
    answer_card(student=student, card=card, rating=4, seen_reviews=0)

    seed_card_replace(card=card, deck_slug="new", key="k-new")

    card.refresh_from_db()
    assert (card.deck_id, card.key) == (new.pk, "k-new")
    assert CardState.objects.get().deck_id == ReviewLog.objects.get().deck_id == new.pk


def test_a_replaced_card_nobody_else_answered_gives_its_history_away_and_goes(student):
    deck = make_deck(slug="h1")
    replaced, kept = make_card(deck, key="a"), make_card(deck, key="b")
    enroll(student, deck)
    answer_card(student=student, card=replaced, rating=4, seen_reviews=0)

    seed_moves_apply(decks=[], cards=[(("h1", "a"), ("h1", "b"))])

    assert not Card.objects.filter(pk=replaced.pk).exists()
    assert CardState.objects.get().card_id == ReviewLog.objects.get().card_id == kept.pk
    assert list(integrity_mismatches()) == []


def test_a_merged_deck_brings_its_classes_editors_settings_and_unseen_cards(student):
    old, target = make_deck(slug="old", cards=2), make_deck(slug="new")
    teacher = make_user("tess")
    old.editors.add(teacher)
    classroom = make_class(students=[student], decks=[old])
    DeckSettings.objects.create(student=student, deck=old, new_per_day=5)
    answer_card(student=student, card=old.cards.first(), rating=4, seen_reviews=0)

    seed_deck_merge(deck=old, into_slug="new")

    assert list(classroom.decks.all()) == [target]
    assert list(target.editors.all()) == [teacher]
    assert DeckSettings.objects.get().deck_id == target.pk
    item = next_card(student=student, deck=target, today=CardState.objects.get().introduced_on)
    assert item.card.front == "Question 2"
    assert new_card_cursors_broken() == []


def test_a_deck_merged_into_one_that_does_not_exist_yet_is_renamed(student):
    old = make_deck(slug="old", cards=1)

    seed_deck_merge(deck=old, into_slug="new")

    old.refresh_from_db()
    assert old.slug == "new"
