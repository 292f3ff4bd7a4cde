"""Recording an answer: the thin layer between a rating and the SM-2 functions.

`answer_target` is the answer's one read; `review_record` applies SM-2 to what it read and
hands the rows to `answer_writes`; `review_undo` takes the latest answer back.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from decks.models import AnswerMode, Card, CardState, Deck, ReviewLog
from decks.services.activity import activity_take_out
from decks.services.clock import today_for_study
from decks.services.scheduling import (
    Schedule,
    clamp_to_exam,
    due_after,
    is_lapse,
    next_schedule,
    validate_quality,
)
from decks.services.study.answer_writes import answer_rows_write
from decks.services.study.card_states import (
    SCHEDULE_FIELDS,
    as_date,
    fetch_named,
    state_columns_sql,
    state_from_row,
)
from decks.services.study.queue import queue_offers
from decks.services.study.sql import compact_sql, fill_slots

# Longer than this and the student walked away; the time says nothing about recall.
MAX_TIME_TAKEN_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class AnswerTarget:
    """Everything recording an answer needs, read in one query on the hot path."""

    card: Card
    state: CardState | None
    exam_date: date | None
    # The student's new-card cursor in this deck can be trusted as it is.
    cursor_ok: bool = False
    # The student's daily new-card limit for the deck (theirs, or the deck's).
    new_limit: int | None = None
    # The queue offers this card now (`queue_offers`); an answer to any other is refused.
    offered: bool = True


# The answer's one read, written out for the same reason as the queue snapshot: the ORM
# spent more CPU building this query (a join per way a deck can be yours) than the
# database spent running it. The access rules are decks_for's, as EXISTS tests, and the
# exam is upcoming_exam_for's (tests/services/study/test_parity.py checks both).
_TARGET_SQL = """
SELECT k.id AS card_id, k.key AS card_key, k.front AS card_front, k.back AS card_back,
       k.position AS card_position, k.tags AS card_tags,
       d.id AS deck_id, d.title AS deck_title, d.slug AS deck_slug,
       d.owner_id AS deck_owner_id, d.new_cards_per_day AS deck_new_cards_per_day,
       d.has_siblings AS deck_has_siblings,
       (SELECT MIN(r.exam_date) FROM decks_classroom r
        JOIN decks_membership m ON m.classroom_id = r.id AND m.student_id = %(student)s
        JOIN decks_classroom_decks rd ON rd.classroom_id = r.id AND rd.deck_id = d.id
        WHERE r.exam_date > %(today)s) AS exam_date,
       EXISTS (SELECT 1 FROM decks_newcardcursor u
               WHERE u.student_id = %(student)s AND u.deck_id = d.id
                 AND u.after_card > 0 AND u.deck_version = COALESCE(
                   (SELECT v.version FROM decks_deckcardsversion v WHERE v.deck_id = d.id), 0)
       ) AS cursor_ok,
       COALESCE(o.new_per_day, d.new_cards_per_day) AS new_limit,
       o.reviews_per_day AS review_limit,
       COALESCE(a.learned_answers, 0) AS n_reviewed,
       EXISTS (SELECT 1 FROM decks_cardstate b WHERE b.student_id = %(student)s
               AND b.card_id = k.sibling_id AND b.last_review_day = %(today)s) AS sibling_today,
       CASE WHEN s.id IS NULL THEN (
         SELECT COUNT(*) FROM decks_cardstate x JOIN decks_card j ON j.id = x.card_id
         WHERE x.student_id = %(student)s AND x.deck_id = d.id
           AND x.introduced_on = %(today)s AND j.retired_at IS NULL) END AS n_introduced,
       {state_columns}
FROM decks_card k
JOIN decks_deck d ON d.id = k.deck_id
LEFT JOIN decks_cardstate s ON s.card_id = k.id AND s.student_id = %(student)s
LEFT JOIN decks_decksettings o ON o.student_id = %(student)s AND o.deck_id = d.id
LEFT JOIN decks_dailyactivity a
  ON a.student_id = %(student)s AND a.deck_id = d.id AND a.day = %(today)s
WHERE k.id = %(card)s AND d.slug = %(slug)s AND k.retired_at IS NULL AND (
  %(superuser)s = 1
  OR d.owner_id = %(student)s
  OR EXISTS (SELECT 1 FROM decks_classroom_decks rd
             JOIN decks_membership m ON m.classroom_id = rd.classroom_id
             WHERE rd.deck_id = d.id AND m.student_id = %(student)s)
  OR EXISTS (SELECT 1 FROM decks_classroom_decks rd
             JOIN decks_classroom_teachers t ON t.classroom_id = rd.classroom_id
             WHERE rd.deck_id = d.id AND t.user_id = %(student)s)
  OR EXISTS (SELECT 1 FROM decks_deck_editors e
             WHERE e.deck_id = d.id AND e.user_id = %(student)s)
)
"""
TARGET_SQL = fill_slots(_TARGET_SQL, state_columns=state_columns_sql("s")).strip()
_TARGET_SQL_COMPACT = compact_sql(TARGET_SQL)
# Only what the study flow reads; any other field loads on first use, as a deferred one.
_TARGET_DECK_FIELDS = ["id", "title", "slug", "owner_id", "new_cards_per_day", "has_siblings"]


def answer_target(
    *, student: AbstractBaseUser, deck_slug: str, card_id: int, today: date
) -> AnswerTarget | None:
    """The card with its deck, the student's state and any upcoming exam, or None.

    None when the card is retired or not in a deck of `deck_slug` the student may study.
    """
    params = {
        "student": student.pk,
        "card": card_id,
        "slug": deck_slug,
        "today": today,
        "superuser": int(student.is_superuser),
    }
    with connection.cursor() as cursor:
        cursor.execute(_TARGET_SQL_COMPACT, params)
        row = fetch_named(cursor)
    if row is None:
        return None
    deck = Deck.from_db(
        connection.alias, _TARGET_DECK_FIELDS, [row[f"deck_{name}"] for name in _TARGET_DECK_FIELDS]
    )
    card = Card.from_db(
        connection.alias,
        # from_db takes a subset of fields in the model's column order.
        ["id", "deck_id", "key", "front", "back", "position", "tags", "retired_at"],
        [row["card_id"], deck.pk, row["card_key"], row["card_front"], row["card_back"],
         row["card_position"], row["card_tags"], None],
    )  # fmt: skip
    card.deck = deck
    state = state_from_row(row, student_id=student.pk, card=card, deck_id=deck.pk)
    return AnswerTarget(
        card=card,
        state=state,
        exam_date=as_date(row["exam_date"]),
        cursor_ok=bool(row["cursor_ok"]),
        new_limit=row["new_limit"],
        offered=queue_offers(
            state,
            today=today,
            new_limit=row["new_limit"],
            introduced_today=row["n_introduced"] or 0,
            review_limit=row["review_limit"],
            reviewed_today=row["n_reviewed"],
            sibling_today=bool(row["sibling_today"]),
        ),
    )


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
    target: AnswerTarget,
    rating: int,
    seen_reviews: int,
    now: datetime | None = None,
    time_taken_ms: int | None = None,
    answered_by: str = AnswerMode.SHOWN,
    checked_correct: bool | None = None,
    overridden: bool = False,
) -> ReviewOutcome:
    """Apply one answer to `target.card` atomically and exactly once.

    `target` is the answer's one read (`answer_target`): the card, the student's state
    and any upcoming exam. `seen_reviews` is the number of answers the card had when it
    was shown. If the card has been answered since (a double click, an htmx retry, a
    second tab), the answer is not applied again: the state is written with a
    compare-and-set on that count, and the log is unique on it. Only the first answer of
    a study day moves the SM-2 schedule; later same-day repeats are logged and update
    what the queue needs.
    `answered_by`, `checked_correct` and `overridden` say how the answer was given and
    what its check found (decks.services.answer_modes), so the log tells them apart.
    """
    validate_quality(rating)
    now = now or timezone.now()
    today = today_for_study(now)
    card = target.card
    state = target.state
    if (state.reviews if state else 0) != seen_reviews:
        return ReviewOutcome(applied=False)
    if state is None:
        state = CardState(
            student=student, card=card, deck_id=card.deck_id, due=today, introduced_on=today
        )
    log = _apply(state, rating=rating, now=now, today=today, exam_date=target.exam_date)
    log.time_taken_ms = _clamp_time_taken(time_taken_ms)
    log.answered_by, log.checked_correct, log.overridden = answered_by, checked_correct, overridden
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
            # The card is unseen again: a trigger sets the student's new-card cursor back.
            state.delete()
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
            state.save(update_fields=SCHEDULE_FIELDS)
        activity_take_out(log=latest)
        ReviewLog.objects.filter(pk=latest.pk).delete()
    return latest
