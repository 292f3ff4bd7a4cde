"""Multiple choice: the right answer and three others from the same deck.

`choice_options` is pure (tested on strings alone): it never offers two options that the
typed-answer check could not tell apart, prefers others of the answer's shape (a list for a
list, a term for a term, a sentence of about the same length) so the right one does not
stand out by its form, and shuffles. `choice_candidates` reads the other answers: a fixed
number of cards on either side of the card in deck order, two index range scans of the
deck's (position, id) index, so picking options costs the same in a deck of 100,000 cards
as in one of 20. Neighbours in deck order are usually of the same chapter, which makes
them the plausible wrong answers a teacher would pick.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.db import connection
from django.db.models import Q

from decks.services.answer_check import answer_key, parse_answer, typed_answer_right

OPTIONS = 4
# Cards read on each side of the card: enough for three of the same shape in most decks.
CANDIDATES_EACH_SIDE = 20
# The three others are drawn from this many of the best-fitting, so a card does not show
# the same three every time.
DRAW_FROM = 6
# ... as long as their size is within this share of the third best fit's.
CLOSE_ENOUGH = 0.2


@dataclass(frozen=True)
class _Shape:
    kind: Literal["list", "term", "sentence"]
    size: int  # items of a list, words otherwise


def _shape(html: str) -> _Shape:
    parsed = parse_answer(html)
    if parsed.is_list:
        return _Shape("list", len(parsed.items))
    size = len(parsed.text.split())
    return _Shape("term" if size <= 3 else "sentence", size)


def _misfit(answer: _Shape, other: _Shape) -> float:
    """How far `other` is from the answer's shape: 0 for the same kind and size."""
    return abs(answer.size - other.size) / max(answer.size, other.size, 1)


def choice_options(
    *, answer: str, candidates: Sequence[str], rng: random.Random
) -> list[str] | None:
    """The right answer and three others from `candidates`, shuffled; None with too few.

    None when `candidates` hold fewer than three answers distinct from the right one and
    from each other (compared as the typed check compares them): the caller lets the
    student type instead.
    """
    key = answer_key(answer)
    if not key:
        return None
    shape = _shape(answer)
    answer_text = parse_answer(answer).text
    keys = {key}
    same_kind: list[tuple[float, float, str]] = []
    other_kind: list[tuple[float, float, str]] = []
    for candidate in candidates:
        candidate_key = answer_key(candidate)
        if not candidate_key or candidate_key in keys:
            continue
        # A near-copy of the right answer would be a second right option.
        if typed_answer_right(expected=answer, given=parse_answer(candidate).text):
            continue
        if typed_answer_right(expected=candidate, given=answer_text):
            continue
        keys.add(candidate_key)
        other = _shape(candidate)
        ranked = (_misfit(shape, other), rng.random(), candidate)
        (same_kind if other.kind == shape.kind else other_kind).append(ranked)
    if len(same_kind) + len(other_kind) < OPTIONS - 1:
        return None
    same_kind.sort()
    other_kind.sort()
    if len(same_kind) >= OPTIONS - 1:
        # Among the closest few, those about as close as the third closest.
        fit = same_kind[OPTIONS - 2][0] + CLOSE_ENOUGH
        near = [c for misfit, _, c in same_kind[:DRAW_FROM] if misfit <= fit]
        others = rng.sample(near, OPTIONS - 1)
    else:
        fill = OPTIONS - 1 - len(same_kind)
        others = [c for *_, c in same_kind] + [c for *_, c in other_kind[:fill]]
    options = [answer, *others]
    rng.shuffle(options)
    return options


_CANDIDATES_SQL = """
SELECT side FROM (
    SELECT k.{side} AS side FROM decks_card k
    WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL AND k.id <> %(card)s
      AND (k.position > %(position)s OR (k.position = %(position)s AND k.id > %(card)s))
    ORDER BY k.position, k.id LIMIT %(each)s
) AS after_card
UNION ALL
SELECT side FROM (
    SELECT k.{side} AS side FROM decks_card k
    WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL AND k.id <> %(card)s
      AND (k.position < %(position)s OR (k.position = %(position)s AND k.id < %(card)s))
    ORDER BY k.position DESC, k.id DESC LIMIT %(each)s
) AS before_card
"""


def choice_candidates(
    *,
    deck_id: int,
    card_id: int,
    position: int,
    side: Literal["back", "front"] = "back",
    each_side: int = CANDIDATES_EACH_SIDE,
) -> list[str]:
    """The `side` of up to `each_side` active cards after and before a card, in one query.

    `side` is "front" for a card studied back to front, whose answer is its front.
    """
    if side not in ("back", "front"):
        raise ValueError(f"No card side {side!r}.")
    with connection.cursor() as cursor:
        cursor.execute(
            _CANDIDATES_SQL.format(side=side),
            {"deck": deck_id, "card": card_id, "position": position, "each": each_side},
        )
        return [row[0] for row in cursor.fetchall()]


def choice_candidates_around(
    *, deck_id: int, cards: Sequence[tuple[int, int]], each_side: int = CANDIDATES_EACH_SIDE
) -> dict[int, list[str]]:
    """`choice_candidates` of each of `cards` (id, position) of one deck, in three queries
    whatever their number: the deck's active cards from the first of them to the last,
    and `each_side` beyond each end. Each card's list is in choice_candidates' order
    (those after it, then those before it, nearest first), so the options drawn from it
    are the ones a card offered online gets.

    For many cards of a day's queue (the offline pack); the span read grows with how far
    apart in the deck they lie, not with their number.
    """
    from decks.models import Card  # the module is otherwise free of models

    if not cards:
        return {}
    low, high = min(cards, key=lambda c: (c[1], c[0])), max(cards, key=lambda c: (c[1], c[0]))
    active = Card.objects.filter(deck_id=deck_id, retired_at__isnull=True)
    after_low = Q(position__gt=low[1]) | Q(position=low[1], id__gte=low[0])
    before_high = Q(position__lt=high[1]) | Q(position=high[1], id__lte=high[0])
    row = ("id", "back")
    before = active.filter(Q(position__lt=low[1]) | Q(position=low[1], id__lt=low[0]))
    after = active.filter(Q(position__gt=high[1]) | Q(position=high[1], id__gt=high[0]))
    ordered = [
        *reversed(before.order_by("-position", "-id").values_list(*row)[:each_side]),
        *active.filter(after_low & before_high).order_by("position", "id").values_list(*row),
        *after.order_by("position", "id").values_list(*row)[:each_side],
    ]
    index = {card_id: n for n, (card_id, _) in enumerate(ordered)}
    sides = [side for _, side in ordered]
    return {
        card_id: sides[index[card_id] + 1 : index[card_id] + 1 + each_side]
        + sides[max(index[card_id] - each_side, 0) : index[card_id]][::-1]
        for card_id, _ in cards
        if card_id in index
    }
