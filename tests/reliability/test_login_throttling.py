import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def log_in(client, password: str, username: str = "sam"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failed_log_ins_lock_the_username_from_that_address_with_429(client):
    make_user("sam")
    for _ in range(5):
        assert log_in(client, "wrong").status_code in (200, 429)
    response = log_in(client, "pass-word-123")
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content


def test_four_failures_still_let_the_right_password_in(client):
    make_user("sam")
    for _ in range(4):
        log_in(client, "wrong")
    assert log_in(client, "pass-word-123").status_code == 302


def test_a_lockout_of_one_username_does_not_lock_another(client):
    make_user("sam")
    make_user("kim")
    for _ in range(5):
        log_in(client, "wrong")
    assert log_in(client, "pass-word-123", username="kim").status_code == 302


def test_logging_in_gives_a_new_session_key(client):
    make_user("sam")
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    log_in(client, "pass-word-123")
    assert client.cookies["sessionid"].value != (before.value if before else None)


def test_a_username_longer_than_any_account_is_refused_before_authenticating(client):
    response = log_in(client, "wrong", username="x" * 300)
    assert response.status_code == 200
    assert "at most 150 characters (it has 300)" in response.content.decode()
    assert not AccessAttempt.objects.exists()  # the lockout table was never asked to store it


def test_the_fifth_wrong_password_is_answered_with_the_lockout(client):
    make_user("sam")

    answers = [log_in(client, "wrong").status_code for _ in range(5)]

    assert answers == [200, 200, 200, 200, 429]
