"""What every request meets: size limits, private caching, Permissions-Policy, sturdy errors,
compressed text."""

import gzip
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from tests.conftest import enroll, make_deck, make_media
from tests.media_samples import png

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


def test_a_body_larger_than_any_form_takes_is_refused_before_it_is_read(client, settings):
    too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    response = client.post(reverse("login"), b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH=str(too_big))  # fmt: skip
    assert response.status_code == 413
    assert f"{too_big:,} bytes" in response.content.decode()


def test_a_body_within_the_limit_reaches_the_page(client):
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 200


def test_a_chunked_body_without_a_length_is_refused(client):
    response = client.post(reverse("login"), b"x", content_type="application/octet-stream",
                           CONTENT_LENGTH="", HTTP_TRANSFER_ENCODING="chunked")  # fmt: skip
    assert response.status_code == 411


def test_a_page_not_found_while_the_database_is_gone_is_a_503(client, student):
    client.force_login(student)
    gone = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch("django.contrib.auth.middleware.auth.get_user", side_effect=gone):
        response = client.get("/no-such-page/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_page_not_found_is_still_a_404(client, student):
    client.force_login(student)
    assert client.get("/no-such-page/").status_code == 404


@pytest.fixture
def phone_urls(client, student) -> dict[str, str]:
    deck = make_deck("Klant centraal", slug="klant-centraal", cards=5)
    enroll(student, deck)
    client.force_login(student)
    picture = make_media(deck, data=png(40, 30))
    return {
        "study page": reverse("study", args=[deck.slug]),
        "study pack": reverse("study_pack", args=[deck.slug]),
        "picture": reverse("media_file", args=[picture.sha256, "png"]),
    }


@pytest.mark.parametrize("page", ["study page", "study pack"])
def test_the_study_page_and_its_pack_come_gzipped_to_a_browser_that_takes_gzip(
    client, phone_urls, page
):
    response = client.get(phone_urls[page], headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"Question 1" in gzip.decompress(response.content)


@pytest.mark.parametrize("page", ["study page", "study pack"])
def test_the_study_page_and_its_pack_come_plain_to_a_client_that_asks_for_no_gzip(
    client, phone_urls, page
):
    response = client.get(phone_urls[page])
    assert not response.has_header("Content-Encoding")
    assert b"Question 1" in response.content


def test_a_gzipped_packs_weakened_etag_still_gets_not_modified(client, phone_urls):
    gzipped = client.get(phone_urls["study pack"], headers={"Accept-Encoding": "gzip"})
    assert gzipped["ETag"].startswith('W/"')  # the gzip middleware weakens a strong ETag
    again = client.get(
        phone_urls["study pack"],
        headers={"Accept-Encoding": "gzip", "If-None-Match": gzipped["ETag"]},
    )
    assert again.status_code == 304


def test_a_gzipped_page_carries_djangos_random_length_padding_against_breach(client, phone_urls):
    response = client.get(phone_urls["study page"], headers={"Accept-Encoding": "gzip"})
    # Heal The Breach: a random run of bytes in the gzip header's file name field.
    assert response.content[3] & gzip.FNAME


def test_a_picture_goes_out_as_its_own_bytes_even_to_a_browser_that_takes_gzip(client, phone_urls):
    response = client.get(phone_urls["picture"], headers={"Accept-Encoding": "gzip"})
    assert not response.has_header("Content-Encoding")
    assert b"".join(response.streaming_content) == png(40, 30)
