"""The day's study pack a device keeps, and answers made offline applied exactly once."""

import dataclasses
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decks.models import Card, CardState, FirstCheck, ReviewLog
from decks.services import answer_modes
from decks.services import study as study_loop
from decks.services.clock import today_for_study
from decks.services.offline import OfflineAnswer, offline_answers_apply, study_pack
from decks.services.scheduling import Schedule, due_after, next_schedule
from tests.conftest import enroll, make_card, make_deck, make_user

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


# --- Typing and picking offline: the pack offers each card the student's way, and the
# server judges again what the device sends.


def offline_answer(pack, card, *, rating, n=0, **way):
    return OfflineAnswer(
        id=f"w{n}",
        pack=pack["token"],
        card=card["id"],
        seen=card["seen"],
        rating=rating,
        answered_at=pack["made_at"] + 1000 * (n + 1),
        **way,
    )


def the_log(card):
    return ReviewLog.objects.values("rating", "answered_by", "checked_correct", "overridden").get(
        card_id=card["id"]
    )


def test_the_pack_offers_each_card_the_students_way(studying):
    student, deck = studying
    assert made_earlier(student, deck)["mode"] == "shown"
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    assert pack["mode"] == "typed"
    assert pack["cards"][0]["way"] == "typed"
    assert pack["cards"][0]["check"] == {"text": "Answer 1", "items": []}


def test_a_list_answer_is_packed_with_its_items(studying):
    student, deck = studying
    deck.cards.all().delete()
    make_card(deck, front="Lagen?", back="<ul><li>top</li><li>groot</li></ul>")
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    (card,) = made_earlier(student, deck)["cards"]
    assert card["check"] == {"text": "top, groot", "items": ["top", "groot"]}


def test_a_pick_is_packed_with_four_signed_options_and_the_right_one(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="choice")
    card = made_earlier(student, deck)["cards"][0]
    assert card["way"] == "choice"
    assert len(card["options"]) == 4
    assert card["options"][card["right"]] == "Answer 1"
    assert card["offered_seen"] == 0
    assert answer_modes.options_verified(
        card["offered"], card_id=card["id"], seen=0, student_id=student.pk, options=card["options"]
    )


def test_picking_costs_the_pack_the_same_few_queries_however_many_cards(studying):
    student, deck = studying
    with CaptureQueriesContext(connection) as showing:
        pack = study_pack(student=student, deck=deck)
    answer_modes.answer_mode_set(student=student, deck=deck, mode="choice")
    with CaptureQueriesContext(connection) as picking:
        picked = study_pack(student=student, deck=deck)
    assert len(pack["cards"]) == 10
    assert len(picking) <= len(showing) + 3
    # The options are those each card is offered online.
    for card in picked["cards"]:
        online = answer_modes.card_presentation(
            card=deck.cards.get(pk=card["id"]), mode="choice", seen_reviews=0, student_id=student.pk
        )
        assert card["options"] == online.options


@pytest.mark.parametrize(
    ("given", "rating", "correct"),
    [("answer 1", 4, True), ("Anwser 1", 4, True), ("Answer 7", 2, False)],
)
def test_a_typed_answer_is_judged_again_by_the_server(studying, given, rating, correct):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    (result,) = offline_answers_apply(
        student=student,
        answers=[offline_answer(pack, card, rating=rating, way="typed", given=given)],
    )
    assert result["status"] == "applied"
    assert the_log(card) == {
        "rating": rating,
        "answered_by": "typed",
        "checked_correct": correct,
        "overridden": False,
    }


def test_a_rating_that_does_not_fit_the_servers_verdict_is_made_to_fit_and_reported(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    wrong, right = pack["cards"][:2]
    results = offline_answers_apply(
        student=student,
        answers=[
            offline_answer(pack, wrong, rating=5, way="typed", given="Answer 9"),
            offline_answer(pack, right, rating=1, n=1, way="typed", given="Answer 2"),
        ],
    )
    assert [r["status"] for r in results] == ["rechecked", "rechecked"]
    assert the_log(wrong)["rating"] == 2
    assert the_log(right)["rating"] == 3


def test_i_was_right_after_a_wrong_typed_answer_is_logged_as_overridden(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    answer = offline_answer(pack, card, rating=4, way="typed", given="Antwoord 1", overridden=True)
    (result,) = offline_answers_apply(student=student, answers=[answer])
    assert result["status"] == "applied"
    assert the_log(card) == {
        "rating": 4,
        "answered_by": "typed",
        "checked_correct": False,
        "overridden": True,
    }


def test_a_typed_answer_sent_twice_is_stored_once(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    answer = offline_answer(pack, pack["cards"][0], rating=2, way="typed", given="Answer 3")
    (first,) = offline_answers_apply(student=student, answers=[answer])
    (again,) = offline_answers_apply(student=student, answers=[answer])
    assert (first["status"], again["status"]) == ("applied", "already")
    assert ReviewLog.objects.count() == 1


def test_a_typed_answer_refitted_and_sent_twice_is_stored_once(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    answer = offline_answer(pack, pack["cards"][0], rating=5, way="typed", given="Answer 3")
    (first,) = offline_answers_apply(student=student, answers=[answer])
    (again,) = offline_answers_apply(student=student, answers=[answer])
    assert (first["status"], again["status"]) == ("rechecked", "already")
    assert ReviewLog.objects.count() == 1


def pick(pack, card, choice, **extra):
    return offline_answer(
        pack,
        card,
        way="choice",
        options=tuple(card["options"]),
        offered=card["offered"],
        offered_seen=card["offered_seen"],
        choice=choice,
        **extra,
    )


def test_a_pick_made_offline_is_judged_against_the_signed_options(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="choice")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    (result,) = offline_answers_apply(
        student=student, answers=[pick(pack, card, card["right"], rating=4)]
    )
    assert result["status"] == "applied"
    assert the_log(card) == {
        "rating": 4,
        "answered_by": "choice",
        "checked_correct": True,
        "overridden": False,
    }


def test_a_pick_among_forged_options_is_not_judged(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="choice")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    forged = dict(card, options=["Answer 1", "Answer 1", "Answer 1", "Answer 1"])
    (result,) = offline_answers_apply(student=student, answers=[pick(pack, forged, 0, rating=4)])
    assert result["status"] == "unknown"
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize("other", ["card", "student", "showing"])
def test_a_pick_among_options_signed_for_another_card_student_or_showing_is_not_judged(
    studying, other
):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="choice")
    pack = made_earlier(student, deck)
    card, second = pack["cards"][:2]
    signed = {
        "card": {"card_id": second["id"], "seen": 0, "student_id": student.pk},
        "student": {"card_id": card["id"], "seen": 0, "student_id": student.pk + 1},
        "showing": {"card_id": card["id"], "seen": 1, "student_id": student.pk},
    }[other]
    offered = answer_modes.options_sign(options=card["options"], **signed)
    answer = pick(pack, dict(card, offered=offered), card["right"], rating=4)
    (result,) = offline_answers_apply(student=student, answers=[answer])
    assert result["status"] == "unknown"
    assert not ReviewLog.objects.exists()


def test_an_online_checks_verdict_carries_the_answer_offline(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    verdict = answer_modes.verdict_sign(
        card_id=card["id"], seen=0, student_id=student.pk, mode="typed", correct=False
    )
    forged = verdict.replace(":0:", ":1:")
    results = offline_answers_apply(
        student=student,
        answers=[
            offline_answer(pack, card, rating=2, verdict=forged),
            offline_answer(pack, card, rating=2, n=1, verdict=verdict),
        ],
    )
    assert [r["status"] for r in results] == ["unknown", "applied"]
    assert the_log(card)["answered_by"] == "typed"
    assert the_log(card)["checked_correct"] is False


# --- The first check of a showing counts, as online; the server knows each card's way.


def test_the_first_check_of_a_showing_counts_though_a_later_one_was_right(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    # Checked "Answer 9", undone, then checked again right and rated 5.
    answer = offline_answer(
        pack, card, rating=5, way="typed", given="Answer 1", first_given="Answer 9"
    )
    (result,) = offline_answers_apply(student=student, answers=[answer])
    assert result["status"] == "rechecked"
    assert the_log(card) == {
        "rating": 2,
        "answered_by": "typed",
        "checked_correct": False,
        "overridden": False,
    }


def test_a_wrong_first_check_counts_when_the_answer_was_then_shown(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    answer = offline_answer(pack, card, rating=5, way="shown", first_given="Answer 9")
    offline_answers_apply(student=student, answers=[answer])
    assert the_log(card) == {
        "rating": 2,
        "answered_by": "typed",
        "checked_correct": False,
        "overridden": False,
    }


def test_a_first_pick_counts_though_a_later_pick_was_right(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="choice")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    wrong = (card["right"] + 1) % 4
    offline_answers_apply(
        student=student, answers=[pick(pack, card, card["right"], rating=4, first_choice=wrong)]
    )
    assert the_log(card)["checked_correct"] is False
    assert the_log(card)["rating"] == 2


def test_an_answer_typed_offline_is_judged_though_the_way_changed_online_since(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    answer_modes.answer_mode_set(student=student, deck=deck, mode="shown")
    answer = offline_answer(pack, card, rating=5, way="typed", given="Answer 1")
    (result,) = offline_answers_apply(student=student, answers=[answer])
    assert result["status"] == "applied"
    assert the_log(card)["answered_by"] == "typed"


def test_a_typed_answer_to_a_card_too_long_to_type_is_not_judged(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    Card.objects.filter(pk=card["id"]).update(back=" ".join(["woord"] * 20))
    answer = offline_answer(pack, card, rating=5, way="typed", given="woord")
    (result,) = offline_answers_apply(student=student, answers=[answer])
    assert result["status"] == "unknown"
    assert not ReviewLog.objects.exists()


def test_showing_the_answer_instead_of_typing_it_is_applied_as_shown(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    (result,) = offline_answers_apply(
        student=student, answers=[offline_answer(pack, card, rating=5, way="shown")]
    )
    assert result["status"] == "applied"
    assert the_log(card)["answered_by"] == "shown"


def test_i_was_right_on_an_answer_only_shown_is_applied_as_shown(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    answer = offline_answer(pack, card, rating=4, way="shown", overridden=True)
    (result,) = offline_answers_apply(student=student, answers=[answer])
    assert result["status"] == "applied"
    assert the_log(card) == {
        "rating": 4,
        "answered_by": "shown",
        "checked_correct": None,
        "overridden": False,
    }


def test_a_check_whose_answer_is_not_applied_is_not_kept_as_the_first(studying):
    student, deck = studying
    answer_modes.answer_mode_set(student=student, deck=deck, mode="typed")
    pack = made_earlier(student, deck)
    card = pack["cards"][0]
    # Named for a showing the card has not reached: not in the queue, nothing recorded.
    answer = dataclasses.replace(
        offline_answer(pack, card, rating=2, way="typed", given="Answer 9"), seen=3
    )
    (result,) = offline_answers_apply(student=student, answers=[answer])
    assert result["status"] != "applied"
    assert not FirstCheck.objects.exists()


def test_the_pack_says_what_a_check_allows_and_proposes(studying):
    student, deck = studying
    pack = made_earlier(student, deck)
    assert pack["ratings"] == {
        "right": [3, 4, 5],
        "wrong": [1, 2],
        "proposed_right": 4,
        "proposed_wrong": 2,
        "proposed_blank": 1,
    }
    assert pack["max_given"] == 1000
