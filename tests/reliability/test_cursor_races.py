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
from decks.services.cursors import (
    new_card_cursor_forget,
    new_card_cursor_update,
    new_card_cursors_broken,
)
from decks.services.queue import next_card
from decks.services.reviews import review_record
from tests.conftest import make_deck, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cursor_write_racing_an_undone_first_answer_does_not_skip_that_card():
    student = make_user()
    deck = make_deck(cards=3)
    first, second, _ = deck.cards.order_by("position")
    for card in (first, second):
        record = review_record(student=student, card=card, rating=5, seen_reviews=0)
    before = NewCardCursor.objects.get(student=student, deck=deck)
    assert (before.after_position, before.after_card) == (2, second.pk)
    written = threading.Event()

    def answer_in_another_tab() -> None:
        try:
            with transaction.atomic():
                new_card_cursor_update(student_id=student.pk, deck_id=deck.pk)
            written.set()
        finally:
            connection.close()

    with transaction.atomic():  # the undo of the second card's first answer
        CardState.objects.filter(student=student, card=second).delete()
        new_card_cursor_forget(student_id=student.pk, deck_id=deck.pk)
        other = threading.Thread(target=answer_in_another_tab)
        other.start()
        time.sleep(0.5)  # the other write is now waiting for this transaction
    other.join(timeout=30)
    assert written.is_set()
    assert new_card_cursors_broken() == []
    item = next_card(student=student, deck=deck, today=record.log.study_day)
    assert (item.kind, item.card.pk) == ("new", second.pk)
