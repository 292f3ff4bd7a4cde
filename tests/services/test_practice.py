"""Practise more and practice tests: questions drawn once, answers kept once, no schedule moved."""

import random
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from decks.models import CardState, ClassTest, DailyActivity, Practice, ReviewLog
from decks.services.practice import (
    PracticeRefused,
    class_test_start,
    finished_tests_of,
    practice_answer,
    practice_mistakes,
    practice_question,
    practice_start,
    practice_test_start,
)
from tests.conftest import answer_card, enroll, make_card, make_class, make_deck

pytestmark = pytest.mark.django_db

LONG = "<p>" + " ".join(f"word{n}" for n in range(40)) + "</p>"


def terms_deck(n: int = 6):
    deck = make_deck("Begrippen")
    for i in range(1, n + 1):
        make_card(deck, front=f"Begrip {i}", back=f"Antwoord {i}", position=i)
    return deck


def answer_all_right(practice):
    while (question := practice_question(practice)) is not None:
        if question.way == "typed":
            practice_answer(practice=practice, position=question.position, given=question.expected)
        elif question.way == "choice":
            practice_answer(
                practice=practice,
                position=question.position,
                choice=question.options.index(question.expected),
            )
        else:
            practice_answer(practice=practice, position=question.position, knew=True)


def test_hardest_first_asks_the_cards_rated_lowest_first(student):
    deck = terms_deck(3)
    enroll(student, deck)
    cards = list(deck.cards.order_by("position"))
    now = timezone.now()
    for card, rating in zip(cards, [5, 1, 3], strict=True):
        answer_card(student=student, card=card, rating=rating, seen_reviews=0, now=now)
    practice = practice_start(student=student, deck=deck, way="typed", order="hardest")
    asked = [q.card for q in practice.questions.order_by("position")]
    assert asked == [cards[1], cards[2], cards[0]]


def test_hardest_first_with_nothing_seen_asks_any_card_of_the_deck(student):
    deck = terms_deck(3)
    practice = practice_start(student=student, deck=deck, way="typed", order="hardest")
    assert practice.question_count == 3


def test_an_answer_too_long_to_type_is_shown_instead(student):
    deck = make_deck()
    make_card(deck, front="Leg uit", back=LONG)
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    assert practice.questions.get().way == "shown"


def test_multiple_choice_falls_back_to_typing_below_four_distinct_answers(student):
    deck = terms_deck(3)
    practice = practice_start(student=student, deck=deck, way="choice", order="all")
    assert {q.way for q in practice.questions.all()} == {"typed"}


def test_a_choice_question_keeps_four_options_with_the_right_answer(student):
    deck = terms_deck(6)
    practice = practice_start(
        student=student, deck=deck, way="choice", order="all", rng=random.Random(1)
    )
    for question in practice.questions.all():
        assert question.way == "choice"
        assert len(set(question.options)) == 4
        assert question.expected in question.options


def test_practising_never_moves_a_schedule_or_a_leaderboard(student):
    deck = terms_deck(6)
    enroll(student, deck)
    card = deck.cards.get(position=1)
    answer_card(student=student, card=card, rating=2, seen_reviews=0, now=timezone.now())
    before = list(CardState.objects.values())
    logs, activity = ReviewLog.objects.count(), list(DailyActivity.objects.values())
    for way in ("shown", "typed", "choice"):
        answer_all_right(practice_start(student=student, deck=deck, way=way, order="hardest"))
    answer_all_right(practice_test_start(student=student, decks=[deck], deck=deck))
    assert list(CardState.objects.values()) == before
    assert ReviewLog.objects.count() == logs
    assert list(DailyActivity.objects.values()) == activity


def test_a_typed_answer_is_judged_and_kept(student):
    deck = terms_deck(1)
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    result = practice_answer(practice=practice, position=1, given="antwoord 1")
    assert result.applied and result.question.correct
    assert result.check is not None and result.check.correct
    assert practice.questions.get().given == "antwoord 1"


def test_an_empty_typed_answer_counts_as_not_known(student):
    deck = terms_deck(1)
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    assert practice_answer(practice=practice, position=1, given="").question.correct is False


def test_a_picked_option_is_right_only_when_it_is_the_cards_answer(student):
    deck = terms_deck(6)
    practice = practice_start(student=student, deck=deck, way="choice", order="all")
    question = practice_question(practice)
    wrong = next(i for i, o in enumerate(question.options) if o != question.expected)
    result = practice_answer(practice=practice, position=question.position, choice=wrong)
    assert result.question.correct is False
    assert result.question.given == question.options[wrong]


def test_the_same_answer_sent_twice_is_kept_once(student):
    deck = terms_deck(2)
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    practice_answer(practice=practice, position=1, given="fout")
    again = practice_answer(practice=practice, position=1, given="Antwoord 1")
    assert again.applied is False
    assert practice.questions.get(position=1).given == "fout"


def test_a_choice_answer_without_an_option_is_refused(student):
    deck = terms_deck(6)
    practice = practice_start(student=student, deck=deck, way="choice", order="all")
    with pytest.raises(PracticeRefused):
        practice_answer(practice=practice, position=1, choice=None)


def test_the_last_answer_keeps_the_score_on_the_practice(student):
    deck = terms_deck(4)
    practice = practice_test_start(student=student, decks=[deck], deck=deck, count=4)
    first = practice_question(practice)
    practice_answer(practice=practice, position=first.position, given="x", choice=0)
    answer_all_right(practice)
    practice.refresh_from_db()
    assert practice.finished_at is not None
    expected_right = 4 if first.options and first.options[0] == first.expected else 3
    assert practice.correct_count == expected_right


def test_a_test_mixes_typed_and_choice_questions(student):
    deck = terms_deck(12)
    practice = practice_test_start(student=student, decks=[deck], count=12, rng=random.Random(3))
    assert {q.way for q in practice.questions.all()} == {"typed", "choice"}


def test_a_test_asks_no_more_questions_than_asked(student):
    deck = terms_deck(12)
    assert practice_test_start(student=student, decks=[deck], count=5).question_count == 5


def test_a_test_leaves_out_cards_no_check_can_ask(student):
    deck = make_deck()
    make_card(deck, front="Leg uit", back=LONG)
    make_card(deck, front="Kort", back="Ja")
    practice = practice_test_start(student=student, decks=[deck], count=5)
    assert [q.card.front for q in practice.questions.all()] == ["Kort"]


def test_a_test_of_only_unaskable_cards_is_refused(student):
    deck = make_deck()
    make_card(deck, front="Leg uit", back=LONG)
    with pytest.raises(PracticeRefused):
        practice_test_start(student=student, decks=[deck], count=5)


def test_the_mistakes_list_every_wrong_answer_with_the_right_one(student):
    deck = terms_deck(3)
    practice = practice_test_start(student=student, decks=[deck], count=3, rng=random.Random(0))
    wrong = practice_question(practice)
    practice_answer(
        practice=practice,
        position=wrong.position,
        given="fout",
        choice=next((i for i, o in enumerate(wrong.options) if o != wrong.expected), None),
    )
    answer_all_right(practice)
    ((question, _check),) = practice_mistakes(practice)
    assert question.position == wrong.position
    assert question.expected == wrong.card.back


def test_a_class_test_is_taken_only_while_open(student):
    deck = terms_deck(4)
    classroom = make_class(students=[student], decks=[deck])
    test = ClassTest.objects.create(
        classroom=classroom, title="Week 3", question_count=3,
        opens_on=date(2099, 5, 1), closes_on=date(2099, 5, 7),
    )  # fmt: skip
    test.decks.add(deck)
    with pytest.raises(PracticeRefused):
        class_test_start(student=student, class_test=test, today=date(2099, 4, 30))
    practice = class_test_start(student=student, class_test=test, today=date(2099, 5, 7))
    assert (practice.class_test, practice.classroom, practice.question_count) == (
        test,
        classroom,
        3,
    )


def test_a_class_test_is_refused_to_who_is_not_in_the_class(student):
    deck = terms_deck(4)
    test = ClassTest.objects.create(
        classroom=make_class(decks=[deck]), title="Week 3",
        opens_on=date(2099, 5, 1), closes_on=date(2099, 5, 7),
    )  # fmt: skip
    test.decks.add(deck)
    with pytest.raises(PracticeRefused):
        class_test_start(student=student, class_test=test, today=date(2099, 5, 2))


def test_finished_tests_are_listed_newest_first_and_unfinished_ones_not(student):
    deck = terms_deck(4)
    now = timezone.now()
    older = practice_test_start(student=student, decks=[deck], count=2, now=now)
    answer_all_right(older)
    newer = practice_test_start(student=student, decks=[deck], count=2, now=now)
    answer_all_right(newer)
    practice_test_start(student=student, decks=[deck], count=2)
    Practice.objects.filter(pk=older.pk).update(finished_at=now - timedelta(days=1))
    assert list(finished_tests_of(student_ids=[student.pk])) == [newer, older]


def big_deck(cards: int):
    deck = make_deck()
    deck.cards.bulk_create(
        [
            deck.cards.model(deck=deck, front=f"V{n}", back=f"A{n}", position=n, key=f"k{n}")
            for n in range(cards)
        ]
    )
    return deck


def test_starting_multiple_choice_reads_as_much_in_a_big_deck_as_in_a_small_one(student):
    counts = []
    for size in (25, 2500):
        deck = big_deck(size)
        with CaptureQueriesContext(connection) as queries:
            practice_start(student=student, deck=deck, way="choice", order="all")
        counts.append(len(queries))
    # The round's cards, then each card's neighbours in deck order: never the whole deck.
    assert counts[0] == counts[1]


def test_answering_costs_the_same_few_statements_whatever_the_deck(
    student, django_assert_max_num_queries
):
    deck = terms_deck(6)
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    with django_assert_max_num_queries(6):
        practice_answer(practice=practice, position=1, given="Antwoord 1")
        practice_question(practice)
