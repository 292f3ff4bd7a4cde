from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from decks.selectors import decks_for

pytestmark = pytest.mark.django_db


def test_demo_users_can_log_in_with_the_printed_passwords():
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    assert "password: stamp-student" in out.getvalue()
    assert authenticate(username="student", password="stamp-student") is not None
    teacher = authenticate(username="teacher", password="stamp-teacher")
    assert teacher.is_staff
    assert teacher.has_perm("decks.change_card")


def test_the_demo_student_cannot_use_the_admin():
    call_command("create_demo_users", stdout=StringIO())
    assert not authenticate(username="student", password="stamp-student").is_staff


def test_the_demo_student_can_study_the_seed_decks_through_the_demo_class():
    call_command("seed_decks", stdout=StringIO())
    call_command("create_demo_users", stdout=StringIO())
    student = authenticate(username="student", password="stamp-student")
    assert decks_for(student).count() == 5
