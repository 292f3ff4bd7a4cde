"""The teacher's class form and the two class actions that cannot be undone in one click."""

from datetime import timedelta

import pytest
from django.urls import reverse

from decks.forms_classes import ClassForm
from decks.models import Classroom
from decks.services.clock import today_for_study
from decks.services.teachers import teachers_group_ensure
from tests.conftest import make_class

pytestmark = pytest.mark.django_db


def settings_form(classroom: Classroom, **changes) -> dict:
    fields = {
        "name": classroom.name,
        "decks": [deck.pk for deck in classroom.decks.all()],
        "exam_date": "",
        "join_enabled": "on" if classroom.join_enabled else "",
    }
    return {key: value for key, value in {**fields, **changes}.items() if value != ""}


@pytest.mark.parametrize("open_now", [True, False])
def test_the_join_help_says_what_ticked_and_unticked_mean_whatever_the_box_shows(open_now):
    # The box can be changed before saving: a help that described the saved state
    # contradicted the box as soon as the teacher clicked it.
    form = ClassForm(instance=make_class(join_enabled=open_now))

    help_text = str(form.fields["join_enabled"].help_text)
    assert help_text.startswith("Ticked: anyone with the code or the join link can join.")
    assert "Unticked: nobody can join" in help_text


def test_a_new_class_starts_open():
    assert ClassForm().fields["join_enabled"].initial is not False


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
