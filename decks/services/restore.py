"""Bringing a student's history back from a deck export and their review log.

A deck export (CSV or .apkg) holds the cards; the account export holds the review log,
naming each card by its front. Importing the deck and replaying the log restores every
schedule exactly, because a schedule is nothing but its log replayed.
"""

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from decks.models import Deck, ReviewLog
from decks.services.activity import activity_rebuild_for
from decks.services.imports import front_key
from decks.services.integrity import integrity_mismatches_for, integrity_repair


class RestoreRejected(Exception):
    pass


def reviews_restore(*, student: AbstractBaseUser, deck: Deck, reviews: list[dict]) -> int:
    """Write the logged answers for `deck`'s cards and rebuild the student's schedules."""
    cards = {front_key(card.front): card for card in deck.cards.all()}
    logs = []
    for entry in reviews:
        card = cards.get(front_key(entry["front"]))
        if card is None:
            raise RestoreRejected(
                f"review {entry['sequence']}: no card with front {entry['front']!r}"
            )
        (rep_before, ef_before, int_before) = entry["before"]
        (rep_after, ef_after, int_after) = entry["after"]
        logs.append(
            ReviewLog(
                student=student, card=card, deck=deck, sequence=entry["sequence"],
                rating=entry["rating"], reviewed_at=datetime.fromisoformat(entry["reviewed_at"]),
                study_day=date.fromisoformat(entry["study_day"]), scheduled=entry["scheduled"],
                time_taken_ms=entry["time_taken_ms"], repetitions_before=rep_before,
                easiness_before=Decimal(ef_before), interval_before=int_before,
                repetitions_after=rep_after, easiness_after=Decimal(ef_after),
                interval_after=int_after, due_after=date.fromisoformat(entry["due_after"]),
                due_before=date.fromisoformat(entry["due_before"]) if entry["due_before"] else None,
            )
        )  # fmt: skip
    with transaction.atomic():
        ReviewLog.objects.bulk_create(logs)
        integrity_repair(list(integrity_mismatches_for(student=student)))
        activity_rebuild_for(student=student)
    return len(logs)
