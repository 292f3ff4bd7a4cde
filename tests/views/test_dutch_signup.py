"""Dutch sign-up speaks to the student as "je" throughout and calls itself "Account maken"."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

pytestmark = pytest.mark.django_db

DUTCH = {"accept-language": "nl"}
# "u" and "uw" as words: Django's own Dutch for its password rules uses them.
FORMAL = re.compile(r"\b(?:[Uu]w|u)\b")


@pytest.fixture(autouse=True)
def english_after_each_test():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_dutch_sign_up_page_says_je_never_u(client):
    text = strip_tags(client.get(reverse("signup"), headers=DUTCH).text)
    assert "Je wachtwoord" in text
    assert not FORMAL.findall(text)


def test_the_dutch_password_rules_errors_say_je(client):
    response = client.post(
        reverse("signup"),
        {"username": "noor", "password1": "12345", "password2": "12345"},
        headers=DUTCH,
    )
    text = strip_tags(response.text)
    assert "Dit wachtwoord is te kort" in text
    assert not FORMAL.findall(text)


def test_sign_up_is_account_maken_in_dutch(client):
    html = client.get(reverse("login"), headers=DUTCH).text
    assert "Account maken" in html
    assert "Aanmelden" not in html


def test_the_dutch_password_change_page_says_je(client, student):
    client.force_login(student)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
        headers=DUTCH,
    )
    text = strip_tags(response.text)
    assert "Je oude wachtwoord klopt niet" in text
    assert not FORMAL.findall(text)
