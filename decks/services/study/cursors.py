"""Each student's new-card cursor: where their unseen cards in a deck begin.

The queue looks for the next new card after the cursor instead of walking past every card
the student has already seen, which keeps an answer's cost the same in a deck of 100 cards
and one of 100,000 (`decks.models.NewCardCursor` states the promise). Three rules keep the
promise, also between concurrent requests on PostgreSQL:

- An answer moves the cursor up to just before the first unseen card, in the same
  statement that finds that card, stamped with the deck's version (`DeckCardsVersion`) it read.
- A change to which cards of a deck are active or their order bumps the deck's version:
  every cursor stamped earlier is ignored until the student's next answer sets it again.
  Cards retired or reworded change nothing.
- Removing a student's card state sets their cursor back to the start with a new
  `revision`; an answer that read the cursor before that writes nothing.

The last two are database triggers (migration 0010), so no path that writes cards or
states, the ORM's bulk updates and raw SQL included, can forget them.

A cursor that is missing, at the start or of an older version is not trusted: the queue
reads from the deck's start (past every seen card) until the student's next answer sets
it again. It never hides a card. One case stays slow for longer: an unseen card now
sorting before many seen ones (added or moved there, or brought back) holds the cursor
just before it, so counting the new cards left walks past those seen cards on every
answer until the student reaches that card.
"""

from dataclasses import dataclass
from functools import cache

from django.db import connection

from decks.services.study.sql import compact_sql, fill_slots

# The deck's version `v` and the student's cursor `u`, joined to a deck `d`.
CURSOR_JOINS_SQL = """
  LEFT JOIN decks_deckcardsversion v ON v.deck_id = d.id
  LEFT JOIN decks_newcardcursor u ON u.student_id = %(student)s AND u.deck_id = d.id"""

# Where the search for the student's unseen cards starts: after the cursor while it is
# trusted (stamped with the deck's current version), else at the deck's start, (0, 0).
CURSOR_START_SQL = """
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_position ELSE 0 END
      AS after_position,
    CASE WHEN u.deck_version = COALESCE(v.version, 0) THEN u.after_card ELSE 0 END
      AS after_card"""


def not_seen_sql(vendor: str) -> str:
    """SQL for "the student has no state for card k": one index probe per card.

    On PostgreSQL, OFFSET 0 keeps it a probe. Turned into an anti-join, a prepared
    statement's generic plan may read all of the student's states once and scan them
    again for every card: quadratic, and a walk of 60,000 seen cards ran for minutes.
    """
    fence = " OFFSET 0" if vendor == "postgresql" else ""
    return (
        "NOT EXISTS (SELECT 1 FROM decks_cardstate x"
        f" WHERE x.student_id = %(student)s AND x.card_id = k.id{fence})"
    )


# Deck order is (position, id); the start (0, 0) sorts before every card, whose ids are
# positive. Each step is one walk of the (deck, position, id) index that stops at its
# first row: the first unseen card after the cursor, then the card just before it (or the
# deck's last card when none is unseen), their bounds passed as scalar subqueries so the
# index can use them. The write is kept only if the row is still the revision this
# statement read. {answered} leaves out the card an answer writes in the same statement,
# whose state that statement cannot see yet; {gate} names that answer's CTE, so the
# cursor moves only when the answer is written.
_MOVE_CTES = """
cur AS (
  SELECT COALESCE(v.version, 0) AS version, COALESCE(u.revision, -1) AS revision,
  {cursor_start}
  FROM decks_deck d
  {cursor_joins}
  WHERE d.id = %(deck)s
), first_unseen AS (
  SELECT k.position AS pos, k.id AS card FROM decks_card k
  WHERE k.deck_id = %(deck)s AND k.retired_at IS NULL
    AND (k.position, k.id) > ((SELECT c.after_position FROM cur c),
                              (SELECT c.after_card FROM cur c))
    AND {not_seen}{answered}
  ORDER BY k.position, k.id LIMIT 1
), tight AS (
  SELECT pos, card FROM (
    SELECT k.position AS pos, k.id AS card FROM decks_card k
    WHERE k.deck_id = %(deck)s
      AND (k.position, k.id) < ((SELECT f.pos FROM first_unseen f),
                                (SELECT f.card FROM first_unseen f))
    ORDER BY k.position DESC, k.id DESC LIMIT 1) before_first_unseen
  UNION ALL
  SELECT pos, card FROM (
    SELECT k.position AS pos, k.id AS card FROM decks_card k
    WHERE k.deck_id = %(deck)s AND NOT EXISTS (SELECT 1 FROM first_unseen)
    ORDER BY k.position DESC, k.id DESC LIMIT 1) last_card
)"""

_MOVE_UPSERT = """
INSERT INTO decks_newcardcursor
  (student_id, deck_id, after_position, after_card, deck_version, revision)
SELECT %(student)s, %(deck)s, tight.pos, tight.card, cur.version, cur.revision + 1
FROM tight, cur{gate} WHERE true
ON CONFLICT (student_id, deck_id) DO UPDATE
SET after_position = excluded.after_position, after_card = excluded.after_card,
    deck_version = excluded.deck_version, revision = excluded.revision
WHERE decks_newcardcursor.revision = excluded.revision - 1
"""


def _move_ctes_sql(after_answer_in: str, vendor: str) -> str:
    return fill_slots(
        _MOVE_CTES,
        cursor_start=CURSOR_START_SQL.strip(),
        cursor_joins=CURSOR_JOINS_SQL.strip(),
        not_seen=not_seen_sql(vendor),
        answered=" AND k.id <> %(card)s" if after_answer_in else "",
    ).strip()


def _move_upsert_sql(after_answer_in: str) -> str:
    return fill_slots(_MOVE_UPSERT, gate=f", {after_answer_in}" if after_answer_in else "").strip()


@cache
def new_card_cursor_move_ctes(*, after_answer_in: str) -> str:
    """The cursor move as CTEs (`cur`, …, `cursor_moved`) for an answer's own statement.

    PostgreSQL only: SQLite has no data-modifying CTEs. `after_answer_in` names the CTE
    that writes the answer's card state: the answered card (`%(card)s`) counts as seen,
    though the statement cannot see its state, and the cursor moves only if that CTE
    returns a row.
    """
    moved = _move_upsert_sql(after_answer_in)
    ctes = _move_ctes_sql(after_answer_in, "postgresql")
    return f"{ctes},\ncursor_moved AS (\n{moved}\n)"


@cache
def cursor_update_sql(vendor: str) -> str:
    """The cursor move as a statement of its own (formatted; `new_card_cursor_update`)."""
    return f"WITH {_move_ctes_sql('', vendor)}\n{_move_upsert_sql('')}"


@cache
def _update_sql_compact(vendor: str) -> str:
    return compact_sql(cursor_update_sql(vendor))


_FORGET_SQL = """
INSERT INTO decks_newcardcursor
  (student_id, deck_id, after_position, after_card, deck_version, revision)
SELECT %(student)s, d.id, 0, 0, COALESCE(v.version, 0), 0
FROM decks_deck d LEFT JOIN decks_deckcardsversion v ON v.deck_id = d.id
WHERE d.id = %(deck)s
ON CONFLICT (student_id, deck_id) DO UPDATE
SET after_position = 0, after_card = 0, deck_version = excluded.deck_version,
    revision = decks_newcardcursor.revision + 1
"""


def new_card_cursor_update(*, student_id: int, deck_id: int) -> None:
    """Move the student's cursor to just before their first unseen card in the deck.

    One statement, inside the answer's transaction, run after a card's first answer and
    whenever the cursor is not to be trusted; from a trusted cursor it reads a card or two.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _update_sql_compact(connection.vendor), {"student": student_id, "deck": deck_id}
        )


def new_card_cursor_forget(*, student_id: int, deck_id: int) -> None:
    """Set the student's cursor back to the deck's start (`check_integrity --repair`).

    Removing a card state does the same by itself (the trigger of migration 0010).
    """
    with connection.cursor() as cursor:
        cursor.execute(_FORGET_SQL, {"student": student_id, "deck": deck_id})


@dataclass(frozen=True)
class BrokenCursor:
    student_id: int
    deck_id: int
    card_id: int  # an unseen active card that sorts at or before the cursor

    def __str__(self) -> str:
        return (
            f"student {self.student_id}, deck {self.deck_id}: new-card cursor is past "
            f"unseen card {self.card_id}"
        )


_BROKEN_SQL = """
SELECT u.student_id, u.deck_id, MIN(k.id)
FROM decks_newcardcursor u
LEFT JOIN decks_deckcardsversion v ON v.deck_id = u.deck_id
JOIN decks_card k ON k.deck_id = u.deck_id AND k.retired_at IS NULL
  AND (k.position, k.id) <= (u.after_position, u.after_card)
WHERE u.deck_version = COALESCE(v.version, 0)
  AND NOT EXISTS (SELECT 1 FROM decks_cardstate x
                  WHERE x.student_id = u.student_id AND x.card_id = k.id)
GROUP BY u.student_id, u.deck_id
ORDER BY u.student_id, u.deck_id
"""


def new_card_cursors_broken() -> list[BrokenCursor]:
    """Trusted cursors that break their promise: an unseen active card sorts before them.

    Reads every cursor's cards, so it belongs in `check_integrity`, not in a request.
    """
    with connection.cursor() as cursor:
        cursor.execute(_BROKEN_SQL)
        return [BrokenCursor(*row) for row in cursor.fetchall()]


def new_card_cursors_repair(broken: list[BrokenCursor]) -> int:
    """Set the broken cursors back to the start; the next answer sets each one again."""
    for fault in broken:
        new_card_cursor_forget(student_id=fault.student_id, deck_id=fault.deck_id)
    return len(broken)
