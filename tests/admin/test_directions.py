"""Both directions in the admin: the deck option, and one edit for both directions."""

import pytest
from django.urls import reverse
from django.utils import timezone

from decks.models import CardState
from decks.services.directions import deck_directions_apply
from tests.admin.test_card_editing import card_form, teacher  # noqa: F401 - fixture
from tests.conftest import answer_card, enroll, make_deck, make_user

pytestmark = pytest.mark.django_db


def test_a_teachers_edit_of_a_card_changes_its_reverse_and_keeps_both_progresses(
    client,
    teacher,  # noqa: F811
):
    deck = make_deck(cards=1, owner=teacher, both_directions=True)
    deck_directions_apply(deck=deck)
    forward = deck.cards.get(direction="forward")
    back_to_front = deck.cards.get(direction="reverse")
    student = make_user()
    enroll(student, deck)
    now = timezone.now()
    answer_card(student=student, card=forward, rating=5, seen_reviews=0, now=now)
    answer_card(student=student, card=back_to_front, rating=3, seen_reviews=0, now=now)
    states = list(CardState.objects.order_by("card_id").values())

    response = client.post(
        reverse("admin:decks_card_change", args=[forward.pk]),
        card_form(forward, back="Het nieuwe antwoord"),
    )

    assert response.status_code == 302
    back_to_front.refresh_from_db()
    assert (back_to_front.front, back_to_front.back) == ("Het nieuwe antwoord", "Question 1")
    assert list(CardState.objects.order_by("card_id").values()) == states


def test_retiring_a_card_in_the_card_list_retires_its_reverse(client, teacher):  # noqa: F811
    deck = make_deck(cards=1, owner=teacher, both_directions=True)
    deck_directions_apply(deck=deck)
    forward = deck.cards.get(direction="forward")
    client.post(
        reverse("admin:decks_card_changelist"),
        {"action": "retire", "_selected_action": [forward.pk]},
    )
    assert deck.cards.get(direction="reverse").retired_at is not None
