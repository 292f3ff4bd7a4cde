"""The day's study pack a device keeps, and answers made offline applied exactly once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from decks.models import CardState, ReviewLog
from decks.services import study as study_loop
from decks.services.clock import today_for_study
from decks.services.offline import OfflineAnswer, offline_answers_apply, study_pack
from decks.services.scheduling import Schedule, due_after, next_schedule
from tests.conftest import enroll, make_deck, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def studying():
    student = make_user("noor")
    deck = make_deck("Klant centraal", cards=12, new_cards_per_day=10)
    enroll(student, deck)
    return student, deck


def made_earlier(student, deck):
    """A pack made ten minutes ago, so answers made since lie in the past."""
    return study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=10))


def answers_for(pack, ratings, *, start=None, step_s=5):
    start = start or pack["made_at"] + 1000
    return [
        OfflineAnswer(
            id=f"a{n}",
            pack=pack["token"],
            card=card["id"],
            seen=card["seen"],
            rating=rating,
            answered_at=start + n * step_s * 1000,
        )
        for n, (card, rating) in enumerate(zip(pack["cards"], ratings, strict=False))
    ]


def test_the_pack_holds_the_cards_the_queue_serves_today_in_its_order(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    assert [c["front"] for c in pack["cards"]] == [f"Question {n}" for n in range(1, 11)]
    first = study_loop.study_snapshot(student=student, deck=deck).item
    assert pack["cards"][0]["id"] == first.card.pk
    assert {c["kind"] for c in pack["cards"]} == {"new"}


def test_answers_made_offline_are_applied_once_with_the_schedule_of_their_time(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    answers = answers_for(pack, [5, 4, 4])
    results = offline_answers_apply(student=student, answers=answers)
    assert [r["status"] for r in results] == ["applied"] * 3
    today = today_for_study()
    expected_due = due_after(today, next_schedule(Schedule(), 5))
    state = CardState.objects.get(student=student, card_id=answers[0].card)
    assert state.due == expected_due
    assert state.last_reviewed_at == timezone.datetime.fromtimestamp(
        answers[0].answered_at / 1000, tz=timezone.UTC
    )


def test_the_same_answers_sent_twice_are_stored_once(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    answers = answers_for(pack, [5, 2, 4])
    offline_answers_apply(student=student, answers=answers)
    again = offline_answers_apply(student=student, answers=answers)
    assert [r["status"] for r in again] == ["already"] * 3
    assert ReviewLog.objects.count() == 3


def test_an_answer_for_a_card_answered_meanwhile_elsewhere_is_reported_not_applied(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    study_loop.study_answer(
        student=student, deck_slug=deck.slug, card_id=card["id"], rating=3, seen_reviews=0
    )
    (result,) = offline_answers_apply(student=student, answers=answers_for(pack, [5]))
    assert result["status"] == "answered_elsewhere"
    assert list(ReviewLog.objects.values_list("rating", flat=True)) == [3]


def test_times_in_the_future_or_before_the_pack_was_made_are_refused(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    before = answers_for(pack, [5], start=pack["made_at"] - 60_000)
    future = answers_for(
        pack, [5], start=int((timezone.now() + timedelta(hours=1)).timestamp() * 1000)
    )
    results = offline_answers_apply(student=student, answers=before + future)
    assert [r["status"] for r in results] == ["bad_time", "bad_time"]
    assert not ReviewLog.objects.exists()


def test_another_students_pack_names_no_card_of_theirs(studying):
    student, deck = studying
    other = make_user("sam")
    enroll(other, deck)
    pack = made_earlier(student, deck)
    (result,) = offline_answers_apply(student=other, answers=answers_for(pack, [5]))
    assert result["status"] == "unknown"
    assert not ReviewLog.objects.exists()


def test_a_repeat_made_offline_follows_the_first_answer_of_the_day(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    first, repeat = (
        OfflineAnswer(id=f"r{n}", pack=pack["token"], card=card["id"], seen=n, rating=rating,
                      answered_at=pack["made_at"] + 1000 * (n + 1))
        for n, rating in enumerate([2, 4])
    )  # fmt: skip
    results = offline_answers_apply(student=student, answers=[first, repeat])
    assert [r["status"] for r in results] == ["applied", "applied"]
    log = list(ReviewLog.objects.order_by("sequence").values_list("rating", "scheduled"))
    assert log == [(2, True), (4, False)]


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def ms(moment):
    return int(moment.timestamp() * 1000)


def test_the_pack_says_its_study_day_ends_at_the_next_four_oclock(studying, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    student, deck = studying
    evening = study_pack(student=student, deck=deck, now=datetime(2026, 3, 9, 22, tzinfo=AMSTERDAM))
    night = study_pack(student=student, deck=deck, now=datetime(2026, 3, 10, 3, tzinfo=AMSTERDAM))
    assert evening["ends_at"] == night["ends_at"] == ms(datetime(2026, 3, 10, 4, tzinfo=AMSTERDAM))


def test_a_pack_made_on_a_daylight_saving_night_ends_at_four_local_time(studying, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    student, deck = studying
    pack = study_pack(student=student, deck=deck, now=datetime(2026, 3, 28, 12, tzinfo=AMSTERDAM))
    # Clocks go forward at 02:00 on 29 March: 04:00 is then 02:00 UTC, not 03:00.
    assert pack["ends_at"] == ms(datetime(2026, 3, 29, 2, tzinfo=timezone.UTC))


def test_answers_made_at_or_after_the_packs_study_day_ended_are_refused(studying, settings):
    settings.TIME_ZONE = "Europe/Amsterdam"
    student, deck = studying
    made = datetime(2026, 3, 9, 22, tzinfo=AMSTERDAM)
    pack = study_pack(student=student, deck=deck, now=made)
    last, at_end, after = (
        answers_for(pack, [5], start=pack["ends_at"] + offset)[0] for offset in (-1, 0, 60_000)
    )
    results = offline_answers_apply(
        student=student,
        answers=[at_end, after],
        now=datetime(2026, 3, 10, 4, 5, tzinfo=AMSTERDAM),
    )
    assert [r["status"] for r in results] == ["day_ended", "day_ended"]
    assert not ReviewLog.objects.exists()
    (result,) = offline_answers_apply(
        student=student, answers=[last], now=datetime(2026, 3, 10, 4, 5, tzinfo=AMSTERDAM)
    )
    assert result["status"] == "applied"
