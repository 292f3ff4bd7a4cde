"""A new-card cursor stays behind every unseen card when writes race, on a real database.

The thread uses its own connection, as another app process would. On PostgreSQL the
cursor write starts from what it read before the other transaction committed; on SQLite
writers queue, so it starts after.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from decks.models import CardState, NewCardCursor
from decks.services.study import new_card_cursor_update, new_card_cursors_broken
from tests.conftest import answer_card, enroll, make_deck, make_user, next_card

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("answer_write_path")]


def first_two_cards_answered():
    """A student who has answered the first two of three cards, their cursor at the second."""
    student = make_user()
    deck = make_deck(cards=3)
    enroll(student, deck)
    cards = list(deck.cards.order_by("position"))
    for card in cards[:2]:
        record = answer_card(student=student, card=card, rating=5, seen_reviews=0)
    return student, deck, cards, record.log.study_day


def race_with_the_undo_of_the_second_card(student, deck, second, write) -> bool:
    """Run `write` in another connection while the undo of `second`'s first answer is open.

    Returns whether `write` finished.
    """
    started, done = threading.Event(), threading.Event()

    def in_another_tab() -> None:
        try:
            started.set()
            if write():
                done.set()
        finally:
            connection.close()

    with transaction.atomic():  # the undo of the second card's first answer
        # A trigger sets the cursor back in the same statement.
        CardState.objects.filter(student=student, card=second).delete()
        other = threading.Thread(target=in_another_tab)
        other.start()
        assert started.wait(timeout=30)
        if connection.vendor == "postgresql":
            # Commit only once the other write waits on this transaction's lock: then it
            # has read the cursor before the undo committed, which is the race to survive.
            assert another_connection_waits_for_a_lock(), "the other write never waited"
        # On SQLite writers queue: whether it waits or begins after the commit, it writes
        # second, so there is no interleaving left to force.
    other.join(timeout=30)
    return done.is_set()


def another_connection_waits_for_a_lock(timeout: float = 30) -> bool:
    """Whether, within `timeout` seconds, some other connection to this database is
    waiting for a lock (PostgreSQL's own view of it, so no guess at how long that takes)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            # Inside a transaction the statistics views hold their first snapshot.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone():
                return True
            time.sleep(0.01)
    return False


def test_a_cursor_write_racing_an_undone_first_answer_does_not_skip_that_card():
    student, deck, (_, second, _), today = first_two_cards_answered()
    before = NewCardCursor.objects.get(student=student, deck=deck)
    assert (before.after_position, before.after_card) == (2, second.pk)

    def cursor_update() -> bool:
        with transaction.atomic():
            new_card_cursor_update(student_id=student.pk, deck_id=deck.pk)
        return True

    assert race_with_the_undo_of_the_second_card(student, deck, second, cursor_update)
    assert new_card_cursors_broken() == []
    item = next_card(student=student, deck=deck, today=today)
    assert (item.kind, item.card.pk) == ("new", second.pk)


def test_a_first_answer_racing_an_undone_first_answer_does_not_skip_that_card():
    # The answer's own write moves the cursor (on PostgreSQL inside its one statement).
    student, deck, (_, second, third), today = first_two_cards_answered()

    def answer_the_third_card() -> bool:
        return answer_card(student=student, card=third, rating=5, seen_reviews=0).applied

    assert race_with_the_undo_of_the_second_card(student, deck, second, answer_the_third_card)
    assert new_card_cursors_broken() == []
    item = next_card(student=student, deck=deck, today=today)
    assert (item.kind, item.card.pk) == ("new", second.pk)
