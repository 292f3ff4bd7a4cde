"""Nobody where they don't belong: every object URL x every role x GET and POST.

The objects all belong to student A, teacher A and class A. Each role that has no
business with them tries every URL, reading and writing; none may see a page of it
(status 200) or change anything in the database.
"""

import hashlib
import uuid
from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse

from decks.models import (
    Card,
    CardState,
    Classroom,
    ClassTest,
    DailyActivity,
    Deck,
    DeckSettings,
    ImportUpload,
    Media,
    Membership,
    Practice,
    PracticeQuestion,
    ReviewLog,
)
from decks.services.practice import class_test_create, practice_start
from decks.services.teachers import TEACHERS_GROUP, teachers_group_ensure
from tests.conftest import answer_card, make_class, make_deck, make_media, make_user
from tests.importers.packages import make_zip
from tests.media_samples import mp3, png

pytestmark = pytest.mark.django_db

MODELS = [Deck, Card, CardState, ReviewLog, Classroom, Membership, ImportUpload, DailyActivity,
          DeckSettings, Media, Practice, PracticeQuestion, ClassTest]  # fmt: skip


def fingerprint() -> str:
    digest = hashlib.sha256()
    for model in MODELS:
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def world():
    teachers_group_ensure()
    teachers = Group.objects.get(name=TEACHERS_GROUP)
    teacher_a = make_user("teacher-a", is_staff=True)
    teacher_b = make_user("teacher-b", is_staff=True)
    teachers.user_set.add(teacher_a, teacher_b)
    student_a, student_b = make_user("student-a"), make_user("student-b")
    staff = make_user("staff", is_staff=True)
    deck_a = make_deck("Deck A", cards=2, owner=teacher_a)
    deck_b = make_deck("Deck B", cards=1, owner=teacher_b)
    class_a = make_class("Class A", students=[student_a], teachers=[teacher_a], decks=[deck_a])
    make_class("Class B", students=[student_b], teachers=[teacher_b], decks=[deck_b])
    card_a = deck_a.cards.first()
    log = answer_card(student=student_a, card=card_a, rating=4, seen_reviews=0).log
    upload = ImportUpload.objects.create(
        uploaded_by=teacher_a, filename="a.csv", data=b"front,back\nx,y\n", new_deck_title="New"
    )
    picture_a = make_media(deck_a, data=png(5, 5))
    sound_a = make_media(deck_a, data=mp3(), name="a.mp3")
    preview_picture = png(6, 6)
    preview_sha256 = hashlib.sha256(preview_picture).hexdigest()
    ImportUpload.objects.create(
        uploaded_by=teacher_a,
        filename="a.apkg",
        data=make_zip({"0": preview_picture}),
        media_members={preview_sha256: "0"},
    )
    practice_a = practice_start(student=student_a, deck=deck_a, way="typed", order="all")
    class_test_a = class_test_create(
        classroom=class_a, teacher=teacher_a, title="Week 1", decks=[deck_a], question_count=2,
        opens_on=date(2000, 1, 1), closes_on=date(2099, 1, 1),
    )  # fmt: skip
    targets = [
        ("practice", [practice_a.pk], {}),
        ("practice_answer", [practice_a.pk], {"position": 1, "given": "x"}),
        ("practice_start", [deck_a.slug], {"way": "typed", "order": "all"}),
        ("deck_test_start", [deck_a.slug], {"count": 2}),
        ("class_test_start", [class_a.pk], {"count": 2}),
        ("class_test_start", [class_a.pk], {"class_test": class_test_a.pk}),
        ("class_tests", [class_a.pk], {}),
        (
            "class_test_new",
            [class_a.pk],
            {
                "title": "T",
                "decks": [deck_a.pk],
                "question_count": 2,
                "opens_on": "2099-01-01",
                "closes_on": "2099-01-02",
            },
        ),
        ("media_file", [picture_a.sha256, "png"], {}),
        ("media_file", [sound_a.sha256, "mp3"], {}),
        ("media_file", [preview_sha256, "png"], {}),
        ("deck_detail", [deck_a.slug], {}),
        ("study", [deck_a.slug], {}),
        ("study_answer", [deck_a.slug], {"card": card_a.pk, "rating": 5, "seen": 1}),
        ("study_answer", [deck_b.slug], {"card": card_a.pk, "rating": 5, "seen": 1}),
        ("study_undo", [deck_a.slug], {"log": log.pk}),
        ("study_undo", [deck_b.slug], {"log": log.pk}),
        ("deck_options", [deck_a.slug], {"new_per_day": 1}),
        ("deck_export_csv", [deck_a.slug], {}),
        ("deck_export_apkg", [deck_a.slug], {}),
        ("deck_statistics", [deck_a.slug], {}),
        ("class_detail", [class_a.pk], {}),
        ("class_leave", [class_a.pk], {}),
        ("class_update", [class_a.pk], {"action": "regenerate"}),
        ("class_update", [class_a.pk], {"name": "Taken", "join_enabled": ""}),
        ("leaderboard", [class_a.pk], {}),
        ("class_progress", [class_a.pk], {}),
        ("class_progress", [class_a.pk], {"format": "csv"}),
        ("class_items", [class_a.pk], {}),
        ("admin:decks_deck_change", [deck_a.pk], {"title": "Taken", "slug": "taken"}),
        ("admin:decks_deck_delete", [deck_a.pk], {"post": "yes"}),
        ("admin:decks_card_change", [card_a.pk], {"front": "Taken", "back": "x"}),
        ("admin:decks_card_delete", [card_a.pk], {"post": "yes"}),
        ("admin:decks_classroom_change", [class_a.pk], {"name": "Taken"}),
        ("admin:decks_classroom_delete", [class_a.pk], {"post": "yes"}),
        ("admin:decks_deck_import_confirm", [upload.pk], {}),
        ("admin:decks_cardstate_changelist", [], {}),
        ("admin:decks_reviewlog_changelist", [], {}),
        ("admin:auth_user_changelist", [], {}),
    ]
    outsiders = {
        "anonymous": None,
        "another student": student_b,
        "teacher of another class": teacher_b,
        "staff without teacher rights": staff,
    }
    return {"targets": targets, "outsiders": outsiders, "student_a": student_a}


def url_of(name: str, args: list) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def test_no_outsider_reaches_or_changes_what_is_not_theirs(world):
    tried, violations = 0, []
    for role, user in world["outsiders"].items():
        client = Client()
        if user is not None:
            client.force_login(user)
        for name, args, data in world["targets"]:
            url = url_of(name, args)
            if url is None:
                continue
            for method in ("get", "post"):
                before = fingerprint()
                response = getattr(client, method)(url, data if method == "post" else None)
                tried += 1
                if response.status_code == 200 or fingerprint() != before:
                    violations.append(f"{role} {method.upper()} {url}: {response.status_code}")
    print(f"access matrix: {tried} requests tried, {len(violations)} violations")
    assert tried >= 180
    assert violations == []


def test_the_owner_does_reach_their_own_pages(world, client):
    """The matrix proves something only if the same URLs work for those they belong to."""
    client.force_login(world["student_a"])
    for name, args, _ in world["targets"]:
        if name in {"deck_detail", "study", "class_detail", "leaderboard", "practice"}:
            assert client.get(url_of(name, args)).status_code == 200, name
    media = Media.objects.filter(deck__title="Deck A")
    assert media.count() == 2
    for row in media:
        address = reverse("media_file", args=[row.sha256, row.file.name.rsplit(".", 1)[1]])
        assert client.get(address).status_code == 200, address


def test_the_demo_data_has_no_superuser_to_abuse():
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from django.contrib.auth.models import User

    assert not User.objects.filter(is_superuser=True).exists()


def test_an_unknown_upload_id_is_not_found_for_its_own_teacher_either(world):
    teacher = make_user("teacher-c", is_staff=True)
    Group.objects.get(name=TEACHERS_GROUP).user_set.add(teacher)
    client = Client()
    client.force_login(teacher)
    url = reverse("admin:decks_deck_import_confirm", args=[uuid.uuid4()])
    assert client.post(url).status_code == 404
