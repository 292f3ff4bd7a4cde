"""Reads that several views share."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import (
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from decks.models import (
    Card,
    CardState,
    DailyActivity,
    Deck,
    ImportUpload,
    Media,
)
from decks.services.queue import STATE_COLUMNS_SQL, as_date, state_from_row
from decks.services.sql import compact_sql


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
    counts: Any  # decks.services.queue.QueueCounts

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


def deck_overviews_for(student: AbstractBaseUser, *, today: date) -> list[DeckOverview]:
    """Every deck the student may study with today's counts, as the study queue counts them."""
    from decks.services.queue import queue_counts_per_deck

    rows = queue_counts_per_deck(student=student, decks=decks_for(student), today=today)
    return [DeckOverview(deck, cards, seen, counts) for deck, cards, seen, counts in rows]


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


# The answer's one read, written out for the same reason as the queue snapshot: the ORM
# spent more CPU building this query (a join per way a deck can be yours) than the
# database spent running it. The access rules are decks_for's, as EXISTS tests.
_TARGET_SQL = """
SELECT k.id, k.key, k.front, k.back, k.position, k.tags,
       d.id, d.title, d.slug, d.owner_id, d.new_cards_per_day,
       (SELECT MIN(r.exam_date) FROM decks_classroom r
        JOIN decks_membership m ON m.classroom_id = r.id AND m.student_id = %(student)s
        JOIN decks_classroom_decks rd ON rd.classroom_id = r.id AND rd.deck_id = d.id
        WHERE r.exam_date > %(today)s) AS exam_date,
       EXISTS (SELECT 1 FROM decks_newcardcursor u
               WHERE u.student_id = %(student)s AND u.deck_id = d.id
                 AND u.after_card > 0 AND u.deck_version = COALESCE(
                   (SELECT v.version FROM decks_deckcardsversion v WHERE v.deck_id = d.id), 0)
       ) AS cursor_ok,
       COALESCE((SELECT o.new_per_day FROM decks_decksettings o
                 WHERE o.student_id = %(student)s AND o.deck_id = d.id), d.new_cards_per_day)
         AS new_limit,
       {state_columns}
FROM decks_card k
JOIN decks_deck d ON d.id = k.deck_id
LEFT JOIN decks_cardstate s ON s.card_id = k.id AND s.student_id = %(student)s
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
_TARGET_SQL = compact_sql(_TARGET_SQL.replace("{state_columns}", STATE_COLUMNS_SQL))
# Only what the study flow reads; any other field loads on first use, as a deferred one.
_TARGET_DECK_FIELDS = ["id", "title", "slug", "owner_id", "new_cards_per_day"]


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
        cursor.execute(_TARGET_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    deck = Deck.from_db(connection.alias, _TARGET_DECK_FIELDS, row[6:11])
    # from_db takes a subset of fields in the model's column order.
    card_id, key, front, back, position, tags = row[:6]
    card = Card.from_db(
        connection.alias,
        ["id", "deck_id", "key", "front", "back", "position", "tags", "retired_at"],
        [card_id, deck.pk, key, front, back, position, tags, None],
    )
    card.deck = deck
    state = state_from_row(row[14:], student_id=student.pk, card=card, deck_id=deck.pk)
    return AnswerTarget(
        card=card,
        state=state,
        exam_date=as_date(row[11]),
        cursor_ok=bool(row[12]),
        new_limit=row[13],
    )


@dataclass(frozen=True)
class TodayProgress:
    answers: int
    cards: int
    streak: int
    left: int

    @property
    def share_done(self) -> int:
        """Percent of today's work done, for the progress bar."""
        total = self.cards + self.left
        return round(100 * self.cards / total) if total else 100


def today_progress_for(student: AbstractBaseUser, *, today: date, left: int) -> TodayProgress:
    """Today's answers and cards over all decks, and the study streak, from activity rows."""
    from decks.services.leaderboard import study_streak

    activity = DailyActivity.objects.filter(student=student, day__lte=today)
    totals = activity.filter(day=today).aggregate(answers=Sum("answers"), cards=Sum("cards"))
    days = activity.values_list("day", flat=True).distinct()
    return TodayProgress(
        answers=totals["answers"] or 0,
        cards=totals["cards"] or 0,
        streak=study_streak(days, today),
        left=left,
    )
