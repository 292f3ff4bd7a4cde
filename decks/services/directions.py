"""Both directions: each card's reverse sibling, kept in step with it.

A reverse card is a Card row of its own (direction "reverse") whose front is its forward
card's back and whose back is its front; the two name each other in `sibling`. Why a row,
not a direction on CardState: every part of the study loop already works per card (the
queue's one query and its indexes, the new-card cursor and its triggers, the exactly-once
answer on (student, card, sequence), integrity replays, statistics, item analysis,
exports, practice). A second direction inside one card would have doubled the state's
unique key and every one of those queries; a sibling row costs one nullable column the
queue reads only to bury the sibling for the day (decks.services.study.queue).

The price is keeping the two rows in step, which these functions do: a teacher's edit
of either side rewrites the other's sides in place, so each keeps its own CardStates and
review log (its progress). Retiring a card retires its reverse; the deck option "also
study back to front" makes the missing reverses, and off retires them, progress kept.
"""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from decks.models import Card, Deck

Direction = Card.Direction


def _reverse_of(card: Card) -> Card:
    return Card(
        deck_id=card.deck_id,
        front=card.back,
        back=card.front,
        tags=card.tags,
        position=card.position,
        retired_at=card.retired_at,
        direction=Direction.REVERSE,
        sibling_id=card.pk,
    )


def reverse_cards_ensure(*, cards: Iterable[Card]) -> int:
    """Give each forward card of `cards` without a sibling its reverse; the number made.

    The reverse takes the card's place in deck order (same position, a later id), so it
    is new to students right after it, and never on the same day (the queue buries it).
    """
    forwards = [c for c in cards if c.direction == Direction.FORWARD and c.sibling_id is None]
    if not forwards:
        return 0
    with transaction.atomic():
        reverses = Card.objects.bulk_create([_reverse_of(c) for c in forwards], batch_size=1000)
        if any(r.pk is None for r in reverses):  # a backend that returns no ids
            by_forward = dict(
                Card.objects.filter(sibling__in=forwards).values_list("sibling_id", "pk")
            )
        else:
            by_forward = {r.sibling_id: r.pk for r in reverses}
        for card in forwards:
            card.sibling_id = by_forward[card.pk]
        Card.objects.bulk_update(forwards, ["sibling"], batch_size=1000)
        Deck.objects.filter(pk__in={c.deck_id for c in forwards}, has_siblings=False).update(
            has_siblings=True
        )
    return len(forwards)


def sibling_sides_sync(*, cards: Iterable[Card]) -> int:
    """After `cards` were edited, give each one's sibling the same sides swapped and the
    same tags: one edit changes both directions. The sibling is updated in place, so the
    students' progress on both stays. Returns how many siblings changed."""
    now = timezone.now()
    changed = 0
    for card in cards:
        if card.sibling_id is None:
            continue
        changed += (
            Card.objects.filter(pk=card.sibling_id)
            .exclude(front=card.back, back=card.front, tags=card.tags)
            .update(front=card.back, back=card.front, tags=card.tags, updated_at=now)
        )
    return changed


def sibling_retirement_sync(*, cards: Iterable[Card]) -> int:
    """Retire the reverse of each retired forward card of `cards`, and bring back the
    reverse of each active one in a deck studied both ways. Returns the reverses changed."""
    forwards = [c for c in cards if c.direction == Direction.FORWARD and c.sibling_id]
    now = timezone.now()
    retired = [c.sibling_id for c in forwards if c.retired_at is not None]
    active = [c.sibling_id for c in forwards if c.retired_at is None]
    changed = Card.objects.filter(pk__in=retired, retired_at__isnull=True).update(
        retired_at=now, updated_at=now
    )
    changed += Card.objects.filter(
        pk__in=active, retired_at__isnull=False, deck__both_directions=True
    ).update(retired_at=None, updated_at=now)
    return changed


def deck_directions_apply(*, deck: Deck) -> int:
    """Make the deck's reverse cards follow its "also study back to front" option.

    On: every active forward card gets a reverse (made, or brought back with the progress
    it had). Off: the deck's active reverse cards are retired, their progress kept.
    Returns the cards made, brought back or retired.
    """
    now = timezone.now()
    reverses = deck.cards.filter(direction=Direction.REVERSE)
    if not deck.both_directions:
        return reverses.filter(retired_at__isnull=True).update(retired_at=now, updated_at=now)
    with transaction.atomic():
        back = reverses.filter(retired_at__isnull=False, sibling__retired_at__isnull=True).update(
            retired_at=None, updated_at=now
        )
        missing = deck.cards.active().filter(direction=Direction.FORWARD, sibling__isnull=True)
        made = reverse_cards_ensure(cards=missing.order_by("position", "id"))
    if made:
        deck.has_siblings = True
    return back + made
