"""The study loop costs the same number of queries whatever the deck's size."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decks.models import Card
from decks.services.answer_modes import options_sign
from tests.conftest import answer_card, enroll, make_deck

# Real transactions, as in production, so test savepoints don't inflate the count.
pytestmark = pytest.mark.django_db(transaction=True)

MAX_QUERIES_PER_ANSWER = 8
# Transaction control is not a query: SQLite's backend sends BEGIN IMMEDIATE and COMMIT
# as statements, while PostgreSQL's driver sends them as part of the protocol.
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def deck_of(size: int):
    deck = make_deck(new_cards_per_day=size)
    Card.objects.bulk_create(
        Card(deck=deck, front=f"Vraag {n}", back=f"Antwoord {n}", position=n, key=f"k{n}")
        for n in range(1, size + 1)
    )
    return deck


def queries_of(captured) -> list[str]:
    statements = [query["sql"] for query in captured.captured_queries]
    return [sql for sql in statements if not sql.upper().startswith(TRANSACTION_CONTROL)]


@pytest.mark.parametrize("size", [10, 10_000])
@pytest.mark.parametrize("rating", [2, 5])
def test_answering_a_card_and_getting_the_next_takes_at_most_eight_queries(
    client, student, size, rating
):
    deck = deck_of(size)
    enroll(student, deck)
    client.force_login(student)
    url = reverse("study_answer", args=[deck.slug])
    first, second, third = deck.cards.order_by("position")[:3]
    client.post(url, {"card": first.pk, "rating": 3, "seen": 0}, headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            url, {"card": second.pk, "rating": rating, "seen": 0}, headers={"HX-Request": "true"}
        )
    assert len(queries_of(captured)) <= MAX_QUERIES_PER_ANSWER, "\n".join(queries_of(captured))
    assert f"Vraag {third.position}".encode() in response.content


def test_answering_a_due_review_takes_at_most_eight_queries_too(client, student):
    deck = deck_of(10)
    enroll(student, deck)
    card = deck.cards.order_by("position").first()
    answer_card(student=student, card=card, rating=5, seen_reviews=0,
                  now=timezone.now() - timedelta(days=1))  # fmt: skip
    client.force_login(student)
    url = reverse("study_answer", args=[deck.slug])
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            url, {"card": card.pk, "rating": 4, "seen": 1}, headers={"HX-Request": "true"}
        )
    assert len(queries_of(captured)) <= MAX_QUERIES_PER_ANSWER, "\n".join(queries_of(captured))
    assert response.context["item"].kind == "new"


def test_the_answer_that_ends_the_session_and_shows_the_summary_takes_at_most_eight(
    client, student
):
    deck = deck_of(2)
    enroll(student, deck)
    client.force_login(student)
    url = reverse("study_answer", args=[deck.slug])
    first, last = deck.cards.order_by("position")
    client.post(url, {"card": first.pk, "rating": 5, "seen": 0}, headers={"HX-Request": "true"})
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            url, {"card": last.pk, "rating": 5, "seen": 0}, headers={"HX-Request": "true"}
        )
    assert len(queries_of(captured)) <= MAX_QUERIES_PER_ANSWER, "\n".join(queries_of(captured))
    assert response.context["summary"].cards == 2


def checked_verdict(client, deck, card, mode: str) -> str:
    """Check `card`'s answer as the page would (typed right, or the right option picked)."""
    url = reverse("study_check", args=[deck.slug])
    data = {"card": card.pk, "seen": 0, "mode": mode}
    if mode == "typed":
        data["given"] = card.back
    else:
        options = [card.back, "Nee 1", "Nee 2", "Nee 3"]
        student_id = int(client.session["_auth_user_id"])
        offered = options_sign(card_id=card.pk, seen=0, student_id=student_id, options=options)
        data.update(choice=0, option=options, offered=offered)
    html = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    return re.search(r'name="verdict" value="([^"]+)"', html)[1]


@pytest.mark.parametrize("size", [10, 10_000])
@pytest.mark.parametrize("mode", ["typed", "choice"])
def test_a_checked_answer_and_the_next_card_in_the_same_way_take_at_most_eight_queries(
    client, student, size, mode
):
    deck = deck_of(size)
    enroll(student, deck)
    client.force_login(student)
    url = reverse("study_answer", args=[deck.slug])
    first, second, third = deck.cards.order_by("position")[:3]
    client.post(url, {"card": first.pk, "rating": 3, "seen": 0}, headers={"HX-Request": "true"})
    verdict = checked_verdict(client, deck, second, mode)
    data = {"card": second.pk, "rating": 4, "seen": 0, "mode": mode, "verdict": verdict}
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data, headers={"HX-Request": "true"})
    assert len(queries_of(captured)) <= MAX_QUERIES_PER_ANSWER, "\n".join(queries_of(captured))
    html = response.content.decode()
    assert f"Vraag {third.position}" in html
    assert ('name="choice"' if mode == "choice" else 'name="given"') in html


@pytest.mark.parametrize("size", [10, 10_000])
def test_checking_a_typed_answer_takes_at_most_four_queries(client, student, size):
    deck = deck_of(size)
    enroll(student, deck)
    client.force_login(student)
    card = deck.cards.get(position=1)
    with CaptureQueriesContext(connection) as captured:
        checked_verdict(client, deck, card, "typed")
    # The session, the card's one read, and keeping the showing's first check.
    assert len(queries_of(captured)) <= 4, "\n".join(queries_of(captured))
