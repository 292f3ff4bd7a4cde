"""Cards a teacher adds, moves or brings back in the admin reach students who are past them."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from decks.admin import DeckAdmin
from decks.models import Card, CardState, DeckCardsVersion, NewCardCursor
from decks.services.clock import today_for_study
from tests.conftest import answer_card, enroll, make_deck, make_teacher, next_card

pytestmark = pytest.mark.django_db

RETIRED = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def teacher(client):
    teacher = make_teacher()
    client.force_login(teacher)
    return teacher


@pytest.fixture
def studied_deck(teacher, student):
    """Three cards, all answered by the student, so their cursor is past the last one."""
    deck = make_deck("Mine", cards=3, owner=teacher)
    enroll(student, deck)
    for card in deck.cards.order_by("position"):
        answer_card(student=student, card=card, rating=5, seen_reviews=0)
    assert NewCardCursor.objects.filter(student=student, deck=deck).exists()
    return deck


def offered(student, deck) -> Card | None:
    item = next_card(student=student, deck=deck, today=today_for_study())
    return item.card if item is not None and item.kind == "new" else None


def card_fields(card: Card, **changes) -> dict:
    fields = {"deck": card.deck_id, "front": card.front, "back": card.back,
              "position": card.position, "tags": "", "key": card.key}  # fmt: skip
    return {**fields, **changes}


def test_a_card_added_at_the_start_of_a_studied_deck_is_offered_as_new(
    client, student, studied_deck
):
    response = client.post(
        reverse("admin:decks_card_add"),
        {"deck": studied_deck.pk, "front": "Nieuw begrip", "back": "Uitleg", "position": 0,
         "tags": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert offered(student, studied_deck) == Card.objects.get(front="Nieuw begrip")


def test_an_unseen_card_moved_to_the_front_is_offered_as_new(client, student, studied_deck):
    late = Card.objects.create(deck=studied_deck, front="Laat", back="Later", position=9)
    response = client.post(
        reverse("admin:decks_card_change", args=[late.pk]), card_fields(late, position=1)
    )
    assert response.status_code == 302
    assert offered(student, studied_deck) == late


def test_a_card_brought_back_from_retirement_is_offered_as_new(client, student, teacher):
    deck = make_deck("Mine", cards=3, owner=teacher)
    enroll(student, deck)
    first = deck.cards.get(position=1)
    Card.objects.filter(pk=first.pk).update(retired_at=RETIRED)
    for card in deck.cards.active().order_by("position"):
        answer_card(student=student, card=card, rating=5, seen_reviews=0)
    client.post(
        reverse("admin:decks_card_changelist"),
        {"action": "restore", "_selected_action": [first.pk]},
    )
    assert offered(student, deck) == first


def deck_form(deck, *, position_of: dict | None = None) -> dict:
    """The deck's change form with its card inline, each card's position as given."""
    cards = list(deck.cards.order_by("position"))
    data = {
        "title": deck.title, "slug": deck.slug, "description": "", "source": "",
        "new_cards_per_day": 20, "answer_mode": "shown", "cards-TOTAL_FORMS": len(cards),
        "cards-INITIAL_FORMS": len(cards), "cards-MIN_NUM_FORMS": 0, "cards-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for n, card in enumerate(cards):
        position = (position_of or {}).get(card.pk, card.position)
        data |= inline_card(n, id=card.pk, deck=deck.pk, position=position,
                            front=card.front, back=card.back)  # fmt: skip
    return data


def inline_card(n: int, **fields) -> dict:
    return {f"cards-{n}-{name}": value for name, value in {"tags": "", **fields}.items()}


def test_a_card_added_in_the_decks_inline_is_offered_as_new(client, student, studied_deck):
    cards = list(studied_deck.cards.order_by("position"))
    data = {
        "title": studied_deck.title, "slug": studied_deck.slug, "description": "",
        "source": "", "new_cards_per_day": 20, "answer_mode": "shown",
        "cards-TOTAL_FORMS": len(cards) + 1, "cards-INITIAL_FORMS": len(cards),
        "cards-MIN_NUM_FORMS": 0, "cards-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for n, card in enumerate(cards):
        data |= inline_card(n, id=card.pk, deck=studied_deck.pk, position=card.position,
                            front=card.front, back=card.back)  # fmt: skip
    data |= inline_card(len(cards), deck=studied_deck.pk, position=0, front="Vooraan", back="1")
    response = client.post(reverse("admin:decks_deck_change", args=[studied_deck.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert offered(student, studied_deck) == Card.objects.get(front="Vooraan")


def test_editing_a_cards_text_keeps_every_cursor_trusted(client, student, studied_deck):
    card = studied_deck.cards.get(position=2)
    before = DeckCardsVersion.objects.get(deck=studied_deck).version
    response = client.post(
        reverse("admin:decks_card_change", args=[card.pk]), card_fields(card, back="Beter")
    )
    assert response.status_code == 302
    assert DeckCardsVersion.objects.get(deck=studied_deck).version == before


def test_an_unseen_card_moved_to_the_front_in_the_decks_inline_is_offered_as_new(
    client, student, studied_deck
):
    late = Card.objects.create(deck=studied_deck, front="Laat", back="Later", position=9)
    response = client.post(
        reverse("admin:decks_deck_change", args=[studied_deck.pk]),
        deck_form(studied_deck, position_of={late.pk: 0}),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert offered(student, studied_deck) == late


@pytest.fixture
def superuser_client(client, django_user_model, studied_deck):
    # After studied_deck, whose teacher fixture logs the client in as the teacher.
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", "pass-word-123")
    )
    return client


def test_a_card_state_deleted_in_the_admin_is_offered_as_new_again(
    superuser_client, student, studied_deck
):
    state = CardState.objects.get(student=student, card__position=2)
    response = superuser_client.post(
        reverse("admin:decks_cardstate_delete", args=[state.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert offered(student, studied_deck) == studied_deck.cards.get(position=2)


def test_a_card_state_cannot_be_moved_to_another_card_in_the_admin(
    superuser_client, student, studied_deck
):
    state = CardState.objects.get(student=student, card__position=2)
    other = Card.objects.create(deck=studied_deck, front="Ander", back="Kaart", position=9)
    superuser_client.post(
        reverse("admin:decks_cardstate_change", args=[state.pk]),
        {"student": student.pk, "card": other.pk, "deck": studied_deck.pk, "repetitions": 1,
         "easiness": "2.50", "interval": 1, "due": state.due.isoformat(), "lapses": 0,
         "reviews": 1, "introduced_on": state.introduced_on.isoformat()},
    )  # fmt: skip
    state.refresh_from_db()
    assert state.card_id == studied_deck.cards.get(position=2).pk


def test_a_large_decks_page_in_the_admin_links_to_the_paged_card_list_instead_of_a_form_per_card(
    client,
):
    teacher = make_teacher()
    deck = make_deck(cards=101, owner=teacher)
    client.force_login(teacher)

    response = client.get(reverse("admin:decks_deck_change", args=[deck.pk]))

    assert response.context["inline_admin_formsets"] == []
    assert "101 cards: edit them in the card list" in response.content.decode()
    card_list = client.get(reverse("admin:decks_card_changelist"), {"deck__id__exact": deck.pk})
    assert card_list.context["cl"].result_count == 101
    assert len(card_list.context["cl"].result_list) == 100  # a page


def test_a_small_decks_cards_are_edited_on_the_decks_own_page(client):
    teacher = make_teacher()
    deck = make_deck(cards=3, owner=teacher)
    client.force_login(teacher)

    response = client.get(reverse("admin:decks_deck_change", args=[deck.pk]))

    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 3


def test_card_edits_posted_from_the_inline_save_even_if_the_deck_grew_past_its_limit_since(
    client, teacher
):
    deck = make_deck(cards=3, owner=teacher)
    form = deck_form(deck)  # what the page showed: 3 cards in the inline
    form["cards-0-back"] = "Beter"
    for n in range(DeckAdmin.inline_cards_max):  # another teacher's import, meanwhile
        Card.objects.create(deck=deck, front=f"Nieuw {n}", back="x", position=10 + n)

    response = client.post(reverse("admin:decks_deck_change", args=[deck.pk]), form)

    assert response.status_code == 302
    assert deck.cards.get(position=1).back == "Beter"
