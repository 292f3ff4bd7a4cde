"""Studying with no connection: the day's pack a device keeps, and the answers it made.

The pack is what the queue would serve today in one deck (due cards, then new ones within
the daily limits, then today's repeats), each card with its sanitised HTML and the number
of answers it had, so the page can go on without the server. It is signed with the time
it was made: answers sent back later name it, and none may claim a time before it, nor
one at or after the end of the study day it was made in (`ends_at`, the next 04:00): the
next day's queue is another one, which the device must fetch.

Answers made offline go through the study loop's own exactly-once write (`study_answer`,
with the card's answer count when shown) at the time they were answered, so the schedule
is the one an online answer at that moment would have made, and an answer sent twice, or
one for a card answered meanwhile on another device, is not applied again.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import User
from django.core import signing
from django.db.models import Exists, OuterRef
from django.utils import timezone

from decks.html import clean_card_html
from decks.models import Card, CardState, Deck, ReviewLog
from decks.services import study as study_loop
from decks.services.clock import study_day_end, today_for_study
from decks.services.scheduling import SAME_DAY_REPEAT_BELOW

PACK_SALT = "stamp.offline.pack"
# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=2)
# Answers one sync may carry: a day's study of one deck is well below this.
MAX_ANSWERS = 2000
_MEDIA = re.compile(r'(?:src|href)="(/media/[0-9a-f]{64}\.[a-z0-9]{2,4})"')


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _card(card: Card, *, kind: str, state: CardState | None) -> dict:
    return {
        "id": card.pk,
        "front": clean_card_html(card.front or ""),
        "back": clean_card_html(card.back or ""),
        "tags": card.tag_list,
        "kind": kind,
        "seen": state.reviews if state else 0,
    }


def study_pack(*, student: User, deck: Deck, now: datetime | None = None) -> dict:
    """Today's cards in `deck` for `student`, in the order the queue serves them."""
    now = now or timezone.now()
    today = today_for_study(now)
    counts = study_loop.study_snapshot(student=student, deck=deck, today=today).counts
    states = CardState.objects.filter(
        student=student, deck=deck, card__retired_at__isnull=True
    ).select_related("card")
    due = list(states.filter(due__lte=today).order_by("due", "card_id")[: counts.due])
    new = list(
        deck.cards.active()
        .filter(~Exists(CardState.objects.filter(student=student, card=OuterRef("pk"))))
        .order_by("position", "id")[: counts.new]
    )
    repeat = list(
        states.filter(last_review_day=today, last_rating__lt=SAME_DAY_REPEAT_BELOW)
        .exclude(due__lte=today)
        .order_by("last_reviewed_at", "card_id")
    )
    cards = (
        [_card(s.card, kind="due", state=s) for s in due]
        + [_card(c, kind="new", state=None) for c in new]
        + [_card(s.card, kind="repeat", state=s) for s in repeat]
    )
    made_at = _ms(now)
    media = sorted(
        {url for c in cards for side in ("front", "back") for url in _MEDIA.findall(c[side])}
    )
    return {
        "deck": {"slug": deck.slug, "title": deck.title},
        "day": today.isoformat(),
        # The device studies offline from this pack only before then.
        "ends_at": _ms(study_day_end(now)),
        "made_at": made_at,
        "token": signing.dumps({"u": student.pk, "d": deck.pk, "t": made_at}, salt=PACK_SALT),
        "done_today": counts.done_today,
        "cards_done": counts.cards_done,
        "cards": cards,
        "media": media,
    }


@dataclass(frozen=True)
class OfflineAnswer:
    id: str  # the device's own name for the answer, echoed back
    pack: str
    card: int
    seen: int
    rating: int
    answered_at: int  # milliseconds since the epoch
    taken_ms: int | None = None


# What became of each answer: saved ("applied", or "already" when this very answer was
# stored by an earlier send) or not ("answered_elsewhere", "bad_time", "day_ended" when made
# at or after the end of its pack's study day, "not_in_queue", "unknown").
SAVED = {"applied", "already"}


def _outcome(answer: OfflineAnswer, status: str) -> dict:
    return {"id": answer.id, "card": answer.card, "status": status}


def offline_answers_apply(
    *, student: User, answers: list[OfflineAnswer], now: datetime | None = None
) -> list[dict]:
    """Apply answers made offline, in the order given, each at most once."""
    now = now or timezone.now()
    outcomes = []
    # Once one answer to a card was made on another device's state, the device's later
    # answers to that card followed a card the server never showed: not applied either.
    diverged: set[int] = set()
    for answer in answers:
        try:
            pack = signing.loads(answer.pack, salt=PACK_SALT)
        except signing.BadSignature:
            outcomes.append(_outcome(answer, "unknown"))
            continue
        answered_at = datetime.fromtimestamp(answer.answered_at / 1000, tz=UTC)
        if pack["u"] != student.pk:
            outcomes.append(_outcome(answer, "unknown"))
        elif answer.answered_at < pack["t"] or answered_at > now + CLOCK_SKEW:
            outcomes.append(_outcome(answer, "bad_time"))
        elif answered_at >= study_day_end(datetime.fromtimestamp(pack["t"] / 1000, tz=UTC)):
            outcomes.append(_outcome(answer, "day_ended"))
        elif answer.card in diverged:
            outcomes.append(_outcome(answer, "answered_elsewhere"))
        else:
            status = _apply_one(student, pack["d"], answer, min(answered_at, now))
            if status == "answered_elsewhere":
                diverged.add(answer.card)
            outcomes.append(_outcome(answer, status))
    return outcomes


def _apply_one(student: User, deck_id: int, answer: OfflineAnswer, at: datetime):
    slug = Deck.objects.filter(pk=deck_id).values_list("slug", flat=True).first()
    if slug is None or answer.rating not in range(1, 6):
        return "unknown"
    result = study_loop.study_answer(
        student=student,
        deck_slug=slug,
        card_id=answer.card,
        rating=answer.rating,
        seen_reviews=answer.seen,
        time_taken_ms=answer.taken_ms,
        show_next=False,
        now=at,
    )
    if result is None:
        return "unknown"
    if result.applied:
        return "applied"
    if ReviewLog.objects.filter(
        student=student,
        card_id=answer.card,
        sequence=answer.seen,
        rating=answer.rating,
        reviewed_at=at,
    ).exists():
        return "already"
    return "answered_elsewhere" if result.offered else "not_in_queue"
