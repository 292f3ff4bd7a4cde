"""What an answer writes: the one place that says it.

An answer writes up to four rows, all or nothing, and only while the card still has the
answer count it showed (a double click, an htmx retry or a second tab answered first
otherwise, and nothing is written):

1. `answered_state`: the card state. A card's first answer inserts it
   (`FIRST_ANSWER_FIELDS`); any later answer updates its `SCHEDULE_FIELDS` with a
   compare-and-set, `WHERE reviews = <the count the card showed>`. Either returns the
   state's id; no row means another answer came first, and the steps below write nothing.
2. `answer_log`: the review log entry (`LOG_FIELDS`), unique on (student, card, sequence).
3. `answer_activity`: the day's activity row, an upsert adding `activity_figures(log)`.
4. `cursor_moved` (after a card's first answer, or when the cursor is not trusted): the
   student's new-card cursor moved up to their first unseen card
   (`cursors` in this package).

`ANSWER_STEPS` holds each step's SQL once. PostgreSQL runs the steps as one statement of
data-modifying CTEs, each later step selecting FROM `answered_state`: a statement is
atomic on its own, so an answer costs one round trip and no BEGIN/COMMIT (its measured
gain is in bench/README.md). SQLite has no data-modifying CTEs and runs the same steps
one by one in a transaction. The tests run both ways on PostgreSQL.

The steps are SQL rather than save(), which builds and compiles a query per row on every
call (measured in bench/README.md). Their values are prepared by the rows' own model
fields, exactly as save() prepares them (`field_values`). Signals are not sent; the study
models have no receivers.
"""

from contextlib import nullcontext
from functools import cache
from typing import cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Field, Model

from decks.models import CardState, DailyActivity, ReviewLog
from decks.services.activity import ACTIVITY_FIGURES, activity_figures, activity_on_conflict_sql
from decks.services.study.card_states import FIRST_ANSWER_FIELDS, SCHEDULE_FIELDS
from decks.services.study.cursors import new_card_cursor_move_ctes, new_card_cursor_update
from decks.services.study.sql import backend_for, compact_sql, fill_slots

LOG_FIELDS = tuple(field.name for field in ReviewLog._meta.concrete_fields if not field.primary_key)
ACTIVITY_KEY = ("student", "deck", "study_day")  # the log's fields that name the day's row

# Each step's SQL; {guard} is "FROM answered_state" inside the one statement, so a step
# writes only if the state's write returned a row; run on its own, the caller checks
# that row. (WHERE true lets SQLite tell the SELECT from the upsert's ON CONFLICT.)
ANSWER_STEPS = {
    "first_answer_state": """
  INSERT INTO decks_cardstate (
    {state_columns})
  VALUES (
    {state_values})
  RETURNING id""",
    "later_answer_state": """
  UPDATE decks_cardstate SET
    {schedule_assignments}
  WHERE id = %(state_id)s AND reviews = %(seen)s
  RETURNING id""",
    "answer_log": """
  INSERT INTO decks_reviewlog (
    {log_columns})
  SELECT
    {log_values}
  {guard}
  RETURNING id""",
    "answer_activity": """
  INSERT INTO decks_dailyactivity AS a (
    student_id, deck_id, day,
    {activity_columns})
  SELECT
    {activity_values}
  {guard}
  WHERE true
  {activity_on_conflict}""",
}


def answer_rows_write(
    *, state: CardState, log: ReviewLog, seen_reviews: int, move_cursor: bool
) -> bool:
    """Write the answer's rows; False, with nothing written, when another answer came first.

    `state` is new (no primary key) for a card's first answer. `move_cursor` moves the
    student's new-card cursor past the card in the same write.
    """
    write = write_in_one_statement if connection.vendor == "postgresql" else write_in_steps
    try:
        return write(state, log, seen_reviews=seen_reviews, move_cursor=move_cursor)
    except IntegrityError:
        # A concurrent request recorded this very answer first: the unique constraints
        # turned this one away.
        return False


@cache
def model_fields(model: type[Model], names: tuple[str, ...]) -> tuple[Field, ...]:
    """The fields `names` of `model`, looked up once."""
    # Only concrete columns are named here, never a reverse relation.
    return tuple(cast(Field, model._meta.get_field(name)) for name in names)


def field_values(instance: Model, names: tuple[str, ...], *, prefix: str) -> dict:
    """`instance`'s fields `names` prepared for the database, keyed prefix + column attname."""
    fields = model_fields(type(instance), names)
    values = [
        field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields
    ]
    return {f"{prefix}{field.attname}": value for field, value in zip(fields, values, strict=True)}


# PostgreSQL's short names for the types the answer's casts name: the statement must stay
# within psycopg's parse cache (decks.services.study.sql.compact_sql), and a cast to the
# column's type adds nothing a cast to its base type does not (the INSERT checks the rest).
_SHORT_TYPES = {
    "integer": "int",
    "boolean": "bool",
    "timestamp with time zone": "timestamptz",
    "numeric(4, 2)": "numeric",
    "varchar(8)": "text",
}


def _placeholder(prefix: str, field: Field, vendor: str) -> str:
    name = f"%({prefix}{field.attname})s"
    if vendor != "postgresql":
        return name
    # In INSERT ... SELECT a parameter sent without a type (None) would be read as text.
    db_type = field.cast_db_type(backend_for(vendor)) or ""
    return f"{name}::{_SHORT_TYPES.get(db_type, db_type)}"


def _listed(items) -> str:
    """`items` comma-separated, a few to a line, so the golden files read as SQL."""
    items = list(items)
    lines = [", ".join(items[start : start + 4]) for start in range(0, len(items), 4)]
    return ",\n    ".join(lines)


def _columns(fields) -> str:
    # Unquoted: every column name here is a lower-case word that needs no quotes.
    return _listed(field.column for field in fields)


def step_sql(name: str, *, vendor: str, in_one_statement: bool) -> str:
    """The SQL of step `name` of ANSWER_STEPS for `vendor`, formatted."""
    sql = fill_slots(ANSWER_STEPS[name], **_step_slots(name, vendor, in_one_statement))
    return "\n".join(line for line in sql.strip().splitlines() if line.strip())


def _step_slots(name: str, vendor: str, in_one_statement: bool) -> dict[str, str]:
    """The text of each slot of step `name`."""
    guard = "FROM answered_state" if in_one_statement else ""
    if name == "first_answer_state":
        state_fields = model_fields(CardState, FIRST_ANSWER_FIELDS)
        return {
            "state_columns": _columns(state_fields),
            "state_values": _listed(f"%(s_{f.attname})s" for f in state_fields),
        }
    if name == "later_answer_state":
        schedule_fields = model_fields(CardState, SCHEDULE_FIELDS)
        return {
            "schedule_assignments": _listed(
                f'"{f.column}" = %(s_{f.attname})s' for f in schedule_fields
            )
        }
    log_fields = model_fields(ReviewLog, LOG_FIELDS)
    if name == "answer_log":
        return {
            "log_columns": _columns(log_fields),
            "log_values": _listed(_placeholder("l_", f, vendor) for f in log_fields),
            "guard": guard,
        }
    by_name = {field.name: field for field in log_fields}
    activity_fields = model_fields(DailyActivity, tuple(ACTIVITY_FIGURES))
    return {
        "activity_columns": _listed(ACTIVITY_FIGURES),
        "activity_values": _listed(
            [_placeholder("l_", by_name[key], vendor) for key in ACTIVITY_KEY]
            + [_placeholder("a_", f, vendor) for f in activity_fields]
        ),
        "activity_on_conflict": activity_on_conflict_sql("a"),
        "guard": guard,
    }


def one_statement_sql(*, first_answer: bool, move_cursor: bool) -> str:
    """PostgreSQL's answer: every step in one statement of data-modifying CTEs, formatted."""
    state_step = "first_answer_state" if first_answer else "later_answer_state"
    parts = [
        f"{cte} AS (\n  {step_sql(step, vendor='postgresql', in_one_statement=True)}\n)"
        for cte, step in (
            ("answered_state", state_step),
            ("answer_log", "answer_log"),
            ("answer_activity", "answer_activity"),
        )
    ]
    if move_cursor:
        parts.append(new_card_cursor_move_ctes(after_answer_in="answered_state"))
    return (
        "WITH " + ",\n".join(parts) + "\nSELECT (SELECT id FROM answered_state) AS state_id,"
        " (SELECT id FROM answer_log) AS log_id"
    )


@cache
def _one_statement_compact(first_answer: bool, move_cursor: bool) -> str:
    return compact_sql(one_statement_sql(first_answer=first_answer, move_cursor=move_cursor))


@cache
def _step_compact(name: str, vendor: str) -> str:
    return compact_sql(step_sql(name, vendor=vendor, in_one_statement=False))


def answer_params(
    state: CardState, log: ReviewLog, *, seen_reviews: int, move_cursor: bool
) -> dict:
    """Every step's parameters, and in one statement only those it names (psycopg counts
    every key against its parse cache)."""
    first_answer = state.pk is None
    fields = FIRST_ANSWER_FIELDS if first_answer else SCHEDULE_FIELDS
    params = {
        **field_values(state, fields, prefix="s_"),
        **field_values(log, LOG_FIELDS, prefix="l_"),
        **{f"a_{name}": value for name, value in activity_figures(log).items()},
    }
    if not first_answer:
        params.update(state_id=state.pk, seen=seen_reviews)
    if move_cursor:
        params.update(student=state.student_id, deck=state.deck_id, card=state.card_id)
    return params


def write_in_one_statement(
    state: CardState, log: ReviewLog, *, seen_reviews: int, move_cursor: bool
) -> bool:
    first_answer = state.pk is None
    params = answer_params(state, log, seen_reviews=seen_reviews, move_cursor=move_cursor)
    # Inside a caller's transaction, a savepoint keeps an answer turned away by a unique
    # constraint from aborting that transaction; otherwise the statement needs none.
    atomic = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with atomic, connection.cursor() as cursor:
        cursor.execute(_one_statement_compact(first_answer, move_cursor), params)
        state_id, log_id = cursor.fetchone()
    if log_id is None:
        return False
    _saved(state, state_id)
    _saved(log, log_id)
    return True


def write_in_steps(
    state: CardState, log: ReviewLog, *, seen_reviews: int, move_cursor: bool
) -> bool:
    vendor = connection.vendor
    first_answer = state.pk is None
    params = answer_params(state, log, seen_reviews=seen_reviews, move_cursor=move_cursor)
    with transaction.atomic(), connection.cursor() as cursor:
        state_step = "first_answer_state" if first_answer else "later_answer_state"
        cursor.execute(_step_compact(state_step, vendor), params)
        state_row = cursor.fetchone()
        if state_row is None:
            return False
        cursor.execute(_step_compact("answer_log", vendor), params)
        (log_id,) = cursor.fetchone()
        cursor.execute(_step_compact("answer_activity", vendor), params)
        if move_cursor:
            new_card_cursor_update(student_id=state.student_id, deck_id=state.deck_id)
    _saved(state, state_row[0])
    _saved(log, log_id)
    return True


def _saved(instance, pk: int) -> None:
    """Mark `instance` as written, as save() would (a log's save() then refuses, append-only)."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias
