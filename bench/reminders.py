"""Time and queries of one `send_reminders` run for many students.

Makes N students (10,000 by default), each in a class studying one deck of 20 cards, with
a reminder at 18:00; most have cards due, some studied already, some have nothing due
(the mix is printed). Then runs `reminders_send` at 18:30 of a day in 2099, with mail
going to Django's in-memory backend (the SMTP server's own time is not ours), and runs
it again to show the second run finds nothing to send. Web Push is left out: its cost is
one HTTPS request per device to the push service. Run from the project folder:

    createdb -h 127.0.0.1 -U postgres stamp_reminders_bench
    .venv/bin/python bench/reminders.py [--students 10000] \\
        [--database-url postgres://postgres@127.0.0.1:5432/stamp_reminders_bench]

The database is emptied first (`flush`): give it one of its own.
"""

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
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
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decks.models import Card, CardState, Classroom, DailyActivity, Deck, Membership, Reminder
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
    Reminder.objects.bulk_create(Reminder(student=u, by_email=True, hour=18) for u in users)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None
    print(f"data: {n} students, 8 cards each, made in {time.perf_counter() - started:.1f} s")

    for label in ("first run", "second run"):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            run = reminders_send(now=evening)
            elapsed = time.perf_counter() - started
        print(
            f"{label}: {elapsed:.2f} s, {len(queries)} queries, {run.emails} mails, "
            f"{run.skipped} skipped (nothing due or studied today)"
        )
    print(f"mails in the outbox: {len(mail.outbox)}")


if __name__ == "__main__":
    main()
