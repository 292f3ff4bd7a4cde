"""A teacher sets the way a deck's cards are answered until a student picks their own."""

import pytest
from django.urls import reverse

from tests.admin.test_deck_import import make_teacher
from tests.conftest import make_deck

pytestmark = pytest.mark.django_db


def test_a_teacher_sets_a_decks_way_to_answer_in_the_admin(client):
    teacher = make_teacher("tess")
    deck = make_deck(owner=teacher)
    client.force_login(teacher)
    url = reverse("admin:decks_deck_change", args=[deck.pk])
    form = client.get(url).context["adminform"].form
    assert list(form.fields["answer_mode"].choices) == [
        ("shown", "Show the answer"),
        ("typed", "Type the answer"),
        ("choice", "Pick from four"),
    ]
    data = {
        field: form.initial.get(field) or ""
        for field in ("title", "slug", "description", "source", "new_cards_per_day")
    }
    data.update(
        answer_mode="typed",
        **{
            f"cards-{k}": v
            for k, v in {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            }.items()
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    deck.refresh_from_db()
    assert deck.answer_mode == "typed"
