"""Recording an answer: the thin layer between a rating and the SM-2 functions."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from decks.models import Card, CardState, ReviewLog
from decks.selectors import AnswerTarget
from decks.services.activity import activity_record
from decks.services.answer_writes import answer_rows_write
from decks.services.classes import upcoming_exam_for
from decks.services.clock import today_for_study
from decks.services.cursors import new_card_cursor_forget
from decks.services.scheduling import (
    Schedule,
    clamp_to_exam,
    due_after,
    is_lapse,
    next_schedule,
    validate_quality,
)

# Longer than this and the student walked away; the time says nothing about recall.
MAX_TIME_TAKEN_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class ReviewOutcome:
    applied: bool  # False when the answer had already been recorded (double submit)
    log: ReviewLog | None = None


def schedule_of(state: CardState | None) -> Schedule:
    """The SM-2 schedule stored in a card state (a fresh one for a new card)."""
    if state is None:
        return Schedule()
    return Schedule(
        repetitions=state.repetitions, easiness=float(state.easiness), interval=state.interval
    )


def _clamp_time_taken(time_taken_ms: int | None) -> int | None:
    if time_taken_ms is None or time_taken_ms < 0:
        return None
    return min(time_taken_ms, MAX_TIME_TAKEN_MS)


def review_record(
    *,
    student: AbstractBaseUser,
    card: Card,
    rating: int,
    seen_reviews: int,
    now: datetime | None = None,
    time_taken_ms: int | None = None,
    target: AnswerTarget | None = None,
) -> ReviewOutcome:
    """Apply one answer atomically and exactly once.

    `seen_reviews` is the number of answers the card had when it was shown. If the
    card has been answered since (a double click, an htmx retry, a second tab), the
    answer is not applied again: the state is written with a compare-and-set on that
    count, and the log is unique on it. Only the first answer of a study day moves the
    SM-2 schedule; later same-day repeats are logged and update what the queue needs.
    `target` is the card's state and exam date when the caller already read them.
    """
    validate_quality(rating)
    now = now or timezone.now()
    today = today_for_study(now)
    if target is None:
        target = AnswerTarget(
            card=card,
            state=CardState.objects.filter(student=student, card=card).first(),
            exam_date=upcoming_exam_for(student_id=student.pk, deck_id=card.deck_id, today=today),
        )
    state = target.state
    if (state.reviews if state else 0) != seen_reviews:
        return ReviewOutcome(applied=False)
    if state is None:
        state = CardState(
            student=student, card=card, deck_id=card.deck_id, due=today, introduced_on=today
        )
    log = _apply(state, rating=rating, now=now, today=today, exam_date=target.exam_date)
    log.time_taken_ms = _clamp_time_taken(time_taken_ms)
    first_answer = state.pk is None
    applied = answer_rows_write(
        state=state,
        log=log,
        seen_reviews=seen_reviews,
        move_cursor=first_answer or not target.cursor_ok,
    )
    if not applied:
        # A concurrent request recorded this very answer first; the compare-and-set and
        # the unique constraints kept it to one.
        return ReviewOutcome(applied=False)
    return ReviewOutcome(applied=True, log=log)


def _apply(
    state: CardState, *, rating: int, now: datetime, today: date, exam_date: date | None
) -> ReviewLog:
    """Move `state` by one answer and return the unsaved log entry describing it."""
    before = schedule_of(state if state.pk else None)
    due_before = state.due if state.pk else None
    first_answer_today = state.last_review_day != today
    log = ReviewLog(
        student_id=state.student_id,
        card_id=state.card_id,
        deck_id=state.deck_id,
        sequence=state.reviews,
        rating=rating,
        reviewed_at=now,
        study_day=today,
        scheduled=first_answer_today,
        repetitions_before=before.repetitions,
        easiness_before=Decimal(f"{before.easiness:.2f}"),
        interval_before=before.interval,
        due_before=due_before,
    )
    if first_answer_today:
        after = next_schedule(before, rating)
        if is_lapse(repetitions_before=before.repetitions, rating=rating):
            state.lapses += 1
        state.repetitions = after.repetitions
        state.easiness = Decimal(f"{after.easiness:.2f}")
        state.interval = after.interval
        state.due = clamp_to_exam(due_after(today, after), today=today, exam_date=exam_date)
    state.reviews += 1
    state.last_rating = rating
    state.last_review_day = today
    state.last_reviewed_at = now
    log.repetitions_after = state.repetitions
    log.easiness_after = state.easiness
    log.interval_after = state.interval
    log.due_after = state.due
    return log


def review_undo(*, student: AbstractBaseUser, deck_id: int, log_id: int) -> ReviewLog | None:
    """Take back the student's last answer in a deck, restoring schedule and log exactly.

    Only the most recent answer can be undone, and only while it is still the card's
    latest; anything else returns None and changes nothing. The log entry is removed:
    the one exception to the review log being append-only, made at the student's request.
    """
    with transaction.atomic():
        latest = (
            ReviewLog.objects.select_for_update()
            .filter(student=student, deck_id=deck_id)
            .order_by("-reviewed_at", "-id")
            .first()
        )
        if latest is None or latest.pk != log_id:
            return None
        state = CardState.objects.select_for_update().get(student=student, card_id=latest.card_id)
        if state.reviews != latest.sequence + 1:
            return None
        if latest.sequence == 0:
            state.delete()
            # The card is unseen again, and may sort before the student's cursor.
            new_card_cursor_forget(student_id=student.pk, deck_id=deck_id)
        else:
            previous = ReviewLog.objects.get(
                student=student, card_id=latest.card_id, sequence=latest.sequence - 1
            )
            state.repetitions = latest.repetitions_before
            state.easiness = latest.easiness_before
            state.interval = latest.interval_before
            state.due = latest.due_before
            if latest.scheduled and is_lapse(
                repetitions_before=latest.repetitions_before, rating=latest.rating
            ):
                state.lapses -= 1
            state.reviews -= 1
            state.last_rating = previous.rating
            state.last_review_day = previous.study_day
            state.last_reviewed_at = previous.reviewed_at
            state.save()
        activity_record(log=latest, sign=-1)
        ReviewLog.objects.filter(pk=latest.pk).delete()
    return latest
