"""The rows one answer writes, all or nothing: card state, log entry, day's activity, cursor.

On PostgreSQL they are written by one statement of data-modifying CTEs. A statement is
atomic on its own, so the answer needs no BEGIN and COMMIT, and it costs one round trip
to the database instead of five or six: on the study loop, the hot path, that is most of what an
answer costs beyond reading the next card. SQLite has no data-modifying CTEs; there the
same writes run one by one in a transaction.

Either way the card state is written with a compare-and-set on the answer count the card
showed, and the log is unique on (student, card, sequence): when another request (a
double click, an htmx retry, a second tab) answered first, nothing is written.
"""

from contextlib import nullcontext
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import Field

from decks.models import CardState, DailyActivity, ReviewLog
from decks.services.activity import (
    ACTIVITY_FIGURES,
    ACTIVITY_TABLE,
    activity_figures,
    activity_on_conflict_sql,
    activity_record,
)
from decks.services.cursors import new_card_cursor_move_ctes, new_card_cursor_update
from decks.services.rows import field_values, model_fields, row_insert, row_update_if
from decks.services.sql import compact_sql

SCHEDULE_FIELDS = (
    "repetitions", "easiness", "interval", "due", "lapses", "reviews",
    "last_rating", "last_review_day", "last_reviewed_at",
)  # fmt: skip
STATE_FIELDS = ("student", "card", "deck", "introduced_on", *SCHEDULE_FIELDS)
LOG_FIELDS = tuple(field.name for field in ReviewLog._meta.concrete_fields if not field.primary_key)


def answer_rows_write(
    *, state: CardState, log: ReviewLog, seen_reviews: int, move_cursor: bool
) -> bool:
    """Write the answer's rows; False, with nothing written, when another answer came first.

    `state` is new (no primary key) for a card's first answer. `move_cursor` moves the
    student's new-card cursor past the card in the same write.
    """
    write = _write_in_one_statement if connection.vendor == "postgresql" else _write_in_steps
    try:
        return write(state, log, seen_reviews=seen_reviews, move_cursor=move_cursor)
    except IntegrityError:
        # A concurrent request recorded this very answer first: the unique constraints
        # turned this one away.
        return False


def _write_in_steps(
    state: CardState, log: ReviewLog, *, seen_reviews: int, move_cursor: bool
) -> bool:
    with transaction.atomic():
        if state.pk is None:
            row_insert(state, STATE_FIELDS)
        elif not row_update_if(state, SCHEDULE_FIELDS, where="reviews", equals=seen_reviews):
            return False
        row_insert(log, LOG_FIELDS)
        activity_record(log=log)
        if move_cursor:
            new_card_cursor_update(student_id=state.student_id, deck_id=state.deck_id)
    return True


def _placeholder(prefix: str, field: Field) -> str:
    return f"%({prefix}{field.attname})s"


def _typed_placeholder(prefix: str, field: Field) -> str:
    # In INSERT ... SELECT a parameter sent without a type (None) would be read as text.
    return f"{_placeholder(prefix, field)}::{field.cast_db_type(connection)}"


@cache
def one_statement_sql(*, first_answer: bool, move_cursor: bool) -> str:
    state_fields = model_fields(CardState, STATE_FIELDS)
    if first_answer:
        columns = ", ".join(f.column for f in state_fields)
        values = ", ".join(_placeholder("s_", f) for f in state_fields)
        state_sql = f"INSERT INTO decks_cardstate ({columns}) VALUES ({values}) RETURNING id"
    else:
        schedule_fields = model_fields(CardState, SCHEDULE_FIELDS)
        assignments = ", ".join(f'"{f.column}" = {_placeholder("s_", f)}' for f in schedule_fields)
        state_sql = (
            f"UPDATE decks_cardstate SET {assignments} "
            "WHERE id = %(state_id)s AND reviews = %(seen)s RETURNING id"
        )
    log_fields = model_fields(ReviewLog, LOG_FIELDS)
    activity_fields = model_fields(DailyActivity, tuple(ACTIVITY_FIGURES))
    by_name = {f.name: f for f in log_fields}
    activity_key = ", ".join(
        _typed_placeholder("l_", by_name[name]) for name in ("student", "deck", "study_day")
    )
    parts = [
        f"answered_state AS ({state_sql})",
        f"""answer_log AS (
  INSERT INTO decks_reviewlog ({", ".join(f.column for f in log_fields)})
  SELECT {", ".join(_typed_placeholder("l_", f) for f in log_fields)}
  FROM answered_state RETURNING id)""",
        f"""answer_activity AS (
  INSERT INTO {ACTIVITY_TABLE} AS a (student_id, deck_id, day, {", ".join(ACTIVITY_FIGURES)})
  SELECT {activity_key}, {", ".join(_typed_placeholder("a_", f) for f in activity_fields)}
  FROM answered_state
  {activity_on_conflict_sql("a")})""",
    ]
    if move_cursor:
        parts.append(new_card_cursor_move_ctes(after_answer_in="answered_state"))
    return compact_sql(
        "WITH " + ",\n".join(parts) + "\nSELECT (SELECT id FROM answered_state), "
        "(SELECT id FROM answer_log)"
    )


def one_statement_params(
    state: CardState, log: ReviewLog, *, seen_reviews: int, move_cursor: bool
) -> dict:
    """The statement's parameters, and only those it names (psycopg counts every key)."""
    first_answer = state.pk is None
    params = {
        **field_values(state, STATE_FIELDS if first_answer else SCHEDULE_FIELDS, prefix="s_"),
        **field_values(log, LOG_FIELDS, prefix="l_"),
        **{f"a_{name}": value for name, value in activity_figures(log).items()},
    }
    if not first_answer:
        params.update(state_id=state.pk, seen=seen_reviews)
    if move_cursor:
        params.update(student=state.student_id, deck=state.deck_id, card=state.card_id)
    return params


def _write_in_one_statement(
    state: CardState, log: ReviewLog, *, seen_reviews: int, move_cursor: bool
) -> bool:
    first_answer = state.pk is None
    params = one_statement_params(state, log, seen_reviews=seen_reviews, move_cursor=move_cursor)
    sql = one_statement_sql(first_answer=first_answer, move_cursor=move_cursor)
    # Inside a caller's transaction, a savepoint keeps an answer turned away by a unique
    # constraint from aborting that transaction; otherwise the statement needs none.
    atomic = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with atomic, connection.cursor() as cursor:
        cursor.execute(sql, params)
        state_id, log_id = cursor.fetchone()
    if log_id is None:
        return False
    for instance, pk in ((state, state_id), (log, log_id)):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = connection.alias
    return True
