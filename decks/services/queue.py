"""A student's study queue for one deck, as SM-2 orders it.

Due cards come first, most overdue first; then unseen cards up to the deck's daily
new-card limit; then the cards answered today with a rating below 4, which SM-2
repeats the same day until they are rated 4 or 5.

The study loop is the hot path: `queue_snapshot` reads the next card together with
every count the page shows in one query, whatever the size of the deck.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.utils import timezone

from decks.models import Card, CardState, Deck
from decks.services.scheduling import SAME_DAY_REPEAT_BELOW


@dataclass(frozen=True)
class QueueCounts:
    due: int
    new: int
    repeat: int
    done_today: int

    @property
    def left(self) -> int:
        return self.due + self.new + self.repeat


@dataclass(frozen=True)
class QueueItem:
    card: Card
    state: CardState | None  # None for a card the student has never answered
    kind: str  # "due", "new" or "repeat"

    @property
    def seen_reviews(self) -> int:
        """How many answers the card had when shown; a POST echoes it back."""
        return self.state.reviews if self.state else 0


@dataclass(frozen=True)
class QueueSnapshot:
    counts: QueueCounts
    item: QueueItem | None
    cards_done: int = 0  # distinct cards answered today, for the end-of-session summary


# With no review limit set, a day's reviews are bounded only by what is due.
NO_REVIEW_LIMIT = 1_000_000


def _counts_from(row) -> QueueCounts:
    new_allowed = max(0, row.new_limit - row.n_introduced)
    return QueueCounts(
        due=min(row.n_due, max(0, row.review_limit - row.n_reviewed)),
        new=min(new_allowed, row.n_cards - row.n_seen),
        repeat=row.n_repeat,
        done_today=row.n_done,
    )


# The card-state columns the hand-written hot-path queries select, in this order, for
# `state_from_row`.
STATE_COLUMNS_SQL = (
    's.id, s.repetitions, s.easiness, s."interval", s.due, s.lapses, s.reviews, '
    "s.introduced_on, s.last_reviewed_at, s.last_review_day, s.last_rating"
)


# Today's counts for the decks `d` that {decks} selects, written out: building the same
# query with the ORM cost more CPU per answer (about 20 ms) than running it. Each count is
# an index-only count on the student's states in the deck, less the same count over the
# deck's retired cards (few, found through a partial index), so no count joins every
# state to its card, and each subquery is the same index lookup for every student, which
# keeps a prepared statement's generic plan as good as a fresh one.
_COUNTS_SQL = """
  SELECT
    d.id AS deck_id,
    COALESCE(o.new_per_day, d.new_cards_per_day) AS new_limit,
    COALESCE(o.reviews_per_day, %(no_limit)s) AS review_limit,
    COALESCE(a.learned_answers, 0) AS n_reviewed,
    COALESCE(a.answers, 0) AS n_done,
    COALESCE(a.cards, 0) AS n_cards_done,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.due <= %(today)s)
      - COALESCE(r.due, 0) AS n_due,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id
       AND x.last_review_day = %(today)s AND x.last_rating < %(again)s)
      - COALESCE(r.again, 0) AS n_repeat,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.introduced_on = %(today)s)
      - COALESCE(r.introduced, 0) AS n_introduced,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id) - COALESCE(r.seen, 0) AS n_seen,
    (SELECT COUNT(*) FROM decks_card k WHERE k.deck_id = d.id) - COALESCE(r.cards, 0)
      AS n_cards
  FROM decks_deck d
  LEFT JOIN decks_decksettings o ON o.student_id = %(student)s AND o.deck_id = d.id
  LEFT JOIN decks_dailyactivity a
    ON a.student_id = %(student)s AND a.deck_id = d.id AND a.day = %(today)s
  LEFT JOIN (
    SELECT k.deck_id, COUNT(*) AS cards, COUNT(x.id) AS seen,
           SUM(CASE WHEN x.due <= %(today)s THEN 1 ELSE 0 END) AS due,
           SUM(CASE WHEN x.last_review_day = %(today)s AND x.last_rating < %(again)s
               THEN 1 ELSE 0 END) AS again,
           SUM(CASE WHEN x.introduced_on = %(today)s THEN 1 ELSE 0 END) AS introduced
    FROM decks_card k
    LEFT JOIN decks_cardstate x ON x.card_id = k.id AND x.student_id = %(student)s
    WHERE k.retired_at IS NOT NULL AND k.deck_id {decks}
    GROUP BY k.deck_id
  ) r ON r.deck_id = d.id
  WHERE d.id {decks}
"""

# The hot path's one query: the counts above for one deck, and the next card.
_SNAPSHOT_SQL = """
SELECT counts.new_limit, counts.review_limit, counts.n_reviewed, counts.n_done,
       counts.n_cards_done, counts.n_due, counts.n_repeat, counts.n_introduced, counts.n_seen,
       counts.n_cards,
       c.id, c.key, c.front, c.back, c.position, c.tags,
       {state_columns}
FROM ({counts}) counts
LEFT JOIN decks_card c ON c.id = COALESCE(
  CASE WHEN counts.n_reviewed < counts.review_limit THEN (
    SELECT x.card_id FROM decks_cardstate x JOIN decks_card k ON k.id = x.card_id
    WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND k.retired_at IS NULL
      AND x.due <= %(today)s
    ORDER BY x.due, k.position, x.card_id LIMIT 1) END,
  CASE WHEN counts.n_introduced < counts.new_limit THEN (
    SELECT k.id FROM decks_card k
    WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL AND NOT EXISTS (
      SELECT 1 FROM decks_cardstate x WHERE x.student_id = %(student)s AND x.card_id = k.id)
    ORDER BY k.position, k.id LIMIT 1) END,
  (SELECT x.card_id FROM decks_cardstate x JOIN decks_card k ON k.id = x.card_id
   WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND k.retired_at IS NULL
     AND x.last_review_day = %(today)s AND x.last_rating < %(again)s
   ORDER BY x.last_reviewed_at, x.card_id LIMIT 1)
)
LEFT JOIN decks_cardstate s ON s.card_id = c.id AND s.student_id = %(student)s
""".replace("{state_columns}", STATE_COLUMNS_SQL).replace(
    "{counts}", _COUNTS_SQL.replace("{decks}", "= %(deck)s")
)

_COUNT_COLUMNS = [
    "new_limit", "review_limit", "n_reviewed", "n_done", "n_cards_done", "n_due", "n_repeat",
    "n_introduced", "n_seen", "n_cards",
]  # fmt: skip


def as_date(value) -> date | None:
    """A date from a raw cursor: SQLite returns text where PostgreSQL returns a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _as_datetime(value) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def queue_snapshot(*, student: AbstractBaseUser, deck: Deck, today: date) -> QueueSnapshot:
    """The next card to answer in `deck` with today's counts, in one query."""
    params = {"student": student.pk, "deck": deck.pk, **_count_params(today)}
    with connection.cursor() as cursor:
        cursor.execute(_SNAPSHOT_SQL, params)
        row = cursor.fetchone()
    if row is None:  # the deck was deleted since the request found it
        return QueueSnapshot(counts=QueueCounts(due=0, new=0, repeat=0, done_today=0), item=None)
    figures = SimpleNamespace(**dict(zip(_COUNT_COLUMNS, row[:10], strict=True)))
    counts = _counts_from(figures)
    card_id, key, front, back, position, tags = row[10:16]
    if card_id is None:
        return QueueSnapshot(counts=counts, item=None, cards_done=figures.n_cards_done)
    card = Card(
        pk=card_id, deck=deck, key=key, front=front, back=back, position=position, tags=tags
    )
    state = state_from_row(row[16:], student_id=student.pk, card=card, deck_id=deck.pk)
    if state is None:
        item = QueueItem(card=card, state=None, kind="new")
    else:
        item = QueueItem(card=card, state=state, kind="due" if state.due <= today else "repeat")
    return QueueSnapshot(counts=counts, item=item, cards_done=figures.n_cards_done)


def state_from_row(values, *, student_id: int, card: Card, deck_id: int) -> CardState | None:
    """The CardState in `values` (STATE_COLUMNS_SQL), or None when the join found none.

    Raw cursors skip the ORM's converters, so SQLite's text dates are parsed here.
    """
    (state_id, repetitions, easiness, interval, due, lapses, reviews, introduced_on,
     last_reviewed_at, last_review_day, last_rating) = values  # fmt: skip
    if state_id is None:
        return None
    state = CardState(
        pk=state_id,
        student_id=student_id,
        card=card,
        deck_id=deck_id,
        repetitions=repetitions,
        easiness=Decimal(str(easiness)).quantize(Decimal("0.01")),
        interval=interval,
        due=as_date(due),
        lapses=lapses,
        reviews=reviews,
        introduced_on=as_date(introduced_on),
        last_reviewed_at=_as_datetime(last_reviewed_at),
        last_review_day=as_date(last_review_day),
        last_rating=last_rating,
    )
    state._state.adding = False
    return state


def new_cards_left_today(*, student: AbstractBaseUser, deck: Deck, today: date) -> int:
    """How many more unseen cards the daily new-card limit allows today."""
    return queue_counts(student=student, deck=deck, today=today).new


def queue_counts(*, student: AbstractBaseUser, deck: Deck, today: date) -> QueueCounts:
    """What is left for today and how many answers were given today."""
    return queue_snapshot(student=student, deck=deck, today=today).counts


def next_card(*, student: AbstractBaseUser, deck: Deck, today: date) -> QueueItem | None:
    """The card the student should answer next in `deck`, or None when today is done."""
    return queue_snapshot(student=student, deck=deck, today=today).item


def _count_params(today: date) -> dict:
    return {"today": today, "no_limit": NO_REVIEW_LIMIT, "again": SAME_DAY_REPEAT_BELOW}


def queue_counts_per_deck(
    *, student: AbstractBaseUser, decks, today: date
) -> list[tuple[Deck, int, int, QueueCounts]]:
    """(deck, active cards, cards seen, today's counts) for each deck, in two queries.

    The study queue's own counting (the same SQL), so the home page and the session agree.
    """
    decks = list(decks)
    if not decks:
        return []
    names = [f"deck_{n}" for n in range(len(decks))]
    in_list = "IN (" + ", ".join(f"%({name})s" for name in names) + ")"
    params = {
        "student": student.pk,
        **_count_params(today),
        **{name: deck.pk for name, deck in zip(names, decks, strict=True)},
    }
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS_SQL.replace("{decks}", in_list), params)
        rows = {row[0]: row for row in cursor.fetchall()}
    result = []
    for deck in decks:
        if deck.pk not in rows:  # deleted between the two queries
            continue
        figures = SimpleNamespace(**dict(zip(_COUNT_COLUMNS, rows[deck.pk][1:], strict=True)))
        result.append((deck, figures.n_cards, figures.n_seen, _counts_from(figures)))
    return result
