"""Test seams into the study package's inner modules, for tests outside the package's own.

Code outside `decks/services/study/` imports only its front (test_package.py says so); the
few tests elsewhere that must swap something inside the package (how an answer is written,
a write failing half-way, the due count's cap) do it through these helpers, so every test
that reaches inside lives with the package's own tests. `tests/conftest.py` loads this
module as a plugin, which makes its fixtures and hook available to the whole suite.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import OperationalError

from decks.services.study import answer_writes, queue


def pytest_generate_tests(metafunc) -> None:
    """Tests that name `answer_write_path` run once per way an answer can be written here.

    On PostgreSQL both: the one statement production runs and the steps SQLite runs.
    """
    if "answer_write_path" in metafunc.fixturenames:
        from django.db import connection

        paths = ["one statement", "steps"] if connection.vendor == "postgresql" else ["steps"]
        metafunc.parametrize("answer_write_path", paths, indirect=True)


@pytest.fixture
def answer_write_path(request, monkeypatch) -> str:
    if request.param == "steps":
        monkeypatch.setattr(answer_writes, "write_in_one_statement", answer_writes.write_in_steps)
    return request.param


@contextmanager
def activity_step_failing(message: str) -> Iterator[None]:
    """Where an answer's rows are written step by step, the activity step raises `message`."""
    step_sql = answer_writes._step_compact

    def failing_at_activity(name: str, vendor: str) -> str:
        if name == "answer_activity":
            raise OperationalError(message)
        return step_sql(name, vendor)

    with mock.patch.object(answer_writes, "_step_compact", side_effect=failing_at_activity):
        yield


def due_count_cap_set(monkeypatch, cap: int) -> None:
    """Make the queue's due count stop at `cap` instead of its real cap."""
    monkeypatch.setattr(queue, "DUE_COUNT_CAP", cap)
