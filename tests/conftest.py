"""Small helpers that make test data, and the fixtures every test shares."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.utils import timezone, translation

from decks.importers.base import ImportLimits
from decks.importers.media import media_file
from decks.models import Card, Classroom, Deck, Media
from decks.services.clock import today_for_study
from decks.services.media import media_store
from decks.services.study import (
    QueueCounts,
    QueueItem,
    ReviewOutcome,
    answer_target,
    queue_snapshot,
    review_record,
)
from decks.services.teachers import TEACHERS_GROUP, teachers_group_ensure
from tests.media_samples import png

ROOT = Path(__file__).resolve().parents[1]
_serial = count(1)

# The study package's test seams (the answer write path fixture among them), for every test.
pytest_plugins = ["tests.services.study.seams"]


# Days to move the clock ahead for the whole run (0: today). CI runs the suite once moved
# ten years, so a test that only passes near the day it was written fails at once.
CLOCK_AHEAD_DAYS = int(os.environ.get("STAMP_TEST_CLOCK_AHEAD_DAYS", "0"))


@pytest.fixture(autouse=True)
def _clock_moved_ahead(request):
    """Run each test with the app's clock (datetime, date, time) moved ahead, if asked.

    The live server of browser tests runs in this process and moves too; Chromium's clock
    does not, so a browser test must not compare the page's time with the server's.
    """
    if not CLOCK_AHEAD_DAYS:
        yield
        return
    with time_machine.travel(datetime.now(UTC) + timedelta(days=CLOCK_AHEAD_DAYS), tick=True):
        yield


def pytest_report_header(config) -> str | None:
    if CLOCK_AHEAD_DAYS:
        return f"clock moved ahead {CLOCK_AHEAD_DAYS} days (STAMP_TEST_CLOCK_AHEAD_DAYS)"
    return None


def pytest_configure(config) -> None:
    """Hash test passwords with MD5: the production hasher is slow by design, and the
    suite creates and logs in hundreds of users (timings in bench/README.md)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run where they are enqueued, so a test sees their effect without a worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    # A @task made at import time may have opened the configured backend already.
    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)


def make_user(username: str | None = None, *, password: str = "pass-word-123", **extra) -> User:
    username = username or f"student{next(_serial)}"
    return User.objects.create_user(username=username, password=password, **extra)


def make_teacher(username: str = "tess") -> User:
    """A teacher as the admin knows one: staff, in the Teachers group."""
    teachers_group_ensure()
    teacher = make_user(username, is_staff=True)
    teacher.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    return teacher


def make_deck(title: str | None = None, *, cards: int = 0, **extra) -> Deck:
    n = next(_serial)
    title = title or f"Deck {n}"
    deck = Deck.objects.create(title=title, slug=extra.pop("slug", f"deck-{n}"), **extra)
    for position in range(1, cards + 1):
        make_card(deck, front=f"Question {position}", back=f"Answer {position}", position=position)
    return deck


def make_card(deck: Deck, *, front: str = "Front", back: str = "Back", **extra) -> Card:
    extra.setdefault("position", deck.cards.count() + 1)
    return Card.objects.create(deck=deck, front=front, back=back, **extra)


def make_media(deck: Deck, *, data: bytes | None = None, name: str = "kaart.png") -> Media:
    """A picture (or sound) stored for `deck`, as an import would store it."""
    (media,) = media_store(
        deck=deck, files=[media_file(name, data or png(), limits=ImportLimits())], written=[]
    )
    return media


def stored_names() -> list[str]:
    """Every media file in storage, by name."""
    if not default_storage.exists("media"):
        return []
    folders = default_storage.listdir("media")[0]
    return sorted(
        f"media/{folder}/{name}"
        for folder in folders
        for name in default_storage.listdir(f"media/{folder}")[1]
    )


def make_class(
    name: str | None = None,
    *,
    students: list[User] = (),
    decks: list[Deck] = (),
    teachers: list[User] = (),
    **extra,
) -> Classroom:
    classroom = Classroom.objects.create(name=name or f"Class {next(_serial)}", **extra)
    classroom.students.add(*students)
    classroom.decks.add(*decks)
    classroom.teachers.add(*teachers)
    return classroom


def enroll(student: User, *decks: Deck) -> Classroom:
    """Put `student` in a class that studies `decks`, so they may study them."""
    return make_class(students=[student], decks=list(decks))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Each test stores pictures and sound in a folder of its own, never the project's."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return settings.MEDIA_ROOT


@pytest.fixture
def student(db) -> User:
    return make_user("sam")


@pytest.fixture
def today() -> date:
    return date(2026, 11, 23)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let the test database be dropped on PostgreSQL after browser tests.

    The live server's request threads can leave a connection open at the end of the
    session (pytest-django #454), and PostgreSQL refuses to drop a database in use.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language. A request in Dutch leaves Dutch
    active in the test's thread (LocaleMiddleware activates the request's language and
    nothing deactivates it), and pytest-randomly may run any test after it."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Each test starts with no throttle counted: the suite logs in from one address."""
    from django.core.cache import caches

    caches["throttle"].clear()
    yield


def next_card(*, student: User, deck: Deck, today: date) -> QueueItem | None:
    """The card the student should answer next in `deck`, or None when today is done."""
    return queue_snapshot(student=student, deck=deck, today=today).item


def queue_counts(*, student: User, deck: Deck, today: date) -> QueueCounts:
    """What is left for today and how many answers were given today."""
    return queue_snapshot(student=student, deck=deck, today=today).counts


def answer_card(
    *,
    student: User,
    card: Card,
    rating: int,
    seen_reviews: int | None = None,
    now: datetime | None = None,
    time_taken_ms: int | None = None,
    **how,
) -> ReviewOutcome:
    """Record `student`'s answer to `card` the production way: its one read, then its write.

    `how` is how the answer was given (`answered_by`, `checked_correct`, `overridden`).

    The student must be allowed to study the card's deck (enrolled, owner, editor,
    teacher). `seen_reviews` is the card's answer count when shown; by default its count
    now, an answer to the card as it stands. Unlike the study view, an answer to a card
    the queue does not offer now is recorded too, so a test can set up any history.
    """
    now = now or timezone.now()
    target = answer_target(
        student=student, deck_slug=card.deck.slug, card_id=card.pk, today=today_for_study(now)
    )
    assert target is not None, f"{student} may not study {card.deck}, or the card is retired"
    if seen_reviews is None:
        seen_reviews = target.state.reviews if target.state else 0
    return review_record(
        student=student,
        target=target,
        rating=rating,
        seen_reviews=seen_reviews,
        now=now,
        time_taken_ms=time_taken_ms,
        **how,
    )


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, its settings read from `env` as a deployment's are."""
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
