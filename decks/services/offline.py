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

The pack carries the student's way of answering the deck too (answer_modes): each card says
how it is offered, with what the page needs to judge a typed answer (the answer as the
check reads it) or a pick (the four signed options) without the server. The device's
verdict only shapes what the student sees: the answers it sends carry what was typed or
picked, and the server judges them again as a check online would, so the review log says
what the server found; a rating that does not fit that verdict is made to fit it. As
online, the first check of a showing counts (an answer carries it when it was not this
one), and an answer is judged only in a way the card can be offered in (typed if its answer
is typeable, picked among options the server signed).
"""

import dataclasses
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from decks.html import clean_card_html
from decks.models import AnswerMode, Card, CardState, Deck
from decks.services import answer_modes
from decks.services import study as study_loop
from decks.services.answer_check import MAX_GIVEN_CHARS, parse_answer, typed_answer_check
from decks.services.choices import choice_candidates_around
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


def _card(
    card: Card,
    *,
    kind: str,
    state: CardState | None,
    mode: str,
    student_id: int,
    candidates: list[str] | None,
) -> dict:
    seen = state.reviews if state else 0
    return {
        "id": card.pk,
        "front": clean_card_html(card.front or ""),
        "back": clean_card_html(card.back or ""),
        "tags": card.tag_list,
        "kind": kind,
        "seen": seen,
        **_offered(card, mode=mode, seen=seen, student_id=student_id, candidates=candidates),
    }


def _offered(
    card: Card, *, mode: str, seen: int, student_id: int, candidates: list[str] | None
) -> dict:
    """How the card is offered, as online for this showing, and what judging it needs.

    A pick's options are signed for the showing the pack was made for (`offered_seen`):
    a card repeated offline the same day is offered the same four, which the server still
    recognises when the answer comes back.
    """
    shown = answer_modes.card_presentation(
        card=card, mode=mode, seen_reviews=seen, student_id=student_id, candidates=candidates
    )
    if shown.mode == AnswerMode.TYPED:
        parsed = parse_answer(card.back or "")
        return {"way": "typed", "check": {"text": parsed.text, "items": list(parsed.items)}}
    if shown.mode == AnswerMode.CHOICE and shown.options:
        right = [answer_modes.picked_right(expected=card.back, picked=o) for o in shown.options]
        return {
            "way": "choice",
            "options": shown.options,
            "options_html": [clean_card_html(o) for o in shown.options],
            "offered": shown.offered,
            "offered_seen": seen,
            "right": right.index(True) if True in right else -1,
        }
    return {"way": "shown"}


def study_pack(*, student: User, deck: Deck, now: datetime | None = None) -> dict:
    """Today's cards in `deck` for `student`, in the order the queue serves them, each
    offered the student's way (picking reads the cards' neighbours in three queries)."""
    now = now or timezone.now()
    mode = answer_modes.answer_mode_for(student=student, deck=deck)
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

    # Picking reads the neighbours of all the pack's cards at once.
    around = (
        choice_candidates_around(
            deck_id=deck.pk,
            cards=[(c.pk, c.position) for c in [*(s.card for s in due + repeat), *new]],
        )
        if mode == AnswerMode.CHOICE
        else {}
    )

    def card(card: Card, kind: str, state: CardState | None) -> dict:
        return _card(
            card,
            kind=kind,
            state=state,
            mode=mode,
            student_id=student.pk,
            candidates=around.get(card.pk),
        )

    cards = (
        [card(s.card, "due", s) for s in due]
        + [card(c, "new", None) for c in new]
        + [card(s.card, "repeat", s) for s in repeat]
    )
    made_at = _ms(now)
    media = sorted(
        {url for c in cards for side in ("front", "back") for url in _MEDIA.findall(c[side])}
    )
    return {
        "deck": {"slug": deck.slug, "title": deck.title},
        "mode": mode,
        "day": today.isoformat(),
        # The device studies offline from this pack only before then.
        "ends_at": _ms(study_day_end(now)),
        "made_at": made_at,
        "token": signing.dumps({"u": student.pk, "d": deck.pk, "t": made_at}, salt=PACK_SALT),
        # What a check allows and proposes, as online (answer_modes, views.study).
        "ratings": {
            "right": list(answer_modes.RIGHT_RATINGS),
            "wrong": list(answer_modes.WRONG_RATINGS),
            "proposed_right": answer_modes.PROPOSED_WHEN_RIGHT,
            "proposed_wrong": answer_modes.WRONG_RATINGS[-1],
            "proposed_blank": answer_modes.WRONG_RATINGS[0],
        },
        "max_given": MAX_GIVEN_CHARS,
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
    # How it was answered: "shown" (revealed and rated), "typed" with what was `given`, or
    # "choice" with the `options` offered, their signature `offered` for the showing
    # `offered_seen`, and the index picked. `verdict` is a check's signed verdict instead,
    # when the card was checked online and only the rating could not be sent.
    way: str = AnswerMode.SHOWN
    given: str = ""
    options: tuple[str, ...] = ()
    offered: str = ""
    offered_seen: int | None = None
    choice: int | None = None
    verdict: str = ""
    overridden: bool = False  # "I was right": rated 3-5 after a wrong verdict
    # The showing's first check, when it was not this one (checked again after an undo,
    # or the answer shown instead): what was typed, or the option picked of `options`.
    first_given: str | None = None
    first_choice: int | None = None


# What became of each answer: saved ("applied"; "rechecked", applied with its rating made
# to fit the server's verdict; or "already" when this very answer was stored by an earlier
# send) or not ("answered_elsewhere", "bad_time", "day_ended" when made at or after the end
# of its pack's study day, "not_in_queue", "unknown").
SAVED = {"applied", "rechecked", "already"}


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


def _apply_one(student: User, deck_id: int, answer: OfflineAnswer, at: datetime) -> str:
    card = Card.objects.filter(pk=answer.card, deck_id=deck_id).select_related("deck").first()
    if card is None or answer.rating not in range(1, 6):
        return "unknown"
    with transaction.atomic():
        try:
            verdict = _verdict_judge_and_keep_first(student, card, answer)
        except AnswerUnjudgeable:
            return "unknown"
        # "I was right" follows a check the server found wrong (a card only shown had
        # none: its answer is applied as shown), as online.
        overridden = (
            answer.overridden
            and answer.way != AnswerMode.SHOWN
            and verdict is not None
            and not verdict.correct
        )
        rating = _fitting_rating(verdict, answer.rating, overridden=overridden)
        result = study_loop.study_answer(
            student=student,
            deck_slug=card.deck.slug,
            card_id=answer.card,
            rating=rating,
            seen_reviews=answer.seen,
            time_taken_ms=answer.taken_ms,
            show_next=False,
            now=at,
            answered_by=verdict.mode if verdict else AnswerMode.SHOWN,
            checked_correct=verdict.correct if verdict else None,
            overridden=overridden,
        )
        if result is None or not result.applied:
            # Nothing recorded: neither is the first check that came with it.
            transaction.set_rollback(True)
    if result is None:
        return "unknown"
    if result.applied:
        return "applied" if rating == answer.rating else "rechecked"
    # study_answer read back the stored answer at this showing with this rating, if any;
    # it is this very one when it was made at the same moment.
    if result.log is not None and result.log.reviewed_at == at:
        return "already"
    return "answered_elsewhere" if result.offered else "not_in_queue"


class AnswerUnjudgeable(Exception):
    """An answer the server cannot judge: a forged verdict or options, a pick of no
    option, or a way of answering the card is not offered."""


def _verdict_judge_and_keep_first(
    student: User, card: Card, answer: OfflineAnswer
) -> answer_modes.CheckedVerdict | None:
    """The server's verdict on the answer's check (None for a card only shown), keeping
    the showing's first check as a check online does (a FirstCheck row).

    As online, the first check of a showing is the one that counts: the device sends it
    (`first_given`, `first_choice`) when the student checked again after an undo or
    showed the answer instead, and a later check does not change its verdict.
    """
    if answer.verdict:
        # Checked online, which kept the first check already.
        verdict = answer_modes.verdict_read(
            answer.verdict, card_id=answer.card, seen=answer.seen, student_id=student.pk
        )
        if verdict is None:
            raise AnswerUnjudgeable
        return verdict
    # "Show answer" is the way out in every way; a first check names its own.
    way = answer.way if answer.way != AnswerMode.SHOWN else _first_check_way(answer)
    if way is None:
        return None
    if not _can_be_offered(student, card, answer, way):
        raise AnswerUnjudgeable
    checked = dataclasses.replace(answer, way=way)
    first = _first_check_correct(student, card, checked)
    if answer.way != AnswerMode.SHOWN:
        this_check = _check_correct(
            student, card, checked, given=answer.given, choice=answer.choice
        )
        first = this_check if first is None else first
    if first is None:
        return None
    kept = answer_modes.first_check_keep(
        student_id=student.pk, card_id=answer.card, seen=answer.seen, correct=first
    )
    return answer_modes.CheckedVerdict(way, kept)


def _first_check_way(answer: OfflineAnswer) -> str | None:
    """The way of the first check the device sent with an answer only shown, if any."""
    if answer.first_given is not None:
        return AnswerMode.TYPED
    if answer.first_choice is not None:
        return AnswerMode.CHOICE
    return None


def _can_be_offered(student: User, card: Card, answer: OfflineAnswer, way: str) -> bool:
    """Whether the card can be offered `way` at all: typed only if its answer is typeable,
    picked only if it has options to pick from (their signature is checked with the pick).

    Not whether the student's way is `way` now: the way may have changed online since the
    pack was made, and the answers made offline before that are still the student's.
    """
    seen = answer.offered_seen if answer.offered_seen is not None else answer.seen
    presentation = answer_modes.card_presentation(
        card=card, mode=way, seen_reviews=seen, student_id=student.pk
    )
    return presentation.mode == way


def _first_check_correct(student: User, card: Card, answer: OfflineAnswer) -> bool | None:
    """The first check's verdict when the device sent one, else None."""
    if answer.first_given is None and answer.first_choice is None:
        return None
    return _check_correct(
        student, card, answer, given=answer.first_given or "", choice=answer.first_choice
    )


def _check_correct(
    student: User, card: Card, answer: OfflineAnswer, *, given: str, choice: int | None
) -> bool:
    if answer.way == AnswerMode.TYPED:
        return typed_answer_check(expected=card.back or "", given=given).correct
    return _picked_correct(student, card, answer, choice)


def _picked_correct(student: User, card: Card, answer: OfflineAnswer, choice: int | None) -> bool:
    """Whether option `choice` is the answer, judged only against options signed for
    this card, student and showing."""
    if answer.offered_seen is None or choice is None or choice not in range(len(answer.options)):
        raise AnswerUnjudgeable
    if not answer_modes.options_verified(
        answer.offered,
        card_id=answer.card,
        seen=answer.offered_seen,
        student_id=student.pk,
        options=list(answer.options),
    ):
        raise AnswerUnjudgeable
    return answer_modes.picked_right(expected=card.back or "", picked=answer.options[choice])


def _fitting_rating(
    verdict: answer_modes.CheckedVerdict | None, rating: int, *, overridden: bool
) -> int:
    """The device's rating, or the nearest one the server's verdict allows: the device
    judged with its own copy of the check, the server's verdict is the one logged."""
    if answer_modes.rating_allowed(verdict=verdict, rating=rating, overridden=overridden):
        return rating
    return answer_modes.RIGHT_RATINGS[0] if rating < 3 else answer_modes.WRONG_RATINGS[-1]
