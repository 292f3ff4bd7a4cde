import math
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from decks.services.scheduling import (
    MAX_INTERVAL_DAYS,
    Schedule,
    clamp_to_exam,
    comes_back_in,
    due_after,
    next_schedule,
    study_day,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def replay(ratings: list[int], start: Schedule | None = None) -> list[tuple[int, float, int]]:
    schedule = start or Schedule()
    steps = []
    for rating in ratings:
        schedule = next_schedule(schedule, rating)
        steps.append((schedule.repetitions, schedule.easiness, schedule.interval))
    return steps


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        (
            [5, 4, 3, 5, 5, 2, 4],
            [(1, 2.6, 1), (2, 2.6, 6), (3, 2.46, 15), (4, 2.56, 39), (5, 2.66, 104),
             (0, 2.34, 1), (1, 2.34, 1)],
        ),
        ([4, 4, 4, 4], [(1, 2.5, 1), (2, 2.5, 6), (3, 2.5, 15), (4, 2.5, 38)]),
        ([3, 3, 3], [(1, 2.36, 1), (2, 2.22, 6), (3, 2.08, 13)]),
        ([1], [(0, 1.96, 1)]),
        ([2], [(0, 2.18, 1)]),
        ([1, 1, 1, 1], [(0, 1.96, 1), (0, 1.42, 1), (0, 1.3, 1), (0, 1.3, 1)]),
        ([5, 5, 1, 5], [(1, 2.6, 1), (2, 2.7, 6), (0, 2.16, 1), (1, 2.26, 1)]),
    ],
)  # fmt: skip
def test_worked_sequences_follow_sm2(ratings, expected):
    assert replay(ratings) == expected


@pytest.mark.parametrize("quality", [0, 6, -1, 3.0, "3", None, True])
def test_a_rating_outside_one_to_five_is_rejected(quality):
    with pytest.raises(ValueError):
        next_schedule(Schedule(), quality)


def test_easiness_is_exact_so_ceil_adds_no_spurious_day():
    # 100 * 2.18 is 218.00000000000003 in floats; the interval must still be 218.
    after = next_schedule(Schedule(repetitions=5, easiness=2.18, interval=100), 4)
    assert after.interval == 218


def test_a_fail_still_updates_easiness_so_ratings_one_and_two_differ():
    assert next_schedule(Schedule(), 1).easiness < next_schedule(Schedule(), 2).easiness


def test_intervals_are_capped_at_a_hundred_years():
    after = next_schedule(Schedule(repetitions=9, easiness=2.5, interval=30_000), 5)
    assert after.interval == MAX_INTERVAL_DAYS


def test_the_study_day_rolls_over_at_four_in_the_morning():
    assert study_day(datetime(2026, 11, 24, 3, 59, tzinfo=AMSTERDAM)) == date(2026, 11, 23)
    assert study_day(datetime(2026, 11, 24, 4, 0, tzinfo=AMSTERDAM)) == date(2026, 11, 24)


def test_a_card_is_due_its_interval_in_days_after_today():
    assert due_after(date(2026, 12, 30), Schedule(interval=6)) == date(2027, 1, 5)


ratings = st.integers(min_value=1, max_value=5)
schedules = st.builds(
    Schedule,
    repetitions=st.integers(min_value=0, max_value=50),
    easiness=st.integers(min_value=130, max_value=400).map(lambda h: h / 100),
    interval=st.integers(min_value=0, max_value=MAX_INTERVAL_DAYS),
)


@given(st.lists(ratings, max_size=60))
def test_easiness_never_falls_below_1_3(sequence):
    assert all(easiness >= 1.3 for _, easiness, _ in replay(sequence))


@given(schedules, st.integers(min_value=1, max_value=2))
def test_a_fail_always_gives_one_day_and_restarts_repetitions(schedule, quality):
    after = next_schedule(schedule, quality)
    assert (after.repetitions, after.interval) == (0, 1)


@given(
    schedules.filter(lambda s: s.repetitions >= 2 and s.interval >= 1), st.sampled_from([3, 4, 5])
)
def test_a_pass_never_shortens_a_mature_interval(schedule, quality):
    assert next_schedule(schedule, quality).interval >= schedule.interval


@given(schedules, ratings)
def test_easiness_stays_on_the_hundredths_grid(schedule, quality):
    easiness = next_schedule(schedule, quality).easiness
    assert Decimal(str(easiness)) == Decimal(str(easiness)).quantize(Decimal("0.01"))


@given(schedules.filter(lambda s: s.repetitions >= 2), st.sampled_from([3, 4, 5]))
def test_a_mature_interval_is_the_exact_ceiling_of_interval_times_easiness(schedule, quality):
    after = next_schedule(schedule, quality)
    exact = Decimal(schedule.interval) * Decimal(str(after.easiness))
    assert after.interval == min(MAX_INTERVAL_DAYS, math.ceil(exact))


EXAM = date(2026, 12, 10)


@pytest.mark.parametrize(
    ("due", "today", "expected"),
    [
        (date(2026, 12, 5), date(2026, 12, 1), date(2026, 12, 5)),  # before the exam: unchanged
        (date(2026, 12, 10), date(2026, 12, 1), date(2026, 12, 9)),  # on exam day: the day before
        (date(2027, 3, 1), date(2026, 12, 1), date(2026, 12, 9)),  # past the exam: the day before
        (
            date(2026, 12, 15),
            date(2026, 12, 9),
            date(2026, 12, 10),
        ),  # the eve: no earlier than tomorrow
        (date(2026, 12, 20), date(2026, 12, 10), date(2026, 12, 20)),  # exam day itself: no clamp
        (date(2026, 12, 20), date(2026, 12, 11), date(2026, 12, 20)),  # after the exam: no clamp
    ],
)
def test_due_dates_are_clamped_to_the_day_before_an_upcoming_exam(due, today, expected):
    assert clamp_to_exam(due, today=today, exam_date=EXAM) == expected


def test_without_an_exam_the_due_date_is_unchanged():
    assert clamp_to_exam(date(2027, 1, 1), today=date(2026, 1, 1), exam_date=None) == date(
        2027, 1, 1
    )


@pytest.mark.parametrize(
    ("current", "quality", "days"),
    [
        (Schedule(), 1, 0),
        (Schedule(), 3, 0),  # a pass, but SM-2 repeats it the same day
        (Schedule(), 4, 1),
        (Schedule(repetitions=1, easiness=2.5, interval=1), 5, 6),
        (Schedule(repetitions=3, easiness=2.5, interval=30), 4, 75),
    ],
)
def test_a_rating_says_when_the_card_comes_back(current, quality, days):
    assert comes_back_in(current, quality) == days


def test_a_card_answered_today_keeps_the_date_its_first_answer_set():
    current = Schedule(repetitions=0, easiness=2.2, interval=1)
    assert comes_back_in(current, 5, days_already_set=1) == 1
    assert comes_back_in(current, 2, days_already_set=1) == 0
