"""What a teacher sees of a class: progress per student, and which cards are hardest."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Max, Q, Sum

from decks.models import (
    AnswerMode,
    Card,
    CardState,
    Classroom,
    DailyActivity,
    Deck,
    PracticeQuestion,
    ReviewLog,
)
from decks.services.checked import CheckedRecall, checked_recall_by_student
from decks.services.leaderboard import period_start, study_streak
from decks.services.scheduling import MIN_EASINESS_HUNDREDTHS, PASSING_QUALITY

# In SM-2 an easiness stuck at its floor for several students marks a badly worded card.
FLOOR_FLAG_STUDENTS = 3


@dataclass
class DeckMastery:
    deck: Deck
    mastered: int
    cards: int

    @property
    def share(self) -> float:
        return self.mastered / self.cards if self.cards else 0.0


@dataclass
class StudentProgress:
    student_id: int
    name: str
    username: str
    last_studied: date | None = None
    due: int = 0
    streak: int = 0
    reviews_this_week: int = 0
    seen: int = 0
    can_recall: int = 0
    cards: int = 0  # the class decks' active cards: what "seen" and "can recall" count from
    mastery: list[DeckMastery] = field(default_factory=list)
    # "Can recall" and mastery rest on self-ratings; this is what checks found.
    checked: CheckedRecall = field(default_factory=CheckedRecall)


@dataclass(frozen=True)
class Readiness:
    """How much of a class's decks a student has seen and can recall, for the exam."""

    cards: int
    seen: int
    can_recall: int


def _active_card_counts(decks: list[Deck]) -> dict[int, int]:
    return dict(
        Card.objects.active()
        .filter(deck__in=decks)
        .values("deck_id")
        .annotate(n=Count("id"))
        .values_list("deck_id", "n")
    )


def readiness_for(*, student_id: int, classroom: Classroom) -> Readiness:
    decks = list(classroom.decks.all())
    states = CardState.objects.filter(
        student_id=student_id, deck__in=decks, card__retired_at__isnull=True
    ).aggregate(seen=Count("id"), recall=Count("id", filter=Q(last_rating__gte=PASSING_QUALITY)))
    return Readiness(
        cards=sum(_active_card_counts(decks).values()),
        seen=states["seen"],
        can_recall=states["recall"],
    )


def class_progress(
    *, classroom: Classroom, today: date, student_id: int | None = None
) -> list[StudentProgress]:
    """Per student: last studied, due backlog, streak, reviews this week, mastery per deck.

    `student_id` narrows it to one student of the class, for the teacher's page on them.
    """
    decks = list(classroom.decks.order_by("title"))
    cards = _active_card_counts(decks)
    students = classroom.students.order_by("last_name", "first_name", "username")
    if student_id is not None:
        students = students.filter(pk=student_id)
    students = list(students)
    rows = {
        s.pk: StudentProgress(s.pk, s.get_full_name() or s.get_username(), s.get_username())
        for s in students
    }
    activity = DailyActivity.objects.filter(student__in=students, deck__in=decks, day__lte=today)
    days: dict[int, list[date]] = defaultdict(list)
    for student_id, day in activity.values_list("student_id", "day").distinct():
        days[student_id].append(day)
    week = dict(
        activity.filter(day__gte=period_start("week", today))
        .values("student_id")
        .annotate(n=Sum("answers"))
        .values_list("student_id", "n")
    )
    mastered: dict[tuple[int, int], int] = {
        (row["student_id"], row["deck_id"]): row["m"]
        for row in activity.values("student_id", "deck_id").annotate(m=Sum("mastered_delta"))
    }
    states = (
        CardState.objects.filter(
            student__in=students, deck__in=decks, card__retired_at__isnull=True
        )
        .values("student_id")
        .annotate(
            due=Count("id", filter=Q(due__lte=today)),
            seen=Count("id"),
            recall=Count("id", filter=Q(last_rating__gte=PASSING_QUALITY)),
            last=Max("last_review_day"),
        )
    )
    for state in states:
        row = rows[state["student_id"]]
        row.due, row.seen, row.can_recall = state["due"], state["seen"], state["recall"]
        row.last_studied = state["last"]
    checked = checked_recall_by_student(
        student_ids=list(rows), deck_ids=[deck.pk for deck in decks]
    )
    for row in rows.values():
        row.checked = checked.get(row.student_id, CheckedRecall())
        row.streak = study_streak(days[row.student_id], today)
        row.reviews_this_week = week.get(row.student_id) or 0
        row.cards = sum(cards.values())
        row.mastery = [
            DeckMastery(
                deck, max(0, mastered.get((row.student_id, deck.pk), 0)), cards.get(deck.pk, 0)
            )
            for deck in decks
        ]
    return list(rows.values())


@dataclass
class ItemFigures:
    card: Card
    students_seen: int = 0
    lapses: int = 0
    at_floor: int = 0
    learned_answers: int = 0
    learned_recalled: int = 0
    average_rating: float | None = None
    # Typed and picked answers in practice and tests: judged by Stamp, not self-rated.
    checked_answers: int = 0
    checked_right: int = 0

    @property
    def recall(self) -> float | None:
        return self.learned_recalled / self.learned_answers if self.learned_answers else None

    @property
    def checked_share(self) -> float | None:
        return self.checked_right / self.checked_answers if self.checked_answers else None

    @property
    def checked_percent(self) -> int | None:
        share = self.checked_share
        return None if share is None else round(100 * share)

    @property
    def flagged(self) -> bool:
        return self.at_floor >= FLOOR_FLAG_STUDENTS


ITEM_SORTS = ("hardest", "checked")


def checked_answers_per_card(*, students, decks) -> dict[int, tuple[int, int]]:
    """card id -> (checked answers, right ones) of `students` over the active cards of
    `decks`: typed or picked, so Stamp judged them, not the student. From the daily study
    the first answer of each study day (a same-day repeat comes just after the right answer
    was shown) as the check found it ("I was right" aside), and every checked answer of
    practice and tests."""
    counts: dict[int, tuple[int, int]] = {}
    practice = (
        PracticeQuestion.objects.filter(
            practice__student__in=students,
            card__deck__in=decks,
            card__retired_at__isnull=True,
            correct__isnull=False,
        )
        .exclude(way=PracticeQuestion.Way.SHOWN)
        .values("card_id")
        .annotate(answers=Count("id"), right=Count("id", filter=Q(correct=True)))
    )
    study = (
        ReviewLog.objects.filter(
            student__in=students,
            deck__in=decks,
            card__retired_at__isnull=True,
            scheduled=True,
            checked_correct__isnull=False,
        )
        .exclude(answered_by=AnswerMode.SHOWN)
        .values("card_id")
        .annotate(answers=Count("id"), right=Count("id", filter=Q(checked_correct=True)))
    )
    for row in (*practice, *study):
        answers, right = counts.get(row["card_id"], (0, 0))
        counts[row["card_id"]] = (answers + row["answers"], right + row["right"])
    return counts


def item_analysis(
    *, classroom: Classroom, deck: Deck | None = None, sort: str = "hardest"
) -> list[ItemFigures]:
    """The cards of the class's decks that its students have seen, hardest first.

    A card nobody has answered says nothing about its wording, and listing every one
    buried the few hard ones under a page thousands of pixels long. `deck` narrows the
    list to one of the class's decks. A card answered only in a practice test counts as
    seen. `sort` "checked" puts the cards the class got right least often in checked
    answers first, those without checked answers last.
    """
    decks = [deck] if deck is not None else list(classroom.decks.all())
    students = classroom.students.all()
    states = (
        CardState.objects.filter(
            student__in=students, deck__in=decks, card__retired_at__isnull=True
        )
        .values("card_id")
        .annotate(
            seen=Count("id"),
            lapses=Sum("lapses"),
            floor=Count("id", filter=Q(easiness__lte=MIN_EASINESS_HUNDREDTHS / 100)),
        )
    )
    states = list(states)
    checked = checked_answers_per_card(students=students, decks=decks)
    card_ids = {row["card_id"] for row in states} | set(checked)
    cards = Card.objects.filter(pk__in=card_ids).select_related("deck")
    items = {card.pk: ItemFigures(card=card) for card in cards}
    for row in states:
        item = items[row["card_id"]]
        item.students_seen, item.lapses, item.at_floor = row["seen"], row["lapses"], row["floor"]
    for card_id, (answers, right) in checked.items():
        items[card_id].checked_answers, items[card_id].checked_right = answers, right
    learned = Q(scheduled=True, sequence__gt=0)
    logs = (
        ReviewLog.objects.filter(student__in=students, card_id__in=items)
        .values("card_id")
        .annotate(
            average=Avg("rating"),
            learned=Count("id", filter=learned),
            recalled=Count("id", filter=learned & Q(rating__gte=PASSING_QUALITY)),
        )
    )
    for row in logs:
        item = items[row["card_id"]]
        item.average_rating = row["average"]
        item.learned_answers, item.learned_recalled = row["learned"], row["recalled"]

    def hardness(item: ItemFigures):
        recall = item.recall if item.recall is not None else 2.0  # unseen cards last
        return (not item.flagged, recall, -item.lapses, item.average_rating or 6)

    ranked = sorted(items.values(), key=hardness)
    if sort == "checked":
        # Stable: cards equally often right keep their order by hardness.
        ranked.sort(key=lambda item: 2.0 if item.checked_share is None else item.checked_share)
    return ranked


@dataclass
class DeckStanding:
    """One student in one deck of the class, for the teacher's page on that student."""

    deck: Deck
    cards: int
    seen: int = 0
    can_recall: int = 0
    due: int = 0
    lapses: int = 0
    last_studied: date | None = None


def student_standing(*, classroom: Classroom, student_id: int, today: date) -> list[DeckStanding]:
    """Per deck of the class: how much of it one student has seen, recalls and has due."""
    decks = list(classroom.decks.order_by("title"))
    cards = _active_card_counts(decks)
    standings = {deck.pk: DeckStanding(deck, cards.get(deck.pk, 0)) for deck in decks}
    rows = (
        CardState.objects.filter(
            student_id=student_id, deck__in=decks, card__retired_at__isnull=True
        )
        .values("deck_id")
        .annotate(
            seen=Count("id"),
            recall=Count("id", filter=Q(last_rating__gte=PASSING_QUALITY)),
            due=Count("id", filter=Q(due__lte=today)),
            lapses=Sum("lapses"),
            last=Max("last_review_day"),
        )
    )
    for row in rows:
        standing = standings[row["deck_id"]]
        standing.seen, standing.can_recall, standing.due = row["seen"], row["recall"], row["due"]
        standing.lapses, standing.last_studied = row["lapses"] or 0, row["last"]
    return list(standings.values())


def student_hardest_cards(*, classroom: Classroom, student_id: int, limit: int = 10):
    """The cards this student forgets most, with their states: what to go over with them."""
    return (
        CardState.objects.filter(
            student_id=student_id,
            deck__in=classroom.decks.all(),
            card__retired_at__isnull=True,
            lapses__gt=0,
        )
        .select_related("card", "card__deck")
        .order_by("-lapses", "easiness", "card_id")[:limit]
    )


def days_until(exam_date: date | None, today: date) -> int | None:
    return (exam_date - today).days if exam_date and exam_date >= today else None
