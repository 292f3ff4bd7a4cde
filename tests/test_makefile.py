"""`make run` installs only what running needs; the test extras come with `make test`."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def planned(target: str, *variables: str) -> str:
    """The commands `make target` would run from scratch, without running them."""
    return subprocess.run(
        ["make", "-n", "-B", target, *variables], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout  # fmt: skip


def test_make_run_installs_the_dependencies_without_the_test_extras():
    commands = planned("run")
    assert "pip install --quiet .\n" in commands
    assert "[test]" not in commands


def test_make_test_installs_the_test_extras():
    assert 'pip install --quiet ".[test]"' in planned("test")


def test_make_run_serves_and_prints_the_host_it_is_given():
    commands = planned("run", "HOST=0.0.0.0:8125")
    assert "create_demo_users --host 0.0.0.0:8125" in commands
    assert "runserver 0.0.0.0:8125" in commands
