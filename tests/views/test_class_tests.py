"""The teacher's side of practice tests: setting one, each student's results, checked answers."""

from datetime import timedelta

import pytest
from django.urls import reverse

from decks.models import ClassTest, Practice
from decks.services.clock import today_for_study
from decks.services.practice import (
    class_test_create,
    practice_answer,
    practice_question,
    practice_test_start,
)
from tests.conftest import make_card, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms(classroom):
    deck = classroom.decks.get()
    for i in range(3, 7):
        make_card(deck, front=f"Question {i}", back=f"Answer {i}", position=i)
    return deck


def take_test(student, deck, *, right: bool):
    practice = practice_test_start(student=student, decks=[deck], deck=deck, count=2)
    while (q := practice_question(practice)) is not None:
        pick = [o == q.expected for o in q.options].index(right) if q.options else None
        practice_answer(
            practice=practice, position=q.position, given=q.expected if right else "x", choice=pick
        )
    return practice


def test_a_teacher_sets_a_test_for_the_class(client, classroom, terms):
    teacher = classroom.teachers.get()
    client.force_login(teacher)
    today = today_for_study()
    response = client.post(
        reverse("class_test_new", args=[classroom.pk]),
        {"title": "Week 3", "decks": [terms.pk], "question_count": 5,
         "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=3)).isoformat()},
    )  # fmt: skip
    assert response["Location"] == classroom.get_absolute_url()
    test = ClassTest.objects.get()
    assert (test.title, test.question_count, list(test.decks.all())) == ("Week 3", 5, [terms])


def test_a_test_ending_before_it_starts_is_refused_beside_the_form(client, classroom, terms):
    client.force_login(classroom.teachers.get())
    response = client.post(
        reverse("class_test_new", args=[classroom.pk]),
        {"title": "Week 3", "decks": [terms.pk], "question_count": 5,
         "opens_on": "2099-05-02", "closes_on": "2099-05-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "The last day cannot come before the first." in response.text
    assert not ClassTest.objects.exists()


def test_a_student_cannot_set_a_test(client, classroom, student, terms):
    client.force_login(student)
    response = client.post(
        reverse("class_test_new", args=[classroom.pk]),
        {"title": "Mine", "decks": [terms.pk], "question_count": 5,
         "opens_on": "2099-05-01", "closes_on": "2099-05-02"},
    )  # fmt: skip
    assert response.status_code == 404


def test_an_open_test_is_offered_to_the_student_and_taken_from_the_class_page(
    client, classroom, student, terms
):
    today = today_for_study()
    test = class_test_create(
        classroom=classroom, teacher=classroom.teachers.get(), title="Week 3", decks=[terms],
        question_count=3, opens_on=today, closes_on=today,
    )  # fmt: skip
    client.force_login(student)
    assert "Week 3" in client.get(classroom.get_absolute_url()).text
    response = client.post(
        reverse("class_test_start", args=[classroom.pk]), {"class_test": test.pk}
    )
    practice = Practice.objects.get()
    assert response["Location"] == reverse("practice", args=[practice.pk])
    assert (practice.class_test, practice.question_count) == (test, 3)


def test_a_closed_test_is_not_offered(client, classroom, student, terms):
    today = today_for_study()
    class_test_create(
        classroom=classroom, teacher=classroom.teachers.get(), title="Week 1", decks=[terms],
        question_count=3, opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=2),
    )  # fmt: skip
    client.force_login(student)
    assert "Week 1" not in client.get(classroom.get_absolute_url()).text


def test_the_class_test_page_lists_each_students_tests(client, classroom, student, terms):
    other = make_user("noor", first_name="Noor")
    classroom.students.add(other)
    take_test(student, terms, right=True)
    take_test(other, terms, right=False)
    client.force_login(classroom.teachers.get())
    response = client.get(reverse("class_tests", args=[classroom.pk]))
    assert "2/2 (100%)" in response.text and "0/2 (0%)" in response.text
    assert "Noor" in response.text


def test_the_class_test_page_is_for_the_classes_teachers_only(client, classroom, student):
    client.force_login(student)
    assert client.get(reverse("class_tests", args=[classroom.pk])).status_code == 404


def test_the_teachers_page_on_a_student_shows_their_tests(client, classroom, student, terms):
    take_test(student, terms, right=True)
    client.force_login(classroom.teachers.get())
    response = client.get(reverse("class_student", args=[classroom.pk, student.pk]))
    assert 'data-testid="test-results"' in response.text and "2/2 (100%)" in response.text


def test_the_hardest_cards_page_shows_and_sorts_by_checked_answers(
    client, classroom, student, terms
):
    practice = take_test(student, terms, right=True)
    wrong_card = practice.questions.get(position=1).card
    practice = practice_test_start(student=student, decks=[terms], deck=terms, count=1)
    practice.questions.update(card=wrong_card)
    q = practice_question(practice)
    practice_answer(
        practice=practice, position=1, given="x",
        choice=[o == q.expected for o in q.options].index(False) if q.options else None,
    )  # fmt: skip
    client.force_login(classroom.teachers.get())
    url = reverse("class_items", args=[classroom.pk])
    response = client.get(url, {"sort": "checked"})
    items = response.context["items"]
    assert items[0].card == wrong_card
    assert (items[0].checked_answers, items[0].checked_right) == (2, 1)
    assert "50% of 2" in response.text
