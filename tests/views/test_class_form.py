"""The teacher's class form and the two class actions that cannot be undone in one click."""

from datetime import timedelta

import pytest
from django.urls import reverse

from decks.forms_classes import ClassForm
from decks.models import Classroom
from decks.services.clock import today_for_study
from decks.services.teachers import teachers_group_ensure
from tests.conftest import make_class, make_deck, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def classroom(student):
    teacher = make_user("tess", first_name="Tess")
    deck = make_deck("Klant centraal", cards=2, owner=teacher)
    return make_class(
        "Klas 1A", students=[student], decks=[deck], teachers=[teacher], join_code="KLAS1AAA"
    )


def settings_form(classroom: Classroom, **changes) -> dict:
    fields = {
        "name": classroom.name,
        "decks": [deck.pk for deck in classroom.decks.all()],
        "exam_date": "",
        "join_enabled": "on" if classroom.join_enabled else "",
    }
    return {key: value for key, value in {**fields, **changes}.items() if value != ""}


def test_the_join_help_of_an_open_class_says_it_is_on():
    form = ClassForm(instance=make_class(join_enabled=True))

    assert str(form.fields["join_enabled"].help_text).startswith("On: anyone with the code")


def test_the_join_help_of_a_closed_class_says_it_is_off():
    form = ClassForm(instance=make_class(join_enabled=False))

    assert str(form.fields["join_enabled"].help_text).startswith("Off: nobody can join")


def test_a_new_class_starts_open_and_its_help_says_so():
    form = ClassForm()

    assert form.fields["join_enabled"].initial is not False
    assert str(form.fields["join_enabled"].help_text).startswith("On:")


def test_a_past_exam_date_is_refused_with_a_clear_message(client, classroom):
    client.force_login(classroom.teachers.get())
    yesterday = today_for_study() - timedelta(days=1)

    response = client.post(
        reverse("class_update", args=[classroom.pk]),
        settings_form(classroom, exam_date=yesterday.isoformat()),
    )

    classroom.refresh_from_db()
    assert classroom.exam_date is None
    assert "is in the past: pick the exam date from today on." in response.text
    assert f'value="{yesterday.isoformat()}"' in response.text  # what was typed stays


def test_a_new_class_with_a_past_exam_is_refused(client, classroom):
    teacher = classroom.teachers.get()
    teacher.groups.add(teachers_group_ensure())
    client.force_login(teacher)

    response = client.post(
        reverse("teach"), {"name": "Klas 2B", "exam_date": "2020-06-01", "join_enabled": "on"}
    )

    assert not Classroom.objects.filter(name="Klas 2B").exists()
    assert "is in the past" in response.text


def test_an_exam_today_is_accepted(client, classroom):
    client.force_login(classroom.teachers.get())
    today = today_for_study()

    client.post(
        reverse("class_update", args=[classroom.pk]),
        settings_form(classroom, exam_date=today.isoformat()),
    )

    classroom.refresh_from_db()
    assert classroom.exam_date == today


def test_a_class_whose_exam_has_passed_can_still_be_renamed(client, classroom):
    past = today_for_study() - timedelta(days=30)
    Classroom.objects.filter(pk=classroom.pk).update(exam_date=past)
    client.force_login(classroom.teachers.get())

    client.post(
        reverse("class_update", args=[classroom.pk]),
        settings_form(classroom, name="Klas 1A (oud)", exam_date=past.isoformat()),
    )

    classroom.refresh_from_db()
    assert classroom.name == "Klas 1A (oud)"


def test_make_a_new_code_asks_first_and_keeps_the_old_code_until_confirmed(client, classroom):
    client.force_login(classroom.teachers.get())

    response = client.post(reverse("class_update", args=[classroom.pk]), {"action": "regenerate"})

    classroom.refresh_from_db()
    assert classroom.join_code == "KLAS1AAA"
    assert "Make a new code?" in response.text
    assert "<code>KLAS1AAA</code> and its join link stop working" in response.text
    assert 'name="confirm" value="yes"' in response.text


def test_confirming_makes_the_new_code(client, classroom):
    client.force_login(classroom.teachers.get())

    client.post(
        reverse("class_update", args=[classroom.pk]), {"action": "regenerate", "confirm": "yes"}
    )

    classroom.refresh_from_db()
    assert classroom.join_code != "KLAS1AAA"


def test_leave_class_asks_first_and_keeps_the_student_until_confirmed(client, student, classroom):
    client.force_login(student)

    response = client.post(reverse("class_leave", args=[classroom.pk]))

    assert classroom.students.filter(pk=student.pk).exists()
    assert "Leave Klas 1A?" in response.text
    assert "Your progress is kept" in response.text


def test_confirming_leave_takes_the_student_out(client, student, classroom):
    client.force_login(student)

    client.post(reverse("class_leave", args=[classroom.pk]), {"confirm": "yes"})

    assert not classroom.students.filter(pk=student.pk).exists()
