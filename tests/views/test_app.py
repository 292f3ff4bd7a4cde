"""The manifest, the service worker and the favicon that make Stamp installable."""

import json

import pytest
from django.contrib.staticfiles import finders

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def manifest(client, **headers) -> dict:
    response = client.get("/manifest.webmanifest", **headers)
    assert response["Content-Type"] == "application/manifest+json"
    return json.loads(response.content)


def test_the_manifest_says_how_stamp_opens_as_an_app(client):
    data = manifest(client)
    assert data["short_name"] == "Stamp"
    assert data["start_url"] == "/"
    assert data["display"] == "standalone"
    assert data["theme_color"] == "#2f6f5e"
    assert data["background_color"] == "#f6f7f5"


def test_the_manifest_names_192_and_512_pixel_icons_and_a_maskable_one(client):
    icons = manifest(client)["icons"]
    assert {icon["sizes"] for icon in icons} >= {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in icons)
    for icon in icons:
        name = icon["src"].removeprefix("/static/")
        size = int(icon["sizes"].split("x")[0])
        with open(finders.find(name), "rb") as png:
            header = png.read(24)
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(header[16:20]) == size == int.from_bytes(header[20:24])


def test_the_manifest_speaks_the_language_of_the_page(client):
    assert manifest(client, HTTP_ACCEPT_LANGUAGE="en")["name"] == "Stamp: flashcards for your class"
    dutch = manifest(client, HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch["lang"] == "nl"
    assert dutch["name"] == "Stamp: flashcards voor je klas"


def test_every_page_links_the_manifest_and_the_service_worker(client):
    page = client.get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert 'data-service-worker="/sw.js"' in page


def test_the_service_worker_is_served_at_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.STAMP = ").rstrip(";"))
    assert "/static/css/stamp.css" in config["shell"]
    # Offline study judges typed answers with it.
    assert "/static/js/answer_check.js" in config["shell"]
    assert config["offlinePage"] == "/offline/"
    assert 'addEventListener("fetch"' in body


def test_favicon_ico_sends_the_browser_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon-32.png"


def test_the_offline_page_names_no_one_even_when_fetched_logged_in(client):
    client.force_login(make_user("noor"))
    response = client.get("/offline/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "noor" not in page
    assert "Log out" not in page
    assert "data-offline-page" in page
