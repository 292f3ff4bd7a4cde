"""Editing cards in the admin: labels, the card list, the key, and where saving lands."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from decks.services.directions import deck_directions_apply
from tests.conftest import answer_card, make_card, make_class, make_deck, make_teacher, make_user

pytestmark = pytest.mark.django_db

LONG_FRONT = (
    "Welke drie fases zijn er bij een klantrelatiecyclus, en wat doet de accountmanager in elk?"
)


@pytest.fixture
def teacher(client) -> User:
    teacher = make_teacher()
    client.force_login(teacher)
    return teacher


def card_form(card, **changes) -> dict:
    return {
        "front": card.front,
        "back": card.back,
        "position": card.position,
        "tags": card.tags,
        "retired_at_0": "",
        "retired_at_1": "",
        **changes,
    }


def test_a_card_is_labelled_by_its_front_text():
    card = make_card(make_deck(), front="<p>Wat is <b>CRM</b>?</p>")

    assert str(card) == "Wat is CRM?"


def test_a_long_front_is_cut_short_in_the_label():
    card = make_card(make_deck(), front="woord " * 40)

    assert len(str(card)) <= 80
    assert str(card).endswith("…")


def test_the_deck_page_labels_its_cards_by_front_not_key(client, teacher):
    deck = make_deck(owner=teacher)
    card = make_card(deck, front="Wat is klantinzicht?")

    html = client.get(reverse("admin:decks_deck_change", args=[deck.pk])).text

    assert "Wat is klantinzicht?" in html.split('<td class="original">')[1].split("</td>")[0]
    assert card.key not in html


def test_the_card_list_shows_the_front_as_text_at_a_useful_length(client, teacher):
    make_card(make_deck(owner=teacher), front=f"<p>{LONG_FRONT}</p>")

    html = client.get(reverse("admin:decks_card_changelist")).text

    assert '<th class="field-front_text"><a href="' in html
    assert f"{LONG_FRONT}</a>" in html
    assert "&lt;p&gt;" not in html


def test_the_card_list_says_back_to_front_under_a_reversed_cards_front(client, teacher):
    deck = make_deck(cards=1, owner=teacher, both_directions=True)
    deck_directions_apply(deck=deck)
    forward = deck.cards.get(direction="forward")

    html = client.get(reverse("admin:decks_card_changelist")).text

    assert html.count('<span class="card-direction">back to front</span>') == 1
    assert f"{forward.front}</a>" in html


def test_the_key_cannot_be_edited(client, teacher):
    card = make_card(make_deck(owner=teacher))
    url = reverse("admin:decks_card_change", args=[card.pk])

    html = client.get(url).text
    client.post(url, card_form(card, key="something-else"))

    assert 'name="key"' not in html
    card.refresh_from_db()
    assert card.key != "something-else"


def test_saving_from_the_hardest_cards_page_goes_back_there(client, teacher):
    card = make_card(make_deck(owner=teacher))
    back = reverse("class_items", args=[1]) + "?deck=3"
    url = reverse("admin:decks_card_change", args=[card.pk]) + f"?next={back}"

    response = client.post(url, card_form(card, back="Beter uitgelegd"))

    assert response.status_code == 302
    assert response["Location"] == back


def test_save_and_continue_stays_on_the_card_even_with_a_return_url(client, teacher):
    card = make_card(make_deck(owner=teacher))
    url = reverse("admin:decks_card_change", args=[card.pk]) + "?next=/classes/1/items/"

    response = client.post(url, {**card_form(card), "_continue": "1"})

    assert response["Location"].startswith(reverse("admin:decks_card_change", args=[card.pk]))


def test_a_return_url_to_another_site_is_ignored(client, teacher):
    card = make_card(make_deck(owner=teacher))
    url = reverse("admin:decks_card_change", args=[card.pk]) + "?next=https://evil.example/"

    response = client.post(url, card_form(card))

    assert response["Location"] == reverse("admin:decks_card_changelist")


def test_the_hardest_cards_page_edits_with_a_way_back(client, teacher):
    deck = make_deck(owner=teacher)
    card = make_card(deck)
    student = make_user()
    classroom = make_class(students=[student], decks=[deck], teachers=[teacher])
    answer_card(student=student, card=card, rating=1, seen_reviews=0)

    html = client.get(reverse("class_items", args=[classroom.pk])).text

    edit = reverse("admin:decks_card_change", args=[card.pk])
    assert f'{edit}?next=/classes/{classroom.pk}/items/"' in html


def test_the_card_list_filters_cards_in_study_or_retired(client, teacher):
    deck = make_deck(owner=teacher)
    make_card(deck, front="Actief")
    make_card(deck, front="Oud", retired_at=timezone.now())

    studied = client.get(reverse("admin:decks_card_changelist"), {"status": "studied"})
    retired = client.get(reverse("admin:decks_card_changelist"), {"status": "retired"})

    assert [card.front for card in studied.context["cl"].result_list] == ["Actief"]
    assert [card.front for card in retired.context["cl"].result_list] == ["Oud"]
