from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import User

from decks.models import CardState, Membership
from decks.services.classes import (
    JoinRefused,
    class_join,
    class_leave,
    class_save,
    exam_clamp_apply,
    join_code_regenerate,
)
from tests.conftest import answer_card, enroll, make_class, make_deck, make_user

pytestmark = pytest.mark.django_db


def test_a_student_joins_with_the_code_in_any_case_and_spacing(student):
    classroom = make_class(join_code="ABCD2345")
    assert class_join(student=student, code=" abcd 2345 ") == classroom
    assert classroom.students.get() == student


def test_joining_twice_is_harmless(student):
    classroom = make_class(join_code="ABCD2345")
    class_join(student=student, code="ABCD2345")
    class_join(student=student, code="ABCD2345")
    assert Membership.objects.filter(classroom=classroom).count() == 1


def test_a_wrong_code_is_refused_with_a_reason(student):
    with pytest.raises(JoinRefused, match="No class has that code"):
        class_join(student=student, code="NOPE")


def test_a_disabled_code_lets_nobody_in(student):
    make_class("Klas 1A", join_code="ABCD2345", join_enabled=False)
    with pytest.raises(JoinRefused, match="not taking new students"):
        class_join(student=student, code="ABCD2345")


def test_a_regenerated_code_replaces_the_old_one(student):
    classroom = make_class(join_code="ABCD2345")
    new = join_code_regenerate(classroom=classroom)
    with pytest.raises(JoinRefused):
        class_join(student=student, code="ABCD2345")
    assert class_join(student=student, code=new) == classroom


def test_a_student_can_be_in_several_classes_and_leave_one(student):
    first, second = make_class(students=[student]), make_class(students=[student])
    class_leave(student=student, classroom=first)
    assert list(student.classes_joined.all()) == [second]


def test_an_upcoming_exam_clamps_the_due_date_but_not_the_sm2_interval(student):
    deck = make_deck(cards=1)
    make_class(students=[student], decks=[deck], exam_date=date(2026, 11, 27))
    card = deck.cards.get()
    for day, seen in [(20, 0), (21, 1)]:  # intervals 1, then 6: due 27 Nov, exam day itself
        answer_card(student=student, card=card, rating=5, seen_reviews=seen,
                      now=datetime(2026, 11, day, 12, tzinfo=UTC))  # fmt: skip
    state = CardState.objects.get()
    assert state.interval == 6
    assert state.due == date(2026, 11, 26)


def test_an_exam_in_another_class_does_not_clamp(student):
    deck = make_deck(cards=1)
    make_class(students=[student], decks=[deck])
    make_class(decks=[deck], exam_date=date(2026, 11, 22))  # not the student's class
    answer_card(student=student, card=deck.cards.get(), rating=5, seen_reviews=0,
                  now=datetime(2026, 11, 20, 12, tzinfo=UTC))  # fmt: skip
    assert CardState.objects.get().due == date(2026, 11, 21)


def test_setting_an_exam_brings_forward_cards_already_scheduled_past_it(student):
    deck = make_deck(cards=1)
    classroom = make_class(students=[student], decks=[deck])
    answer_card(student=student, card=deck.cards.get(), rating=5, seen_reviews=0,
                  now=datetime(2026, 11, 20, 12, tzinfo=UTC))  # fmt: skip
    CardState.objects.update(due=date(2027, 2, 1), interval=60)
    classroom.exam_date = date(2026, 12, 10)
    classroom.save()
    exam_clamp_apply(classroom=classroom, today=date(2026, 11, 25))
    state = CardState.objects.get()
    assert (state.due, state.interval) == (date(2026, 12, 9), 60)


def test_joining_a_class_with_an_exam_brings_forward_the_students_cards(student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    answer_card(student=student, card=deck.cards.get(), rating=5, seen_reviews=0)
    CardState.objects.update(due=date(2099, 1, 1))
    make_class(decks=[deck], exam_date=date(2098, 6, 1), join_code="EXAMKLAS")
    class_join(student=student, code="EXAMKLAS")
    assert CardState.objects.get().due == date(2098, 5, 31)


def test_deleting_a_classes_only_teacher_stops_it_taking_students_and_keeps_its_students():
    teacher, student = make_user(), make_user()
    classroom = make_class(teachers=[teacher], students=[student], join_code="KLASZZ99")

    teacher.delete()

    classroom.refresh_from_db()
    assert not classroom.join_enabled
    assert list(classroom.students.all()) == [student]
    with pytest.raises(JoinRefused):
        class_join(student=make_user(), code="KLASZZ99")


def test_deleting_one_of_two_teachers_leaves_joining_as_it_was():
    leaving, staying = make_user(), make_user()
    classroom = make_class(teachers=[leaving, staying], join_code="KLASZZ99")

    leaving.delete()

    classroom.refresh_from_db()
    assert classroom.join_enabled


def test_deleting_all_of_a_classes_teachers_at_once_stops_it_taking_students():
    first, second = make_user(), make_user()
    classroom = make_class(teachers=[first, second], join_code="KLASZZ99")

    User.objects.filter(pk__in=[first.pk, second.pk]).delete()

    classroom.refresh_from_db()
    assert not classroom.join_enabled


def test_saving_a_class_keeps_the_decks_of_a_co_teacher_the_teacher_cannot_edit():
    teacher, colleague = make_user(), make_user()
    own, theirs = make_deck(owner=teacher), make_deck(owner=colleague)
    classroom = make_class(teachers=[teacher, colleague], decks=[own, theirs])
    with class_save(classroom=classroom, teacher=teacher, today=date(2099, 1, 1)):
        classroom.decks.set([])  # what the form does: it offered only `own`, now unticked
    assert list(classroom.decks.all()) == [theirs]


def test_saving_a_class_keeps_only_what_was_in_it_before():
    teacher, colleague = make_user(), make_user()
    own, other = make_deck(owner=teacher), make_deck(owner=colleague)
    classroom = make_class(teachers=[teacher], decks=[own])
    with class_save(classroom=classroom, teacher=teacher, today=date(2099, 1, 1)):
        classroom.decks.set([])
    assert (classroom.decks.count(), other.classrooms.count()) == (0, 0)


def test_saving_a_class_with_an_exam_brings_forward_its_students_cards(student):
    deck = make_deck(cards=1)
    classroom = make_class(students=[student], decks=[deck])
    answer_card(student=student, card=deck.cards.get(), rating=5)
    CardState.objects.update(due=date(2099, 12, 1))
    with class_save(classroom=classroom, teacher=make_user(), today=date(2099, 1, 1)):
        classroom.exam_date = date(2099, 6, 1)
        classroom.save()
    assert CardState.objects.get().due == date(2099, 5, 31)
