"""Time and queries of one `send_reminders` run for many students.

Makes N students (10,000 by default), each in a class studying one deck of 20 cards, with
a reminder at 18:00; most have cards due, some studied already, some have nothing due
(the mix is printed). Then runs `reminders_send` at 18:30 of a day in 2099, and runs it
again to show the second run finds nothing to send. Mail goes to Django's in-memory
backend (building the messages, not delivering them), or with `--smtp` through Django's
SMTP backend to a sink on 127.0.0.1 that accepts every message (a local MTA's side of
the conversation, at loopback speed). With `--push` every student also has one device
whose push service, on 127.0.0.1, answers each message after `--push-ms` milliseconds
(50: a push service across the internet) and 410 (expired) for one device in a hundred.
Run from the project folder:

    createdb -h 127.0.0.1 -U postgres stamp_reminders_bench
    .venv/bin/python bench/reminders.py [--students 10000] [--smtp] [--push] \\
        [--database-url postgres://postgres@127.0.0.1:5432/stamp_reminders_bench]

The database is emptied first (`flush`): give it one of its own. The sink and the push
service are child processes, stopped at the end.
"""

import argparse
import base64
import multiprocessing
import os
import socketserver
import sys
import time
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class SmtpSink(socketserver.StreamRequestHandler):
    """The server's half of SMTP, enough for smtplib: every message is accepted, unread."""

    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                self.wfile.write(b"250 kept\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def push_service(latency: float) -> type[BaseHTTPRequestHandler]:
    class PushService(BaseHTTPRequestHandler):
        """A push service: 201 after `latency` seconds, 410 for /expired/..., keep-alive."""

        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(latency)
            self.send_response(410 if self.path.startswith("/expired") else 201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return PushService


def serve_in_child(server: socketserver.BaseServer) -> multiprocessing.Process:
    """Serve on the socket bound here, from a child process: its work is not ours."""
    child = multiprocessing.get_context("fork").Process(target=server.serve_forever, daemon=True)
    child.start()
    server.socket.close()
    return child


def vapid_private_key() -> str:
    from cryptography.hazmat.primitives.asymmetric import ec

    number = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(number.to_bytes(32, "big")).rstrip(b"=").decode()


def device_keys() -> tuple[str, str]:
    """One browser's p256dh and auth, shared by every device: the service decrypts nothing."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    public = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return tuple(base64.urlsafe_b64encode(b).rstrip(b"=").decode() for b in (public, b"0" * 16))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--smtp", action="store_true", help="mail through SMTP to a local sink")
    parser.add_argument("--push", action="store_true", help="one push device per student")
    parser.add_argument("--push-ms", type=float, default=50.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stamp_reminders_bench"
        ),
    )
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountmanagement.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    children = []
    if args.smtp:
        sink = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpSink)
        os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.smtp.EmailBackend"
        os.environ["EMAIL_HOST"] = "127.0.0.1"
        os.environ["EMAIL_PORT"] = str(sink.server_address[1])
        children.append(serve_in_child(sink))
    if args.push:
        service = ThreadingHTTPServer(("127.0.0.1", 0), push_service(args.push_ms / 1000))
        push_url = f"http://127.0.0.1:{service.server_port}"
        os.environ["STAMP_VAPID_PRIVATE_KEY"] = vapid_private_key()
        children.append(serve_in_child(service))
    try:
        run_bench(args, push_url if args.push else "")
    finally:
        for child in children:
            child.terminate()
            child.join(5)


def run_bench(args: argparse.Namespace, push_url: str) -> None:
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decks.models import (
        Card,
        CardState,
        Classroom,
        DailyActivity,
        Deck,
        Membership,
        PushSubscription,
        Reminder,
    )
    from decks.services.reminders import reminders_send

    mail.outbox = []
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    evening = datetime(2099, 3, 10, 18, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))
    day = date(2099, 3, 10)

    started = time.perf_counter()
    n = args.students
    deck = Deck.objects.create(title="Klant centraal", slug="klant-centraal")
    cards = Card.objects.bulk_create(
        Card(deck=deck, front=f"Vraag {i}", back=f"Antwoord {i}", position=i) for i in range(20)
    )
    users = User.objects.bulk_create(
        User(username=f"s{i}", email=f"s{i}@school.example", password="!") for i in range(n)
    )
    classroom = Classroom.objects.create(name="1A", join_code="BENCH-1A")
    classroom.decks.add(deck)
    Membership.objects.bulk_create(Membership(classroom=classroom, student=u) for u in users)
    # Every tenth student has nothing due; every fifth (of the rest) studied today.
    states, activity = [], []
    for i, user in enumerate(users):
        due = date(2099, 3, 20) if i % 10 == 0 else date(2099, 3, 9)
        for card in cards[:8]:
            states.append(
                CardState(
                    student=user, card=card, deck=deck, due=due, introduced_on=date(2099, 3, 1)
                )
            )
        if i % 10 and i % 5 == 0:
            activity.append(DailyActivity(student=user, deck=deck, day=day, answers=3, cards=3))
    CardState.objects.bulk_create(states, batch_size=5000)
    DailyActivity.objects.bulk_create(activity)
    Reminder.objects.bulk_create(
        Reminder(student=u, by_email=True, by_push=bool(push_url), hour=18) for u in users
    )
    if push_url:
        p256dh, auth = device_keys()
        PushSubscription.objects.bulk_create(
            PushSubscription(
                student=u,
                endpoint=f"{push_url}/{'expired' if i % 100 == 1 else 'push'}/{i}",
                p256dh=p256dh,
                auth=auth,
            )
            for i, u in enumerate(users)
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    print(
        f"data: {n} students, 8 cards each, made in {time.perf_counter() - started:.1f} s; "
        f"mail: {'SMTP to a sink on 127.0.0.1' if args.smtp else 'in memory'}; "
        + (f"push: 1 device each, {args.push_ms:g} ms a message" if push_url else "no push")
    )

    for label in ("first run", "second run"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run = reminders_send(now=evening)
            elapsed = time.perf_counter() - started
        print(
            f"{label}: {elapsed:.2f} s, {len(queries)} queries, {run.emails} mails, "
            f"{run.pushes} pushes ({run.expired_subscriptions} expired, {len(run.failed)} "
            f"failed), {run.skipped} skipped (nothing due or studied today)"
        )
    if not args.smtp:
        print(f"mails in the outbox: {len(mail.outbox)}")


if __name__ == "__main__":
    main()
