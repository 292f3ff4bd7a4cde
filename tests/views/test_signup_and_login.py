"""Sign-up, log-in and log-out through the site's own pages."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signing_up_logs_the_new_student_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "noor",
            "first_name": "Noor",
            "password1": "een-lang-wachtwoord",
            "password2": "een-lang-wachtwoord",
        },
        follow=True,
    )
    assert response.context["user"].username == "noor"
    assert User.objects.filter(username="noor").exists()


def test_signing_up_with_mismatched_passwords_says_so(client):
    response = client.post(
        reverse("signup"),
        {"username": "noor", "password1": "een-lang-wachtwoord", "password2": "iets-anders-123"},
    )
    assert b"didn" in response.content  # "The two password fields didn't match."
    assert not User.objects.filter(username="noor").exists()


def test_logging_in_leads_to_my_decks(client, student):
    response = client.post(
        reverse("login"), {"username": "sam", "password": "pass-word-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"My decks" in response.content


def test_logging_out_takes_a_post(client, student):
    client.force_login(student)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session
