"""Each speed device of the answer path, measured with and without it in one run.

    DATABASE_URL=postgres://... DJANGO_SETTINGS_MODULE=bench.settings \
        .venv/bin/python bench/devices.py [--answers 200] [--rounds 3] [--exclude FILE]

In-process, on the bench database (one client, one connection, answers one after the
other through Django's test Client as htmx sends them): for every device, rounds of
answers with it and without it alternate, so both meet the same drift of a shared machine.
Each answer is timed alone (the study pages that open a student's next deck are not), with
its CPU in this process (the view, and the test Client's small share) and in the
PostgreSQL backend that served it (`/proc/<pid>/schedstat`, nanoseconds). Prints JSON.

Run by bench/run.py, in a process of its own so that turning a device off touches nothing
else; with DB_POOL=0, since the pool would keep the prepared-statement setting it opened
its connections with.
"""

import argparse
import json
import os
import random
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Each device: what it does, and how it is taken out for the "without" rounds.
DEVICES = {
    "prepared_statements": "PostgreSQL plans each hot-path statement once per connection",
    "one_statement_write": "an answer's rows in one statement of CTEs (else: steps, as SQLite)",
    "new_card_cursor": "new cards looked for after the student's cursor (else: from the start)",
}


@contextmanager
def without(device: str):
    """The app with `device` taken out, as if it had never been written."""
    from django.db import connection

    if device == "prepared_statements":
        options = connection.settings_dict["OPTIONS"]
        saved = {key: options.pop(key) for key in ("server_side_binding", "prepare_threshold")}
        connection.close()
        try:
            yield
        finally:
            options.update(saved)
            connection.close()
    elif device == "one_statement_write":
        # Taking a device out reaches inside the study package on purpose; the package's
        # front (decks.services.study) names its inner modules as attributes.
        from decks.services import study

        answer_writes = study.answer_writes
        saved = answer_writes.write_in_one_statement
        answer_writes.write_in_one_statement = answer_writes.write_in_steps
        try:
            yield
        finally:
            answer_writes.write_in_one_statement = saved
    elif device == "new_card_cursor":
        from decks.services import study

        queue, reviews = study.queue, study.reviews
        saved_columns, saved_write = queue._SNAPSHOT_COUNT_COLUMNS, reviews.answer_rows_write
        # Every snapshot searches from the deck's start; no answer moves a cursor.
        queue._SNAPSHOT_COUNT_COLUMNS = ",\n    0 AS after_position, 0 AS after_card"
        reviews.answer_rows_write = lambda **kw: saved_write(**{**kw, "move_cursor": False})
        queue._snapshot_sql_compact.cache_clear()
        try:
            yield
        finally:
            queue._SNAPSHOT_COUNT_COLUMNS, reviews.answer_rows_write = saved_columns, saved_write
            queue._snapshot_sql_compact.cache_clear()
    else:
        raise ValueError(f"no such device: {device}")


def _backend_cpu_ns(pid: int) -> int:
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


class Answerer:
    """Students answering through the test Client, the next student when one is done."""

    def __init__(self, usernames: list[str], seed: int, decks: list[str] | None = None) -> None:
        self.usernames = list(usernames)
        self.only_decks = decks
        self.rng = random.Random(seed)
        self.client = None
        self.decks: list[str] = []
        self.form = None

    def _next_form(self):
        from django.contrib.auth.models import User
        from django.test import Client

        from bench.client import study_form
        from bench.probes import study_plan
        from decks.services.clock import today_for_study

        while True:
            while self.decks:
                page = self.client.get(f"/decks/{self.decks[0]}/study/", secure=True)
                form = study_form(page.content.decode())
                if form is not None:
                    return form
                self.decks.pop(0)
            if not self.usernames:
                raise RuntimeError("the bench students ran out of cards")
            name = self.usernames.pop(0)
            self.client = Client(HTTP_HOST="127.0.0.1")
            self.client.force_login(User.objects.get(username=name))
            self.decks = list(
                self.only_decks or study_plan([name], today=today_for_study(), seed=1)[name]
            )

    def answer(self) -> tuple[float, float, float]:
        """One answer: wall seconds, this process's CPU seconds, the backend's CPU ns."""
        from django.db import connection

        from bench.client import study_form
        from bench.run import RATINGS

        if self.form is None:
            self.form = self._next_form()
        slug = self.decks[0]
        form = self.form
        data = {"card": form.card, "seen": form.seen, "shown_at": form.shown_at,
                "rating": self.rng.choice(RATINGS)}  # fmt: skip
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        db_before = _backend_cpu_ns(pid)
        wall, cpu = time.perf_counter(), time.process_time()
        response = self.client.post(
            f"/decks/{slug}/study/answer/", data, secure=True,
            headers={"HX-Request": "true", "HX-Target": "session"},
        )  # fmt: skip
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        db_ns = _backend_cpu_ns(pid) - db_before
        if response.status_code != 200:
            raise RuntimeError(f"answer {response.status_code}: {response.content[:300]!r}")
        self.form = study_form(response.content.decode())
        if self.form is None:
            self.decks.pop(0)
        return wall, cpu, db_ns


def _round(answerer: Answerer, answers: int) -> dict:
    walls, cpus, dbs = [], [], []
    for _ in range(answers):
        wall, cpu, db_ns = answerer.answer()
        walls.append(wall)
        cpus.append(cpu)
        dbs.append(db_ns / 1e9)
    return {"answers": answers, "wall_s": sum(walls), "app_cpu_s": sum(cpus), "db_cpu_s": sum(dbs)}


def _summary(rounds: list[dict]) -> dict:
    answers = sum(r["answers"] for r in rounds)
    wall, app, db = (sum(r[key] for r in rounds) for key in ("wall_s", "app_cpu_s", "db_cpu_s"))
    return {
        "answers": answers,
        "answers_per_s": round(answers / wall, 1),
        "app_cpu_ms_per_answer": round(1000 * app / answers, 3),
        "db_cpu_ms_per_answer": round(1000 * db / answers, 3),
        "cpu_ms_per_answer": round(1000 * (app + db) / answers, 3),
        "per_round_cpu_ms": [
            round(1000 * (r["app_cpu_s"] + r["db_cpu_s"]) / r["answers"], 3) for r in rounds
        ],
    }


def measure(usernames: list[str], *, answers: int, rounds: int, seed: int) -> dict:
    answerer = Answerer(usernames, seed)
    _round(answerer, 30)  # warm-up: imports, caches, prepared statements
    report = {device: _with_and_without(answerer, device, answers, rounds) for device in DEVICES}
    # The cursor's purpose is a deck's size: again in the probe's 10,000-card deck, where
    # the probe student has seen 6,000 cards (bench/probes.py, probe_setup).
    big = Answerer(["bench-probe"], seed, decks=["bench-probe-10000"])
    report["new_card_cursor_10000_cards"] = _with_and_without(
        big, "new_card_cursor", min(answers, 100), rounds
    )
    return report


def _with_and_without(answerer: Answerer, device: str, answers: int, rounds: int) -> dict:
    """Rounds with `device` and without it, alternating; their figures side by side."""
    runs = {"with": [], "without": []}
    for number in range(rounds):
        # Alternate which side goes first, so neither always follows the other.
        order = ["with", "without"] if number % 2 == 0 else ["without", "with"]
        for side in order:
            if side == "with":
                runs[side].append(_round(answerer, answers))
            else:
                with without(device):
                    _round(answerer, 10)  # its own warm-up (statements prepare again)
                    runs[side].append(_round(answerer, answers))
    with_it, without_it = _summary(runs["with"]), _summary(runs["without"])
    saved = without_it["cpu_ms_per_answer"] - with_it["cpu_ms_per_answer"]
    return {
        "what": DEVICES[device],
        "with": with_it,
        "without": without_it,
        "cpu_saved_percent": round(100 * saved / without_it["cpu_ms_per_answer"], 1),
        "throughput_gain_percent": round(
            100 * (with_it["answers_per_s"] / without_it["answers_per_s"] - 1), 1
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--answers", type=int, default=200, help="Answers per round and side.")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--exclude", type=Path, help="A file of usernames not to use.")
    args = parser.parse_args()
    if not 20 <= args.answers <= 2000 or not 1 <= args.rounds <= 10:
        parser.error("--answers must be 20-2000 and --rounds 1-10")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User

    excluded = set(args.exclude.read_text().split()) if args.exclude else set()
    pool = sorted(
        set(
            User.objects.filter(username__startswith="bench-student-")
            .exclude(username="bench-student-001")
            .values_list("username", flat=True)
        )
        - excluded
    )
    random.Random(args.seed).shuffle(pool)
    report = measure(pool, answers=args.answers, rounds=args.rounds, seed=args.seed)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
