"""Small helpers that make test data."""

from datetime import date
from itertools import count

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage

from decks.importers.base import ImportLimits
from decks.importers.media import media_file
from decks.models import Card, Classroom, Deck, Media
from decks.services.media import media_store
from tests.media_samples import png

_serial = count(1)


def pytest_configure(config) -> None:
    """Hash test passwords with MD5: the production hasher is slow by design, and the
    suite creates and logs in hundreds of users (timings in bench/README.md)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run where they are enqueued, so a test sees their effect without a worker.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def make_user(username: str | None = None, *, password: str = "pass-word-123", **extra) -> User:
    username = username or f"student{next(_serial)}"
    return User.objects.create_user(username=username, password=password, **extra)


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


def pytest_generate_tests(metafunc) -> None:
    """Tests that name `answer_write_path` run once per way an answer can be written here.

    On PostgreSQL both: the one statement production runs and the steps SQLite runs.
    """
    if "answer_write_path" in metafunc.fixturenames:
        from django.db import connection

        paths = ["one statement", "steps"] if connection.vendor == "postgresql" else ["steps"]
        metafunc.parametrize("answer_write_path", paths, indirect=True)


@pytest.fixture
def answer_write_path(request, monkeypatch) -> str:
    from decks.services import answer_writes

    if request.param == "steps":
        monkeypatch.setattr(answer_writes, "write_in_one_statement", answer_writes.write_in_steps)
    return request.param


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Each test starts with no throttle counted: the suite logs in from one address."""
    from django.core.cache import caches

    caches["throttle"].clear()
    yield
