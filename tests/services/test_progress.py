from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from decks.models import CardState
from decks.services.progress import class_progress, item_analysis
from tests.conftest import answer_card, make_class, make_deck, make_user

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 23, 11, tzinfo=UTC)


def test_item_analysis_puts_the_hardest_card_first_and_flags_the_easiness_floor():
    deck = make_deck(cards=2)
    easy, hard = deck.cards.all()
    students = [make_user() for _ in range(3)]
    classroom = make_class(students=students, decks=[deck])
    started = {"deck": deck, "introduced_on": date(2026, 11, 1), "due": date(2026, 11, 24)}
    for student in students:
        CardState.objects.create(
            student=student, card=hard, easiness=Decimal("1.30"), lapses=2, **started
        )
        CardState.objects.create(student=student, card=easy, **started)
    items = item_analysis(classroom=classroom)
    assert items[0].card == hard
    assert items[0].flagged
    assert (items[0].students_seen, items[0].lapses) == (3, 6)
    assert not items[1].flagged


def test_item_recall_and_average_rating_come_from_the_class_answers():
    deck = make_deck(cards=1)
    card = deck.cards.get()
    student = make_user()
    classroom = make_class(students=[student], decks=[deck])
    answer_card(student=student, card=card, rating=5, seen_reviews=0, now=NOON)
    answer_card(student=student, card=card, rating=2, seen_reviews=1,
                  now=datetime(2026, 11, 24, 11, tzinfo=UTC))  # fmt: skip
    item = item_analysis(classroom=classroom)[0]
    assert (item.learned_recalled, item.learned_answers, item.average_rating) == (0, 1, 3.5)


def test_class_progress_counts_the_backlog_and_mastery_per_deck():
    deck = make_deck(cards=3)
    student = make_user()
    classroom = make_class(students=[student], decks=[deck])
    first = deck.cards.first()
    answer_card(student=student, card=first, rating=5, seen_reviews=0, now=NOON)
    row = class_progress(classroom=classroom, today=date(2026, 11, 25))[0]
    assert (row.due, row.seen, row.can_recall, row.reviews_this_week) == (1, 1, 1, 1)
    assert row.last_studied == date(2026, 11, 23)
    assert (row.mastery[0].mastered, row.mastery[0].cards) == (0, 3)


def seen_by(student, *cards) -> None:
    for card in cards:
        answer_card(student=student, card=card, rating=3, seen_reviews=0, now=NOON)


def test_item_analysis_leaves_out_cards_nobody_in_the_class_has_seen():
    deck = make_deck(cards=3)
    first, *unseen = deck.cards.all()
    student = make_user()
    classroom = make_class(students=[student], decks=[deck])
    seen_by(student, first)

    assert [item.card for item in item_analysis(classroom=classroom)] == [first]


def test_item_analysis_ignores_what_students_of_other_classes_have_seen():
    deck = make_deck(cards=1)
    classroom = make_class(students=[make_user()], decks=[deck])
    elsewhere = make_user()
    make_class(students=[elsewhere], decks=[deck])
    seen_by(elsewhere, deck.cards.get())

    assert item_analysis(classroom=classroom) == []


def test_item_analysis_narrows_to_one_deck_of_the_class():
    wanted, other = make_deck(cards=1), make_deck(cards=1)
    student = make_user()
    classroom = make_class(students=[student], decks=[wanted, other])
    seen_by(student, wanted.cards.get(), other.cards.get())

    items = item_analysis(classroom=classroom, deck=wanted)

    assert [item.card.deck for item in items] == [wanted]


def test_class_progress_says_how_many_cards_seen_counts_from():
    decks = [make_deck(cards=3), make_deck(cards=4)]
    student = make_user()
    classroom = make_class(students=[student], decks=decks)
    seen_by(student, decks[0].cards.first())

    (row,) = class_progress(classroom=classroom, today=date(2026, 11, 23))

    assert (row.seen, row.cards) == (1, 7)


def test_checked_answers_leave_out_what_the_student_only_said_they_knew():
    from decks.services.practice import practice_answer, practice_start
    from decks.services.progress import checked_answers_per_card

    student = make_user()
    deck = make_deck(cards=1)
    make_class(students=[student], decks=[deck])
    shown = practice_start(student=student, deck=deck, way="shown", order="all")
    practice_answer(practice=shown, position=1, knew=True)
    typed = practice_start(student=student, deck=deck, way="typed", order="all")
    practice_answer(practice=typed, position=1, given="wrong")
    card = deck.cards.get()
    assert checked_answers_per_card(students=[student], decks=[deck]) == {card.pk: (1, 0)}


def test_checked_answers_count_the_daily_studys_typed_answers_beside_practice():
    from decks.services.practice import practice_answer, practice_start
    from decks.services.progress import checked_answers_per_card

    student = make_user()
    deck = make_deck(cards=1)
    make_class(students=[student], decks=[deck])
    card = deck.cards.get()
    answer_card(student=student, card=card, rating=2, answered_by="typed", checked_correct=False)
    answer_card(student=student, card=card, rating=4, answered_by="typed", checked_correct=True)
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    practice_answer(practice=practice, position=1, given=card.back)
    # The same day's repeat is left out: it comes just after the answer was shown.
    assert checked_answers_per_card(students=[student], decks=[deck]) == {card.pk: (2, 1)}
