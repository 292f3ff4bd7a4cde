# The few targets a newcomer needs. `make run` and `make test` do all the set-up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format install chromium fixtures messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[test]"
	touch $@

install: $(VENV)/.installed

# Installs, migrates, seeds the decks, creates the demo accounts and serves on SQLite.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_decks
	$(PY) manage.py create_demo_users
	$(PY) manage.py runserver $(HOST)

# The browser test drives Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Chromium (apt-get)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Type checking starts from a baseline in pyproject.toml ([tool.mypy]) that only shrinks.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Production answers on PostgreSQL, whose write path SQLite cannot run: on SQLite, `make test`
# also runs the study loop's tests on this PostgreSQL (its test database is made and dropped).
# STUDY_LOOP_POSTGRES= (empty) leaves them out, for a machine without PostgreSQL.
STUDY_LOOP_POSTGRES ?= postgres://postgres@127.0.0.1:5432/stamp
# tests/services/study/ holds test_parity.py: the rules written in both SQL and the ORM agree.
STUDY_LOOP_TESTS := tests/services/study/ \
	tests/reliability/test_exactly_once.py tests/reliability/test_cursor_races.py \
	tests/reliability/test_faults.py tests/views/test_study.py tests/views/test_study_queries.py

# Days the clock is moved ahead for the suite's second run (tests/conftest.py reads it):
# a test that depends on today's date fails the day it is written, not a year later.
CLOCK_AHEAD_DAYS ?= 3660

# Installs what the tests need and runs lint, the migration check, the fixture check and pytest.
test: install chromium lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py build_seed_fixtures --check
	$(PY) -m pytest
	@case "$$DATABASE_URL" in postgres*) exit 0;; esac; \
	echo "The suite again with the clock $(CLOCK_AHEAD_DAYS) days ahead (browser tests left out)"; \
	STAMP_TEST_CLOCK_AHEAD_DAYS=$(CLOCK_AHEAD_DAYS) $(PY) -m pytest -q -m "not browser"
	@case "$$DATABASE_URL" in postgres*) exit 0;; esac; \
	if [ -z "$(STUDY_LOOP_POSTGRES)" ]; then \
		echo "Study loop NOT tested on PostgreSQL (STUDY_LOOP_POSTGRES is empty)."; exit 0; fi; \
	echo "Study loop tests on PostgreSQL ($(STUDY_LOOP_POSTGRES)), as production runs them"; \
	DATABASE_URL="$(STUDY_LOOP_POSTGRES)" $(PY) -m pytest -q $(STUDY_LOOP_TESTS)

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

fixtures: install
	$(PY) manage.py build_seed_fixtures

# Refreshes the Dutch message file from the code and compiles it; needs GNU gettext.
# Both files are committed, so running the app and the tests needs no gettext.
messages: install
	$(PY) manage.py makemessages --locale nl --no-obsolete --ignore "build/*" --ignore "bench/*" --ignore "tests/*" --ignore "staticfiles/*" --ignore "test-artifacts/*"
	$(PY) manage.py compilemessages --locale nl --ignore ".venv/*"

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
