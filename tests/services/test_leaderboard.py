"""Leaderboard figures against hand-computed review logs (Europe/Amsterdam, UTC+1 in November)."""

from datetime import date, timedelta

import pytest

from decks.models import CardState, DailyActivity, StudentProfile
from decks.services.activity import activity_rebuild
from decks.services.leaderboard import (
    ANONYMOUS,
    class_leaderboard,
    competition_ranks,
    study_streak,
)
from tests.conftest import answer_card, make_class, make_deck, make_user
from tests.services.conftest import local

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 11, 25)  # the week runs Monday 23 to Sunday 29


def answer(student, card, rating, when):
    state = CardState.objects.filter(student=student, card=card).first()
    answer_card(
        student=student, card=card, rating=rating, seen_reviews=state.reviews if state else 0,
        now=when,
    )  # fmt: skip


@pytest.fixture
def scene():
    deck = make_deck(cards=2)
    c1, c2 = deck.cards.all()
    anna, bram = make_user("anna", first_name="Anna"), make_user("bram", first_name="Bram")
    teacher = make_user("tess")
    classroom = make_class(students=[anna, bram], decks=[deck], teachers=[teacher])
    answer(anna, c1, 5, local(22, 20))  # Sunday: last week
    answer(anna, c2, 4, local(23, 3, 30))  # Monday 03:30 is still Sunday's study day
    answer(anna, c1, 5, local(23, 4, 30))  # Monday 04:30: this week, a learned card recalled
    answer(anna, c2, 2, local(23, 4, 35))  # learned card, not recalled
    answer(anna, c2, 4, local(23, 4, 40))  # same-day repeat: an answer, not a cleared card
    answer(anna, c2, 3, local(24, 10))  # Tuesday: learned card recalled
    return {"classroom": classroom, "anna": anna, "bram": bram, "teacher": teacher, "deck": deck}


def board(scene, viewer, period="week", **kwargs):
    rows = class_leaderboard(
        classroom=scene["classroom"], viewer=viewer, today=WEDNESDAY, period=period, **kwargs
    )
    return {row.name: row for row in rows}


def test_this_week_counts_each_card_once_a_day_from_monday_four_oclock(scene):
    anna = board(scene, scene["anna"])["Anna"]
    assert (anna.cards, anna.days) == (3, 2)


def test_recall_is_the_share_of_first_answers_on_learned_cards_rated_three_or_more(scene):
    anna = board(scene, scene["anna"])["Anna"]
    assert (anna.learned_recalled, anna.learned_answers) == (2, 3)


def test_all_time_includes_the_study_day_before_the_rollover(scene):
    anna = board(scene, scene["anna"], period="all")["Anna"]
    assert (anna.cards, anna.days) == (3, 3)


def test_new_cards_studied_are_not_due_cards_cleared(scene):
    deck = scene["deck"]
    bram = scene["bram"]
    answer(bram, deck.cards.first(), 5, local(24, 12))
    answer(bram, deck.cards.last(), 5, local(24, 12, 5))
    row = board(scene, bram)["Bram"]
    assert (row.cards, row.days) == (0, 1)


def test_the_streak_runs_back_from_yesterday_when_today_has_no_study_yet(scene):
    assert board(scene, scene["anna"])["Anna"].streak == 3  # Sun, Mon, Tue


def test_a_student_who_has_not_studied_has_zeros_and_no_recall(scene):
    bram = board(scene, scene["anna"])["Bram"]
    assert (bram.cards, bram.days, bram.streak, bram.recall) == (0, 0, 0, None)


def test_ties_share_a_rank():
    assert competition_ranks([9, 7, 7, 3]) == [1, 2, 2, 4]


def test_the_viewers_own_row_is_marked(scene):
    rows = board(scene, scene["bram"])
    assert rows["Bram"].is_viewer and not rows["Anna"].is_viewer


def test_sorting_by_a_column_orders_the_rows(scene):
    rows = class_leaderboard(
        classroom=scene["classroom"], viewer=scene["anna"], today=WEDNESDAY, sort="days",
        descending=False,
    )  # fmt: skip
    assert [row.name for row in rows] == ["Bram", "Anna"]
    assert [row.rank for row in rows] == [2, 1]


def test_a_hidden_student_is_anonymous_to_classmates(scene):
    StudentProfile.objects.create(user=scene["anna"], hide_from_leaderboard=True)
    assert set(board(scene, scene["bram"])) == {ANONYMOUS, "Bram"}


def test_a_hidden_student_still_sees_their_own_name(scene):
    StudentProfile.objects.create(user=scene["anna"], hide_from_leaderboard=True)
    assert "Anna" in board(scene, scene["anna"])


def test_teachers_see_real_names_of_hidden_students(scene):
    StudentProfile.objects.create(user=scene["anna"], hide_from_leaderboard=True, display_name="A.")
    assert "Anna" in board(scene, scene["teacher"])


def test_a_chosen_display_name_is_shown_to_classmates(scene):
    StudentProfile.objects.create(user=scene["anna"], display_name="Speedy")
    assert "Speedy" in board(scene, scene["bram"])


def test_a_card_reaching_three_weeks_counts_as_mastered(scene):
    card = scene["deck"].cards.first()
    bram = scene["bram"]
    for day, rating in [(1, 5), (2, 5), (8, 5), (25, 5)]:  # intervals 1, 6, 17, 50
        answer(bram, card, rating, local(day, 12) - timedelta(days=30))
    assert board(scene, bram, period="all")["Bram"].mastered == 1


def test_study_streak_of_consecutive_days_ending_today():
    days = [date(2026, 11, 25), date(2026, 11, 24), date(2026, 11, 22)]
    assert study_streak(days, date(2026, 11, 25)) == 2


def test_a_streak_is_broken_by_a_missed_yesterday():
    assert study_streak([date(2026, 11, 23)], date(2026, 11, 25)) == 0


def test_rebuilding_activity_from_the_review_log_equals_the_live_figures(scene):
    bram, card = scene["bram"], scene["deck"].cards.last()
    answer(bram, card, 1, local(24, 23, 59))
    answer(bram, card, 5, local(25, 3, 59))  # same study day as 23:59 the evening before
    fields = ["student_id", "deck_id", "day", "answers", "cards", "learned_answers",
              "learned_recalled", "mastered_delta", "time_ms"]  # fmt: skip
    live = sorted(DailyActivity.objects.values_list(*fields))
    activity_rebuild()
    assert sorted(DailyActivity.objects.values_list(*fields)) == live
    assert len(live) == 4
