"""A way back into an account: password and e-mail change, and a teacher's reset link."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.urls import reverse

from tests.conftest import make_class, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, student):
    client.force_login(student)
    return student


def test_the_account_page_offers_password_and_email_change(client, logged_in):
    page = client.get(reverse("account")).content.decode()
    assert reverse("password_change") in page
    assert f'action="{reverse("account_email")}"' in page


def test_a_student_changes_their_password_and_stays_logged_in(client, logged_in):
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pass-word-123",
            "new_password1": "een-nieuw-wachtwoord",
            "new_password2": "een-nieuw-wachtwoord",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("account")
    assert User.objects.get(pk=logged_in.pk).check_password("een-nieuw-wachtwoord")
    assert response.context["user"].is_authenticated


def test_a_wrong_old_password_changes_nothing(client, logged_in):
    client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "een-nieuw-wachtwoord",
            "new_password2": "een-nieuw-wachtwoord",
        },
    )
    assert User.objects.get(pk=logged_in.pk).check_password("pass-word-123")


def test_a_student_sets_an_email_address_with_their_password(client, logged_in):
    client.post(reverse("account_email"), {"email": "sam@example.org", "password": "pass-word-123"})
    assert User.objects.get(pk=logged_in.pk).email == "sam@example.org"


def test_the_email_address_needs_the_current_password(client, logged_in):
    response = client.post(reverse("account_email"), {"email": "x@example.org", "password": "no"})
    assert response.status_code == 400
    assert User.objects.get(pk=logged_in.pk).email == ""


@pytest.fixture
def teacher_of(client, student):
    teacher = make_user("tess")
    classroom = make_class("Klas 4B", students=[student], teachers=[teacher])
    client.force_login(teacher)
    return classroom


def _reset_url(classroom, student):
    return reverse("class_student_password_reset", args=[classroom.pk, student.pk])


def test_a_teacher_makes_a_one_time_link_that_sets_a_students_password(client, student, teacher_of):
    response = client.post(_reset_url(teacher_of, student))
    link = response.context["reset_url"]
    assert link in response.content.decode()
    client.logout()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "terug-naar-binnen", "new_password2": "terug-naar-binnen"}
    )
    assert User.objects.get(pk=student.pk).check_password("terug-naar-binnen")
    # Once used, the link is spent.
    assert not client.get(link, follow=True).context["validlink"]


def test_a_reset_link_is_logged_in_the_students_history(client, student, teacher_of):
    client.post(_reset_url(teacher_of, student))
    (entry,) = LogEntry.objects.all()
    assert entry.object_id == str(student.pk)
    assert entry.user.username == "tess"


def test_a_teacher_of_another_class_cannot_reset_the_password(client, student, teacher_of):
    client.force_login(make_user("otto"))
    make_class("Andere klas", teachers=[User.objects.get(username="otto")])
    assert client.post(_reset_url(teacher_of, student)).status_code == 404
    assert not LogEntry.objects.exists()


def test_a_student_cannot_reset_a_classmates_password(client, student, teacher_of):
    classmate = make_user("kim")
    teacher_of.students.add(classmate)
    client.force_login(classmate)
    assert client.post(_reset_url(teacher_of, student)).status_code == 404


def test_a_staff_member_sitting_in_the_class_is_not_reset_by_its_teacher(client, teacher_of):
    admin = make_user("root", is_staff=True)
    teacher_of.students.add(admin)
    response = client.post(_reset_url(teacher_of, admin), follow=True)
    assert "reset_url" not in response.context
    assert not LogEntry.objects.exists()
