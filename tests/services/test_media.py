"""Storing media with an import: once per content, all or nothing, and out again to Anki."""

import hashlib
import os
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from decks.html import media_hashes
from decks.importers.base import ImportLimits
from decks.importers.media import MediaRefused
from decks.models import Card, Media, media_storage_name
from decks.services.exports import deck_to_apkg, deck_to_csv
from decks.services.imports import deck_import
from decks.services.media import card_image_remove, card_image_set, media_files_purge
from tests.conftest import make_card, make_deck, make_media, make_teacher, stored_names
from tests.importers.packages import make_zip
from tests.media_samples import anki_media_of, anki_package, jpeg, mp3, png

pytestmark = pytest.mark.django_db


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def files():
    return {"kaart.png": png(40, 30), "europa.mp3": mp3(), "kat.jpg": jpeg()}


@pytest.fixture
def package(tmp_path, files):
    return anki_package(
        tmp_path,
        [
            ('<img src="kaart.png">', "Europa [sound:europa.mp3]"),
            ('de kat <img src="kat.jpg">', "the cat"),
            ("Azië <img src='kaart.png'>", "een werelddeel"),
        ],
        files,
    )


def import_package(package: bytes, deck=None):
    _, result = deck_import(
        data=package, filename="deck.apkg", format=None, owner=None, deck=deck, new_title="Kaart"
    )
    return result.deck


def test_an_import_stores_each_file_once_with_its_type_and_size(package, files):
    deck = import_package(package)
    rows = {row.name: row for row in deck.media.all()}
    assert set(rows) == set(files)
    assert rows["kaart.png"].content_type == "image/png"
    assert (rows["kaart.png"].width, rows["kaart.png"].height) == (40, 30)
    assert rows["europa.mp3"].size == len(files["europa.mp3"])
    with default_storage.open(rows["kat.jpg"].file.name) as stored:
        assert stored.read() == files["kat.jpg"]


def test_the_same_picture_in_two_decks_is_stored_once(package):
    first, second = import_package(package), import_package(package)
    assert first.media.count() == second.media.count() == 3
    assert len(stored_names()) == 3


def test_importing_the_same_package_again_adds_no_media(package):
    deck = import_package(package)
    import_package(package, deck=deck)
    assert deck.media.count() == 3


def test_a_failed_import_leaves_no_card_row_or_file_behind(package):
    with (
        mock.patch.object(Card.objects, "bulk_create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        import_package(package)
    assert Media.objects.count() == 0
    assert Card.objects.count() == 0
    assert stored_names() == []


def test_a_failed_import_keeps_files_another_deck_already_uses(package, files):
    import_package(package)
    with (
        mock.patch.object(Card.objects, "bulk_create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        import_package(package)
    assert len(stored_names()) == 3


# --- a picture on a card in the admin ----------------------------------------------------


@pytest.fixture
def card():
    return make_card(make_deck(), front="Welk werelddeel?", back="Europa")


def test_a_picture_added_to_a_card_shows_after_its_text(card):
    card_image_set(
        card=card, side="front", name="kaart.png", data=png(40, 30), limits=ImportLimits()
    )
    url = f"/media/{sha(png(40, 30))}.png"
    assert card.front == f'Welk werelddeel?<br><img src="{url}" alt="kaart" width="40" height="30">'
    assert card.deck.media.get().name == "kaart.png"


def test_a_new_picture_replaces_the_first_one(card):
    card_image_set(card=card, side="back", name="oud.png", data=png(4, 4), limits=ImportLimits())
    card_image_set(card=card, side="back", name="nieuw.jpg", data=jpeg(), limits=ImportLimits())
    card.refresh_from_db()
    assert card.back.count("<img") == 1
    assert f"/media/{sha(jpeg())}.jpg" in card.back


def test_removing_the_picture_leaves_the_text(card):
    card_image_set(card=card, side="front", name="kaart.png", data=png(), limits=ImportLimits())
    card_image_remove(card=card, side="front")
    card.refresh_from_db()
    assert card.front == "Welk werelddeel?"


def test_a_sound_is_not_accepted_as_a_picture(card):
    with pytest.raises(MediaRefused, match="not a picture"):
        card_image_set(card=card, side="front", name="a.mp3", data=mp3(), limits=ImportLimits())
    assert Media.objects.count() == 0


# --- out to Anki -------------------------------------------------------------------------


def test_anki_opens_the_export_with_every_picture_and_sound_byte_for_byte(package, files, tmp_path):
    deck = import_package(package)
    anki_files, notes = anki_media_of(deck_to_apkg(deck), tmp_path)
    assert anki_files == files
    fields = sorted(" | ".join(note) for note in notes)
    assert fields == [
        '<img src="kaart.png" alt="kaart" width="40" height="30"> | Europa [sound:europa.mp3]',
        'Azië <img src="kaart.png" alt="kaart" width="40" height="30"> | een werelddeel',
        'de kat <img src="kat.jpg" alt="kat" width="4" height="3"> | the cat',
    ]


def test_two_files_of_the_same_name_keep_both_in_the_export(tmp_path):
    deck = make_deck()
    first = make_media(deck, data=png(4, 4), name="kaart.png")
    second = make_media(deck, data=png(8, 8), name="kaart.png")
    make_card(deck, front=f'<img src="/media/{first.sha256}.png">', back="klein")
    make_card(deck, front=f'<img src="/media/{second.sha256}.png">', back="groot")
    anki_files, _ = anki_media_of(deck_to_apkg(deck), tmp_path)
    assert sorted(anki_files.values()) == sorted([png(4, 4), png(8, 8)])


def test_a_zipped_csv_imports_its_cards_with_their_pictures():
    table = b'front,back\n"Welk werelddeel? <img src=""kaart.png"">",Europa\n'
    _, result = deck_import(
        data=make_zip({"kaarten.csv": table, "kaart.png": png(40, 30)}),
        filename="kaarten.zip", format=None, owner=None, deck=None,
    )  # fmt: skip
    card = result.deck.cards.get()
    (media,) = result.deck.media.all()
    assert f"/media/{media.sha256}.png" in card.front
    assert media.name == "kaart.png"


def written_just_now(names: list[str]) -> None:
    """Date the files by the app's clock, which a test run may have moved ahead of the disk's."""
    now = timezone.now().timestamp()
    for name in names:
        os.utime(default_storage.path(name), (now, now))


def test_purging_deletes_files_only_deleted_decks_used(package):
    kept, gone = import_package(package), make_deck()
    only_gone = make_media(gone, data=png(9, 9))
    make_media(gone, data=png(40, 30))  # also in the kept deck
    gone.delete()
    written_just_now(stored_names())
    assert media_files_purge() == []  # written just now: an import may be about to use it
    assert media_files_purge(older_than=timedelta(0)) == [only_gone.file.name]
    assert len(stored_names()) == kept.media.count() == 3


def test_reimporting_the_file_keeps_the_card_a_teacher_gave_a_picture():
    csv = b"front,back\nWelk werelddeel?,Europa\n"
    _, first = deck_import(data=csv, filename="k.csv", format=None, owner=None, deck=None)
    card = first.deck.cards.get()
    card_image_set(card=card, side="front", name="kaart.png", data=png(), limits=ImportLimits())
    plan, result = deck_import(
        data=csv.replace(b"Europa", b"Europa!"), filename="k.csv", format=None, owner=None,
        deck=first.deck, retire_missing=True,
    )  # fmt: skip
    assert (result.added, result.updated, result.retired) == (0, 1, 0)
    assert list(first.deck.cards.values_list("pk", flat=True)) == [card.pk]


def test_reimporting_keeps_the_picture_the_teacher_added_in_the_admin():
    csv = b"front,back\nWelk werelddeel?,Europa\n"
    _, first = deck_import(data=csv, filename="k.csv", format=None, owner=None, deck=None)
    card = first.deck.cards.get()
    card_image_set(card=card, side="front", name="kaart.png", data=png(), limits=ImportLimits())
    deck_import(
        data=csv.replace(b"Europa", b"Europa!"), filename="k.csv", format=None, owner=None,
        deck=first.deck,
    )  # fmt: skip
    card.refresh_from_db()
    assert card.back == "Europa!"
    assert media_hashes(card.front) == [sha(png())]


def test_a_removed_picture_is_no_longer_the_decks_nor_exported(card, tmp_path):
    card_image_set(card=card, side="front", name="oud.png", data=png(4, 4), limits=ImportLimits())
    card_image_remove(card=card, side="front")
    assert card.deck.media.count() == 0
    anki_files, _ = anki_media_of(deck_to_apkg(card.deck), tmp_path)
    assert anki_files == {}


def test_a_replaced_picture_another_card_still_shows_stays(card):
    card_image_set(card=card, side="front", name="oud.png", data=png(4, 4), limits=ImportLimits())
    card.refresh_from_db()
    make_card(card.deck, front="Ander", back=card.front)
    card_image_set(card=card, side="front", name="nieuw.png", data=png(8, 8), limits=ImportLimits())
    assert sorted(card.deck.media.values_list("name", flat=True)) == ["nieuw.png", "oud.png"]


def test_a_csv_export_imported_as_a_copy_by_its_teacher_keeps_the_pictures(package):
    teacher = make_teacher()
    original = import_package(package)
    original.owner = teacher
    original.save()
    _, copy = deck_import(
        data=deck_to_csv(original), filename="copy.csv", format=None, owner=teacher, deck=None,
        new_title="Kopie",
    )  # fmt: skip
    assert set(copy.deck.media.values_list("sha256", flat=True)) == set(
        original.media.values_list("sha256", flat=True)
    )


def test_a_file_in_a_deck_the_importer_does_not_edit_is_not_given_to_the_copy(package):
    original = import_package(package)  # nobody's deck
    _, copy = deck_import(
        data=deck_to_csv(original), filename="copy.csv", format=None, owner=make_teacher(),
        deck=None, new_title="Kopie",
    )  # fmt: skip
    assert copy.deck.media.count() == 0


def test_a_file_another_failed_import_took_back_is_restored_when_this_one_commits(
    package, files, django_capture_on_commit_callbacks
):
    picture = media_storage_name(sha(files["kaart.png"]), "png")
    default_storage.save(picture, ContentFile(files["kaart.png"]))  # the other import's
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_package(package)
    default_storage.delete(picture)  # the other import failed and removed its file
    for callback in callbacks:
        callback()
    with default_storage.open(picture) as stored:
        assert stored.read() == files["kaart.png"]
