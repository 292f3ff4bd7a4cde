"""The practice and class-test tables refuse what cannot be."""

from datetime import date

import pytest
from django.db import IntegrityError
from django.utils import timezone

from decks.models import ClassTest, Practice, PracticeQuestion
from tests.conftest import make_card, make_class, make_deck

pytestmark = pytest.mark.django_db


def test_a_class_test_cannot_close_before_it_opens():
    classroom = make_class()
    with pytest.raises(IntegrityError):
        ClassTest.objects.create(
            classroom=classroom,
            title="Toets",
            opens_on=date(2099, 5, 2),
            closes_on=date(2099, 5, 1),
        )


def test_a_practice_holds_one_question_per_position(student):
    deck = make_deck()
    card = make_card(deck)
    practice = Practice.objects.create(
        student=student, kind=Practice.Kind.TEST, deck=deck, question_count=2,
        started_at=timezone.now(),
    )  # fmt: skip
    PracticeQuestion.objects.create(practice=practice, position=1, card=card, way="typed",
                                    expected="Back")  # fmt: skip
    with pytest.raises(IntegrityError):
        PracticeQuestion.objects.create(
            practice=practice, position=1, card=card, way="typed", expected="Back"
        )
