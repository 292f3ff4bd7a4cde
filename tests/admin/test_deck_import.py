import io
import zipfile

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from decks.models import Card, Deck, ImportUpload
from decks.services.classes import class_create
from decks.services.teachers import TEACHERS_GROUP
from tests.admin.conftest import CSV, upload
from tests.conftest import answer_card, enroll, make_card, make_deck, make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher_client(client):
    client.force_login(make_teacher())
    return client


def test_the_deck_list_offers_an_import_action(teacher_client):
    response = teacher_client.get(reverse("admin:decks_deck_changelist"))
    assert reverse("admin:decks_deck_import").encode() in response.content


def test_the_preview_shows_what_will_be_created_and_writes_nothing(teacher_client):
    response = upload(teacher_client, new_deck_title="Woorden")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["plan"].added[0].front == "De fiets"
    assert "Cards to add</th><td>2" in html
    assert "The bicycle" in html
    assert not Deck.objects.exists()


def test_confirming_the_preview_writes_every_card(teacher_client):
    upload(teacher_client, new_deck_title="Woorden")
    pending = ImportUpload.objects.get()
    response = teacher_client.post(reverse("admin:decks_deck_import_confirm", args=[pending.pk]))
    deck = Deck.objects.get(title="Woorden")
    assert response.status_code == 302
    assert deck.cards.count() == 2
    assert deck.owner.username == "tess"
    assert not ImportUpload.objects.exists()


def test_a_file_with_errors_shows_them_with_their_line_and_cannot_be_confirmed(teacher_client):
    response = upload(teacher_client, data=b"front,back\nDe fiets,\n", name="kapot.csv")
    html = response.content.decode()
    assert "kapot.csv, line 2" in html
    assert "Confirm import" not in html
    assert not ImportUpload.objects.exists()
    assert not Deck.objects.exists()


def test_a_teacher_cannot_import_into_another_teachers_deck(teacher_client):
    other = make_deck(owner=make_teacher("otto"))
    response = upload(teacher_client, deck=other.pk)
    assert "deck" in response.context["form"].errors
    assert not ImportUpload.objects.exists()


def test_a_teacher_sees_only_their_own_and_shared_decks(teacher_client):
    tess = teacher_client.session["_auth_user_id"]
    own = make_deck("Mine", owner_id=tess)
    shared = make_deck("Shared")
    shared.editors.add(tess)
    make_deck("Someone else's", owner=make_teacher("otto"))
    response = teacher_client.get(reverse("admin:decks_deck_changelist"))
    assert set(response.context["cl"].queryset) == {own, shared}


def test_a_teacher_cannot_open_another_teachers_card(teacher_client):
    card = make_card(make_deck(owner=make_teacher("otto")))
    response = teacher_client.get(reverse("admin:decks_card_change", args=[card.pk]))
    assert response.status_code == 302  # the admin sends unknown objects back to the list


def test_a_teacher_has_no_access_to_users(teacher_client):
    assert teacher_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_students_never_reach_the_admin_import(client):
    client.force_login(make_user("sam"))
    response = client.get(reverse("admin:decks_deck_import"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_someone_elses_pending_upload_cannot_be_confirmed(teacher_client):
    upload(teacher_client, new_deck_title="Woorden")
    pending = ImportUpload.objects.get()
    teacher_client.force_login(make_teacher("otto"))
    response = teacher_client.post(reverse("admin:decks_deck_import_confirm", args=[pending.pk]))
    assert response.status_code == 404
    assert not Card.objects.exists()


def test_the_admin_exports_a_deck_as_csv(teacher_client):
    tess = teacher_client.session["_auth_user_id"]
    deck = make_deck("Mine", owner_id=tess)
    make_card(deck, front="De fiets", back="The bicycle")
    response = teacher_client.post(
        reverse("admin:decks_deck_changelist"),
        {"action": "export_csv", "_selected_action": [deck.pk]},
    )
    assert response["Content-Disposition"] == f'attachment; filename="{deck.slug}.csv"'
    assert "De fiets,The bicycle" in b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_admin_exports_several_decks_as_one_zip_of_their_files(teacher_client):
    tess = teacher_client.session["_auth_user_id"]
    decks = [make_deck(title, owner_id=tess) for title in ("Mine", "Ours")]
    make_card(decks[0], front="De fiets", back="The bicycle")
    response = teacher_client.post(
        reverse("admin:decks_deck_changelist"),
        {"action": "export_apkg", "_selected_action": [deck.pk for deck in decks]},
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(f"{deck.slug}.apkg" for deck in decks)
    package = zipfile.ZipFile(io.BytesIO(archive.read(f"{decks[0].slug}.apkg")))
    assert "collection.anki2" in package.namelist()


def test_card_text_typed_in_the_admin_is_sanitised(teacher_client):
    tess = teacher_client.session["_auth_user_id"]
    card = make_card(make_deck("Mine", owner_id=tess))
    teacher_client.post(
        reverse("admin:decks_card_change", args=[card.pk]),
        {"front": '<b onclick="x()">Vraag</b><script>alert(1)</script>', "back": "Antwoord",
         "position": 1, "tags": "", "key": card.key},
    )  # fmt: skip
    card.refresh_from_db()
    assert card.front == "<b>Vraag</b>"


def test_a_teacher_cannot_delete_a_card_students_have_studied(teacher_client, student):
    tess = teacher_client.session["_auth_user_id"]
    card = make_card(make_deck("Mine", owner_id=tess))
    enroll(student, card.deck)
    answer_card(student=student, card=card, rating=4, seen_reviews=0)
    teacher_client.post(reverse("admin:decks_card_delete", args=[card.pk]), {"post": "yes"})
    assert Card.objects.filter(pk=card.pk).exists()


def test_a_teacher_cannot_enrol_students_through_the_admin(teacher_client):
    from decks.admin import MembershipInline

    request = type("R", (), {"user": Group.objects.get(name=TEACHERS_GROUP).user_set.first()})()
    assert not MembershipInline.has_add_permission(None, request)


def test_the_same_upload_confirmed_twice_creates_one_deck(teacher_client):
    upload(teacher_client, new_deck_title="Woorden")
    pending = ImportUpload.objects.get()
    url = reverse("admin:decks_deck_import_confirm", args=[pending.pk])
    teacher_client.post(url)
    assert teacher_client.post(url).status_code == 404
    assert Deck.objects.filter(title__startswith="Woorden").count() == 1


def test_a_teacher_keeps_at_most_five_uploads_waiting_for_their_confirm(teacher_client):
    for number in range(7):
        upload(teacher_client, name=f"woorden-{number}.csv", new_deck_title=f"Woorden {number}")
    waiting = ImportUpload.objects.order_by("created_at").values_list("filename", flat=True)
    assert list(waiting) == [f"woorden-{number}.csv" for number in range(2, 7)]


def test_another_teachers_uploads_do_not_count_against_the_cap(teacher_client):
    other = make_teacher("otto")
    for number in range(5):
        ImportUpload.objects.create(uploaded_by=other, filename=f"otto-{number}.csv", data=CSV)
    upload(teacher_client, new_deck_title="Woorden")
    assert ImportUpload.objects.filter(uploaded_by=other).count() == 5


# --- importing a file again -------------------------------------------------------------


def test_the_preview_of_a_new_deck_says_a_deck_of_that_name_exists_and_offers_it(teacher_client):
    upload(teacher_client, new_deck_title="Woorden")
    teacher_client.post(
        reverse("admin:decks_deck_import_confirm", args=[ImportUpload.objects.get().pk])
    )
    deck = Deck.objects.get()

    response = upload(teacher_client)  # the file's own name: woorden
    html = response.content.decode()

    assert response.context["namesakes"] == [deck]
    assert "You already have a deck named “woorden”" in html
    pending = ImportUpload.objects.get()
    assert reverse("admin:decks_deck_import_into", args=[pending.pk, deck.pk]) in html


def test_the_preview_says_nothing_of_namesakes_when_the_title_is_new(teacher_client):
    make_deck(title="Iets anders", owner=None)

    response = upload(teacher_client, new_deck_title="Woorden")

    assert response.context["namesakes"] == []
    assert "import-namesakes" not in response.content.decode()


def test_another_teachers_deck_of_the_same_name_is_not_offered(teacher_client):
    make_deck(title="Woorden", owner=make_teacher("otto"))

    response = upload(teacher_client, new_deck_title="Woorden")

    assert response.context["namesakes"] == []


def test_adding_to_the_existing_deck_instead_updates_it_and_makes_no_second_deck(teacher_client):
    deck = make_deck(title="Woorden", owner=User.objects.get(username="tess"))
    make_card(deck, front="De fiets", back="The bike")
    upload(teacher_client, new_deck_title="woorden ")
    pending = ImportUpload.objects.get()

    preview = teacher_client.post(
        reverse("admin:decks_deck_import_into", args=[pending.pk, deck.pk])
    )
    teacher_client.post(reverse("admin:decks_deck_import_confirm", args=[pending.pk]))

    assert preview.context["plan"].deck == deck
    assert len(preview.context["plan"].updated) == 1
    assert Deck.objects.count() == 1
    assert sorted(deck.cards.values_list("back", flat=True)) == ["The bicycle", "The ice cream"]


def test_an_upload_cannot_be_turned_into_another_teachers_deck(teacher_client):
    other = make_deck(title="Woorden", owner=make_teacher("otto"))
    upload(teacher_client, new_deck_title="Woorden")
    pending = ImportUpload.objects.get()

    response = teacher_client.post(
        reverse("admin:decks_deck_import_into", args=[pending.pk, other.pk])
    )

    assert response.status_code == 404


# --- the import's last page: getting the deck to students -------------------------------


def confirm_new_deck(client) -> tuple[Deck, object]:
    upload(client, new_deck_title="Woorden")
    response = client.post(
        reverse("admin:decks_deck_import_confirm", args=[ImportUpload.objects.get().pk]),
        follow=True,
    )
    return Deck.objects.get(title="Woorden"), response


def test_the_import_ends_on_a_page_that_says_no_student_sees_the_deck_yet(teacher_client):
    tess = User.objects.get(username="tess")
    class_create(teacher=tess, name="Klas 1A")

    deck, response = confirm_new_deck(teacher_client)
    html = response.content.decode()

    assert response.redirect_chain[-1][0] == reverse("admin:decks_deck_import_done", args=[deck.pk])
    assert "No student sees this deck yet" in html
    assert "Klas 1A" in html
    assert "2 added" in html


def test_ticking_a_class_on_the_last_page_puts_the_deck_in_it(teacher_client):
    tess = User.objects.get(username="tess")
    klas, other = class_create(teacher=tess, name="Klas 1A"), class_create(teacher=tess, name="2B")
    deck, _ = confirm_new_deck(teacher_client)

    response = teacher_client.post(
        reverse("admin:decks_deck_import_done", args=[deck.pk]), {"classes": [klas.pk]}, follow=True
    )

    assert list(klas.decks.all()) == [deck]
    assert not other.decks.exists()
    assert "is now in Klas 1A" in response.content.decode()


def test_a_class_of_another_teacher_cannot_be_ticked(teacher_client):
    theirs = class_create(teacher=make_teacher("otto"), name="Otto's klas")
    deck, _ = confirm_new_deck(teacher_client)

    teacher_client.post(
        reverse("admin:decks_deck_import_done", args=[deck.pk]), {"classes": [theirs.pk]}
    )

    assert not theirs.decks.exists()


def test_a_teacher_without_classes_is_told_to_make_one(teacher_client):
    _, response = confirm_new_deck(teacher_client)

    assert reverse("teach") in response.content.decode()
