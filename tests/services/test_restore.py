from datetime import UTC, datetime, timedelta

import pytest

from decks.models import CardState, DailyActivity, ReviewLog
from decks.services.accounts import account_data
from decks.services.exports import deck_to_csv
from decks.services.imports import deck_import
from decks.services.restore import reviews_restore
from tests.conftest import answer_card, enroll, make_card, make_deck

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 2, 11, tzinfo=UTC)
STATE_FIELDS = ["repetitions", "easiness", "interval", "due", "lapses", "reviews", "last_rating",
                "last_review_day", "introduced_on"]  # fmt: skip


def test_a_deck_export_plus_the_review_log_restores_every_schedule(student):
    deck = make_deck("Woorden")
    enroll(student, deck)
    for n in range(3):
        make_card(deck, front=f"Vraag <b>{n}</b>", back=f"Antwoord {n}", tags="h1")
    for day, rating in enumerate([5, 4, 2, 4, 3]):
        for card in deck.cards.all():
            state = CardState.objects.filter(student=student, card=card).first()
            answer_card(student=student, card=card, rating=rating,
                          seen_reviews=state.reviews if state else 0,
                          now=NOON + timedelta(days=day * 3))  # fmt: skip
    csv_export, data = deck_to_csv(deck), account_data(user=student)
    schedules = sorted(
        CardState.objects.filter(student=student).values_list("card__front", *STATE_FIELDS)
    )
    activity = sorted(DailyActivity.objects.values_list("day", "answers", "cards", "time_ms"))
    deck.delete()  # everything is gone but the two files
    assert not ReviewLog.objects.exists()

    _, result = deck_import(data=csv_export, filename="woorden.csv", format=None, owner=None,
                            deck=None, new_title="Woorden")  # fmt: skip
    restored = reviews_restore(student=student, deck=result.deck, reviews=data["reviews"])

    assert restored == 15
    assert (
        sorted(CardState.objects.filter(student=student).values_list("card__front", *STATE_FIELDS))
        == schedules
    )
    assert (
        sorted(DailyActivity.objects.values_list("day", "answers", "cards", "time_ms")) == activity
    )
