"""Answers are applied exactly once under real concurrency, on a real database.

Threads each use their own database connection, as separate app processes would; the
test database is a file on SQLite and a real PostgreSQL database in CI.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from decks.models import CardState, ReviewLog
from decks.services.clock import today_for_study
from decks.services.integrity import integrity_mismatches
from decks.services.scheduling import Schedule, next_schedule
from tests.conftest import enroll, make_deck, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("answer_write_path")]

ROUNDS = 15
CONCURRENT = 10


def race(posts: list[dict], student, url: str) -> list[int]:
    """Send the POSTs at the same moment from separate threads; return the status codes."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = [0] * len(posts)

    def send(index: int, data: dict) -> None:
        client = Client()
        client.force_login(student)
        try:
            barrier.wait(timeout=10)
            statuses[index] = client.post(url, data, headers={"HX-Request": "true"}).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i, data)) for i, data in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def replayed(student, card) -> Schedule:
    schedule = Schedule()
    for log in ReviewLog.objects.filter(student=student, card=card, scheduled=True).order_by(
        "sequence"
    ):
        schedule = next_schedule(schedule, log.rating)
    return schedule


@pytest.fixture
def setting():
    student = make_user()
    deck = make_deck(cards=ROUNDS, new_cards_per_day=ROUNDS)
    enroll(student, deck)
    return student, deck, reverse("study_answer", args=[deck.slug])


def test_many_rounds_of_identical_concurrent_posts_give_one_review_each(setting):
    student, deck, url = setting
    duplicates = 0
    for card in deck.cards.all():
        statuses = race([{"card": card.pk, "rating": 4, "seen": 0}] * CONCURRENT, student, url)
        assert statuses == [200] * CONCURRENT
        duplicates += ReviewLog.objects.filter(card=card).count() - 1
    assert duplicates == 0
    assert ReviewLog.objects.count() == ROUNDS
    assert list(integrity_mismatches()) == []


def test_racing_different_answers_applies_exactly_one_and_loses_no_update(setting):
    student, deck, url = setting
    for card in deck.cards.all()[:5]:
        posts = [{"card": card.pk, "rating": 1 + n % 5, "seen": 0} for n in range(CONCURRENT)]
        race(posts, student, url)
        log = ReviewLog.objects.get(card=card)  # exactly one applied
        state = CardState.objects.get(student=student, card=card)
        assert (state.reviews, state.easiness) == (
            1,
            Decimal(f"{next_schedule(Schedule(), log.rating).easiness:.2f}"),
        )


def test_the_schedule_always_equals_replaying_the_review_log(setting):
    student, deck, url = setting
    card = deck.cards.first()
    for seen in range(4):
        race([{"card": card.pk, "rating": 3 + seen % 3, "seen": seen}] * 4, student, url)
        # A new study day on which the card is due again, so each answer moves the schedule.
        CardState.objects.filter(card=card).update(last_review_day=None, due=today_for_study())
    state = CardState.objects.get(student=student, card=card)
    expected = replayed(student, card)
    assert (state.repetitions, float(state.easiness), state.interval) == (
        expected.repetitions, expected.easiness, expected.interval,
    )  # fmt: skip
    assert state.reviews == ReviewLog.objects.filter(card=card).count() == 4


def test_eight_concurrent_writers_never_see_database_is_locked():
    students = [make_user() for _ in range(8)]
    deck = make_deck(cards=3)
    for student in students:
        enroll(student, deck)
    url = reverse("study_answer", args=[deck.slug])
    barrier = threading.Barrier(len(students))
    failures: list[str] = []

    def study(student) -> None:
        client = Client()
        client.force_login(student)
        try:
            barrier.wait(timeout=10)
            for card in deck.cards.all():
                response = client.post(url, {"card": card.pk, "rating": 5, "seen": 0})
                if response.status_code != 302:
                    failures.append(f"{response.status_code}: {response.content[:200]!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=study, args=(s,)) for s in students]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert ReviewLog.objects.count() == 8 * 3
