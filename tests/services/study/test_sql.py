"""The study loop's hand-written SQL: readable in review, and cheap for psycopg to run.

Every final statement of the loop, per database, is kept in `golden/study_loop.<db>.sql`,
so a change to the SQL shows up in review as a diff of SQL. After a deliberate change,
rewrite them with `UPDATE_GOLDEN_SQL=1 .venv/bin/python -m pytest tests/services/study/test_sql.py`
and read the diff.

psycopg re-parses, on every execution, a statement longer than MAX_CACHED_STATEMENT_LENGTH
bytes or with more than MAX_CACHED_STATEMENT_PARAMS parameters (unused keys included):
CPU on every answer. The limits are psycopg's own, read from it so an upgrade that
changes them is noticed here.
"""

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH, MAX_CACHED_STATEMENT_PARAMS

from decks.models import CardState
from decks.services.study.answer_writes import (
    ANSWER_STEPS,
    answer_params,
    one_statement_sql,
    step_sql,
)
from decks.services.study.cursors import cursor_update_sql
from decks.services.study.queue import (
    SUMMARY_SQL,
    choices_in_snapshot,
    overview_sql,
    snapshot_sql,
    summary_in_snapshot,
)
from decks.services.study.reviews import TARGET_SQL, _apply
from decks.services.study.sql import compact_sql, fill_slots
from tests.conftest import make_deck, make_user

TODAY = date(2026, 11, 23)
NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
GOLDEN = Path(__file__).parent / "golden"
VENDORS = ["postgresql", "sqlite"]


def study_loop_statements(vendor: str) -> dict[str, str]:
    """Every statement the study loop sends to `vendor`, formatted, by name."""
    statements = {
        "answer target": TARGET_SQL,
        "queue snapshot (daily new-card limit 20)": snapshot_sql(20, vendor=vendor),
        "queue snapshot of a deck with reverse siblings (daily new-card limit 20)": (
            snapshot_sql(20, vendor=vendor, siblings=True)
        ),
    }
    if choices_in_snapshot(vendor):
        statements["queue snapshot with choice candidates (limit 20)"] = snapshot_sql(
            20, vendor=vendor, choices=True
        )
    if not summary_in_snapshot(vendor):
        statements["end-of-session summary"] = SUMMARY_SQL
    if vendor == "postgresql":
        for first_answer in (True, False):
            for move_cursor in (True, False):
                name = (
                    f"answer write, {'first' if first_answer else 'later'} answer, "
                    f"{'moving' if move_cursor else 'not moving'} the cursor"
                )
                statements[name] = one_statement_sql(
                    first_answer=first_answer, move_cursor=move_cursor
                )
    else:
        for step in ANSWER_STEPS:
            statements[f"answer write step {step}"] = step_sql(
                step, vendor=vendor, in_one_statement=False
            )
        statements["answer write step: the new-card cursor move"] = cursor_update_sql(vendor)
    statements["home page counts (two decks)"] = overview_sql(2)
    return statements


def golden_text(vendor: str) -> str:
    return "".join(
        f"-- {name}\n{sql.strip()};\n\n" for name, sql in study_loop_statements(vendor).items()
    )


def names_in(sql: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", sql))


def test_compacting_makes_every_run_of_whitespace_one_space():
    assert compact_sql("SELECT a,\n       b\n  FROM t  ") == "SELECT a, b FROM t"


def test_filling_slots_puts_each_text_in_every_place_its_slot_stands():
    sql = fill_slots("SELECT {a} FROM t WHERE x {b} OR y {b}", a="x", b="= %(b)s")
    assert sql == "SELECT x FROM t WHERE x = %(b)s OR y = %(b)s"


def test_filling_slots_leaves_a_slot_inside_a_filled_text_as_it_is():
    assert fill_slots("{a} {b}", a="{b}", b="1") == "{b} 1"


def test_filling_slots_refuses_a_slot_left_without_text():
    with pytest.raises(ValueError, match="'b'"):
        fill_slots("SELECT {a}, {b}", a="1")


def test_filling_slots_refuses_a_text_for_no_slot():
    with pytest.raises(ValueError, match="'c'"):
        fill_slots("SELECT {a}", a="1", c="2")


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_study_loops_statements_are_the_golden_files(vendor):
    path = GOLDEN / f"study_loop.{vendor}.sql"
    if os.environ.get("UPDATE_GOLDEN_SQL") == "1":
        path.write_text(golden_text(vendor))
    assert golden_text(vendor) == path.read_text(), f"{path} differs; see this module's doc"


def test_the_postgresql_reads_are_short_enough_for_psycopgs_parse_cache():
    for name, sql in study_loop_statements("postgresql").items():
        if name.startswith("home page"):
            continue  # not on the study loop
        if "reverse siblings" in name:
            # Only decks studied both ways: burying siblings costs their answers a parse.
            continue
        assert len(compact_sql(sql).encode()) <= MAX_CACHED_STATEMENT_LENGTH, name
        assert len(names_in(sql)) <= MAX_CACHED_STATEMENT_PARAMS, name


@pytest.mark.django_db
@pytest.mark.parametrize("first_answer", [True, False])
@pytest.mark.parametrize("move_cursor", [True, False])
def test_the_answers_one_statement_gets_exactly_the_parameters_it_names(first_answer, move_cursor):
    deck = make_deck(cards=1)
    state = CardState(
        student=make_user(), card=deck.cards.get(), deck=deck, due=TODAY, introduced_on=TODAY
    )
    if not first_answer:
        state.save()
    log = _apply(state, rating=4, now=NOON, today=TODAY, exam_date=None)
    sql = one_statement_sql(first_answer=first_answer, move_cursor=move_cursor)
    params = answer_params(state, log, seen_reviews=0, move_cursor=move_cursor)
    assert set(params) == names_in(sql)
