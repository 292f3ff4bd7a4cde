"""The account page's reminder choice, a device's push subscription, and unsubscribing."""

import json

import pytest
from django.test import Client

from decks.models import PushSubscription, Reminder
from decks.services.reminders import unsubscribe_token
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_student_asks_for_a_reminder_at_an_hour_in_their_language(client):
    student = make_user("noor", email="noor@school.example")
    client.force_login(student)
    response = client.post(
        "/account/reminders/", {"by_email": "on", "hour": "7"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 302
    reminder = Reminder.objects.get(student=student)
    assert (reminder.by_email, reminder.by_push, reminder.hour, reminder.language) == (
        True,
        False,
        7,
        "nl",
    )


def test_the_reminder_form_never_changes_the_e_mail_address(client):
    """The address changes only with the current password (a borrowed laptop must not do)."""
    student = make_user("noor", email="noor@school.example")
    client.force_login(student)
    client.post("/account/reminders/", {"by_email": "on", "email": "thief@x.example", "hour": "7"})
    student.refresh_from_db()
    assert student.email == "noor@school.example"


def test_e_mail_reminders_need_an_address(client):
    client.force_login(make_user("noor"))
    response = client.post("/account/reminders/", {"by_email": "on", "hour": "7"})
    assert response.status_code == 400
    assert "Give your e-mail address under E-mail address first." in response.content.decode()
    assert not Reminder.objects.exists()


def test_the_account_page_offers_the_reminder_and_this_devices_notifications(client, settings):
    settings.STAMP_VAPID_PUBLIC_KEY = "BPublicKey"
    client.force_login(make_user("noor"))
    page = client.get("/account/").content.decode()
    assert 'action="/account/reminders/"' in page
    assert 'data-vapid-key="BPublicKey"' in page


def test_a_device_subscription_is_kept_and_removed(client):
    student = make_user("noor")
    client.force_login(student)
    subscription = {
        "endpoint": "https://push.example/send/abc",
        "keys": {"p256dh": "BKey", "auth": "secret"},
    }
    response = client.post("/account/push/", json.dumps(subscription), "application/json")
    assert response.status_code == 201
    assert PushSubscription.objects.get().student == student
    client.post("/account/push/remove/", json.dumps(subscription), "application/json")
    assert not PushSubscription.objects.exists()


def test_a_malformed_subscription_is_refused(client):
    client.force_login(make_user("noor"))
    response = client.post("/account/push/", json.dumps({"endpoint": "x"}), "application/json")
    assert response.status_code == 400


def test_the_mail_programs_one_click_post_unsubscribes_without_a_csrf_token():
    student = make_user("noor")
    Reminder.objects.create(student=student, by_email=True, hour=18)
    url = f"/reminders/unsubscribe/{unsubscribe_token(student.pk)}/"
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Reminder.objects.get().by_email


def test_opening_the_unsubscribe_link_asks_first(client):
    student = make_user("noor")
    Reminder.objects.create(student=student, by_email=True, hour=18)
    response = client.get(f"/reminders/unsubscribe/{unsubscribe_token(student.pk)}/")
    assert "Stop the reminder mails" in response.content.decode()
    assert Reminder.objects.get().by_email
