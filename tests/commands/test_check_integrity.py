import contextlib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from decks.models import Card, CardState, DeckCardsVersion, NewCardCursor, ReviewLog
from decks.services.integrity import integrity_mismatches, integrity_repair
from tests.conftest import answer_card, enroll, make_card, make_deck

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 23, 11, tzinfo=UTC)


@pytest.fixture
def studied(student):
    deck = make_deck(cards=2)
    enroll(student, deck)
    for card in deck.cards.all():
        for day, (seen, rating) in enumerate([(0, 5), (1, 2), (2, 4)]):
            answer_card(student=student, card=card, rating=rating, seen_reviews=seen,
                          now=NOON + timedelta(days=day))  # fmt: skip
    return deck


def run(*args) -> str:
    out = StringIO()
    call_command("check_integrity", *args, stdout=out)
    return out.getvalue()


def test_states_made_by_the_study_loop_match_their_logs(studied):
    assert "All card states match" in run()


def test_a_state_that_differs_from_its_log_is_reported(studied):
    CardState.objects.filter(card=studied.cards.first()).update(interval=99)
    with pytest.raises(CommandError, match="1 card states differ"):
        run()


def test_repair_rewrites_it_from_the_log_and_a_second_run_finds_nothing(studied):
    card = studied.cards.first()
    good = CardState.objects.values().get(card=card)
    CardState.objects.filter(card=card).update(interval=99, lapses=7, due="2030-01-01")
    assert "Repaired 1" in run("--repair")
    assert CardState.objects.values().get(card=card) == good
    assert "All card states match" in run()


def test_a_state_without_any_log_is_removed_by_repair(studied, django_user_model):
    stranger = django_user_model.objects.create_user("stranger")
    CardState.objects.create(student=stranger, card=studied.cards.first(), deck=studied,
                             due="2026-11-24", introduced_on="2026-11-23")  # fmt: skip
    run("--repair")
    assert not CardState.objects.filter(student=stranger).exists()


def card_hidden_behind_the_cursor(deck) -> Card:
    """An unseen card before the student's cursor, the cursor still trusted: a state the
    triggers cannot make, as a cursor table restored from an older backup would leave."""
    hidden = make_card(deck, position=0)
    version = DeckCardsVersion.objects.get(deck=deck).version
    NewCardCursor.objects.filter(deck=deck).update(deck_version=version)
    return hidden


def test_a_new_card_cursor_past_an_unseen_card_is_reported(studied):
    hidden = card_hidden_behind_the_cursor(studied)
    with pytest.raises(CommandError, match="1 new-card cursors are past an unseen card"):
        run()
    assert f"unseen card {hidden.pk}" in run_quietly()


def test_repair_drops_a_broken_cursor_and_a_second_run_finds_nothing(studied):
    card_hidden_behind_the_cursor(studied)
    assert "Dropped 1 new-card cursors" in run("--repair")
    assert "Every new-card cursor is behind" in run()


def test_removing_a_state_without_a_log_sets_the_students_cursor_back_to_the_start(
    studied, student
):
    ReviewLog.objects.filter(student=student, card=studied.cards.first()).delete()
    run("--repair")
    cursor = NewCardCursor.objects.get(student=student, deck=studied)
    assert (cursor.after_position, cursor.after_card) == (0, 0)
    assert "Every new-card cursor is behind" in run()


def run_quietly(*args) -> str:
    out = StringIO()
    with contextlib.suppress(CommandError):
        call_command("check_integrity", *args, stdout=out)
    return out.getvalue()


def test_repairing_a_state_without_a_log_sets_the_cursor_back_for_every_caller(studied, student):
    """restore_reviews calls the repair directly, without the command's cursor check."""
    ReviewLog.objects.filter(student=student, card=studied.cards.first()).delete()
    integrity_repair(list(integrity_mismatches()))
    cursor = NewCardCursor.objects.get(student=student, deck=studied)
    assert (cursor.after_position, cursor.after_card) == (0, 0)
