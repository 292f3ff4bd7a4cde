from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from decks.selectors import decks_for

pytestmark = pytest.mark.django_db


def test_demo_users_can_log_in_with_the_printed_passwords():
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    assert "password: stamp-student" in out.getvalue()
    assert User.objects.get(username="student").check_password("stamp-student")
    teacher = User.objects.get(username="teacher")
    assert teacher.check_password("stamp-teacher")
    assert teacher.is_staff
    assert teacher.has_perm("decks.change_card")


def test_the_demo_student_cannot_use_the_admin():
    call_command("create_demo_users", stdout=StringIO())
    assert not User.objects.get(username="student").is_staff


def test_the_demo_student_can_study_the_seed_decks_through_the_demo_class():
    call_command("seed_decks", stdout=StringIO())
    call_command("create_demo_users", stdout=StringIO())
    assert decks_for(User.objects.get(username="student")).count() == 3
