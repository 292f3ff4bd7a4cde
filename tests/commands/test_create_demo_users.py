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


def test_the_printed_log_in_address_is_the_host_the_app_runs_on(monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0:8125")
    out = StringIO()
    call_command("create_demo_users", stdout=out)
    assert "http://0.0.0.0:8125/accounts/login/" in out.getvalue()
    assert "8000" not in out.getvalue()


def test_the_host_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("HOST", "0.0.0.0:8125")
    out = StringIO()
    call_command("create_demo_users", "--host", "stamp.local:9000", stdout=out)
    assert "http://stamp.local:9000/accounts/login/" in out.getvalue()
