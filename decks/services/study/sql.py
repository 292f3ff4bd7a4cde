"""Small helpers for the hand-written SQL of the hot path."""

import re
from functools import cache
from importlib import import_module
from types import SimpleNamespace

from django.db import connection

_WHITESPACE = re.compile(r"\s+")


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
