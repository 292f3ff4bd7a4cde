"""The leaderboard page says what counts and shows new cards learned."""

import pytest
from django.urls import reverse

from tests.conftest import make_class, make_deck

pytestmark = pytest.mark.django_db


def test_the_leaderboard_says_what_counts_and_shows_new_cards_learned(client, student):
    classroom = make_class("Klas 1A", students=[student], decks=[make_deck(cards=1)])
    client.force_login(student)
    response = client.get(reverse("leaderboard", args=[classroom.pk]))
    html = response.content.decode()
    assert "What counts:" in html
    assert "do not count towards Cards cleared" in html
    assert ">New cards learned</a>" in html
