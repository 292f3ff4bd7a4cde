"""A class's join link works for a visitor who is not logged in yet, and for a member."""

import pytest
from django.urls import reverse

from tests.conftest import make_class, make_deck, make_user

pytestmark = pytest.mark.django_db

CODE = "KLAS1AAA"
JOIN_URL = f"/classes/join/{CODE}/"


@pytest.fixture
def classroom():
    return make_class("Klas 1A", decks=[make_deck("Klant centraal", cards=1)], join_code=CODE)


def test_logging_in_from_a_join_link_lands_in_the_class_joined(client, classroom):
    make_user("noor")
    login_page = client.get(JOIN_URL, follow=True)
    assert login_page.context["next"] == JOIN_URL

    response = client.post(
        reverse("login"),
        {"username": "noor", "password": "pass-word-123", "next": JOIN_URL},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == classroom.get_absolute_url()
    assert classroom.students.filter(username="noor").exists()
    assert b"You joined Klas 1A" in response.content


def test_the_login_page_of_a_join_link_offers_sign_up_with_the_link(client, classroom):
    response = client.get(JOIN_URL, follow=True)
    assert b'href="/accounts/signup/?next=%2Fclasses%2Fjoin%2FKLAS1AAA%2F"' in response.content


def test_signing_up_from_a_join_link_lands_in_the_class_joined(client, classroom):
    client.get(JOIN_URL)
    signup_page = client.get(reverse("signup"), {"next": JOIN_URL})
    assert f'name="next" value="{JOIN_URL}"'.encode() in signup_page.content

    response = client.post(
        reverse("signup"),
        {
            "username": "noor",
            "password1": "een-lang-wachtwoord-7",
            "password2": "een-lang-wachtwoord-7",
            "next": JOIN_URL,
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == classroom.get_absolute_url()
    assert classroom.students.filter(username="noor").exists()


def test_sign_up_ignores_a_next_on_another_site(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "noor",
            "password1": "een-lang-wachtwoord-7",
            "password2": "een-lang-wachtwoord-7",
            "next": "https://example.com/",
        },
    )
    assert response["Location"] == reverse("home")


def test_a_member_opening_the_join_link_is_told_they_are_already_in(client, classroom):
    student = make_user("noor")
    classroom.students.add(student)
    client.force_login(student)

    response = client.get(JOIN_URL, follow=True)

    assert response.redirect_chain[-1][0] == classroom.get_absolute_url()
    assert b"You are already in Klas 1A" in response.content


def test_a_member_sending_the_code_again_is_told_they_are_already_in(client, classroom):
    student = make_user("noor")
    classroom.students.add(student)
    client.force_login(student)

    response = client.post(reverse("class_join"), {"code": CODE}, follow=True)

    assert b"You are already in Klas 1A" in response.content


def test_a_logged_in_student_opening_a_join_link_still_confirms_with_the_button(client, classroom):
    # Only a link opened before logging in joins on arrival; otherwise a page could
    # join a student to a class by linking to it.
    client.force_login(make_user("noor"))
    response = client.get(JOIN_URL)
    assert response.status_code == 200
    assert not classroom.students.exists()
