import re
from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from decks.models import CardState
from decks.services.checked import checked_recall_by_student, checked_recall_for
from decks.services.leaderboard import class_leaderboard
from decks.services.statistics import statistics_for
from tests.conftest import answer_card, enroll, make_card, make_class, make_deck, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A Dutch request leaves Dutch active in the thread; later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


DAY_ONE = datetime(2099, 3, 2, 10, 0, tzinfo=UTC)
DAY_TWO = datetime(2099, 3, 9, 10, 0, tzinfo=UTC)
TODAY = date(2099, 3, 10)


def answered(student, card, *, rating, seen, when, by="shown", correct=None, overridden=False):
    answer_card(
        student=student, card=card, rating=rating, seen_reviews=seen, now=when,
        answered_by=by, checked_correct=correct, overridden=overridden,
    )  # fmt: skip


@pytest.fixture
def scene(student):
    """Sam rates four cards 5 himself, then types them a week later: one right."""
    deck = make_deck()
    enroll(student, deck)
    cards = [make_card(deck, back=f"Antwoord {n}") for n in range(4)]
    for card in cards:
        answered(student, card, rating=5, seen=0, when=DAY_ONE)
    answered(student, cards[0], rating=4, seen=1, when=DAY_TWO, by="typed", correct=True)
    answered(student, cards[1], rating=2, seen=1, when=DAY_TWO, by="typed", correct=False)
    answered(student, cards[2], rating=3, seen=1, when=DAY_TWO, by="choice", correct=False,
             overridden=True)  # fmt: skip
    answered(student, cards[3], rating=5, seen=1, when=DAY_TWO)  # self-rated, not checked
    return deck


def test_checked_recall_counts_checked_answers_on_cards_seen_before(student, scene):
    recall = checked_recall_for(student_id=student.pk)
    assert (recall.answers, recall.right) == (3, 1)


def test_an_i_was_right_does_not_count_as_checked_right(student, scene):
    assert checked_recall_for(student_id=student.pk).share == pytest.approx(1 / 3)


def test_checked_recall_keeps_to_the_decks_and_days_asked(student, scene):
    other = make_deck()
    assert checked_recall_by_student(student_ids=[student.pk], deck_ids=[other.pk]) == {}
    assert checked_recall_by_student(student_ids=[student.pk], since=date(2099, 3, 10)) == {}


def test_the_leaderboard_row_has_checked_recall_beside_self_rated_recall(student, scene):
    classroom = make_class(students=[student], decks=[scene])
    (row,) = class_leaderboard(classroom=classroom, viewer=student, today=TODAY, period="all")
    assert row.recall == pytest.approx(3 / 4)  # self-rated: 4, 2, 3, 5
    assert row.checked == pytest.approx(1 / 3)


def test_calibration_compares_the_self_rating_with_the_checked_result(student, scene):
    stats = statistics_for(student=student, today=TODAY)
    five = stats.calibration[4]
    assert (five.pairs, five.checked_pairs, five.checked_right) == (4, 3, 1)
    assert stats.checked.answers == 3


def test_the_statistics_page_says_which_recall_is_checked(client, student, scene):
    make_class(students=[student], decks=[scene])
    client.force_login(student)
    html = client.get(reverse("statistics")).content.decode()
    assert "Checked recall: 33%" in html
    assert "self-rated" in html


def test_the_teachers_pages_show_checked_recall(client, student, scene):
    teacher = make_user("juf")
    classroom = make_class(students=[student], decks=[scene], teachers=[teacher])
    client.force_login(teacher)
    html = client.get(reverse("class_progress", args=[classroom.pk])).content.decode()
    assert "Checked recall" in html and "33%" in html
    page = client.get(reverse("class_student", args=[classroom.pk, student.pk]))
    assert "right in 3 checked answers" in page.content.decode()


def test_checked_figures_speak_dutch(client, student, scene):
    teacher = make_user("meester")
    classroom = make_class(students=[student], decks=[scene], teachers=[teacher])
    client.force_login(student)
    nl = {"Accept-Language": "nl"}
    html = client.get(reverse("statistics"), headers=nl).content.decode()
    assert "Onthouden, nagekeken: 33%" in html and "nagekeken" in html
    board = client.get(reverse("leaderboard", args=[classroom.pk]), headers=nl).content.decode()
    assert "Onthouden, nagekeken" in board


def kinds(html: str) -> list[str]:
    """The self-rated / checked mark under each column name, in order."""
    return re.findall(r'<span class="figure-kind">([^<]+)</span>', html)


def test_the_leaderboard_columns_say_which_figure_is_checked_and_which_self_rated(
    client, student, scene
):
    classroom = make_class(students=[student], decks=[scene])
    client.force_login(student)
    html = client.get(reverse("leaderboard", args=[classroom.pk])).content.decode()
    assert kinds(html) == ["self-rated", "self-rated", "checked"]  # mastered, recall, checked


def test_the_teachers_columns_say_which_figure_is_checked_and_which_self_rated(
    client, student, scene
):
    teacher = make_user("juf")
    classroom = make_class(students=[student], decks=[scene], teachers=[teacher])
    client.force_login(teacher)
    progress = client.get(reverse("class_progress", args=[classroom.pk])).content.decode()
    # Can recall, Checked recall, Mastered in the one deck.
    assert kinds(progress) == ["self-rated", "checked", "self-rated"]
    one = client.get(reverse("class_student", args=[classroom.pk, student.pk])).content.decode()
    assert kinds(one) == ["self-rated"]


def test_the_statistics_page_counts_checked_mastered_cards(client, student, scene):
    make_class(students=[student], decks=[scene])
    CardState.objects.filter(student=student).update(interval=21)
    client.force_login(student)
    html = client.get(reverse("statistics")).content.decode()
    assert "<strong>Checked mastered: 1</strong> of your 4 mature cards" in html


def test_checked_mastered_and_the_self_rated_marks_speak_dutch(client, student, scene):
    classroom = make_class(students=[student], decks=[scene])
    CardState.objects.filter(student=student).update(interval=21)
    client.force_login(student)
    nl = {"Accept-Language": "nl"}
    html = client.get(reverse("statistics"), headers=nl).content.decode()
    assert "Nagekeken beheerst: 1</strong> van je 4 volwassen kaarten" in html
    assert "Deze indeling is zelf beoordeeld" in html
    board = client.get(reverse("leaderboard", args=[classroom.pk]), headers=nl).content.decode()
    assert kinds(board) == ["zelf beoordeeld", "zelf beoordeeld", "nagekeken"]
