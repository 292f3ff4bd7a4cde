"""Practise more and practice tests through the pages, with and without htmx."""

import pytest
from django.urls import reverse
from django.utils import timezone

from decks.models import Practice
from decks.services.practice import (
    MAX_TYPED_CHARS,
    practice_question,
    practice_start,
    practice_test_start,
)
from tests.conftest import answer_card, enroll, make_card, make_deck, make_user

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def deck():
    deck = make_deck("Begrippen", slug="begrippen")
    for i in range(1, 7):
        make_card(deck, front=f"Begrip {i}", back=f"Antwoord {i}", position=i)
    return deck


@pytest.fixture
def logged_in(client, student, deck):
    enroll(student, deck)
    client.force_login(student)
    return client


def test_the_done_study_page_offers_practise_more_and_a_test(logged_in, student, deck):
    now = timezone.now()
    for card in deck.cards.all():
        answer_card(student=student, card=card, rating=5, seen_reviews=0, now=now)
    html = logged_in.get(reverse("study", args=[deck.slug])).content.decode()
    assert "data-study-done" in html
    assert reverse("practice_start", args=[deck.slug]) in html
    assert reverse("deck_test_start", args=[deck.slug]) in html


def test_starting_practice_leads_to_its_first_question(logged_in, deck):
    response = logged_in.post(
        reverse("practice_start", args=[deck.slug]), {"way": "typed", "order": "all"}
    )
    practice = Practice.objects.get()
    assert response["Location"] == reverse("practice", args=[practice.pk])
    html = logged_in.get(response["Location"]).content.decode()
    assert 'id="answer-input"' in html and "autofocus" in html


def test_practice_cannot_start_in_a_deck_the_student_may_not_study(logged_in):
    other = make_deck(cards=2)
    response = logged_in.post(
        reverse("practice_start", args=[other.slug]), {"way": "typed", "order": "all"}
    )
    assert response.status_code == 404


def test_another_students_practice_is_not_found(client, deck):
    practice = practice_start(student=make_user(), deck=deck, way="typed", order="all")
    client.force_login(make_user())
    assert client.get(reverse("practice", args=[practice.pk])).status_code == 404
    response = client.post(reverse("practice_answer", args=[practice.pk]), {"position": 1})
    assert response.status_code == 404


def test_an_htmx_answer_returns_the_feedback_and_the_next_question(logged_in, student, deck):
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    first = practice_question(practice)
    response = logged_in.post(
        reverse("practice_answer", args=[practice.pk]),
        {"position": first.position, "given": "<b>niet</b>"},
        headers=HTMX,
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="feedback"' in html and "Not quite." in html
    assert "&lt;b&gt;niet&lt;/b&gt;" in html  # what was typed is shown escaped
    assert "Question <strong>2</strong> of 6" in html


def test_a_plain_form_answer_redirects_to_the_page_with_its_feedback(logged_in, student, deck):
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    first = practice_question(practice)
    response = logged_in.post(
        reverse("practice_answer", args=[practice.pk]),
        {"position": first.position, "given": first.expected},
    )
    assert response["Location"].endswith(f"?after={first.position}")
    html = logged_in.get(response["Location"]).content.decode()
    assert "<html" in html and "Right!" in html


def test_a_typed_answer_over_the_limit_is_refused_with_a_message(logged_in, student, deck):
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    response = logged_in.post(
        reverse("practice_answer", args=[practice.pk]),
        {"position": 1, "given": "x" * (MAX_TYPED_CHARS + 1)},
    )
    assert response.status_code == 400
    assert b"too long" in response.content
    assert not practice.questions.filter(answered_at__isnull=False).exists()


def test_a_choice_question_shows_four_numbered_options(logged_in, student, deck):
    practice = practice_start(student=student, deck=deck, way="choice", order="all")
    html = logged_in.get(reverse("practice", args=[practice.pk])).content.decode()
    assert html.count('name="choice"') == 4
    assert 'data-option="4"' in html


def test_a_pick_is_judged_against_the_kept_options_never_posted_text(logged_in, student, deck):
    practice = practice_start(student=student, deck=deck, way="choice", order="all")
    question = practice_question(practice)
    wrong = next(i for i, o in enumerate(question.options) if o != question.expected)
    logged_in.post(
        reverse("practice_answer", args=[practice.pk]),
        {
            "position": question.position,
            "choice": wrong,
            # What an edited page could send along: the answer as text and as every option.
            "given": question.expected,
            "option": [question.expected] * 4,
        },
    )
    question.refresh_from_db()
    assert (question.correct, question.given) == (False, question.options[wrong])


def test_a_finished_test_shows_the_score_and_each_wrong_answer(logged_in, student, deck):
    practice = practice_test_start(student=student, decks=[deck], deck=deck, count=2)
    url = reverse("practice_answer", args=[practice.pk])
    for question in practice.questions.order_by("position"):
        wrong = next((i for i, o in enumerate(question.options) if o != question.expected), 0)
        response = logged_in.post(
            url, {"position": question.position, "given": "fout", "choice": wrong}, headers=HTMX
        )
        assert 'data-testid="feedback"' not in response.content.decode()  # no hints mid-test
    html = response.content.decode()
    assert 'data-testid="score"' in html and "<strong>0</strong> of 2 right (0%)" in html
    assert html.count("Right answer:") == 2


def test_the_list_shows_finished_tests_with_their_score(logged_in, student, deck):
    practice = practice_test_start(student=student, decks=[deck], deck=deck, count=1)
    question = practice_question(practice)
    logged_in.post(
        reverse("practice_answer", args=[practice.pk]),
        {"position": 1, "given": question.expected,
         "choice": (question.options or [question.expected]).index(question.expected)},
    )  # fmt: skip
    html = logged_in.get(reverse("practice_list")).content.decode()
    assert "1/1 (100%)" in html and "Begrippen" in html


def test_a_test_over_all_decks_of_a_class_starts_from_the_class(logged_in, student, deck):
    classroom = student.classes_joined.get()
    response = logged_in.post(reverse("class_test_start", args=[classroom.pk]), {"count": 3})
    practice = Practice.objects.get()
    assert response["Location"] == reverse("practice", args=[practice.pk])
    assert (practice.classroom, practice.question_count) == (classroom, 3)


def test_the_practice_page_speaks_dutch(logged_in, student, deck):
    practice = practice_start(student=student, deck=deck, way="typed", order="all")
    html = logged_in.get(
        reverse("practice", args=[practice.pk]), headers={"accept-language": "nl"}
    ).text
    assert "Vraag <strong>1</strong> van 6" in html
    assert "Jouw antwoord" in html and "Laat het leeg als je het niet weet." in html
    assert "Your answer" not in html


def test_practise_more_offers_the_way_the_student_answers_the_deck(logged_in, student, deck):
    from decks.models import DeckSettings

    DeckSettings.objects.create(student=student, deck=deck, answer_mode="choice")
    now = timezone.now()
    for card in deck.cards.all():
        answer_card(student=student, card=card, rating=5, now=now)
    html = logged_in.get(reverse("study", args=[deck.slug])).content.decode()
    assert 'value="choice" id="id_way_2" required checked' in html
