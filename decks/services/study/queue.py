"""A student's study queue for one deck, as SM-2 orders it.

Due cards come first, most overdue first; then unseen cards up to the deck's daily
new-card limit; then the cards answered today with a rating below 4, which SM-2
repeats the same day until they are rated 4 or 5.

The study loop is the hot path: `queue_snapshot` reads the next card together with
every count the page shows in one query, whatever the size of the deck.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from decks.models import Card, CardState, Deck, DeckSettings
from decks.services.choices import CANDIDATES_EACH_SIDE
from decks.services.scheduling import SAME_DAY_REPEAT_BELOW
from decks.services.study.card_states import as_date, fetch_named, state_columns_sql, state_from_row
from decks.services.study.cursors import CURSOR_JOINS_SQL, CURSOR_START_SQL, not_seen_sql
from decks.services.study.sql import compact_sql, fill_slots


@dataclass(frozen=True)
class QueueCounts:
    due: int
    new: int
    repeat: int
    done_today: int
    # The due count stops at DUE_COUNT_CAP: more cards are due than it shows.
    due_capped: bool = False
    # Different cards answered today; done_today counts answers, a card again each time.
    cards_done: int = 0

    @property
    def left(self) -> int:
        return self.due + self.new + self.repeat

    @property
    def due_label(self) -> str:
        return f"{self.due}+" if self.due_capped else str(self.due)

    @property
    def left_label(self) -> str:
        return f"{self.left}+" if self.due_capped else str(self.left)


def cards_studied_today(counts: Iterable[QueueCounts]) -> int:
    """The "cards studied today" of the home page, the deck page and the study session.

    Different cards, not answers: a card rated low comes back the same day, and counting
    it twice made the session say 22 where home said 15. The leaderboard counts the same.
    """
    return sum(c.cards_done for c in counts)


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
class SessionSummary:
    """What the student did in a deck today and when its next cards come due."""

    answers: int
    cards: int
    ratings: dict[int, int] = field(default_factory=dict)
    due_tomorrow: int = 0
    next_due: date | None = None

    @property
    def rating_rows(self) -> list[tuple[int, int]]:
        return [(rating, self.ratings.get(rating, 0)) for rating in range(1, 6)]


@dataclass(frozen=True)
class QueueSnapshot:
    counts: QueueCounts
    item: QueueItem | None
    # Only when nothing is left today: the end-of-session summary (one more query).
    summary: SessionSummary | None = None
    # Asked for with `choices` where the snapshot can read them (SQLite): the answers of
    # the cards around the next one, for its multiple-choice options. None: not read.
    choice_candidates: list[str] | None = None


# With no review limit set, a day's reviews are bounded only by what is due.
NO_REVIEW_LIMIT = 1_000_000
# Counting due cards stops here, so a student back from a long break does not make every
# answer count thousands of index entries; the page then shows "1000+".
DUE_COUNT_CAP = 1000


def _counts_from(row: dict) -> QueueCounts:
    new_allowed = max(0, row["new_limit"] - row["n_introduced"])
    reviews_allowed = max(0, row["review_limit"] - row["n_reviewed"])
    # The count stops one past the cap, so "more than the cap" is told from "the cap".
    # Siblings buried for the day are not due today (counted only for decks with siblings).
    due_today = max(0, row["n_due_capped"] - row.get("n_buried_due", 0))
    due = min(due_today, DUE_COUNT_CAP, reviews_allowed)
    return QueueCounts(
        due=due,
        new=min(new_allowed, row["n_unseen"]),
        repeat=row["n_repeat"],
        done_today=row["n_done"],
        cards_done=row["n_cards_done"],
        # More are due than the count shows, and the review limit would take more.
        due_capped=row["n_due_capped"] > DUE_COUNT_CAP and reviews_allowed > due,
    )


# Today's counts for the decks `d` that {decks} selects, written out: building the same
# query with the ORM cost more CPU per answer than running it (bench/README.md). Every count
# reads a bounded range of one index: the student's states due by today (at most
# DUE_COUNT_CAP of them, each checked against the deck's retired cards), answered today,
# or introduced today; for the other counts the deck's retired cards (few, through a
# partial index) are subtracted rather than joined to every state. Each
# subquery is the same index lookup for every student, which keeps a prepared
# statement's generic plan as good as a fresh one. {extra} adds columns per caller.
_COUNTS_SQL = """
  SELECT
    d.id AS deck_id,
    COALESCE(o.new_per_day, d.new_cards_per_day) AS new_limit,
    COALESCE(o.reviews_per_day, %(no_limit)s) AS review_limit,
    COALESCE(a.learned_answers, 0) AS n_reviewed,
    COALESCE(a.answers, 0) AS n_done,
    COALESCE(a.cards, 0) AS n_cards_done,
    (SELECT COUNT(*) FROM (
       SELECT 1 FROM decks_cardstate x
       WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.due <= %(today)s
         AND NOT EXISTS (SELECT 1 FROM decks_card k WHERE k.id = x.card_id
                         AND k.deck_id = d.id AND k.retired_at IS NOT NULL)
       LIMIT %(due_cap)s) capped) AS n_due_capped,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id
       AND x.last_review_day = %(today)s AND x.last_rating < %(again)s)
      - COALESCE(r.again, 0) AS n_repeat,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id AND x.introduced_on = %(today)s)
      - COALESCE(r.introduced, 0) AS n_introduced{buried_due}
    {extra}
  FROM decks_deck d
  LEFT JOIN decks_decksettings o ON o.student_id = %(student)s AND o.deck_id = d.id
  LEFT JOIN decks_dailyactivity a
    ON a.student_id = %(student)s AND a.deck_id = d.id AND a.day = %(today)s
  {cursor_joins}
  LEFT JOIN (
    SELECT k.deck_id, COUNT(*) AS cards, COUNT(x.id) AS seen,
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


# Both directions (decks.services.directions): a card and its sibling are never shown on
# the same study day, as Anki buries siblings. The cards answered today (a bounded range
# of an index) name the siblings that wait for tomorrow. Only decks with siblings
# (Deck.has_siblings) read these parts: every other deck's snapshot is the statement it
# was, short enough for psycopg's parse cache (tests/services/study/test_sql.py).
_BURIED_DUE = """(
      SELECT COUNT(*) FROM decks_cardstate t
      JOIN decks_card tk ON tk.id = t.card_id
      JOIN decks_cardstate b ON b.card_id = tk.sibling_id AND b.student_id = %(student)s
      JOIN decks_card bk ON bk.id = b.card_id
      WHERE t.student_id = %(student)s AND t.deck_id = d.id AND t.last_review_day = %(today)s
        AND b.due <= %(today)s AND bk.retired_at IS NULL)"""
# Unseen siblings of today's cards: the home page's count of new cards leaves them out.
_BURIED_NEW = """(
      SELECT COUNT(*) FROM decks_cardstate t
      JOIN decks_card tk ON tk.id = t.card_id
      JOIN decks_card bk ON bk.id = tk.sibling_id AND bk.retired_at IS NULL
      WHERE t.student_id = %(student)s AND t.deck_id = d.id AND t.last_review_day = %(today)s
        AND NOT EXISTS (SELECT 1 FROM decks_cardstate b
                        WHERE b.student_id = %(student)s AND b.card_id = bk.id))"""


def not_buried_sql(vendor: str, card: str) -> str:
    """SQL for "card `card`'s sibling was not answered today": one probe of the unique
    (student, card) index per card. Written as the sibling's last study day compared
    outside the lookup: with the day inside it, PostgreSQL probed the (student, deck,
    day) index instead and read every card answered today for each card walked."""
    return (
        f"(SELECT b.last_review_day FROM decks_cardstate b WHERE b.student_id = %(student)s"
        f" AND b.card_id = {card}.sibling_id) IS DISTINCT FROM %(today)s"
    )


def _counts_sql(*, extra: str, decks: str, buried_due: str = "") -> str:
    """_COUNTS_SQL for the decks `decks` selects, with the columns `extra` added, and the
    due siblings buried today counted by `buried_due` (nothing when empty)."""
    return fill_slots(
        _COUNTS_SQL,
        cursor_joins=CURSOR_JOINS_SQL.strip(),
        extra=extra,
        decks=decks,
        buried_due=f",\n    {buried_due} AS n_buried_due" if buried_due else "",
    )


# The home page shows every deck's size and how much of it the student has seen: two
# index-only counts that grow with the deck, which is why the study loop does not use them.
_OVERVIEW_COLUMNS = (
    """,
    (SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = d.id) - COALESCE(r.seen, 0) AS n_seen,
    (SELECT COUNT(*) FROM decks_card k WHERE k.deck_id = d.id) - COALESCE(r.cards, 0)
      AS n_cards,
    CASE WHEN d.has_siblings THEN """
    + _BURIED_NEW
    + """ ELSE 0 END AS n_buried_new
"""
)

# The study loop starts from the student's new-card cursor (the package's cursors):
# every active card up to it is seen, so the next new card is the first unseen one after
# it, read in deck order off the (deck, position, id) index. A cursor made before the
# deck's cards last changed is not trusted: the search starts at (0, 0), before every card.
_SNAPSHOT_COUNT_COLUMNS = "," + CURSOR_START_SQL

_UNSEEN_AFTER_CURSOR = """
  FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > (counts.after_position, counts.after_card)
    AND {not_seen}{not_buried_new}
  ORDER BY k.position, k.id
"""

# The hot path's one query: the counts above for one deck, how many unseen cards the
# daily limit could still take (counted only up to that limit) and the next card.
# PostgreSQL and SQLite both skip a CASE branch's subquery when the branch is not taken.
# The limit is written into the SQL ({new_limit}, one text per limit): PostgreSQL's
# planner guesses a tenth of the deck for a LIMIT it cannot read, which made the prepared
# statement's generic plan look ten times dearer than it is, so every answer was planned
# afresh (bench/README.md).
_SNAPSHOT_SQL = """
SELECT counts.new_limit, counts.review_limit, counts.n_reviewed, counts.n_done,
       counts.n_cards_done, counts.n_due_capped, counts.n_repeat, counts.n_introduced,{buried_due}
       CASE WHEN counts.n_introduced < counts.new_limit THEN (
         SELECT COUNT(*) FROM (SELECT 1 {unseen} LIMIT {new_limit}) unseen)
       ELSE 0 END AS n_unseen,
       c.id AS card_id, c.key AS card_key, c.front AS card_front, c.back AS card_back,
       c.position AS card_position, c.tags AS card_tags,
       {state_columns}{summary_columns}{choice_columns}
FROM ({counts}) counts
LEFT JOIN decks_card c ON c.id = COALESCE(
  CASE WHEN counts.n_reviewed < counts.review_limit THEN (
    SELECT x.card_id FROM decks_cardstate x
    WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due <= %(today)s
      AND NOT EXISTS (SELECT 1 FROM decks_card k
                      WHERE k.id = x.card_id AND k.retired_at IS NOT NULL){not_buried_due}
    ORDER BY x.due, x.card_id LIMIT 1) END,
  CASE WHEN counts.n_introduced < counts.new_limit THEN (
    SELECT k.id {unseen} LIMIT 1) END,
  (SELECT x.card_id FROM decks_cardstate x JOIN decks_card k ON k.id = x.card_id
   WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND k.retired_at IS NULL
     AND x.last_review_day = %(today)s AND x.last_rating < %(again)s
   ORDER BY x.last_reviewed_at, x.card_id LIMIT 1)
)
LEFT JOIN decks_cardstate s ON s.card_id = c.id AND s.student_id = %(student)s
"""

# Once nothing is left: the end-of-session summary. On PostgreSQL it is a query of its own,
# run once a day per deck, which keeps the snapshot's text short enough for psycopg to
# cache its parsing (see compact_sql). On SQLite, where an answer's writes are four
# statements, the snapshot reads it (each part only when no card is left), so the answer
# that ends the day stays within eight queries there too.
_SUMMARY_COLUMNS = {
    **{
        f"summary_rating_{rating}": f"""(SELECT COUNT(*) FROM decks_reviewlog l
     WHERE l.student_id = %(student)s AND l.deck_id = %(deck)s
       AND l.study_day = %(today)s AND l.rating = {rating})"""
        for rating in range(1, 6)
    },
    "summary_next_due": """(SELECT MIN(x.due) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due > %(today)s)""",
    "summary_due_tomorrow": """(SELECT COUNT(*) FROM decks_cardstate x
     WHERE x.student_id = %(student)s AND x.deck_id = %(deck)s AND x.due = %(tomorrow)s)""",
}

SUMMARY_SQL = "SELECT " + ",\n       ".join(
    f"{part} AS {name}" for name, part in _SUMMARY_COLUMNS.items()
)


def summary_in_snapshot(vendor: str) -> bool:
    return vendor != "postgresql"


# For picking from four: the answers of up to CANDIDATES_EACH_SIDE cards on each side of the
# next card in deck order (decks.services.choices), two bounded ranges of the deck's
# (position, id) index, as one JSON array. Read by the snapshot on SQLite, where an
# answer's writes are four statements, so a picked answer stays within eight queries;
# PostgreSQL reads them with choice_candidates, a query of its own, keeping the
# snapshot's text within psycopg's parse cache.
_CHOICE_COLUMN = fill_slots(
    """,
       CASE WHEN c.id IS NOT NULL THEN (SELECT json_group_array(side) FROM (
         SELECT side FROM (SELECT k.back AS side FROM decks_card k
           WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
             AND (k.position, k.id) > (c.position, c.id)
           ORDER BY k.position, k.id LIMIT {each})
         UNION ALL
         SELECT side FROM (SELECT k.back AS side FROM decks_card k
           WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
             AND (k.position, k.id) < (c.position, c.id)
           ORDER BY k.position DESC, k.id DESC LIMIT {each})
       )) END AS choice_candidates""",
    each=str(CANDIDATES_EACH_SIDE),
)


def choices_in_snapshot(vendor: str) -> bool:
    return vendor == "sqlite"


def snapshot_sql(
    new_limit: int, *, vendor: str, choices: bool = False, siblings: bool = False
) -> str:
    """The snapshot statement for a daily new-card limit, formatted (golden files show it).

    `choices` adds the next card's multiple-choice candidates where the vendor reads them
    in the snapshot (`choices_in_snapshot`). `siblings`: the deck has reverse siblings,
    and the statement buries them for the day.
    """
    summary = "".join(
        f",\n       CASE WHEN c.id IS NULL THEN {part} END AS {name}"
        for name, part in _SUMMARY_COLUMNS.items()
    )
    counts = _counts_sql(
        extra=_SNAPSHOT_COUNT_COLUMNS,
        decks="= %(deck)s",
        buried_due=_BURIED_DUE if siblings else "",
    )
    not_buried = not_buried_sql(vendor, "k")
    unseen = fill_slots(
        _UNSEEN_AFTER_CURSOR,
        not_seen=not_seen_sql(vendor),
        not_buried_new=f"\n    AND (k.sibling_id IS NULL OR {not_buried})" if siblings else "",
    )
    return fill_slots(
        _SNAPSHOT_SQL,
        unseen=unseen,
        buried_due="\n       counts.n_buried_due," if siblings else "",
        not_buried_due=(
            f"\n      AND NOT EXISTS (SELECT 1 FROM decks_card k WHERE k.id = x.card_id"
            f"\n                  AND k.sibling_id IS NOT NULL AND NOT {not_buried})"
            if siblings
            else ""
        ),
        new_limit=str(int(new_limit)),
        state_columns=state_columns_sql("s"),
        summary_columns=summary if summary_in_snapshot(vendor) else "",
        choice_columns=_CHOICE_COLUMN if choices and choices_in_snapshot(vendor) else "",
        counts=counts,
    ).strip()


@lru_cache(maxsize=64)
def _snapshot_sql_compact(new_limit: int, vendor: str, choices: bool, siblings: bool) -> str:
    return compact_sql(snapshot_sql(new_limit, vendor=vendor, choices=choices, siblings=siblings))


_SUMMARY_SQL_COMPACT = compact_sql(SUMMARY_SQL)


def queue_snapshot(
    *,
    student: AbstractBaseUser,
    deck: Deck,
    today: date,
    new_limit: int | None = None,
    choices: bool = False,
) -> QueueSnapshot:
    """The next card to answer in `deck` with today's counts, in one query.

    Its cost does not grow with the deck: every part reads a bounded range of an index
    (see the SQL above), and the next new card is looked for after the student's cursor.
    `new_limit` is the student's daily new-card limit for the deck when the caller has
    read it already (the answer's target has); otherwise it is read here. `choices` reads
    the next card's multiple-choice candidates too, on SQLite in the same query.
    """
    if new_limit is None:
        new_limit = new_card_limit(student=student, deck=deck)
    params = {"student": student.pk, "deck": deck.pk, **_count_params(today)}
    params["tomorrow"] = today + timedelta(days=1)
    vendor = connection.vendor
    with connection.cursor() as cursor:
        sql = _snapshot_sql_compact(new_limit, vendor, choices, deck.has_siblings)
        cursor.execute(sql, params)
        row = fetch_named(cursor)
    if row is None:  # the deck was deleted since the request found it
        return QueueSnapshot(counts=QueueCounts(due=0, new=0, repeat=0, done_today=0), item=None)
    counts = _counts_from(row)
    if row["card_id"] is None:
        if not summary_in_snapshot(vendor):
            with connection.cursor() as cursor:
                cursor.execute(_SUMMARY_SQL_COMPACT, params)
                row.update(fetch_named(cursor))
        return QueueSnapshot(counts=counts, item=None, summary=_summary_from(row))
    card = Card(
        pk=row["card_id"], deck=deck, key=row["card_key"], front=row["card_front"],
        back=row["card_back"], position=row["card_position"], tags=row["card_tags"],
    )  # fmt: skip
    state = state_from_row(row, student_id=student.pk, card=card, deck_id=deck.pk)
    if state is None:
        item = QueueItem(card=card, state=None, kind="new")
    else:
        item = QueueItem(card=card, state=state, kind="due" if state.due <= today else "repeat")
    candidates = None
    if choices and choices_in_snapshot(vendor):
        candidates = json.loads(row["choice_candidates"] or "[]")
    return QueueSnapshot(counts=counts, item=item, choice_candidates=candidates)


def _summary_from(row: dict) -> SessionSummary:
    ratings = {n: row[f"summary_rating_{n}"] for n in range(1, 6) if row[f"summary_rating_{n}"]}
    return SessionSummary(
        answers=sum(ratings.values()),
        cards=row["n_cards_done"],
        ratings=ratings,
        next_due=as_date(row["summary_next_due"]),
        due_tomorrow=row["summary_due_tomorrow"] or 0,
    )


def queue_offers(
    state: CardState | None,
    *,
    today: date,
    new_limit: int,
    introduced_today: int,
    review_limit: int | None,
    reviewed_today: int,
    sibling_today: bool = False,
) -> bool:
    """Whether the queue offers this card now, so an answer to it may be recorded.

    The same three kinds the snapshot picks from, by the same limits: a card due by today
    while the daily review limit (None: no limit) has room, an unseen card while the daily
    new-card limit has room, or a card answered today below SAME_DAY_REPEAT_BELOW. Anything
    else (not due yet, past a limit, already known today, its sibling answered today) is
    refused: accepting it would let a script stretch intervals and inflate "cards cleared".
    The snapshot's SQL picks by the same rule (tests/services/study/test_parity.py checks
    they agree).
    """
    # A card whose other direction was answered today waits for tomorrow (buried).
    if state is None:
        return not sibling_today and introduced_today < new_limit
    if state.last_review_day == today and (state.last_rating or 0) < SAME_DAY_REPEAT_BELOW:
        return True
    if state.due <= today and not sibling_today:
        return review_limit is None or reviewed_today < review_limit
    return False


def new_card_limit(*, student: AbstractBaseUser, deck: Deck) -> int:
    """The student's own daily new-card limit for the deck, or the deck's."""
    own = (
        DeckSettings.objects.filter(student=student, deck=deck)
        .values_list("new_per_day", flat=True)
        .first()
    )
    return deck.new_cards_per_day if own is None else own


def _count_params(today: date) -> dict:
    return {
        "today": today,
        "no_limit": NO_REVIEW_LIMIT,
        "again": SAME_DAY_REPEAT_BELOW,
        "due_cap": DUE_COUNT_CAP + 1,
    }


def queue_counts_per_deck(
    *, student: AbstractBaseUser, decks, today: date
) -> list[tuple[Deck, int, int, QueueCounts]]:
    """(deck, active cards, cards seen, today's counts) for each deck, in two queries.

    The study queue's own counting (the same SQL), so the home page and the session agree;
    only unseen cards are counted exactly here, where the session counts them up to the
    daily limit from the student's cursor.
    """
    decks = list(decks)
    if not decks:
        return []
    names = [f"deck_{n}" for n in range(len(decks))]
    params = {
        "student": student.pk,
        **_count_params(today),
        **{name: deck.pk for name, deck in zip(names, decks, strict=True)},
    }
    with connection.cursor() as cursor:
        cursor.execute(_overview_sql_compact(len(decks)), params)
        names = [column[0] for column in cursor.description]
        rows = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    result = []
    for deck in decks:
        if deck.pk not in rows:  # deleted between the two queries
            continue
        row = rows[deck.pk]
        row["n_unseen"] = max(0, row["n_cards"] - row["n_seen"] - row["n_buried_new"])
        result.append((deck, row["n_cards"], row["n_seen"], _counts_from(row)))
    return result


def overview_sql(decks: int) -> str:
    """The home page's counts for `decks` decks (parameters deck_0, deck_1, ...), formatted."""
    in_list = "IN (" + ", ".join(f"%(deck_{n})s" for n in range(decks)) + ")"
    buried_due = f"CASE WHEN d.has_siblings THEN {_BURIED_DUE} ELSE 0 END"
    return _counts_sql(extra=_OVERVIEW_COLUMNS, decks=in_list, buried_due=buried_due).strip()


@lru_cache(maxsize=64)
def _overview_sql_compact(decks: int) -> str:
    return compact_sql(overview_sql(decks))
