"""Daily reminders: once a day at the student's hour, only when cards wait, by e-mail and
Web Push (to a push service on 127.0.0.1 that records what it receives)."""

import base64
import email.policy
import json
import threading
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import mail
from django.core.management import call_command

from decks.models import CardState, DailyActivity, PushSubscription, Reminder
from decks.services.reminders import reminder_unsubscribe, reminders_send, unsubscribe_token
from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A study day far from today's date: 10 March 2099, 18:30 in the site's time zone.
EVENING = datetime(2099, 3, 10, 18, 30, tzinfo=AMSTERDAM)
DAY = date(2099, 3, 10)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def student_with_due_cards(name="noor", *, due=3, hour=18, by_email=True, by_push=False):
    student = make_user(name, email=f"{name}@school.example", first_name=name.title())
    deck = make_deck("Klant centraal", slug=f"klant-{name}")
    enroll(student, deck)
    for n in range(due):
        card = make_card(deck, front=f"Vraag {n}")
        CardState.objects.create(
            student=student,
            card=card,
            deck=deck,
            due=date(2099, 3, 9),
            introduced_on=date(2099, 3, 1),
        )
    Reminder.objects.create(
        student=student, by_email=by_email, by_push=by_push, hour=hour, language="en"
    )
    return student, deck


def test_a_student_whose_hour_has_come_gets_one_mail_saying_how_many_cards_wait():
    student_with_due_cards(due=3)
    run = reminders_send(now=EVENING)
    assert run.emails == 1
    (message,) = mail.outbox
    assert message.to == ["noor@school.example"]
    assert message.subject == "3 cards are waiting for you in Stamp"
    assert "Klant centraal has 3 of them." in message.body
    assert "http://127.0.0.1:8000/decks/klant-noor/study/" in message.body


def test_running_the_command_twice_sends_nothing_twice():
    student_with_due_cards()
    call_command("send_reminders")  # whatever today is: at most one mail
    first = len(mail.outbox)
    reminders_send(now=EVENING)
    reminders_send(now=EVENING)
    call_command("send_reminders")
    assert len(mail.outbox) - first <= 1
    assert len(mail.outbox) == 1


def test_the_next_day_brings_the_next_reminder():
    student_with_due_cards()
    reminders_send(now=EVENING)
    reminders_send(now=EVENING.replace(day=11))
    assert len(mail.outbox) == 2


def test_no_reminder_before_the_chosen_hour():
    student_with_due_cards(hour=19)
    assert reminders_send(now=EVENING).emails == 0
    assert reminders_send(now=EVENING.replace(hour=19, minute=0)).emails == 1


def test_no_reminder_when_nothing_is_due():
    student_with_due_cards(due=0)
    run = reminders_send(now=EVENING)
    assert (run.emails, run.skipped) == (0, 1)
    assert Reminder.objects.get().sent_on is None  # a card due later today still reminds


def test_no_reminder_for_a_student_who_already_studied_today():
    student, deck = student_with_due_cards()
    DailyActivity.objects.create(student=student, deck=deck, day=DAY, answers=4, cards=4)
    assert reminders_send(now=EVENING).emails == 0


def test_cards_in_a_deck_the_student_left_do_not_count():
    student, deck = student_with_due_cards()
    student.classes_joined.clear()
    assert reminders_send(now=EVENING).emails == 0


def test_every_mail_carries_one_click_unsubscribe_headers_and_link():
    student, _ = student_with_due_cards()
    reminders_send(now=EVENING)
    (message,) = mail.outbox
    link = f"http://127.0.0.1:8000/reminders/unsubscribe/{unsubscribe_token(student.pk)}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html" and link in html


def test_the_unsubscribe_header_goes_out_as_a_plain_link_not_encoded_words():
    student, _ = student_with_due_cards()
    reminders_send(now=EVENING)
    (message,) = mail.outbox
    link = f"http://127.0.0.1:8000/reminders/unsubscribe/{unsubscribe_token(student.pk)}/"
    # Serialised as Django's SMTP backend serialises it.
    sent = message.message(policy=email.policy.SMTP).as_bytes()
    assert f"List-Unsubscribe: <{link}>\r\n".encode() in sent


def test_the_mail_speaks_the_language_the_student_chose_it_in():
    student, _ = student_with_due_cards()
    Reminder.objects.update(language="nl")
    reminders_send(now=EVENING)
    assert mail.outbox[0].subject == "3 kaarten wachten op je in Stamp"


def test_a_forged_unsubscribe_token_changes_nothing():
    student, _ = student_with_due_cards()
    assert not reminder_unsubscribe(token=unsubscribe_token(student.pk) + "x")
    assert Reminder.objects.get().by_email
    assert reminder_unsubscribe(token=unsubscribe_token(student.pk))
    assert not Reminder.objects.get().by_email


class PushService:
    """A Web Push service on 127.0.0.1: records each request, 410 for /expired/..., 500 for
    /broken/..., and holds each /together/... request until `together` of them are in."""

    def __init__(self, *, together: int = 1):
        self.received: list[dict] = []
        self.arrived_together = threading.Barrier(together, timeout=10)
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                    }
                )
                status = 201
                if self.path.startswith("/expired"):
                    status = 410
                elif self.path.startswith("/broken"):
                    status = 500
                elif self.path.startswith("/together"):
                    try:
                        service.arrived_together.wait()
                    except threading.BrokenBarrierError:
                        status = 500
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def vapid(settings):
    key = ec.generate_private_key(ec.SECP256R1())
    settings.STAMP_VAPID_PRIVATE_KEY = b64url(
        key.private_numbers().private_value.to_bytes(32, "big")
    )
    settings.STAMP_VAPID_SUBJECT = "mailto:admin@school.example"
    return key


def device(student, endpoint):
    """A browser's subscription: its key pair and auth secret, as PushManager makes them."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    auth = b"0123456789abcdef"
    PushSubscription.objects.create(
        student=student, endpoint=endpoint, p256dh=b64url(public), auth=b64url(auth)
    )
    return key, auth


def test_a_push_reminder_reaches_the_push_service_signed_and_encrypted_for_the_device(vapid):
    student, _ = student_with_due_cards(by_email=False, by_push=True)
    with PushService() as service:
        key, auth = device(student, f"{service.url}/push/device-1")
        run = reminders_send(now=EVENING)
    assert run.pushes == 1
    (request,) = service.received
    assert request["path"] == "/push/device-1"
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert request["headers"]["ttl"] == "43200"
    payload = json.loads(
        http_ece.decrypt(request["body"], private_key=key, auth_secret=auth, version="aes128gcm")
    )
    assert payload["body"] == "3 cards are waiting. Klant centraal has 3."
    assert payload["url"] == "/decks/klant-noor/study/"
    assert mail.outbox == []


def test_an_expired_push_subscription_is_removed_and_the_others_still_get_theirs(vapid):
    student, _ = student_with_due_cards(by_email=False, by_push=True)
    with PushService() as service:
        device(student, f"{service.url}/expired/old-phone")
        device(student, f"{service.url}/push/laptop")
        run = reminders_send(now=EVENING)
    assert (run.pushes, run.expired_subscriptions) == (1, 1)
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        f"{service.url}/push/laptop"
    ]
    assert len(service.received) == 2


def test_two_students_get_one_reminder_each_in_one_run(vapid):
    student_with_due_cards("noor")
    student_with_due_cards("sam", due=1)
    run = reminders_send(now=EVENING)
    assert run.emails == 2
    assert sorted(m.subject for m in mail.outbox) == [
        "1 card is waiting for you in Stamp",
        "3 cards are waiting for you in Stamp",
    ]


def test_expired_subscriptions_among_many_devices_are_each_removed_once(vapid):
    students = [
        student_with_due_cards(name, by_email=False, by_push=True)[0]
        for name in ("noor", "sam", "ida")
    ]
    with PushService() as service:
        for student in students:
            device(student, f"{service.url}/expired/{student.username}-old-phone")
            device(student, f"{service.url}/push/{student.username}-laptop")
        run = reminders_send(now=EVENING)
    assert (run.pushes, run.expired_subscriptions, run.failed) == (3, 3, [])
    assert sorted(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        f"{service.url}/push/{name}-laptop" for name in ("ida", "noor", "sam")
    ]
    assert sorted(r["path"] for r in service.received) == sorted(
        f"/{kind}/{name}-{what}"
        for name in ("noor", "sam", "ida")
        for kind, what in (("expired", "old-phone"), ("push", "laptop"))
    )


def test_a_push_that_fails_stops_no_other_and_keeps_its_subscription(vapid):
    student, _ = student_with_due_cards(by_email=True, by_push=True)
    with PushService() as service:
        device(student, f"{service.url}/broken/tablet")
        device(student, f"{service.url}/push/laptop")
        run = reminders_send(now=EVENING)
    assert (run.pushes, run.failed) == (1, [f"{service.url}/broken/tablet"])
    assert PushSubscription.objects.count() == 2
    assert run.emails == 1


def test_pushes_to_several_devices_are_in_flight_at_once(vapid):
    student, _ = student_with_due_cards(by_email=False, by_push=True)
    # Each request is held until all four have arrived: one after another, none would be.
    with PushService(together=4) as service:
        for n in range(4):
            device(student, f"{service.url}/together/device-{n}")
        run = reminders_send(now=EVENING)
    assert (run.pushes, run.failed) == (4, [])
