from datetime import date

import pytest

from decks.models import Deck
from decks.services.study import answer_target, queue_snapshot
from tests.conftest import enroll, make_card, make_deck

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def test_the_answer_target_carries_the_cards_own_fields_and_its_deck(student):
    deck = make_deck()
    card = make_card(deck, front="Voorkant", back="Achterkant", position=7, tags="H1 1.2")
    enroll(student, deck)
    target = answer_target(student=student, deck_slug=deck.slug, card_id=card.pk, today=TODAY)
    fields = (target.card.key, target.card.front, target.card.back, target.card.position)
    assert fields == (card.key, "Voorkant", "Achterkant", 7)
    assert target.card.tag_list == ["H1", "1.2"]
    assert (target.card.deck, target.card.deck.title, target.state) == (deck, deck.title, None)


def test_a_deck_deleted_during_a_session_gives_an_empty_queue_not_an_error(student):
    deck = make_deck(cards=2)
    enroll(student, deck)
    Deck.objects.filter(pk=deck.pk).delete()
    snapshot = queue_snapshot(student=student, deck=deck, today=TODAY)
    assert (snapshot.item, snapshot.counts.left) == (None, 0)
