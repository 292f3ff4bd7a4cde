"""Small helpers for the hand-written SQL of the hot path.

Every template of the study loop's SQL is filled by `fill_slots` and sent as `compact_sql`
makes it; `backend_for` lets either database's statements be built on the other.
"""

import re
from functools import cache
from importlib import import_module
from types import SimpleNamespace

from django.db import connection

_WHITESPACE = re.compile(r"\s+")
_SLOT = re.compile(r"\{(\w+)\}")


def fill_slots(template: str, /, **slots: str) -> str:
    """`template` with every `{name}` slot replaced by the text passed as `name`, at once.

    The text put in is not looked at again, so a slot's text may not hold slots of its own
    to be filled later: fill it first. A slot of `template` without text, or a text whose
    name is no slot of `template`, raises ValueError, so a renamed slot cannot leave
    `{name}` in the SQL or a text silently unused. (The SQL has `%(name)s`
    parameters, never braces, so a brace always opens a slot.)
    """
    names = set(_SLOT.findall(template))
    if missing := names - slots.keys():
        raise ValueError(f"no text for the slots {sorted(missing)}")
    if unknown := slots.keys() - names:
        raise ValueError(f"no such slots in the template: {sorted(unknown)}")
    return _SLOT.sub(lambda match: slots[match[1]], template)


def compact_sql(sql: str) -> str:
    """`sql` with each run of whitespace made one space (the hot path's SQL has no literals).

    psycopg caches how it parses a statement's text only up to 4,096 characters; a longer
    text is parsed again on every execution, CPU on every answer (measured in
    bench/README.md). Indentation kept the snapshot and the answer's write over that size.
    """
    return _WHITESPACE.sub(" ", sql).strip()


@cache
def backend_for(vendor: str):
    """What writing SQL needs of the database `vendor` (its column types), unconnected.

    The connection itself when it is that database; otherwise the backend's type tables,
    so the statements of either database can be built (and compared with the golden
    files in tests/) on any one.
    """
    if vendor == connection.vendor:
        return connection
    base = import_module(_BACKENDS[vendor])
    return SimpleNamespace(
        vendor=vendor,
        data_types=base.DatabaseWrapper.data_types,
        ops=base.DatabaseWrapper.ops_class(None),
    )


_BACKENDS = {
    "postgresql": "django.db.backends.postgresql.base",
    "sqlite": "django.db.backends.sqlite3.base",
}
