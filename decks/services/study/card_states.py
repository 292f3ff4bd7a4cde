"""A student's card state as the study loop's SQL reads it: one list of its fields.

Every hand-written query of the study loop selects the fields below, each under its own
alias, and `state_from_row` turns them back into a `CardState` by name; the answer writes
them (`answer_writes`), an undo puts them back (`review_undo`) and the
integrity check replays them from the log (`decks.services.integrity`). A field added to
the state is added here once.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from decks.models import Card, CardState

# What an answer changes and an undo restores: the SM-2 schedule, the answer count the
# compare-and-set guards, and what the queue needs to know of the last answer.
SCHEDULE_FIELDS = (
    "repetitions", "easiness", "interval", "due", "lapses", "reviews",
    "last_rating", "last_review_day", "last_reviewed_at",
)  # fmt: skip
# A state's fields beyond its keys: the schedule and the day of the card's first answer.
STATE_FIELDS = (*SCHEDULE_FIELDS, "introduced_on")
# What a card's first answer inserts.
FIRST_ANSWER_FIELDS = ("student", "card", "deck", *STATE_FIELDS)

_FIELDS = {name: CardState._meta.get_field(name) for name in STATE_FIELDS}
_MODEL_ORDER = [field.attname for field in CardState._meta.concrete_fields]


def state_columns_sql(table: str = "s") -> str:
    """The select list of the state in `table`: `state_id` and `state_<field>` per field."""
    columns = [f"{table}.id AS state_id"]
    columns += [f'{table}."{field.column}" AS state_{name}' for name, field in _FIELDS.items()]
    return ",\n       ".join(columns)


def state_from_row(
    row: Mapping[str, Any], *, student_id: int, card: Card, deck_id: int
) -> CardState | None:
    """The CardState in `row` (columns of `state_columns_sql`), or None when none was joined.

    Raw cursors skip the ORM's converters, so SQLite's text dates are parsed here.
    """
    if row["state_id"] is None:
        return None
    values = {name: _to_python(field, row[f"state_{name}"]) for name, field in _FIELDS.items()}
    values.update(id=row["state_id"], student_id=student_id, card_id=card.pk, deck_id=deck_id)
    # from_db marks the state as loaded from the database, as a queryset would.
    state = CardState.from_db(None, _MODEL_ORDER, [values[name] for name in _MODEL_ORDER])
    state.card = card
    return state


def _to_python(field, value):
    kind = field.get_internal_type()
    if kind == "DateField":
        return as_date(value)
    if kind == "DateTimeField":
        return as_datetime(value)
    if kind == "DecimalField" and value is not None:
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def as_date(value) -> date | None:
    """A date from a raw cursor: SQLite returns text where PostgreSQL returns a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def as_datetime(value) -> datetime | None:
    """An aware datetime from a raw cursor (SQLite returns text, without a zone)."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(str(value))
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def fetch_named(cursor) -> dict[str, Any] | None:
    """The cursor's next row as a dict keyed by column alias, or None."""
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip((column[0] for column in cursor.description), row, strict=True))
