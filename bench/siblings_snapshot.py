"""The study snapshot in a deck studied both ways beside one that is not (issue 27).

In an empty, migrated PostgreSQL database (DATABASE_URL), run it with
`manage.py shell < bench/siblings_snapshot.py`, ANALYZE the database, and run it again.
The first run makes a student, a deck of 2,000 cards and one of 2,000 studied both ways
(4,000 cards), 600 card states in each (200 due, 100 answered today); every run times 300
snapshots of each.
"""

import statistics
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decks.models import Card, CardState, Classroom, Deck
from decks.services.clock import today_for_study
from decks.services.directions import deck_directions_apply
from decks.services.study import queue_snapshot

today = today_for_study()
made = User.objects.filter(username="bench27b").exists()
student = User.objects.get_or_create(username="bench27b")[0]
decks = list(Deck.objects.filter(slug__in=["one-way", "both-ways"]).order_by("both_directions"))
for title, both in () if made else (("one way", False), ("both ways", True)):
    deck = Deck.objects.create(title=title, slug=title.replace(" ", "-"), both_directions=both)
    Card.objects.bulk_create(
        [Card(deck=deck, front=f"V{n}", back=f"A{n}", position=n) for n in range(1, 2001)]
    )
    deck_directions_apply(deck=deck)
    deck.refresh_from_db()
    decks.append(deck)
klas = Classroom.objects.get_or_create(name="bench")[0]
klas.students.add(student)
klas.decks.add(*decks)
now = timezone.now()
for deck in [] if made else decks:
    cards = list(deck.cards.order_by("position", "id")[:600])
    states = []
    for i, card in enumerate(cards):
        # 200 due today or before, 100 answered today, the rest due later
        if i < 200:
            due, last = today - timedelta(days=i % 5), today - timedelta(days=3)
        elif i < 300:
            due, last = today + timedelta(days=3), today
        else:
            due, last = today + timedelta(days=10), today - timedelta(days=2)
        states.append(
            CardState(
                student=student,
                card=card,
                deck=deck,
                due=due,
                interval=3,
                repetitions=2,
                easiness=Decimal("2.5"),
                reviews=2,
                introduced_on=today - timedelta(days=20),
                last_review_day=last,
                last_rating=4,
                last_reviewed_at=now,
            )
        )
    CardState.objects.bulk_create(states)
for deck in decks:
    queue_snapshot(student=student, deck=deck, today=today)  # warm: prepare, caches
    with CaptureQueriesContext(connection) as queries:
        snap = queue_snapshot(student=student, deck=deck, today=today)
    wall, cpu = [], []
    for _ in range(300):
        w, c = time.perf_counter(), time.process_time()
        queue_snapshot(student=student, deck=deck, today=today)
        wall.append((time.perf_counter() - w) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    print(
        f"{deck.title:10} cards={deck.cards.count()} queries={len(queries)} "
        f"due={snap.counts.due} new={snap.counts.new} "
        f"wall median={statistics.median(wall):.2f} ms p90={sorted(wall)[270]:.2f} ms "
        f"app CPU median={statistics.median(cpu):.2f} ms"
    )
