"""Moving students' history when the seed decks are rebuilt into other decks and cards.

The seed fixtures once made five decks; the three H1 documents now make one deck, and a
card whose question another card asks has left its deck in favour of that card
(fixtures/moved_seed_cards.json, written by build_seed_fixtures). Before the fixtures are
loaded, seed_decks calls `seed_moves_apply`, so no student loses a card state, a review
log, a class's deck or a day's activity:

- An old deck is renamed to the new one if that does not exist yet, else its cards, states,
  logs, activity, settings, classes and editors move into it and the empty deck goes.
- A replaced card's states and logs move onto the card that replaces it, for every
  student who has none there; the card row is then deleted. A student who answered both
  keeps both: the replaced card stays, retired, with its own history. When the
  replacement does not exist yet (a new card), the old card simply takes its key.

Review logs are moved, never rewritten: each keeps its answer, its sequence and its day,
and now points at the card that asks that question. A day's activity moves with a merged
deck; a card replaced by one in another deck leaves its days with the deck they were
studied in. Everything is idempotent, so seeding again moves nothing.
"""

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from decks.models import (
    Card,
    CardState,
    DailyActivity,
    Deck,
    DeckSettings,
    ImportUpload,
    Media,
    ReviewLog,
)

ACTIVITY_COUNTS = (
    "answers",
    "cards",
    "learned_answers",
    "learned_recalled",
    "mastered_delta",
    "time_ms",
)


@transaction.atomic
def seed_moves_apply(
    *,
    decks: list[tuple[str, str]],
    cards: list[tuple[tuple[str, str], tuple[str, str]]],
) -> None:
    """Apply the moves of moved_seed_cards.json: decks (old slug, new slug) first, then
    cards ((old slug, old key), (new slug, new key)), old slugs read through the decks."""
    renamed = dict(decks)
    for old_slug, new_slug in decks:
        old = Deck.objects.filter(slug=old_slug).first()
        if old is not None:
            seed_deck_merge(deck=old, into_slug=new_slug)
    for (old_slug, old_key), (new_slug, new_key) in cards:
        slug = renamed.get(old_slug, old_slug)
        if (slug, old_key) == (new_slug, new_key):
            continue
        card = Card.objects.filter(deck__slug=slug, key=old_key).first()
        if card is not None:
            seed_card_replace(card=card, deck_slug=new_slug, key=new_key)


def seed_deck_merge(*, deck: Deck, into_slug: str) -> None:
    """Move everything of `deck` into the deck `into_slug`; rename it if there is none."""
    target = Deck.objects.filter(slug=into_slug).first()
    if target is None:
        Deck.objects.filter(pk=deck.pk).update(slug=into_slug)
        return
    for card in deck.cards.filter(key__in=target.cards.values("key")):
        # The same key in both decks: the same generated prompt, so the same question.
        twin = target.cards.get(key=card.key)
        if _histories_move(card=card, onto=twin):
            Card.objects.filter(pk=card.pk).update(
                key=f"{card.key}@{deck.slug}"[:64], retired_at=timezone.now()
            )
        else:
            card.delete()
    deck.cards.update(deck=target)
    CardState.objects.filter(deck=deck).update(deck=target)
    ReviewLog.objects.filter(deck=deck).update(deck=target)
    _activity_merge(deck=deck, into=target)
    same_student = DeckSettings.objects.filter(deck=target, student=OuterRef("student"))
    DeckSettings.objects.filter(deck=deck).exclude(Exists(same_student)).update(deck=target)
    same_file = Media.objects.filter(deck=target, sha256=OuterRef("sha256"))
    Media.objects.filter(deck=deck).exclude(Exists(same_file)).update(deck=target)
    ImportUpload.objects.filter(deck=deck).update(deck=target)
    for classroom in deck.classrooms.all():
        classroom.decks.add(target)
    target.editors.add(*deck.editors.all())
    deck.delete()


def seed_card_replace(*, card: Card, deck_slug: str, key: str) -> None:
    """Give `card`'s history to the card (deck_slug, key) that asks its question now."""
    deck, _ = Deck.objects.get_or_create(slug=deck_slug, defaults={"title": deck_slug})
    target = deck.cards.filter(key=key).first()
    if target is None:
        Card.objects.filter(pk=card.pk).update(deck=deck, key=key)
        CardState.objects.filter(card=card).update(deck=deck)
        ReviewLog.objects.filter(card=card).update(deck=deck)
    elif _histories_move(card=card, onto=target):
        Card.objects.filter(pk=card.pk, retired_at__isnull=True).update(retired_at=timezone.now())
    else:
        card.delete()


def _histories_move(*, card: Card, onto: Card) -> bool:
    """Move each student's state and logs on `card` onto `onto`, unless they have some
    there already; True if a student's history stays on `card`."""
    on_target = [
        *CardState.objects.filter(card=onto).values_list("student_id", flat=True),
        *ReviewLog.objects.filter(card=onto).values_list("student_id", flat=True),
    ]
    CardState.objects.filter(card=card).exclude(student_id__in=on_target).update(
        card=onto, deck=onto.deck_id
    )
    ReviewLog.objects.filter(card=card).exclude(student_id__in=on_target).update(
        card=onto, deck=onto.deck_id
    )
    return (
        CardState.objects.filter(card=card).exists() or ReviewLog.objects.filter(card=card).exists()
    )


def _activity_merge(*, deck: Deck, into: Deck) -> None:
    """A student's day in `deck` is added to the same day in `into`, or becomes it."""
    same_day = DailyActivity.objects.filter(
        deck=into, student=OuterRef("student"), day=OuterRef("day")
    )
    DailyActivity.objects.filter(deck=deck).exclude(Exists(same_day)).update(deck=into)
    for row in DailyActivity.objects.filter(deck=deck):
        DailyActivity.objects.filter(deck=into, student_id=row.student_id, day=row.day).update(
            **{name: F(name) + getattr(row, name) for name in ACTIVITY_COUNTS}
        )
        row.delete()
