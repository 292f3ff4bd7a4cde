"""Log-in, sign-up and a forgotten password: each error once, where it belongs."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from tests.conftest import make_user, run_manage

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "Please enter a correct username and password"


def test_a_wrong_password_is_reported_once(client):
    make_user("noor")
    response = client.post(reverse("login"), {"username": "noor", "password": "wrong-one"})
    assert response.content.decode().count(WRONG_PASSWORD) == 1


def signup(client, password1, password2):
    return client.post(
        reverse("signup"),
        {"username": "noor", "password1": password1, "password2": password2},
    )


def test_a_too_common_password_is_reported_under_the_password_field(client):
    response = signup(client, "password", "password")
    form = response.context["form"]
    assert "password1" in form.errors
    assert "password2" not in form.errors
    html = response.content.decode()
    error = html.index("This password is too common")
    assert html.index('for="id_password1"') < error < html.index('for="id_password2"')


def test_two_different_passwords_are_reported_under_the_confirmation(client):
    response = signup(client, "een-lang-wachtwoord-7", "een-ander-wachtwoord-8")
    assert list(response.context["form"].errors) == ["password2"]


def test_the_login_page_links_to_a_forgotten_password(client):
    response = client.get(reverse("login"))
    assert reverse("password_reset").encode() in response.content


def test_a_forgotten_password_is_reset_through_a_mailed_link(client):
    make_user("noor", email="noor@example.org")

    response = client.post(reverse("password_reset"), {"email": "noor@example.org"})
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "nieuw-wachtwoord-42", "new_password2": "nieuw-wachtwoord-42"},
        follow=True,
    )
    assert b"Password changed" in done.content
    assert User.objects.get(username="noor").check_password("nieuw-wachtwoord-42")


def test_the_reset_pages_are_stamps_own(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        response = client.get(reverse(name))
        assert b"auth-form" in response.content, name


def test_in_development_mail_goes_to_the_console_unless_the_environment_names_a_backend():
    code = "from django.conf import settings; print(settings.MAILERS['default']['BACKEND'])"
    default = run_manage("shell", "--no-imports", "-c", code, env={})
    assert default.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    chosen = run_manage("shell", "--no-imports", "-c", code, env={"EMAIL_BACKEND": smtp})
    assert chosen.stdout.strip() == smtp


def test_the_password_reset_mail_is_signed_by_stamp_not_the_host_name(client, mailoutbox):
    make_user("noor", email="noor@example.org")

    client.post(reverse("password_reset"), {"email": "noor@example.org"})

    assert "The Stamp team" in mailoutbox[0].body
    assert "testserver team" not in mailoutbox[0].body
