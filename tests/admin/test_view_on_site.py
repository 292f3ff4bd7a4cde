"""The admin's "view on site" link tells a teacher nothing about other teachers' objects."""

import pytest
from django.contrib.contenttypes.models import ContentType

from decks.models import Classroom, Deck
from tests.conftest import make_class, make_deck, make_teacher

pytestmark = pytest.mark.django_db


def view_on_site(obj) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


@pytest.fixture
def private_deck():
    return make_deck("Privé", slug="prive-deck-van-a", owner=make_teacher("juf-a"))


def test_another_teacher_learns_no_private_decks_slug(client, private_deck):
    client.force_login(make_teacher("meester-b"))
    response = client.get(view_on_site(private_deck))
    assert response.status_code == 404
    assert "prive-deck-van-a" not in response.get("Location", "")


def test_another_teacher_learns_no_class_id(client):
    classroom = make_class("Klas A", teachers=[make_teacher("juf-a")])
    client.force_login(make_teacher("meester-b"))
    assert client.get(view_on_site(classroom)).status_code == 404
    assert Classroom.objects.filter(pk=classroom.pk).exists()


def test_the_owner_is_sent_to_the_decks_page(client, private_deck):
    client.force_login(Deck.objects.get().owner)
    response = client.get(view_on_site(private_deck))
    assert response.status_code == 302
    assert response["Location"].endswith("/decks/prive-deck-van-a/")
