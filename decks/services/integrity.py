"""Checking that every card state is what its review log says it should be.

The review log is the record; a card state is derived from it. Replaying a card's log
through the scheduler gives the state it must have; any difference is a fault to report
and, on request, repair from the log.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from decks.models import CardState, ReviewLog
from decks.services.scheduling import Schedule, is_lapse, next_schedule
from decks.services.study import STATE_FIELDS


@dataclass(frozen=True)
class Mismatch:
    student_id: int
    card_id: int
    differences: dict[str, tuple]  # field: (stored, from the log)

    def __str__(self) -> str:
        fields = ", ".join(
            f"{name} {stored!r} ≠ {expected!r}"
            for name, (stored, expected) in self.differences.items()
        )
        return f"student {self.student_id}, card {self.card_id}: {fields}"


def state_from_log(logs: list[ReviewLog]) -> dict:
    """The card-state fields (STATE_FIELDS) that replaying `logs` (one card, one student) gives."""
    schedule, lapses = Schedule(), 0
    due = None
    for log in logs:
        if log.scheduled:
            if is_lapse(repetitions_before=schedule.repetitions, rating=log.rating):
                lapses += 1
            schedule = next_schedule(schedule, log.rating)
            # The due date is the log's own: it may be clamped before an exam.
            due = log.due_after
    last = logs[-1]
    replayed = {
        "repetitions": schedule.repetitions,
        "easiness": Decimal(f"{schedule.easiness:.2f}"),
        "interval": schedule.interval,
        "due": due,
        "lapses": lapses,
        "reviews": len(logs),
        "last_rating": last.rating,
        "last_review_day": last.study_day,
        "last_reviewed_at": last.reviewed_at,
        "introduced_on": logs[0].study_day,
    }
    return {name: replayed[name] for name in STATE_FIELDS}  # a field left out fails here


def _brought_forward(name: str, stored, expected) -> bool:
    """An exam date set after a review brings its due date forward (classes.exam_clamp_apply)."""
    return name == "due" and stored is not None and expected is not None and stored < expected


def integrity_mismatches() -> Iterator[Mismatch]:
    """Every card state that differs from its review log (or has no log at all)."""
    return _mismatches(CardState.objects.all(), ReviewLog.objects.all())


def integrity_mismatches_for(*, student: AbstractBaseUser) -> Iterator[Mismatch]:
    return _mismatches(
        CardState.objects.filter(student=student), ReviewLog.objects.filter(student=student)
    )


def _mismatches(state_rows, log_rows) -> Iterator[Mismatch]:
    states = {(s.student_id, s.card_id): s for s in state_rows.iterator(chunk_size=5000)}
    logs = log_rows.order_by("student_id", "card_id", "sequence").iterator(chunk_size=5000)
    for key, group in groupby(logs, key=lambda log: (log.student_id, log.card_id)):
        expected = state_from_log(list(group))
        state = states.pop(key, None)
        stored = {name: getattr(state, name) for name in STATE_FIELDS} if state else {}
        differences = {
            name: (stored.get(name), value)
            for name, value in expected.items()
            if stored.get(name) != value and not _brought_forward(name, stored.get(name), value)
        }
        if differences:
            yield Mismatch(key[0], key[1], differences)
    for (student_id, card_id), state in states.items():
        yield Mismatch(student_id, card_id, {"reviews": (state.reviews, 0)})


def integrity_repair(mismatches: list[Mismatch]) -> int:
    """Rewrite each mismatched state from its log; a state with no log is removed.

    Card by card, with the state row locked before its log is read, so an answer
    recorded meanwhile is either in the log read here or waits for the repair.
    """
    for mismatch in mismatches:
        with transaction.atomic():
            CardState.objects.select_for_update().filter(
                student_id=mismatch.student_id, card_id=mismatch.card_id
            ).first()
            logs = list(
                ReviewLog.objects.filter(
                    student_id=mismatch.student_id, card_id=mismatch.card_id
                ).order_by("sequence")
            )
            if not logs:
                # The card is unseen again: a trigger sets the student's cursor back.
                CardState.objects.filter(
                    student_id=mismatch.student_id, card_id=mismatch.card_id
                ).delete()
                continue
            CardState.objects.update_or_create(
                student_id=mismatch.student_id,
                card_id=mismatch.card_id,
                defaults={**state_from_log(logs), "deck_id": logs[0].deck_id},
            )
    return len(mismatches)
