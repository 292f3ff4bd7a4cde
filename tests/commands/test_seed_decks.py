from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from decks.models import Card, CardState, Deck, ReviewLog
from decks.services.clock import today_for_study
from decks.services.queue import next_card
from decks.services.reviews import review_record

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    call_command("seed_decks", stdout=out)
    return out.getvalue()


def test_seeding_loads_the_five_seed_decks_with_their_cards():
    seed()
    assert Deck.objects.count() == 5
    assert Card.objects.filter(deck__slug="h1-flashcards-klant-centraal").count() == 15
    assert Card.objects.count() >= 15 + 23 + 3 * 12


def test_seeding_twice_doubles_nothing():
    seed()
    counts = (Deck.objects.count(), Card.objects.count())
    seed()
    assert (Deck.objects.count(), Card.objects.count()) == counts


def test_seeding_again_keeps_every_students_progress(student):
    seed()
    card = Card.objects.order_by("pk").first()
    review_record(student=student, card=card, rating=5, seen_reviews=0)
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
    for card in deck.cards.active().order_by("position", "id")[:3]:
        review_record(student=student, card=card, rating=5, seen_reviews=0)
    seed()
    item = next_card(student=student, deck=deck, today=today_for_study())
    assert (item.kind, item.card.pk) == ("new", first.pk)
