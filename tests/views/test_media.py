"""The media view: pictures and sound for those who may study or edit the deck; 404 for others."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decks.models import ImportUpload
from tests.conftest import enroll, make_deck, make_media, make_user
from tests.importers.packages import make_zip
from tests.media_samples import mp3, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def deck():
    return make_deck("Aardrijkskunde")


@pytest.fixture
def picture(deck):
    return make_media(deck, data=png(40, 30))


def url(media) -> str:
    return reverse("media_file", args=[media.sha256, media.file.name.rsplit(".", 1)[1]])


def test_a_student_of_the_deck_gets_the_picture_with_its_stored_type(client, deck, picture):
    student = make_user()
    enroll(student, deck)
    client.force_login(student)
    response = client.get(url(picture))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png(40, 30)
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_file_is_kept_for_a_year_because_its_url_holds_its_hash(client, deck, picture):
    client.force_login(deck_owner := make_user("juf", is_staff=True))
    deck.owner = deck_owner
    deck.save()
    response = client.get(url(picture))
    assert response["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response["ETag"] == f'"{picture.sha256}"'


def test_a_browser_that_has_the_file_is_told_it_has_not_changed(client, deck, picture):
    student = make_user()
    enroll(student, deck)
    client.force_login(student)
    response = client.get(url(picture), headers={"If-None-Match": f'"{picture.sha256}"'})
    assert response.status_code == 304


@pytest.mark.parametrize("who", ["anonymous", "student of another deck", "another teacher"])
def test_everyone_else_gets_not_found(client, deck, picture, who):
    if who != "anonymous":
        outsider = make_user(is_staff=who == "another teacher")
        enroll(outsider, make_deck())
        client.force_login(outsider)
    assert client.get(url(picture)).status_code == 404


def test_a_wrong_extension_is_not_found(client, deck, picture):
    student = make_user()
    enroll(student, deck)
    client.force_login(student)
    assert client.get(url(picture).replace(".png", ".mp3")).status_code == 404


@pytest.fixture
def sound_client(client, deck):
    sound = make_media(deck, data=mp3(), name="uitspraak.mp3")
    student = make_user()
    enroll(student, deck)
    client.force_login(student)
    return client, url(sound), mp3()


def test_an_audio_player_gets_the_range_it_asks_for(sound_client):
    client, address, data = sound_client
    response = client.get(address, headers={"Range": "bytes=10-19"})
    assert response.status_code == 206
    assert response.content == data[10:20]
    assert response["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert response["Accept-Ranges"] == "bytes"


def test_an_open_ended_range_runs_to_the_end(sound_client):
    client, address, data = sound_client
    response = client.get(address, headers={"Range": "bytes=100-"})
    assert response.content == data[100:]


def test_a_range_past_the_end_is_refused_with_the_size(sound_client):
    client, address, data = sound_client
    response = client.get(address, headers={"Range": f"bytes={len(data)}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"


def test_behind_nginx_the_view_only_checks_and_nginx_sends_the_bytes(
    client, deck, picture, settings
):
    settings.STAMP_MEDIA_DELIVERY = "x-accel-redirect"
    student = make_user()
    enroll(student, deck)
    client.force_login(student)
    response = client.get(url(picture))
    assert response["X-Accel-Redirect"] == f"/protected-media/{picture.file.name}"
    assert response.content == b""


def test_with_object_storage_the_view_redirects_to_a_short_lived_url(
    client, deck, picture, settings
):
    settings.STAMP_MEDIA_DELIVERY = "redirect"
    student = make_user()
    enroll(student, deck)
    client.force_login(student)
    response = client.get(url(picture))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"


# --- the import preview's pictures -------------------------------------------------------


@pytest.fixture
def pending():
    teacher = make_user("juf", is_staff=True)
    data = png(8, 8)
    sha256 = hashlib.sha256(data).hexdigest()
    upload = ImportUpload.objects.create(
        uploaded_by=teacher,
        filename="deck.apkg",
        data=make_zip({"0": data}),
        media_members={sha256: "0"},
    )
    return upload, reverse("media_file", args=[sha256, "png"]), data


def test_the_teacher_sees_the_pictures_of_an_upload_awaiting_confirmation(client, pending):
    upload, address, data = pending
    client.force_login(upload.uploaded_by)
    response = client.get(address)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data


def test_nobody_else_sees_the_pictures_of_someone_elses_upload(client, pending):
    _, address, _ = pending
    client.force_login(make_user("meester", is_staff=True))
    assert client.get(address).status_code == 404


def test_a_player_asking_for_the_last_bytes_gets_them(sound_client):
    client, address, data = sound_client
    response = client.get(address, headers={"Range": "bytes=-100"})
    assert response.status_code == 206
    assert response.content == data[-100:]


def test_a_range_number_too_long_to_mean_anything_gets_the_whole_file(sound_client):
    client, address, data = sound_client
    response = client.get(address, headers={"Range": "bytes=" + "9" * 5000 + "-"})
    assert response.status_code == 200


def test_an_editor_who_does_not_own_the_deck_sees_its_pictures(client, deck, picture):
    editor = make_user("meester", is_staff=True)
    deck.editors.add(editor)
    client.force_login(editor)
    assert client.get(url(picture)).status_code == 200


def test_a_student_who_left_the_class_no_longer_gets_the_picture(client, deck, picture):
    student = make_user()
    classroom = enroll(student, deck)
    client.force_login(student)
    assert client.get(url(picture)).status_code == 200
    classroom.students.remove(student)
    assert client.get(url(picture)).status_code == 404


def test_behind_apache_the_view_names_the_file_for_x_sendfile(client, deck, picture, settings):
    settings.STAMP_MEDIA_DELIVERY = "x-sendfile"
    student = make_user()
    enroll(student, deck)
    client.force_login(student)
    response = client.get(url(picture))
    assert response["X-Sendfile"] == str(settings.MEDIA_ROOT / picture.file.name)
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_expired_uploads_pictures_are_not_shown_any_more(client, pending):
    upload, address, _ = pending
    ImportUpload.objects.filter(pk=upload.pk).update(
        created_at=timezone.now() - ImportUpload.TTL - timedelta(minutes=1)
    )
    client.force_login(upload.uploaded_by)
    assert client.get(address).status_code == 404
