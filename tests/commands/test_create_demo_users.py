from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

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
