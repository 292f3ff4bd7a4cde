"""Rules written twice, once in the ORM and once in the study loop's SQL, agree.

The hot path states three rules in hand-written SQL that the rest of the app states with
the ORM: who may study a deck (`decks_for` and the answer's read), the upcoming exam that
clamps a due date (`upcoming_exam_for` and the answer's read), and whether a card is on
offer (`queue_offers`, fed by the answer's read, and the snapshot that picks the next
card). Each case below asks both and checks they agree with each other and with the rule;
they run on SQLite and on PostgreSQL (the Makefile's STUDY_LOOP_TESTS).
"""

from datetime import date, timedelta

import pytest

from decks.models import CardState, DailyActivity, DeckSettings, ReviewLog
from decks.selectors import decks_for
from decks.services.classes import upcoming_exam_for
from decks.services.study import answer_target, queue_snapshot, study_answer
from tests.conftest import make_card, make_class, make_deck, make_user

pytestmark = pytest.mark.django_db

# A day of its own, passed to the code under test: the rules never read the clock here.
TODAY = date(2099, 6, 15)
ROLES = ["none", "owner", "editor", "student", "class teacher", "superuser"]


def user_in_role(role: str, deck):
    """A user who stands to `deck` as `role`; "none" has classes and decks, none with it."""
    user = make_user(is_superuser=role == "superuser")
    if role == "none":
        other = make_deck(owner=user)
        make_class(students=[user], teachers=[user], decks=[other])
    elif role == "owner":
        deck.owner = user
        deck.save(update_fields=["owner"])
    elif role == "editor":
        deck.editors.add(user)
    elif role == "student":
        make_class(students=[user], decks=[deck])
    elif role == "class teacher":
        make_class(teachers=[user], decks=[deck])
    # A class with the deck that the user is not in changes nothing for them.
    make_class(students=[make_user()], decks=[deck])
    return user


@pytest.mark.parametrize("role", ROLES)
def test_who_may_study_a_deck_is_the_same_in_decks_for_and_the_answers_read(role):
    deck = make_deck()
    card = make_card(deck)
    user = user_in_role(role, deck)
    in_decks_for = decks_for(user).filter(pk=deck.pk).exists()
    target = answer_target(student=user, deck_slug=deck.slug, card_id=card.pk, today=TODAY)
    assert in_decks_for == (target is not None) == (role != "none")


@pytest.mark.parametrize("role", ROLES)
def test_a_card_is_answered_in_every_role_that_may_study_its_deck(role):
    deck = make_deck()
    card = make_card(deck)
    user = user_in_role(role, deck)
    result = study_answer(
        student=user, deck_slug=deck.slug, card_id=card.pk, rating=4, seen_reviews=0
    )
    logs = ReviewLog.objects.filter(student=user, card=card).count()
    if role == "none":
        assert (result, logs) == (None, 0)
    else:
        assert (result.applied, result.offered, logs) == (True, True, 1)
        assert CardState.objects.get(student=user, card=card).reviews == 1


# Each class as (days from TODAY to its exam or None, has the deck, the user's place in it),
# and the exam expected (days from TODAY, or None).
EXAM_CASES = {
    "no exam": ([(None, True, "student")], None),
    "past": ([(-1, True, "student")], None),
    "today": ([(0, True, "student")], None),
    "future": ([(10, True, "student")], 10),
    "several classes, the earliest ahead counts": (
        [
            (30, True, "student"),
            (10, True, "student"),
            (-5, True, "student"),
            (None, True, "student"),
        ],
        10,
    ),
    "a class without the deck": ([(3, False, "student"), (20, True, "student")], 20),
    "a class the user teaches": ([(3, True, "teacher"), (20, True, "student")], 20),
}


@pytest.mark.parametrize("case", EXAM_CASES)
def test_the_upcoming_exam_is_the_same_in_the_orm_and_the_answers_read(case):
    classes, expected = EXAM_CASES[case]
    deck = make_deck()
    card = make_card(deck)
    student = make_user()
    for days, has_deck, place in classes:
        make_class(
            exam_date=None if days is None else TODAY + timedelta(days=days),
            decks=[deck] if has_deck else [make_deck()],
            students=[student] if place == "student" else [],
            teachers=[student] if place == "teacher" else [],
        )
    orm = upcoming_exam_for(student_id=student.pk, deck_id=deck.pk, today=TODAY)
    target = answer_target(student=student, deck_slug=deck.slug, card_id=card.pk, today=TODAY)
    assert orm == target.exam_date == (None if expected is None else TODAY + timedelta(expected))


def _state(student, card, *, due: int, introduced: int = -30, reviewed: int | None = -10,
           rating: int | None = 4) -> CardState:  # fmt: skip
    """The student's state of `card`, its days counted from TODAY (replacing any before)."""
    state, _ = CardState.objects.update_or_create(
        student=student, card=card,
        defaults={
            "deck": card.deck, "due": TODAY + timedelta(due),
            "introduced_on": TODAY + timedelta(introduced), "repetitions": 2, "interval": 6,
            "reviews": 2, "last_rating": rating,
            "last_review_day": None if reviewed is None else TODAY + timedelta(reviewed),
        },
    )  # fmt: skip
    return state


def _limits(student, deck, *, new: int | None = None, reviews: int | None = None) -> None:
    DeckSettings.objects.create(
        student=student, deck=deck, new_per_day=new, reviews_per_day=reviews
    )


def _learned_today(student, deck, answers: int) -> None:
    DailyActivity.objects.create(
        student=student, deck=deck, day=TODAY, answers=answers, cards=answers,
        learned_answers=answers,
    )  # fmt: skip


# Each case sets up the card under test and, where it needs it, the deck's other card, which
# starts known and not due for a week: the queue does not offer it, so the snapshot's next
# card is the card under test or none.
def new_with_room(student, card, other):
    pass


def new_with_the_decks_limit_zero(student, card, other):
    card.deck.new_cards_per_day = 0
    card.deck.save(update_fields=["new_cards_per_day"])


def new_with_the_students_limit_used_today(student, card, other):
    _limits(student, card.deck, new=1)
    _state(student, other, due=6, introduced=0, reviewed=0, rating=5)


def new_with_the_limit_used_by_a_card_retired_since(student, card, other):
    _limits(student, card.deck, new=1)
    _state(student, other, due=6, introduced=0, reviewed=0, rating=5)
    other.retired_at = other.deck.created_at
    other.save(update_fields=["retired_at"])


def due_today(student, card, other):
    _state(student, card, due=0)


def overdue(student, card, other):
    _state(student, card, due=-40)


def due_tomorrow(student, card, other):
    _state(student, card, due=1)


def due_with_the_review_limit_zero(student, card, other):
    _limits(student, card.deck, reviews=0)
    _state(student, card, due=0)


def due_with_the_review_limit_used_today(student, card, other):
    _limits(student, card.deck, reviews=2)
    _learned_today(student, card.deck, 2)
    _state(student, card, due=-1)


def due_with_room_under_the_review_limit(student, card, other):
    _limits(student, card.deck, reviews=3)
    _learned_today(student, card.deck, 2)
    _state(student, card, due=-1)


def answered_today_below_4(student, card, other):
    _state(student, card, due=1, reviewed=0, rating=3)


def answered_today_below_4_past_the_review_limit(student, card, other):
    _limits(student, card.deck, reviews=0)
    _state(student, card, due=1, reviewed=0, rating=1)


def answered_today_with_4(student, card, other):
    _state(student, card, due=6, reviewed=0, rating=4)


OFFER_CASES = [
    (new_with_room, True),
    (new_with_the_decks_limit_zero, False),
    (new_with_the_students_limit_used_today, False),
    (new_with_the_limit_used_by_a_card_retired_since, True),
    (due_today, True),
    (overdue, True),
    (due_tomorrow, False),
    (due_with_the_review_limit_zero, False),
    (due_with_the_review_limit_used_today, False),
    (due_with_room_under_the_review_limit, True),
    (answered_today_below_4, True),
    (answered_today_below_4_past_the_review_limit, True),
    (answered_today_with_4, False),
]


@pytest.mark.parametrize(
    ("arrange", "offered"), OFFER_CASES, ids=[arrange.__name__ for arrange, _ in OFFER_CASES]
)
@pytest.mark.parametrize("role", [role for role in ROLES if role != "none"])
def test_whether_a_card_is_on_offer_is_the_same_in_the_snapshot_and_queue_offers(
    arrange, offered, role
):
    deck = make_deck()
    other = make_card(deck, position=1)
    card = make_card(deck, position=2)
    student = user_in_role(role, deck)
    _state(student, other, due=7)
    arrange(student, card, other)
    snapshot = queue_snapshot(student=student, deck=deck, today=TODAY)
    target = answer_target(student=student, deck_slug=deck.slug, card_id=card.pk, today=TODAY)
    in_snapshot = snapshot.item is not None and snapshot.item.card.pk == card.pk
    assert in_snapshot == target.offered == offered
