"""Ways to answer a card: show it and rate yourself, type it, or pick it from four.

The student picks a way per deck (kept in their DeckSettings), else the deck's way that a
teacher set. A card is then offered that way if it can be: an answer too long to type is
shown whatever the way, and picking falls back to typing in a deck with fewer than four
distinct answers near the card.

Checking is a step of its own (no write): the check's verdict travels to the answer's POST
signed, so the review log records what the server found, not what a form claims. The four
options of a pick travel signed too: the check judges a pick only against options the
server offered for that showing of the card to that student, never against posted text. The
check proposes the rating: a wrong answer is rated 1 or 2, unless the student says "I was
right" (logged as overridden), and a right one 3 to 5.
"""

import hashlib
import json
import random
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import connection
from django.utils.crypto import constant_time_compare

from decks.models import AnswerMode, Card, Deck, DeckSettings
from decks.services.answer_check import MAX_GIVEN_CHARS, answer_key, typeable
from decks.services.choices import choice_candidates, choice_options

RIGHT_RATINGS = (3, 4, 5)
WRONG_RATINGS = (1, 2)
PROPOSED_WHEN_RIGHT = 4
_SALT = "decks.answer_check"
_OPTIONS_SALT = "decks.choice_options"
# The check keeps this much of each posted option (a typeable answer is far shorter).
OPTION_MAX_CHARS = MAX_GIVEN_CHARS * 4


def answer_mode_for(*, student: AbstractBaseUser, deck: Deck) -> str:
    """The student's own way for `deck`, else the deck's."""
    own = (
        DeckSettings.objects.filter(student_id=student.pk, deck=deck)
        .values_list("answer_mode", flat=True)
        .first()
    )
    return own or deck.answer_mode


def answer_mode_set(*, student: AbstractBaseUser, deck: Deck, mode: str) -> None:
    """Remember `mode` as the student's way to answer `deck`."""
    if mode not in AnswerMode.values:
        raise ValueError(f"No way to answer called {mode!r}.")
    DeckSettings.objects.update_or_create(
        student_id=student.pk, deck=deck, defaults={"answer_mode": mode}
    )


@dataclass(frozen=True)
class Presentation:
    mode: str  # how this card is offered: may be "shown" whatever the student's way
    options: list[str] | None = None  # the four options when picking
    offered: str = ""  # their signature (`options_sign`), posted back with the pick


def _rng_for(card: Card, seen_reviews: int, student_id: int) -> random.Random:
    """The same options for the same showing of a card, so a reload does not reshuffle."""
    seed = hashlib.sha256(f"{student_id}:{card.pk}:{seen_reviews}".encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def card_presentation(
    *,
    card: Card,
    mode: str,
    seen_reviews: int,
    student_id: int,
    answer: str | None = None,
    candidates: list[str] | None = None,
) -> Presentation:
    """How to offer `card` to a student whose way is `mode`.

    `answer` is the side to be answered, the back unless given. Picking needs the answers
    of cards around it: `candidates` when the caller read them (the study snapshot does on
    SQLite), else one query here.
    """
    answer = card.back if answer is None else answer
    if mode == AnswerMode.SHOWN or not typeable(answer):
        return Presentation(AnswerMode.SHOWN)
    if mode == AnswerMode.CHOICE:
        if candidates is None:
            candidates = choice_candidates(
                deck_id=card.deck_id, card_id=card.pk, position=card.position
            )
        options = choice_options(
            answer=answer,
            candidates=candidates,
            rng=_rng_for(card, seen_reviews, student_id),
        )
        if options is not None:
            offered = options_sign(
                card_id=card.pk, seen=seen_reviews, student_id=student_id, options=options
            )
            return Presentation(AnswerMode.CHOICE, options, offered)
    return Presentation(AnswerMode.TYPED)


def picked_right(*, expected: str, picked: str) -> bool:
    """Whether a picked option is the answer: options alike in the typed check's eyes
    are never offered together, so comparing what counts is enough."""
    return answer_key(picked) == answer_key(expected)


def options_sign(*, card_id: int, seen: int, student_id: int, options: list[str]) -> str:
    """The signature of the options offered for one showing of a card to one student.

    The options go to the page and come back with the pick (so the result can show them
    without reading the deck again); the signature lets the check trust them: options
    edited in the browser, or taken from another card, showing or student, do not verify.
    """
    # As the check reads them back: a form turns every line break into CR LF.
    sent = [" ".join(option[:OPTION_MAX_CHARS].splitlines()) for option in options]
    value = json.dumps([card_id, seen, student_id, sent], ensure_ascii=False)
    return signing.Signer(salt=_OPTIONS_SALT).signature(value)


def options_verified(
    token: str, *, card_id: int, seen: int, student_id: int, options: list[str]
) -> bool:
    """Whether `options` are the ones offered for this showing, as `token` signs them."""
    expected = options_sign(card_id=card_id, seen=seen, student_id=student_id, options=options)
    return constant_time_compare(token, expected)


@dataclass(frozen=True)
class CheckedVerdict:
    mode: str  # typed or choice
    correct: bool


def verdict_sign(*, card_id: int, seen: int, student_id: int, mode: str, correct: bool) -> str:
    """The check's verdict for one showing of a card to one student, signed for the
    answer's POST: it cannot be carried to another card, showing or student."""
    value = f"{card_id}:{seen}:{student_id}:{mode}:{int(correct)}"
    return signing.Signer(salt=_SALT).sign(value)


def verdict_read(token: str, *, card_id: int, seen: int, student_id: int) -> CheckedVerdict | None:
    """The verdict `token` carries for this card, showing and student; None if forged or
    other. A verdict for a showing already answered reads, but the answer it comes with is
    then not applied (the card's answer count has moved on)."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
    token_card, token_seen, token_student, mode, correct = value.split(":")
    if (int(token_card), int(token_seen), int(token_student)) != (card_id, seen, student_id):
        return None
    return CheckedVerdict(mode, correct == "1")


def rating_allowed(*, verdict: CheckedVerdict | None, rating: int, overridden: bool) -> bool:
    """Whether `rating` may follow the check: 1-2 when wrong, 3-5 when right or overridden."""
    if verdict is None:
        return not overridden
    if verdict.correct or overridden:
        return rating in RIGHT_RATINGS
    return rating in WRONG_RATINGS


# One statement on both databases: the first check is stored, a later one leaves it and
# reads it back (the no-op update makes RETURNING give the stored row).
_FIRST_CHECK_SQL = """
INSERT INTO decks_firstcheck (student_id, card_id, sequence, correct)
VALUES (%s, %s, %s, %s)
ON CONFLICT (student_id, card_id, sequence) DO UPDATE SET correct = decks_firstcheck.correct
RETURNING correct"""


def first_check_keep(*, student_id: int, card_id: int, seen: int, correct: bool) -> bool:
    """The verdict that counts for this showing of the card: the first check's.

    `correct` is what this check found; if the student checked this showing before, the
    earlier verdict stands, so checking again until "Right!" changes nothing.
    """
    with connection.cursor() as cursor:
        cursor.execute(_FIRST_CHECK_SQL, [student_id, card_id, seen, correct])
        (kept,) = cursor.fetchone()
    return bool(kept)
