"""The database going away gives a plain 503 that the browser may retry; nothing half-written."""

from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from decks.models import CardState, ReviewLog
from tests.conftest import enroll, make_deck
from tests.services.study.seams import activity_step_failing

pytestmark = pytest.mark.django_db


@contextmanager
def activity_write_failing(message: str):
    """The database fails an answer at its activity row, after its state and log rows.

    On PostgreSQL the answer's rows are one statement, so a trigger fails it inside the
    database; on SQLite they are written one by one, and the activity step raises.
    """
    if connection.vendor != "postgresql":
        with activity_step_failing(message):
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION fail_activity() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = '08006'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER fail_activity BEFORE INSERT ON decks_dailyactivity "
            "FOR EACH ROW EXECUTE FUNCTION fail_activity()"
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER fail_activity ON decks_dailyactivity")
            cursor.execute("DROP FUNCTION fail_activity()")


def test_an_unreachable_database_gives_a_503_with_retry_after(client, student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    client.force_login(student)
    card = deck.cards.get()
    gone = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch("decks.services.study.review_record", side_effect=gone):
        response = client.post(
            reverse("study_answer", args=[deck.slug]),
            {"card": card.pk, "rating": 4, "seen": 0},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Traceback" not in response.content
    assert b"try again" in response.content


def test_a_failure_half_way_through_an_answer_writes_nothing(client, student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    client.force_login(student)
    card = deck.cards.get()
    with activity_write_failing("server closed the connection unexpectedly"):
        response = client.post(
            reverse("study_answer", args=[deck.slug]), {"card": card.pk, "rating": 4, "seen": 0}
        )
    assert response.status_code == 503
    assert not CardState.objects.exists()
    assert not ReviewLog.objects.exists()


def test_the_retried_answer_lands_exactly_once(client, student):
    deck = make_deck(cards=2)
    enroll(student, deck)
    client.force_login(student)
    card = deck.cards.first()
    data = {"card": card.pk, "rating": 4, "seen": 0}
    url = reverse("study_answer", args=[deck.slug])
    with activity_write_failing("connection lost"):
        assert client.post(url, data).status_code == 503
    client.post(url, data)
    client.post(url, data)  # and once more, as an impatient student would
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_other_database_errors_are_not_disguised_as_503(client, student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    client.force_login(student)
    client.raise_request_exception = False
    with mock.patch(
        "decks.services.study.review_record", side_effect=OperationalError("no such column: x")
    ):
        response = client.post(
            reverse("study_answer", args=[deck.slug]),
            {"card": deck.cards.get().pk, "rating": 4, "seen": 0},
        )
    assert response.status_code == 500
