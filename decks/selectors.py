"""Reads that several views share."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from decks.models import (
    Classroom,
    DailyActivity,
    Deck,
    ImportUpload,
    Media,
)


def decks_for(user: AbstractBaseUser) -> QuerySet[Deck]:
    """The decks `user` may study: those of their classes, and those they teach or edit."""
    if not user.is_authenticated:
        return Deck.objects.none()
    if user.is_superuser:
        return Deck.objects.all()
    # A subquery rather than joins, so callers can annotate counts without duplicates.
    allowed = Deck.objects.filter(
        Q(classrooms__students=user)
        | Q(classrooms__teachers=user)
        | Q(owner=user)
        | Q(editors=user)
    ).values("pk")
    return Deck.objects.filter(pk__in=allowed)


def media_visible_to(user: AbstractBaseUser, sha256: str) -> Media | None:
    """The stored file with this hash in a deck `user` may study or edit, if there is one."""
    return Media.objects.filter(sha256=sha256, deck__in=decks_for(user)).first()


def pending_upload_with_media(user: AbstractBaseUser, sha256: str) -> ImportUpload | None:
    """`user`'s own upload awaiting confirmation that holds the file with this hash."""
    if not user.is_authenticated:
        return None
    return (
        ImportUpload.objects.filter(
            uploaded_by=user,
            media_members__has_key=sha256,
            created_at__gte=timezone.now() - ImportUpload.TTL,
        )
        .order_by("-created_at")
        .first()
    )


@dataclass(frozen=True)
class DeckOverview:
    deck: Deck
    cards: int
    seen: int
    counts: Any  # decks.services.study's QueueCounts

    @property
    def due(self) -> int:
        return self.counts.due

    @property
    def new(self) -> int:
        return self.counts.new

    @property
    def repeat(self) -> int:
        return self.counts.repeat

    @property
    def to_study(self) -> int:
        return self.counts.left


def deck_overviews_for(
    student: AbstractBaseUser, *, today: date, within: QuerySet[Deck] | None = None
) -> list[DeckOverview]:
    """Every deck the student may study (of `within`, if given: a class's decks) with
    today's counts, as the study queue counts them."""
    from decks.services.study import study_counts_per_deck

    decks = decks_for(student)
    if within is not None:
        decks = decks.filter(pk__in=within.values("pk"))
    rows = study_counts_per_deck(student=student, decks=decks, today=today)
    return [DeckOverview(deck, cards, seen, counts) for deck, cards, seen, counts in rows]


def next_deck_to_study(
    student: AbstractBaseUser, *, today: date, after: Deck
) -> DeckOverview | None:
    """The deck to offer when `after` is done for today: the first, in the home page's
    order, that still has cards to study today; None when every deck is done."""
    overviews = deck_overviews_for(student, today=today)
    return next((o for o in overviews if o.deck.pk != after.pk and o.to_study), None)


@dataclass(frozen=True)
class DeckGroup:
    classroom: Classroom | None  # None: decks of no class the student is in
    overviews: list[DeckOverview]


def overviews_by_class(overviews: list[DeckOverview], classes: list[Classroom]) -> list[DeckGroup]:
    """The home page's decks under each class the student is in (a deck two classes study
    shows under both), then the decks of no class; groups without decks are left out."""
    deck_ids = defaultdict(set)
    for classroom_id, deck_id in Classroom.decks.through.objects.filter(
        classroom__in=classes
    ).values_list("classroom_id", "deck_id"):
        deck_ids[classroom_id].add(deck_id)
    groups = [DeckGroup(c, [o for o in overviews if o.deck.pk in deck_ids[c.pk]]) for c in classes]
    in_a_class = set().union(*deck_ids.values())
    groups.append(DeckGroup(None, [o for o in overviews if o.deck.pk not in in_a_class]))
    return [group for group in groups if group.overviews]


@dataclass(frozen=True)
class TodayProgress:
    cards: int
    streak: int
    left: int

    @property
    def share_done(self) -> int:
        """Percent of today's work done, for the progress bar."""
        total = self.cards + self.left
        return round(100 * self.cards / total) if total else 100


def today_progress_for(
    student: AbstractBaseUser, *, today: date, overviews: list[DeckOverview]
) -> TodayProgress:
    """Today's cards and what is left over the student's decks, and the study streak."""
    from decks.services.leaderboard import study_streak
    from decks.services.queue import cards_studied_today

    days = DailyActivity.objects.filter(student=student, day__lte=today).values_list(
        "day", flat=True
    )
    return TodayProgress(
        cards=cards_studied_today(o.counts for o in overviews),
        streak=study_streak(days.distinct(), today),
        left=sum(o.to_study for o in overviews),
    )
