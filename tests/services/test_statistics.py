"""Statistics against hand-computed review logs (Europe/Amsterdam, UTC+1 in November).

The scene, with the study day of each answer (days roll over at 04:00):

    Mon 16 Nov  a1: 5 (first answer)  a2: 2 (first)  a2: 4 (same-day repeat)
    Tue 17 Nov  a1: 4 (learned, recalled)  a2: 3 (learned, recalled)
    Sun 22 Nov  b1: 1 (first; given Monday 03:30, still Sunday's study day)
    Mon 23 Nov  a1: 2 (learned, not recalled)
    Wed 25 Nov  b1: 5 (learned, recalled)  <- today

A classmate answers a1 and a3 too; none of that may show in Sam's figures.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from decks.models import CardState
from decks.services.statistics import (
    NOT_ENOUGH_ANSWERS,
    RECALL_WEEKS,
    CardCategories,
    DayActivity,
    DayCount,
    RatingCalibration,
    WeekRecall,
    answers_by_day,
    calibration,
    calibration_from_pairs,
    calibration_sentence,
    card_categories,
    daily_activity,
    due_forecast,
    forecast_from_due,
    heatmap_start,
    ratings_by_day,
    recall_per_week,
    recall_start,
    statistics_for,
)
from tests.conftest import answer_card, enroll, make_deck, make_user

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)  # a Wednesday


def local(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    """A winter time in Amsterdam (UTC+1), as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC) - timedelta(hours=1)


def weekly_recall(*, student, today: date) -> list[WeekRecall]:
    """The recall rate of each of the last 12 weeks, read alone (the page reads it with the
    other figures, in statistics_for)."""
    activity = daily_activity(student=student, deck=None, since=recall_start(today), today=today)
    return recall_per_week(activity, today=today, weeks=RECALL_WEEKS)


def answer(student, card, rating, when):
    state = CardState.objects.filter(student=student, card=card).first()
    outcome = answer_card(
        student=student, card=card, rating=rating, seen_reviews=state.reviews if state else 0,
        now=when,
    )  # fmt: skip
    assert outcome.applied


def nov(day: int) -> date:
    return date(2026, 11, day)


@pytest.fixture
def scene(student):
    deck_a, deck_b = make_deck("Alpha", cards=3), make_deck("Bravo", cards=2)
    a1, a2, a3 = deck_a.cards.all()
    b1, b2 = deck_b.cards.all()
    enroll(student, deck_a, deck_b)
    answer(student, a1, 5, local(11, 16, 10, 0))
    answer(student, a2, 2, local(11, 16, 10, 1))
    answer(student, a2, 4, local(11, 16, 10, 2))
    answer(student, a1, 4, local(11, 17, 9, 0))
    answer(student, a2, 3, local(11, 17, 9, 1))
    answer(student, b1, 1, local(11, 23, 3, 30))
    answer(student, a1, 2, local(11, 23, 20, 0))
    answer(student, b1, 5, local(11, 25, 8, 0))
    classmate = make_user("kim")
    enroll(classmate, deck_a)
    answer(classmate, a1, 1, local(11, 17, 12))
    answer(classmate, a1, 5, local(11, 18, 12))
    answer(classmate, a3, 5, local(11, 18, 12, 5))
    return {"student": student, "a": deck_a, "b": deck_b, "cards": (a1, a2, a3, b1, b2)}


# The heatmap: answers per study day, from the daily activity rows.


def test_the_heatmap_counts_every_answer_on_its_study_day(scene):
    assert answers_by_day(student=scene["student"], today=TODAY) == {
        nov(16): 3,
        nov(17): 2,
        nov(22): 1,
        nov(23): 1,
        nov(25): 1,
    }


def test_the_heatmap_of_one_deck_counts_only_that_deck(scene):
    counts = answers_by_day(student=scene["student"], deck=scene["b"], today=TODAY)
    assert counts == {nov(22): 1, nov(25): 1}


def test_the_heatmap_starts_on_the_monday_fifty_two_weeks_before_this_weeks(student):
    assert heatmap_start(TODAY) == date(2025, 11, 24)
    assert heatmap_start(date(2026, 11, 23)) == date(2025, 11, 24)  # a Monday: its own week
    deck = make_deck(cards=2)
    enroll(student, deck)
    first, second = deck.cards.all()
    answer(student, first, 4, local(11, 23, 12, year=2025))  # Sunday: one day too early
    answer(student, second, 4, local(11, 24, 12, year=2025))
    assert answers_by_day(student=student, today=TODAY) == {date(2025, 11, 24): 1}


# The forecast: cards due per day for 30 days, overdue cards on today.


def test_overdue_cards_are_forecast_for_today_and_the_rest_on_their_day(scene):
    forecast = due_forecast(student=scene["student"], today=TODAY)
    assert len(forecast) == 30
    assert forecast[0] == DayCount(TODAY, 2)  # a1 due 24 Nov, a2 due 18 Nov: overdue
    assert forecast[1] == DayCount(nov(26), 1)  # b1, answered 5 today as a learned card
    assert sum(day.count for day in forecast) == 3
    assert forecast[-1].day == date(2026, 12, 24)


def test_the_forecast_ends_after_thirty_days_and_leaves_retired_cards_out(scene):
    a1, a2, *_ = scene["cards"]
    CardState.objects.filter(student=scene["student"], card=a1).update(due=TODAY + timedelta(29))
    CardState.objects.filter(student=scene["student"], card=a2).update(due=TODAY + timedelta(30))
    forecast = due_forecast(student=scene["student"], deck=scene["a"], today=TODAY)
    assert [(day.day, day.count) for day in forecast if day.count] == [(date(2026, 12, 24), 1)]
    a1.retired_at = timezone.now()
    a1.save()
    assert sum(d.count for d in due_forecast(student=scene["student"], today=TODAY)) == 1


def test_the_forecast_is_pure_arithmetic_on_due_dates():
    rows = [(date(2026, 1, 1), 4), (TODAY - timedelta(1), 2), (TODAY, 1), (TODAY + timedelta(2), 5)]
    forecast = forecast_from_due(rows, today=TODAY, days=3)
    assert forecast == [DayCount(TODAY, 7), DayCount(nov(26), 0), DayCount(nov(27), 5)]


# Ratings per day: one grouped query over the review log.


def test_ratings_are_stacked_per_study_day_for_the_last_thirty_days(scene):
    days = ratings_by_day(student=scene["student"], today=TODAY)
    assert len(days) == 30
    assert days[0].day == date(2026, 10, 27)
    assert days[-1].day == TODAY
    stacked = {day.day: day.counts for day in days if day.total}
    assert stacked == {
        nov(16): (0, 1, 0, 1, 1),
        nov(17): (0, 0, 1, 1, 0),
        nov(22): (1, 0, 0, 0, 0),
        nov(23): (0, 1, 0, 0, 0),
        nov(25): (0, 0, 0, 0, 1),
    }


def test_ratings_of_one_deck_leave_the_other_decks_out(scene):
    days = ratings_by_day(student=scene["student"], deck=scene["a"], today=TODAY)
    assert sum(day.total for day in days) == 6
    assert days[-1].counts == (0, 0, 0, 0, 0)


# Recall per week: learned answers recalled, Monday to Sunday, from the activity rows.


def test_recall_is_summed_per_monday_week_over_twelve_weeks(scene):
    weeks = weekly_recall(student=scene["student"], today=TODAY)
    assert len(weeks) == 12
    assert weeks[0].week_start == date(2026, 9, 7)
    # 17 Nov: a1 and a2 recalled; 22 Nov is b1's first answer, not a learned one.
    assert weeks[-2] == WeekRecall(nov(16), answers=2, recalled=2)
    # 23 Nov: a1 rated 2; 25 Nov: b1 rated 5.
    assert weeks[-1] == WeekRecall(nov(23), answers=2, recalled=1)
    assert weeks[-1].rate == 0.5
    assert all(week.rate is None for week in weeks[:-2])


def test_recall_per_week_is_pure_arithmetic_on_daily_rows():
    rows = [
        DayActivity(nov(22), learned_answers=4, learned_recalled=1),  # Sunday: last week
        DayActivity(nov(23), learned_answers=3, learned_recalled=3),
        DayActivity(nov(24), learned_answers=1, learned_recalled=0),
        DayActivity(nov(26), learned_answers=9, learned_recalled=9),  # after today
    ]
    weeks = recall_per_week(rows, today=TODAY, weeks=2)
    assert weeks == [WeekRecall(nov(16), 4, 1), WeekRecall(nov(23), 4, 3)]


# Card categories: new, learning (< 7 days), young (7-20) and mature (21 or more).


@pytest.mark.parametrize(
    ("interval", "category"),
    [(0, "learning"), (6, "learning"), (7, "young"), (20, "young"), (21, "mature")],
)
def test_an_answered_cards_category_follows_its_interval(student, interval, category):
    deck = make_deck(cards=1)
    enroll(student, deck)
    answer(student, deck.cards.get(), 4, local(11, 20, 12))
    CardState.objects.filter(student=student).update(interval=interval)
    counts = card_categories(student=student)
    assert counts.total == 1
    assert getattr(counts, category) == 1


def test_cards_are_counted_by_category_for_the_decks_the_student_may_study(scene):
    student = scene["student"]
    a1, a2, a3, b1, b2 = scene["cards"]
    # After the scene a1, a2 and b1 have a 1-day interval; a3 and b2 were never answered
    # by Sam (a3 only by the classmate).
    assert card_categories(student=student) == CardCategories(new=2, learning=3)
    CardState.objects.filter(student=student, card=a1).update(interval=6)
    CardState.objects.filter(student=student, card=a2).update(interval=20)
    CardState.objects.filter(student=student, card=b1).update(interval=21)
    assert card_categories(student=student) == CardCategories(new=2, learning=1, young=1, mature=1)
    assert card_categories(student=student, deck=scene["b"]) == CardCategories(new=1, mature=1)


def test_a_mature_card_counts_as_checked_when_its_last_checked_answer_was_right(student):
    deck = make_deck(cards=4)
    enroll(student, deck)
    right_then_shown, wrong_last, right_young, never_checked = deck.cards.order_by("position")
    day = local(11, 20, 12)
    answer_card(student=student, card=right_then_shown, rating=4, now=day,
                answered_by="typed", checked_correct=True)  # fmt: skip
    answer_card(student=student, card=right_then_shown, rating=5, now=day + timedelta(days=2))
    answer_card(student=student, card=wrong_last, rating=4, now=day,
                answered_by="choice", checked_correct=True)  # fmt: skip
    answer_card(student=student, card=wrong_last, rating=3, now=day + timedelta(days=2),
                answered_by="typed", checked_correct=False, overridden=True)  # fmt: skip
    answer_card(student=student, card=right_young, rating=4, now=day,
                answered_by="typed", checked_correct=True)  # fmt: skip
    answer_card(student=student, card=never_checked, rating=5, now=day)
    CardState.objects.filter(student=student).exclude(card=right_young).update(interval=21)
    CardState.objects.filter(student=student, card=right_young).update(interval=20)
    counts = card_categories(student=student)
    assert (counts.mature, counts.mature_checked) == (3, 1)


def test_retired_cards_and_decks_the_student_cannot_study_are_not_counted(scene):
    student = scene["student"]
    left_behind = make_deck(cards=1)
    class_left = enroll(student, left_behind)
    answer(student, left_behind.cards.get(), 5, local(11, 20, 12))
    class_left.delete()  # no class gives it now
    scene["cards"][4].retired_at = timezone.now()
    scene["cards"][4].save()
    assert card_categories(student=student) == CardCategories(new=1, learning=3)
    assert sum(day.count for day in due_forecast(student=student, today=TODAY)) == 3


# Calibration: does a rating predict the next answer of the same card?


def test_calibration_pairs_each_review_with_the_next_review_of_the_same_card(scene):
    shares = {row.rating: row for row in calibration(student=scene["student"])}
    # a1: 5 -> 4 (recalled), 4 -> 2 (not); a2: 2 -> 3 on the next day (recalled; the 4
    # minutes after the 2 is a same-day repeat, not a review); b1: 1 -> 5.
    assert shares[5] == RatingCalibration(5, pairs=1, recalled=1)
    assert shares[4] == RatingCalibration(4, pairs=1, recalled=0)
    assert shares[3] == RatingCalibration(3, pairs=0, recalled=0)
    assert shares[2] == RatingCalibration(2, pairs=1, recalled=1)
    assert shares[1] == RatingCalibration(1, pairs=1, recalled=1)
    assert shares[4].share == 0.0
    assert shares[3].share is None


def test_calibration_of_one_deck_pairs_only_its_cards(scene):
    shares = calibration(student=scene["student"], deck=scene["b"])
    assert [(row.rating, row.pairs, row.recalled) for row in shares if row.pairs] == [(1, 1, 1)]


def test_calibration_lists_every_rating_even_those_without_pairs():
    shares = calibration_from_pairs([(4, 2, 2), (5, 1, 0)])
    assert [(row.rating, row.pairs, row.recalled) for row in shares] == [
        (1, 0, 0), (2, 0, 0), (3, 0, 0), (4, 2, 2), (5, 1, 0),
    ]  # fmt: skip


def test_the_calibration_sentence_compares_the_highest_rating_with_the_lowest():
    shares = [
        RatingCalibration(1, pairs=4, recalled=1),  # too few to speak
        RatingCalibration(2, pairs=0, recalled=0),
        RatingCalibration(3, pairs=12, recalled=7),
        RatingCalibration(4, pairs=30, recalled=25),
        RatingCalibration(5, pairs=25, recalled=24),
    ]
    assert calibration_sentence(shares) == (
        "When you rate a card 5 you recall it next time 96% of the time; your 3s only 58%."
    )


def test_the_calibration_sentence_says_only_when_the_rounded_shares_differ():
    shares = [RatingCalibration(1, pairs=600, recalled=499), RatingCalibration(5, 600, 500)]
    assert calibration_sentence(shares) == (
        "When you rate a card 5 you recall it next time 83% of the time; your 1s 83%."
    )


def test_the_calibration_sentence_with_one_rating_or_none_to_speak_of():
    one = [RatingCalibration(4, pairs=5, recalled=4)]
    assert (
        calibration_sentence(one)
        == "When you rate a card 4 you recall it next time 80% of the time."
    )
    assert calibration_sentence([RatingCalibration(5, pairs=4, recalled=4)]) == NOT_ENOUGH_ANSWERS
    assert NOT_ENOUGH_ANSWERS.startswith("Not enough answers yet")


def test_the_calibration_sentence_says_only_when_the_low_rating_recalls_less(scene):
    shares = calibration(student=scene["student"])
    assert calibration_sentence(shares) == NOT_ENOUGH_ANSWERS  # one or two pairs each
    assert calibration_sentence(shares, min_pairs=1) == (
        "When you rate a card 5 you recall it next time 100% of the time; your 1s 100%."
    )


# Everything at once, as the page asks for it.


def test_all_figures_come_from_six_queries(scene, django_assert_num_queries):
    with django_assert_num_queries(6):
        stats = statistics_for(student=scene["student"], today=TODAY)
    assert stats.total_answers == 8
    assert stats.study_days == 5
    assert stats.streak == 1  # today only: 24 Nov has no answers
    assert stats.answers_by_day == answers_by_day(student=scene["student"], today=TODAY)
    assert stats.recall == weekly_recall(student=scene["student"], today=TODAY)
    assert stats.categories == CardCategories(new=2, learning=3)
    assert stats.calibration_sentence == NOT_ENOUGH_ANSWERS


def test_a_student_without_answers_gets_empty_figures_not_errors(student):
    stats = statistics_for(student=student, today=TODAY)
    assert stats.total_answers == 0
    assert stats.streak == 0
    assert sum(day.count for day in stats.forecast) == 0
    assert all(week.rate is None for week in stats.recall)
    assert stats.categories.total == 0
    assert stats.calibration_sentence == NOT_ENOUGH_ANSWERS
