"""Practice beyond the day's queue, and practice tests: answers checked, schedule untouched.

A practice (`Practice`) draws its questions once, when it starts: which cards, how each is
asked, and the four options of a multiple-choice question. Answering then reads and
writes only the practice's own rows, so an answer costs the same in any deck, and nothing
here writes a CardState, a ReviewLog or a DailyActivity: SM-2 schedules from the day's
queue alone, and a leaderboard cannot be climbed by practising the same cards again.

The answer is judged by `decks.services.answer_check` (typed) or by comparing the option
picked with the card's answer (choice); "shown" is the student's own word, kept apart so
the class pages count checked answers only.
"""

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from decks.models import Card, CardState, Classroom, ClassTest, Deck, Practice, PracticeQuestion
from decks.services.answer_check import (
    MAX_GIVEN_CHARS,
    AnswerCheck,
    typeable,
    typed_answer_check,
)
from decks.services.choices import choice_candidates, choice_options

Way = PracticeQuestion.Way

# Cards in one round of "Practise more"; the end of a round offers the next.
PRACTICE_ROUND = 20
TEST_QUESTIONS = 20
TEST_MAX_QUESTIONS = 200
# A typed answer longer than the check takes is refused with a message, never stored.
MAX_TYPED_CHARS = MAX_GIVEN_CHARS


class PracticeRefused(ValueError):
    """What the student asked for cannot be practised; the message says why."""


@dataclass(frozen=True)
class PracticeAnswer:
    question: PracticeQuestion
    applied: bool  # False when the question had been answered already (a resent form)
    check: AnswerCheck | None  # what the typed-answer check showed; None for other ways


def _random_cards(cards: QuerySet[Card], limit: int) -> list[Card]:
    return list(cards.order_by("?")[:limit])


def _hardest_cards(*, student: User, deck: Deck, limit: int) -> list[Card]:
    """The student's seen cards of `deck`, the ones they know least first: the lowest last
    rating, then the lowest SM-2 easiness, then the most lapses."""
    states = (
        CardState.objects.filter(student=student, deck=deck, card__retired_at__isnull=True)
        .select_related("card")
        .order_by("last_rating", "easiness", "-lapses", "card__position", "card_id")[:limit]
    )
    return [state.card for state in states]


class _Options:
    """Multiple-choice options per card, from `choice_candidates`: the answers of the
    cards beside it in deck order (the same chapter, the plausible wrong answers), two
    index range scans per card, so a practice of 20 cards reads the same in a deck of
    100,000 as in one of 30. Each card's options are drawn once and kept."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.drawn: dict[int, list[str] | None] = {}

    def __call__(self, card: Card) -> list[str] | None:
        if card.pk not in self.drawn:
            candidates = choice_candidates(
                deck_id=card.deck_id, card_id=card.pk, position=card.position
            )
            self.drawn[card.pk] = choice_options(
                answer=card.back, candidates=candidates, rng=self.rng
            )
        return self.drawn[card.pk]


def _question(*, card: Card, position: int, way: str, options: _Options) -> PracticeQuestion:
    return PracticeQuestion(
        position=position,
        card=card,
        way=way,
        expected=card.back,
        options=options(card) if way == Way.CHOICE else [],
    )


def _practice_way(card: Card, wanted: str, options: _Options) -> str:
    """How to ask `card` in practice: the way the student picked when the card allows it.
    Multiple choice falls back to typing (fewer than four distinct answers), typing to
    showing (an answer too long to type)."""
    if wanted == Way.CHOICE and options(card):
        return Way.CHOICE
    if wanted in (Way.CHOICE, Way.TYPED) and typeable(card.back):
        return Way.TYPED
    return Way.SHOWN


def _test_way(card: Card, options: _Options, rng: random.Random) -> str | None:
    """A test mixes typed and multiple-choice questions; None for a card neither can ask."""
    ways = []
    if typeable(card.back):
        ways.append(Way.TYPED)
    if options(card):
        ways.append(Way.CHOICE)
    return rng.choice(ways) if ways else None


def _save(practice: Practice, questions: list[PracticeQuestion]) -> Practice:
    with transaction.atomic():
        practice.question_count = len(questions)
        practice.save()
        for question in questions:
            question.practice = practice
        PracticeQuestion.objects.bulk_create(questions)
    return practice


def practice_start(
    *,
    student: User,
    deck: Deck,
    way: str,
    order: str,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> Practice:
    """A round of "Practise more" in `deck`: the student's hardest cards first, or any.

    "Hardest first" takes the cards the student has seen; with none seen yet it takes
    any. `way` is how the student wants to answer (shown, typed, choice).
    """
    rng = rng or random.Random()
    if way not in Way.values:
        raise PracticeRefused("unknown way of answering")
    cards = []
    if order == Practice.Order.HARDEST:
        cards = _hardest_cards(student=student, deck=deck, limit=PRACTICE_ROUND)
    else:
        order = Practice.Order.ALL
    if not cards:
        cards = _random_cards(deck.cards.active(), PRACTICE_ROUND)
    if not cards:
        raise PracticeRefused("the deck has no cards")
    options = _Options(rng)
    questions = [
        _question(card=card, position=n, way=_practice_way(card, way, options), options=options)
        for n, card in enumerate(cards, start=1)
    ]
    practice = Practice(
        student=student,
        kind=Practice.Kind.PRACTICE,
        deck=deck,
        way=way,
        order=order,
        started_at=now or timezone.now(),
    )
    return _save(practice, questions)


def practice_test_start(
    *,
    student: User,
    decks: Sequence[Deck],
    count: int = TEST_QUESTIONS,
    deck: Deck | None = None,
    classroom: Classroom | None = None,
    class_test: ClassTest | None = None,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> Practice:
    """A practice test of `count` questions drawn at random from `decks`' active cards.

    Each question is typed or multiple choice, at random where the card allows both; a
    card that allows neither (a long answer in a deck of fewer than four answers) is left
    out. The caller has checked that the student may study `decks`.
    """
    rng = rng or random.Random()
    count = max(1, min(count, TEST_MAX_QUESTIONS))
    # Twice as many as asked, so that cards no check can ask do not shorten the test.
    cards = _random_cards(Card.objects.active().filter(deck__in=decks), count * 2)
    options = _Options(rng)
    questions: list[PracticeQuestion] = []
    for card in cards:
        if len(questions) == count:
            break
        way = _test_way(card, options, rng)
        if way is not None:
            questions.append(
                _question(card=card, position=len(questions) + 1, way=way, options=options)
            )
    if not questions:
        raise PracticeRefused("no card of these decks can be asked in a test")
    practice = Practice(
        student=student,
        kind=Practice.Kind.TEST,
        deck=deck,
        classroom=classroom or (class_test.classroom if class_test else None),
        class_test=class_test,
        started_at=now or timezone.now(),
    )
    return _save(practice, questions)


def class_test_start(*, student: User, class_test: ClassTest, today: date, **options) -> Practice:
    """Take a teacher's test: only a student of its class, and only while it is open."""
    if not class_test.classroom.students.filter(pk=student.pk).exists():
        raise PracticeRefused("not a student of this class")
    if not class_test.is_open(today):
        raise PracticeRefused("the test is not open today")
    return practice_test_start(
        student=student,
        decks=list(class_test.decks.all()),
        count=class_test.question_count,
        class_test=class_test,
        **options,
    )


def practice_question(practice: Practice) -> PracticeQuestion | None:
    """The first question not yet answered; None once all are."""
    return (
        practice.questions.filter(answered_at__isnull=True)
        .select_related("card")
        .order_by("position")
        .first()
    )


def practice_answer(
    *,
    practice: Practice,
    position: int,
    given: str = "",
    choice: int | None = None,
    knew: bool | None = None,
    now: datetime | None = None,
) -> PracticeAnswer | None:
    """Judge and keep one answer, exactly once; None when there is no such question.

    Typed: `given` (empty is "I don't know"). Choice: `choice`, the option's index from 0.
    Shown: `knew`, the student's own word. A question answered already is left as it was
    (a double click, a resent form), and `applied` says so.
    """
    question = practice.questions.filter(position=position).first()
    if question is None:
        return None
    if question.answered_at is not None:
        return PracticeAnswer(question, applied=False, check=None)
    if len(given) > MAX_TYPED_CHARS:
        raise PracticeRefused("the answer is too long")
    check = None
    if question.way == Way.TYPED:
        check = typed_answer_check(expected=question.expected, given=given)
        correct = check.correct
    elif question.way == Way.CHOICE:
        if choice is None or not 0 <= choice < len(question.options):
            raise PracticeRefused("no option picked")
        given = question.options[choice]
        correct = given == question.expected
    else:
        if knew is None:
            raise PracticeRefused("say whether you knew it")
        given, correct = "", knew
    now = now or timezone.now()
    with transaction.atomic():
        applied = PracticeQuestion.objects.filter(pk=question.pk, answered_at__isnull=True).update(
            given=given, correct=correct, answered_at=now
        )
        if applied:
            _finish_when_done(practice, now=now)
    question.given, question.correct, question.answered_at = given, correct, now
    return PracticeAnswer(question, applied=bool(applied), check=check)


def _finish_when_done(practice: Practice, *, now: datetime) -> None:
    """Once the last question is answered, keep the score on the practice itself, so the
    lists of results read one row per test."""
    if practice.questions.filter(answered_at__isnull=True).exists():
        return
    correct = practice.questions.filter(correct=True).count()
    Practice.objects.filter(pk=practice.pk, finished_at__isnull=True).update(
        finished_at=now, correct_count=correct
    )
    practice.finished_at, practice.correct_count = now, correct


def practice_mistakes(practice: Practice) -> list[tuple[PracticeQuestion, AnswerCheck | None]]:
    """Every wrong answer with the right one (and a typed answer's differences marked)."""
    wrong = practice.questions.filter(correct=False).select_related("card").order_by("position")
    return [
        (q, typed_answer_check(expected=q.expected, given=q.given) if q.way == Way.TYPED else None)
        for q in wrong
    ]


def finished_tests_of(
    *, student_ids: Iterable[int], decks: Sequence[Deck] | None = None
) -> QuerySet:
    """Finished practice tests of these students, newest first; with `decks`, only tests
    over some of them (a class test, a class's decks or one of its decks)."""
    tests = Practice.objects.filter(
        student_id__in=list(student_ids), kind=Practice.Kind.TEST, finished_at__isnull=False
    )
    if decks is not None:
        tests = tests.filter(
            Q(deck__in=decks) | Q(class_test__decks__in=decks) | Q(classroom__decks__in=decks)
        ).distinct()
    return tests.select_related("student", "deck", "classroom", "class_test").order_by(
        "-finished_at"
    )


def class_test_create(
    *,
    classroom: Classroom,
    teacher: User,
    title: str,
    decks: Iterable[Deck],
    question_count: int,
    opens_on: date,
    closes_on: date,
) -> ClassTest:
    """A teacher's practice test for the class: only decks the class studies are kept."""
    with transaction.atomic():
        class_test = ClassTest.objects.create(
            classroom=classroom,
            title=title,
            question_count=question_count,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=teacher,
        )
        class_test.decks.set(classroom.decks.filter(pk__in=[deck.pk for deck in decks]))
    return class_test


def class_tests_open(*, classroom: Classroom, today: date) -> QuerySet[ClassTest]:
    return classroom.tests.filter(opens_on__lte=today, closes_on__gte=today)
