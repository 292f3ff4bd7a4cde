"""The study loop's hand-written SQL stays within what psycopg parses once and caches."""

import pytest
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

from decks.selectors import _TARGET_SQL
from decks.services.answer_writes import _one_statement_sql
from decks.services.queue import _snapshot_sql
from decks.services.sql import compact_sql


def test_compacting_makes_every_run_of_whitespace_one_space():
    assert compact_sql("SELECT a,\n       b\n  FROM t  ") == "SELECT a, b FROM t"


@pytest.mark.django_db
@pytest.mark.parametrize("first_answer", [True, False])
@pytest.mark.parametrize("move_cursor", [True, False])
def test_every_statement_of_an_answer_is_short_enough_for_psycopgs_parse_cache(
    first_answer, move_cursor
):
    # Longer texts are parsed again on every execution: CPU on every answer.
    statements = [
        _TARGET_SQL,
        _one_statement_sql(first_answer=first_answer, move_cursor=move_cursor),
        _snapshot_sql(20, with_summary=False),  # as PostgreSQL runs it
    ]
    assert [len(sql.encode()) <= MAX_CACHED_STATEMENT_LENGTH for sql in statements] == [True] * 3
