"""Headers every answer carries: no shared or disk cache of private pages, a Permissions-Policy."""

import pytest
from django.urls import reverse

from tests.conftest import enroll, make_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def private_urls(student) -> dict[str, str]:
    deck = make_deck("Klant centraal", cards=2)
    enroll(student, deck)
    return {
        "home page": reverse("home"),
        "study page": reverse("study", args=[deck.slug]),
        "deck CSV": reverse("deck_export_csv", args=[deck.slug]),
        "account data": reverse("account_export"),
    }


@pytest.mark.parametrize("page", ["home page", "study page", "deck CSV", "account data"])
def test_a_private_page_or_export_is_kept_by_no_cache(client, student, private_urls, page):
    client.force_login(student)
    response = client.get(private_urls[page])
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_every_page_forbids_camera_microphone_and_location(client):
    response = client.get(reverse("login"))
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
