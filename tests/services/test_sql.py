"""The study loop's hand-written SQL stays within what psycopg parses once and caches.

psycopg re-parses, on every execution, a statement longer than MAX_CACHED_STATEMENT_LENGTH
bytes or with more than MAX_CACHED_STATEMENT_PARAMS parameters (unused keys included):
CPU on every answer. The limits are psycopg's own, read from it so an upgrade that
changes them is noticed here.
"""

import re
from datetime import UTC, date, datetime

import pytest
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS

from decks.models import CardState
from decks.selectors import _TARGET_SQL
from decks.services.answer_writes import one_statement_params, one_statement_sql
from decks.services.queue import _snapshot_sql
from decks.services.reviews import _apply
from decks.services.sql import compact_sql
from tests.conftest import make_deck, make_user

TODAY = date(2026, 11, 23)
NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)


def names_in(sql: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", sql))


def test_compacting_makes_every_run_of_whitespace_one_space():
    assert compact_sql("SELECT a,\n       b\n  FROM t  ") == "SELECT a, b FROM t"


@pytest.mark.django_db
def test_the_answers_reads_are_short_enough_for_psycopgs_parse_cache():
    for sql in (_TARGET_SQL, _snapshot_sql(20, with_summary=False)):  # as PostgreSQL runs them
        assert len(sql.encode()) <= MAX_CACHED_STATEMENT_LENGTH
        assert len(names_in(sql)) <= MAX_CACHED_STATEMENT_PARAMS


@pytest.mark.django_db
@pytest.mark.parametrize("first_answer", [True, False])
@pytest.mark.parametrize("move_cursor", [True, False])
def test_the_answers_write_is_short_enough_and_gets_exactly_the_parameters_it_names(
    first_answer, move_cursor
):
    deck = make_deck(cards=1)
    state = CardState(
        student=make_user(), card=deck.cards.get(), deck=deck, due=TODAY, introduced_on=TODAY
    )
    if not first_answer:
        state.save()
    log = _apply(state, rating=4, now=NOON, today=TODAY, exam_date=None)
    sql = one_statement_sql(first_answer=first_answer, move_cursor=move_cursor)
    params = one_statement_params(state, log, seen_reviews=0, move_cursor=move_cursor)
    assert len(sql.encode()) <= MAX_CACHED_STATEMENT_LENGTH
    assert set(params) == names_in(sql)
    assert len(params) <= MAX_CACHED_STATEMENT_PARAMS
