"""Reseeding a database seeded before issue 26, when five seed decks became three.

tests/commands/data/seeds_before_issue_26/ holds the fixtures as they were published then
(five decks, 123 cards): the three H1 decks now make one deck and a card asking another
card's question has left in favour of it (fixtures/moved_seed_cards.json).
"""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from decks.models import Card, CardState, DailyActivity, Deck, ReviewLog
from decks.selectors import decks_for
from decks.services.clock import today_for_study
from tests.conftest import answer_card, enroll, make_user, next_card

pytestmark = pytest.mark.django_db

BEFORE = Path(__file__).parent / "data" / "seeds_before_issue_26"
OLD_H1_SLUGS = {
    "samenvatting-h1-klant-centraal",
    "h1-flashcards-klant-centraal",
    "h1-aantekeningen-klant-centraal",
}
NEW_SLUGS = {
    "h1-klant-centraal",
    "h7-accountmanager-klantmanagement-crm",
    "h7-teleselling-en-accountmanagement",
}
# The card and deck a row points at may change; everything else it records may not.
MOVABLE = {"card_id", "deck_id"}


def seed_the_decks_of_before_issue_26() -> None:
    call_command("loaddata", *sorted(str(path) for path in BEFORE.glob("*.json")), verbosity=0)


def seed() -> None:
    call_command("seed_decks", stdout=StringIO())


def answer(student: User, cards) -> None:
    """Answer each card once, and the first few a second time, as a student would."""
    cards = list(cards)
    enroll(student, *{card.deck for card in cards})
    for card in cards:
        answer_card(student=student, card=card, rating=4, seen_reviews=0)
    for card in cards[:5]:
        answer_card(student=student, card=card, rating=2, seen_reviews=1)


def rows(model) -> dict[int, dict]:
    return {
        row["id"]: {name: value for name, value in row.items() if name not in MOVABLE}
        for row in model.objects.values()
    }


def assert_integrity_clean() -> None:
    out = StringIO()
    call_command("check_integrity", stdout=out)  # raises CommandError on any fault
    assert "All card states match their review logs." in out.getvalue()
    assert "Every new-card cursor is behind the student's unseen cards." in out.getvalue()


def assert_every_row_points_at_its_cards_deck() -> None:
    for model in (CardState, ReviewLog):
        for card_deck, deck in model.objects.values_list("card__deck_id", "deck_id"):
            assert card_deck == deck


def test_reseeding_keeps_every_state_and_log_of_a_student_who_answered_every_old_card():
    seed_the_decks_of_before_issue_26()
    sam, kim = make_user("sam"), make_user("kim")
    answer(sam, Card.objects.order_by("deck__slug", "position"))
    answer(kim, Card.objects.filter(deck__slug="h7-teleselling-en-accountmanagement"))
    states, logs = rows(CardState), rows(ReviewLog)
    assert (len(states), len(logs)) == (123 + 28, 123 + 28 + 2 * 5)

    seed()

    assert set(Deck.objects.values_list("slug", flat=True)) == NEW_SLUGS
    assert rows(CardState) == states
    assert rows(ReviewLog) == logs
    assert_every_row_points_at_its_cards_deck()
    assert_integrity_clean()


def test_a_student_who_studied_only_replaced_cards_finds_their_history_on_the_cards_asking_now():
    seed_the_decks_of_before_issue_26()
    sam = make_user("sam")
    answer(sam, Card.objects.filter(deck__slug="h1-flashcards-klant-centraal"))
    states = rows(CardState)

    seed()

    assert rows(CardState) == states
    moved = CardState.objects.select_related("card", "deck")
    assert {state.deck.slug for state in moved} == {"h1-klant-centraal"}
    assert [state.card for state in moved if state.card.retired_at is not None] == []
    assert_integrity_clean()


def test_a_student_who_answered_both_twins_keeps_both_the_replaced_one_retired():
    seed_the_decks_of_before_issue_26()
    sam = make_user("sam")
    twins = Card.objects.filter(key="b6b175377d50bc37")  # "Wat is een klant?", 000 and 002
    answer(sam, twins)

    seed()

    kept = Card.objects.get(deck__slug="h1-klant-centraal", key="b6b175377d50bc37")
    retired = Card.objects.get(retired_at__isnull=False)
    assert {state.card_id for state in CardState.objects.all()} == {kept.pk, retired.pk}
    assert retired.deck_id == kept.deck_id
    assert_integrity_clean()


def test_a_students_days_in_the_old_h1_decks_add_up_in_the_new_one():
    seed_the_decks_of_before_issue_26()
    sam = make_user("sam")
    answer(sam, Card.objects.filter(deck__slug__in=OLD_H1_SLUGS))
    answers = sum(DailyActivity.objects.values_list("answers", flat=True))

    seed()

    (day,) = DailyActivity.objects.all()
    assert (day.deck.slug, day.answers) == ("h1-klant-centraal", answers)


def test_reseeding_again_moves_nothing():
    seed_the_decks_of_before_issue_26()
    answer(make_user("sam"), Card.objects.all())
    seed()
    cards = set(Card.objects.values_list("pk", "deck_id", "key", "retired_at"))
    states, logs = rows(CardState), rows(ReviewLog)

    seed()

    assert set(Card.objects.values_list("pk", "deck_id", "key", "retired_at")) == cards
    assert (rows(CardState), rows(ReviewLog)) == (states, logs)


def test_the_demo_class_with_the_five_old_decks_studies_the_three_new_ones():
    seed_the_decks_of_before_issue_26()
    call_command("create_demo_users", stdout=StringIO())
    student = User.objects.get(username="student")
    assert decks_for(student).count() == 5

    seed()

    assert set(decks_for(student).values_list("slug", flat=True)) == NEW_SLUGS
    h1 = Deck.objects.get(slug="h1-klant-centraal")
    item = next_card(student=student, deck=h1, today=today_for_study())
    assert (item.kind, item.card.position) == ("new", 1)
    assert h1.editors.filter(username="teacher").exists()
