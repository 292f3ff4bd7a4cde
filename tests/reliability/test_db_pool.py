"""With `DB_POOL=1`, a connection the database dropped is replaced, not a student's 503.

These run against the local PostgreSQL whatever database the suite uses: the pool is
psycopg's and exists only there.
"""

import time

import psycopg
import pytest
from django.db import OperationalError

from accountmanagement.settings import db_pool_options
from decks.backends.postgresql.base import DatabaseWrapper
from decks.middleware import is_connection_problem

APPLICATION = "stamp-pool-under-test"
SERVER = {"HOST": "127.0.0.1", "PORT": 5432, "USER": "postgres", "PASSWORD": ""}


def pooled(alias: str, **server) -> DatabaseWrapper:
    """A connection of an app process with the pool as `DB_POOL=1` sets it up."""
    settings = {
        "ENGINE": "decks.backends.postgresql",
        "NAME": "postgres",
        **SERVER,
        **server,
        "OPTIONS": {
            "connect_timeout": 2,
            "application_name": APPLICATION,
            "pool": {**db_pool_options(), "min_size": 2},
        },
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "TIME_ZONE": None,
        "TEST": {},
    }
    return DatabaseWrapper(settings, alias=alias)


def backend_pid(database: DatabaseWrapper) -> int:
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.fixture(autouse=True)
def _outside_the_test_database(django_db_blocker):
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def app_process():
    database = pooled("pool-under-test")
    yield database
    database.close()
    database.close_pool()


def test_pooled_connections_the_database_dropped_are_replaced_by_fresh_ones(app_process):
    first = backend_pid(app_process)
    app_process.close()  # the request ends: the connection goes back to the pool
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres") as admin:
        # As a restart would: every connection of the pool, idle between two requests.
        dropped = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            [APPLICATION],
        ).fetchall()
    assert len(dropped) >= 1

    second = backend_pid(app_process)  # the next request

    assert second != first


def test_a_stopped_database_fails_the_request_within_the_promised_two_seconds():
    stopped = pooled("pool-of-a-stopped-database", PORT=1)  # nothing listens there
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError) as failed:
            backend_pid(stopped)
    finally:
        stopped.close_pool()

    assert time.monotonic() - started < 2.5
    assert is_connection_problem(failed.value)  # so the middleware answers 503
