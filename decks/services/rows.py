"""Model values for hand-written SQL, prepared as Model.save() prepares them.

The answer's write (decks.services.answer_writes) is SQL rather than save(), which builds
and compiles a query per row on every call (measured in bench/README.md). Its values are
prepared here by their own model fields, exactly as save() prepares them. Signals are not
sent; the study models have no receivers.
"""

from functools import cache

from django.db import connection
from django.db.models import Field, Model


@cache
def model_fields(model: type[Model], names: tuple[str, ...]) -> tuple[Field, ...]:
    """The fields `names` of `model`, looked up once."""
    return tuple(model._meta.get_field(name) for name in names)


def _prepared(instance: Model, fields: tuple[Field, ...]) -> list:
    return [
        field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields
    ]


def field_values(instance: Model, names: tuple[str, ...], *, prefix: str) -> dict:
    """`instance`'s fields `names` prepared for the database, keyed prefix + column attname."""
    fields = model_fields(type(instance), names)
    values = _prepared(instance, fields)
    return {f"{prefix}{field.attname}": value for field, value in zip(fields, values, strict=True)}
