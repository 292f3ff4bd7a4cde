from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from decks.models import (
    Card,
    CardState,
    Classroom,
    DailyActivity,
    Deck,
    DeckCardsVersion,
    NewCardCursor,
    ReviewLog,
)
from decks.selectors import decks_for, is_teacher
from decks.services.activity import activity_rebuild
from decks.services.clock import today_for_study
from decks.services.scheduling import Schedule, due_after, next_schedule
from decks.services.study import new_card_cursors_broken

pytestmark = pytest.mark.django_db

TINY = ["--students", "3", "--classes", "1", "--decks", "2", "--cards", "10", "--days", "20"]


def generate(*extra: str) -> str:
    out = StringIO()
    call_command("generate_bench_data", *TINY, *extra, stdout=out)
    return out.getvalue()


def replay(logs: list[ReviewLog]) -> dict:
    """A card state rebuilt from its review log with the scheduler alone."""
    schedule, due, lapses = Schedule(), None, 0
    for sequence, log in enumerate(logs):
        assert log.sequence == sequence
        assert (log.repetitions_before, float(log.easiness_before), log.interval_before) == (
            schedule.repetitions, schedule.easiness, schedule.interval,
        )  # fmt: skip
        assert log.due_before == due
        if log.scheduled:
            if log.rating < 3 and schedule.repetitions > 0:
                lapses += 1
            schedule = next_schedule(schedule, log.rating)
            due = due_after(log.study_day, schedule)
        assert (log.repetitions_after, float(log.easiness_after), log.interval_after) == (
            schedule.repetitions, schedule.easiness, schedule.interval,
        )  # fmt: skip
        assert log.due_after == due
    return {
        "repetitions": schedule.repetitions,
        "easiness": Decimal(f"{schedule.easiness:.2f}"),
        "interval": schedule.interval,
        "due": due,
        "lapses": lapses,
        "reviews": len(logs),
        "introduced_on": logs[0].study_day,
        "last_review_day": logs[-1].study_day,
        "last_reviewed_at": logs[-1].reviewed_at,
        "last_rating": logs[-1].rating,
    }


def test_makes_users_classes_and_decks_that_can_study_them():
    out = generate()
    assert "3 students" in out
    students = User.objects.filter(username__startswith="bench-student-")
    assert students.count() == 3
    classroom = Classroom.objects.get()
    assert classroom.students.count() == 3
    assert Deck.objects.filter(slug__startswith="bench-").count() == 2
    assert all(deck.cards.count() == 10 for deck in Deck.objects.all())
    student = User.objects.get(username="bench-student-002")
    assert student.check_password("bench-password-123")
    assert decks_for(student).count() == 2
    assert is_teacher(User.objects.get(username="bench-teacher-01"))


def test_card_states_equal_a_replay_of_their_review_log():
    generate()
    logs = defaultdict(list)
    for log in ReviewLog.objects.order_by("student_id", "card_id", "sequence"):
        logs[(log.student_id, log.card_id)].append(log)
    states = list(CardState.objects.all())
    assert states and len(states) == len(logs)
    for state in states:
        expected = replay(logs[(state.student_id, state.card_id)])
        assert state.deck_id == state.card.deck_id
        assert {name: getattr(state, name) for name in expected} == expected


def test_reviews_belong_to_their_study_day_and_only_the_first_of_a_day_schedules():
    generate()
    today = today_for_study()
    first_of_day = set()
    for log in ReviewLog.objects.order_by("reviewed_at", "id"):
        assert today_for_study(log.reviewed_at) == log.study_day
        assert today - timedelta(days=20) <= log.study_day < today
        key = (log.student_id, log.card_id, log.study_day)
        assert log.scheduled == (key not in first_of_day)
        first_of_day.add(key)


def test_daily_activity_equals_a_rebuild_from_the_review_log():
    generate()
    fields = ["student_id", "deck_id", "day", "answers", "cards", "learned_answers",
              "learned_recalled", "mastered_delta", "time_ms"]  # fmt: skip
    generated = set(DailyActivity.objects.values_list(*fields))
    assert generated
    activity_rebuild()
    assert set(DailyActivity.objects.values_list(*fields)) == generated


def test_every_student_has_a_cursor_at_the_last_card_they_were_shown_in_each_deck():
    generate()
    assert new_card_cursors_broken() == []
    for cursor in NewCardCursor.objects.all():
        seen = Card.objects.filter(
            states__student_id=cursor.student_id, deck_id=cursor.deck_id
        ).order_by("-position", "-id")
        assert (cursor.after_position, cursor.after_card) == (seen[0].position, seen[0].pk)
    assert NewCardCursor.objects.count() == len(
        set(CardState.objects.values_list("student_id", "deck_id"))
    )


def test_the_first_student_is_the_heavy_one():
    generate("--heavy-reviews", "50000", "--reviews-per-student", "100")
    heavy = ReviewLog.objects.filter(student__username="bench-student-001").count()
    other = ReviewLog.objects.filter(student__username="bench-student-002").count()
    assert heavy > other


def test_refuses_to_run_twice_without_reset_and_reset_replaces_the_data():
    generate()
    counts = (ReviewLog.objects.count(), CardState.objects.count(), User.objects.count())
    with pytest.raises(CommandError):
        generate()
    out = generate("--reset")
    assert "Removed earlier bench data" in out
    assert (ReviewLog.objects.count(), CardState.objects.count(), User.objects.count()) == counts


def test_reset_leaves_other_data_alone():
    keep = User.objects.create_user("teacher")
    deck = Deck.objects.create(title="Woorden", slug="woorden")
    generate()
    generate("--reset")
    assert User.objects.filter(pk=keep.pk).exists()
    assert Deck.objects.filter(pk=deck.pk).exists()


def test_every_generated_cursor_is_trusted_as_the_study_loop_leaves_it():
    # The card inserts bumped each deck's version; a cursor of an older one is ignored.
    generate()
    versions = dict(DeckCardsVersion.objects.values_list("deck_id", "version"))
    cursors = NewCardCursor.objects.values_list("deck_id", "deck_version")
    assert cursors and all(version == versions[deck] for deck, version in cursors)
