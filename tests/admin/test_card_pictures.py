"""A teacher puts a picture on a card in the admin, replaces it or takes it off."""

import hashlib
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decks.models import ImportUpload, Media
from tests.admin.conftest import upload
from tests.conftest import make_card, make_deck, make_teacher, stored_names
from tests.media_samples import SVG_WITH_SCRIPT, anki_package, jpeg, mp3, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(client):
    teacher = make_teacher()
    client.force_login(teacher)
    return teacher


@pytest.fixture
def card(teacher):
    return make_card(make_deck("Kaarten", owner=teacher), front="Welk land?", back="Nederland")


def save(client, card, **extra):
    fields = {"front": card.front, "back": card.back, "position": card.position, "tags": "",
              "key": card.key}  # fmt: skip
    return client.post(reverse("admin:decks_card_change", args=[card.pk]), {**fields, **extra})


def picture_url(data: bytes, ext: str) -> str:
    return f"/media/{hashlib.sha256(data).hexdigest()}.{ext}"


def test_a_picture_uploaded_in_the_change_form_goes_on_the_card(client, card):
    response = save(client, card, front_image=SimpleUploadedFile("nl.png", png(40, 30)))
    assert response.status_code == 302
    card.refresh_from_db()
    assert picture_url(png(40, 30), "png") in card.front
    assert Media.objects.get().deck == card.deck


def test_the_change_form_shows_the_cards_picture(client, card):
    save(client, card, back_image=SimpleUploadedFile("nl.jpg", jpeg()))
    page = client.get(reverse("admin:decks_card_change", args=[card.pk])).content.decode()
    assert f'<img src="{picture_url(jpeg(), "jpg")}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_second_upload_replaces_the_picture(client, card):
    save(client, card, front_image=SimpleUploadedFile("oud.png", png(4, 4)))
    card.refresh_from_db()
    save(client, card, front_image=SimpleUploadedFile("nieuw.jpg", jpeg()))
    card.refresh_from_db()
    assert card.front.count("<img") == 1 and picture_url(jpeg(), "jpg") in card.front


def test_the_remove_box_takes_the_picture_off(client, card):
    save(client, card, front_image=SimpleUploadedFile("nl.png", png()))
    card.refresh_from_db()
    save(client, card, remove_front_image="on")
    card.refresh_from_db()
    assert card.front == "Welk land?"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("kaart.png", b"not a picture at all", "not a picture or sound"),
        ("kaart.svg", SVG_WITH_SCRIPT, "markup"),
        ("uitspraak.mp3", mp3(), "a sound, not a picture"),
    ],
)
def test_a_file_that_is_no_picture_is_refused_naming_it(client, card, name, data, reason):
    response = save(client, card, front_image=SimpleUploadedFile(name, data))
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["front_image"])
    assert name in errors and reason in errors
    assert Media.objects.count() == 0


def test_the_import_preview_counts_and_shows_the_packages_pictures(client, teacher, tmp_path):
    package = anki_package(
        tmp_path,
        [('<img src="kaart.png">', "Europa [sound:europa.mp3]")],
        {"kaart.png": png(40, 30), "europa.mp3": mp3()},
    )
    response = upload(client, package, name="kaart.apkg")
    html = response.content.decode()
    assert '<td data-testid="import-images">1</td>' in html
    assert '<td data-testid="import-sounds">1</td>' in html
    address = picture_url(png(40, 30), "png")
    assert f'<img src="{address}"' in html
    assert Media.objects.count() == 0  # nothing is stored before the teacher confirms
    shown = client.get(address)
    assert b"".join(shown.streaming_content) == png(40, 30)


def test_a_confirm_that_fails_after_the_import_leaves_no_file(client, teacher, tmp_path):
    package = anki_package(tmp_path, [('<img src="kaart.png">', "Europa")], {"kaart.png": png()})
    upload(client, package, name="kaart.apkg")
    pending = ImportUpload.objects.get()
    failing = mock.patch.object(ImportUpload, "delete", side_effect=RuntimeError("lost"))
    with failing, pytest.raises(RuntimeError):
        client.post(reverse("admin:decks_deck_import_confirm", args=[pending.pk]))
    assert Media.objects.count() == 0
    assert stored_names() == []
