import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from decks.models import CardState, DailyActivity, ReviewLog
from tests.conftest import answer_card, enroll, make_deck, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def studied(client, student):
    deck = make_deck("Klant centraal", cards=2)
    enroll(student, deck)
    answer_card(student=student, card=deck.cards.first(), rating=4, seen_reviews=0)
    client.force_login(student)
    return deck


def test_a_student_downloads_all_their_data_as_json(client, studied):
    response = client.get(reverse("account_export"))
    data = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="stamp-sam.json"'
    assert data["user"]["username"] == "sam"
    assert data["decks"] == [studied.slug]
    assert [r["rating"] for r in data["reviews"]] == [4]
    assert data["schedule"][0]["card"] == studied.cards.first().key


def test_the_export_holds_no_one_elses_data(client, studied):
    other = make_user("otto")
    enroll(other, studied)
    answer_card(student=other, card=studied.cards.last(), rating=1, seen_reviews=0)
    data = json.loads(client.get(reverse("account_export")).content)
    assert len(data["reviews"]) == 1


def test_deleting_the_account_needs_the_username_typed(client, studied):
    client.post(reverse("account_delete"), {"username": "not-me"})
    assert User.objects.filter(username="sam").exists()


def test_deleting_the_account_removes_it_with_all_its_data(client, studied):
    client.post(reverse("account_delete"), {"username": "sam"})
    assert not User.objects.filter(username="sam").exists()
    assert not CardState.objects.exists()
    assert not ReviewLog.objects.exists()
    assert not DailyActivity.objects.exists()
    assert "_auth_user_id" not in client.session
