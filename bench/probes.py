"""In-process measurements against the bench database: SQL per answer, EXPLAIN, import time.

Imported after django.setup() with bench.settings. The answers go through Django's test
Client, so they run the same middleware, view and template as the gunicorn workers do.
"""

import random
import re
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.client import study_form
from decks.models import (
    Card,
    CardState,
    Classroom,
    DailyActivity,
    Deck,
    FirstCheck,
    Membership,
    NewCardCursor,
    ReviewLog,
    UndoneAnswer,
)
from decks.services.imports import deck_import

PROBE_USER = "bench-probe"
PROBE_CLASS = "Bench class probe"
PROBE_DECKS = {10: "bench-probe-10", 10_000: "bench-probe-10000"}
_TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def _probe_decks() -> dict[int, Deck]:
    decks = {}
    for size, slug in PROBE_DECKS.items():
        deck, _ = Deck.objects.get_or_create(slug=slug, defaults={"title": f"Bench probe {size}"})
        if deck.cards.count() != size:
            deck.cards.all().delete()
            Card.objects.bulk_create(
                [
                    Card(
                        deck=deck,
                        key=f"probe-{n}",
                        front=f"Vraag {n}",
                        back=f"Antwoord {n}",
                        position=n,
                    )  # fmt: skip
                    for n in range(1, size + 1)
                ],
                batch_size=2000,
            )
        decks[size] = deck
    return decks


def _seen_state(user: User, deck: Deck, card_id: int, **schedule) -> CardState:
    """A state of a card seen a few times and last rated 4, for the probes' histories."""
    return CardState(
        student=user, card_id=card_id, deck=deck, repetitions=3, easiness=Decimal("2.50"),
        last_rating=4, **schedule,
    )  # fmt: skip


def _cursor_after_last_seen(user: User, deck: Deck) -> None:
    """Where the study loop leaves the student's new-card cursor: at the last card seen."""
    from decks.services.study import new_card_cursor_update

    new_card_cursor_update(student_id=user.pk, deck_id=deck.pk)


def probe_setup(*, today: date, seed: int) -> tuple[User, dict[int, Deck]]:
    """A student in a class of a 10-card and a 10,000-card deck, with history on the big one.

    Rebuilt on every run, so each run measures the same situation: 6,000 of the 10,000
    cards seen, due dates spread over two months either side of today.
    """
    rng = random.Random(seed)
    user, created = User.objects.get_or_create(username=PROBE_USER)
    if created:
        user.set_unusable_password()
        user.save()
    decks = _probe_decks()
    classroom, _ = Classroom.objects.get_or_create(name=PROBE_CLASS)
    classroom.decks.set(decks.values())
    Membership.objects.get_or_create(classroom=classroom, student=user)
    # Its history starts again, so do the first checks kept per answer count.
    for model in (ReviewLog, CardState, DailyActivity, NewCardCursor, FirstCheck, UndoneAnswer):
        model.objects.filter(student=user).delete()
    big = decks[10_000]
    states = []
    for card_id in big.cards.order_by("position").values_list("pk", flat=True)[:6000]:
        interval = rng.choice([1, 6, 15, 38, 90])
        due = today + timedelta(days=rng.randint(-10, interval))
        states.append(
            _seen_state(
                user,
                big,
                card_id,
                interval=interval,
                due=due,
                reviews=4,
                introduced_on=today - timedelta(days=120),
                last_review_day=due - timedelta(days=interval),
            )
        )
    CardState.objects.bulk_create(states, batch_size=2000)
    _cursor_after_last_seen(user, big)
    # As autovacuum would have by the time a deck this size is in use.
    with connection.cursor() as cursor:
        for model in (Card, CardState):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return user, decks


APP_TABLES = [
    "decks_reviewlog", "decks_cardstate", "decks_dailyactivity", "decks_card", "decks_deck",
    "django_session", "auth_user",
]  # fmt: skip


def vacuum_analyze() -> dict:
    """VACUUM (ANALYZE) the busy tables, as autovacuum would keep them in production."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        autovacuum = cursor.fetchone()[0]
        cursor.execute(
            "SELECT COALESCE(SUM(n_dead_tup), 0) FROM pg_stat_user_tables WHERE relname = ANY(%s)",
            [APP_TABLES],
        )
        dead = int(cursor.fetchone()[0])
        started = time.perf_counter()
        for table in APP_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return {
        "server_autovacuum": autovacuum,
        "dead_rows_before": dead,
        "seconds": round(time.perf_counter() - started, 1),
    }


def decks_by_history(user: User) -> list[Deck]:
    """The decks in which `user` has seen cards, most cards first."""
    rows = (
        CardState.objects.filter(student=user)
        .values_list("deck_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    by_id = Deck.objects.in_bulk([deck_id for deck_id, _ in rows])
    return [by_id[deck_id] for deck_id, _ in rows]


def _is_transaction_control(sql: str) -> bool:
    """BEGIN, COMMIT, ROLLBACK and savepoints, which Django logs beside the real queries."""
    return sql.split(None, 1)[0].upper() in _TRANSACTION_CONTROL


def _short(sql: str, limit: int = 220) -> str:
    sql = re.sub(r"\s+", " ", sql)
    return sql if len(sql) <= limit else sql[: limit - 3] + "..."


def answer_queries(
    *, user: User, decks: list[Deck], answers: int, seed: int, explain: bool = False
) -> dict:
    """Answer `answers` cards as htmx does and count the SQL each answer runs.

    Uses the first of `decks` that has something to study today.
    """
    rng = random.Random(seed)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    for deck in decks:
        study_url = f"/decks/{deck.slug}/study/"
        form = study_form(client.get(study_url, secure=True).content.decode())
        if form is not None:
            break
    answer_url = f"{study_url}answer/"
    rows, samples = [], {}
    for _ in range(answers):
        if form is None:
            break
        data = {"card": form.card, "seen": form.seen, "shown_at": form.shown_at,
                "rating": rng.choice([5, 5, 4, 4, 3, 2, 1])}  # fmt: skip
        started, cpu_started = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            response = client.post(answer_url, data, secure=True, headers={"HX-Request": "true"})
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        queries = captured.captured_queries
        html = response.content.decode()
        # The answer that empties today's queue renders the day's summary instead of a card.
        kind = f"{form.kind}, deck done" if "data-study-done" in html else form.kind
        rows.append(
            {
                "kind": kind,
                "status": response.status_code,
                "statements": len(queries),
                "queries": sum(not _is_transaction_control(q["sql"]) for q in queries),
                "sql_ms": sum(float(q["time"]) for q in queries) * 1000,
                "view_ms": elapsed * 1000,
                "cpu_ms": cpu * 1000,
            }
        )
        samples.setdefault(kind, queries)
        form = study_form(html)
    counts = [row["queries"] for row in rows]
    statements = [row["statements"] for row in rows]
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row["queries"])
    result = {
        "deck": deck.slug,
        "deck_cards": deck.cards.count(),
        "student_card_states": CardState.objects.filter(student=user, deck=deck).count(),
        "answers": len(rows),
        "errors": sum(row["status"] != 200 for row in rows),
        "queries_min": min(counts, default=0),
        "queries_max": max(counts, default=0),
        "queries_by_kind": {kind: sorted(set(values)) for kind, values in by_kind.items()},
        "statements_max": max(statements, default=0),
        "sql_ms_mean": round(sum(r["sql_ms"] for r in rows) / max(1, len(rows)), 2),
        "in_process_ms_p50": round(_percentile([r["view_ms"] for r in rows], 0.5), 2)
        if rows
        else None,
        # CPU of this Python process alone: the app's own cost, whatever else the machine runs.
        "in_process_cpu_ms_p50": round(_percentile([r["cpu_ms"] for r in rows], 0.5), 2)
        if rows
        else None,
    }
    result["sample_queries"] = {
        kind: [{"ms": round(float(q["time"]) * 1000, 2), "sql": _short(q["sql"])} for q in qs]
        for kind, qs in samples.items()
    }
    if explain:
        result["explain"] = {kind: _explain(qs) for kind, qs in samples.items()}
    # The no-JavaScript path: a plain form POST answered with a redirect.
    if form is not None:
        data = {"card": form.card, "seen": form.seen, "shown_at": form.shown_at, "rating": 4}
        with CaptureQueriesContext(connection) as captured:
            response = client.post(answer_url, data, secure=True)
        result["no_js_post_queries"] = sum(
            not _is_transaction_control(q["sql"]) for q in captured.captured_queries
        )
        result["no_js_post_status"] = response.status_code
    return result


_VERDICT = re.compile(r'name="verdict" value="([^"]+)"')
_OPTION = re.compile(r'name="option" value="([^"]*)"')
_OFFERED = re.compile(r'name="offered" value="([^"]*)"')


def _captured(call) -> tuple[object, int, float]:
    """`call()`'s result, its queries (transaction control left out) and its CPU ms."""
    cpu_started = time.process_time()
    with CaptureQueriesContext(connection) as captured:
        result = call()
    cpu = (time.process_time() - cpu_started) * 1000
    return result, sum(not _is_transaction_control(q["sql"]) for q in captured), cpu


def checked_answer_queries(*, user: User, deck: Deck, mode: str, answers: int, seed: int) -> dict:
    """Answer `answers` cards of `deck` by typing them (mode "typed") or picking them
    ("choice"), as htmx does: the check (no write), then the rating it allows. SQL and CPU
    of each step and of the whole answer, to set beside `answer_queries`' rated ones.

    Four in five answers are right (typed as the card has it, or the right option picked).
    """
    from html import unescape

    from decks.services.answer_check import parse_answer

    rng = random.Random(seed)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    study_url = f"/decks/{deck.slug}/study/"
    htmx = {"HX-Request": "true"}
    client.post(f"{study_url}mode/", {"mode": mode}, secure=True)
    html = client.get(study_url, secure=True).content.decode()
    rows = []
    for _ in range(answers):
        form = study_form(html)
        if form is None or f'value="{mode}"' not in html:
            break
        back = Card.objects.only("back").get(pk=form.card).back
        right = rng.random() < 0.8
        data = {"card": form.card, "seen": form.seen, "shown_at": form.shown_at, "mode": mode}
        if mode == "typed":
            data["given"] = parse_answer(back).text if right else "weet ik veel"
        else:
            options = [unescape(option) for option in _OPTION.findall(html)]
            data["option"] = options
            data["offered"] = _OFFERED.search(html)[1]
            at = options.index(back)
            data["choice"] = at if right else (at + 1) % len(options)
        checked, check_queries, check_cpu = _captured(
            lambda data=data: client.post(f"{study_url}check/", data, secure=True, headers=htmx)
        )
        verdict = _VERDICT.search(checked.content.decode())[1]
        rating = {"card": form.card, "seen": form.seen, "shown_at": form.shown_at,
                  "mode": mode, "verdict": verdict, "rating": 4 if right else 2}  # fmt: skip
        answered, answer_queries_n, answer_cpu = _captured(
            lambda rating=rating: client.post(
                f"{study_url}answer/", rating, secure=True, headers=htmx
            )
        )
        rows.append(
            {
                "status": (checked.status_code, answered.status_code),
                "check_queries": check_queries,
                "answer_queries": answer_queries_n,
                "check_cpu_ms": check_cpu,
                "answer_cpu_ms": answer_cpu,
            }
        )
        html = answered.content.decode()
    client.post(f"{study_url}mode/", {"mode": "shown"}, secure=True)
    return {
        "deck": deck.slug,
        "mode": mode,
        "answers": len(rows),
        "errors": sum(row["status"] != (200, 200) for row in rows),
        "check_queries_max": max((r["check_queries"] for r in rows), default=0),
        "answer_queries_max": max((r["answer_queries"] for r in rows), default=0),
        "queries_per_answer_max": max(
            (r["check_queries"] + r["answer_queries"] for r in rows), default=0
        ),
        "check_cpu_ms_p50": round(_percentile([r["check_cpu_ms"] for r in rows], 0.5), 2)
        if rows
        else None,
        "answer_cpu_ms_p50": round(_percentile([r["answer_cpu_ms"] for r in rows], 0.5), 2)
        if rows
        else None,
        "cpu_ms_per_answer_p50": round(
            _percentile([r["check_cpu_ms"] + r["answer_cpu_ms"] for r in rows], 0.5), 2
        )
        if rows
        else None,
    }


def _explain(queries: list[dict]) -> list[dict]:
    """EXPLAIN ANALYZE of each SELECT, slowest first (in a rolled-back transaction)."""
    plans = []
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
            transaction.set_rollback(True)
        match = _EXECUTION.search("\n".join(lines))
        plans.append(
            {
                "execution_ms": float(match.group(1)) if match else None,
                "sql": _short(sql, 400),
                "plan": lines,
            }
        )
    plans.sort(key=lambda p: -(p["execution_ms"] or 0))
    return plans


def import_timing(*, cards: int = 20_000) -> dict:
    """Import a new deck from a CSV of `cards` rows in-process, then import it again."""
    lines = ["front,back,tags"]
    lines += [
        f'"Begrip {n}: wat betekent dit?","Uitleg {n}, met <b>nadruk</b>",H{n % 12 + 1}'
        for n in range(1, cards + 1)
    ]
    data = "\n".join(lines).encode()
    Deck.objects.filter(slug__startswith="bench-import").delete()
    started, cpu_started = time.perf_counter(), time.process_time()
    plan, result = deck_import(
        data=data, filename="bench-import.csv", format=None, owner=None, deck=None,
        new_title="bench import",
    )  # fmt: skip
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    started = time.perf_counter()
    plan_again, _ = deck_import(
        data=data, filename="bench-import.csv", format=None, owner=None, deck=result.deck
    )
    again = time.perf_counter() - started
    added = result.added
    result.deck.delete()
    return {
        "cards": cards,
        "bytes": len(data),
        "new_deck_s": round(first, 2),
        "new_deck_python_cpu_s": round(first_cpu, 2),
        "added": added,
        "reimport_unchanged_s": round(again, 2),
        "unchanged": len(plan_again.unchanged),
    }


def study_plan(usernames: list[str], *, today: date, seed: int) -> dict[str, list[str]]:
    """For each student, their decks: those with cards due first, the rest shuffled."""
    rng = random.Random(seed)
    due = defaultdict(dict)
    rows = (
        CardState.objects.filter(student__username__in=usernames, due__lte=today)
        .values_list("student__username", "deck__slug")
        .annotate(n=Count("id"))
    )
    for username, slug, n in rows:
        due[username][slug] = n
    plan = {}
    for user in User.objects.filter(username__in=usernames):
        slugs = list(
            Deck.objects.filter(classrooms__students=user).distinct().values_list("slug", flat=True)
        )
        rng.shuffle(slugs)
        slugs.sort(key=lambda slug: -due[user.username].get(slug, 0))
        plan[user.username] = slugs
    return plan


SCALE_USER = "bench-scale"
SCALE_SIZES = (100, 10_000, 100_000)
SCALE_SEEN_SHARE = 0.6


def _scale_deck(size: int) -> Deck:
    deck, _ = Deck.objects.get_or_create(
        slug=f"bench-scale-{size}", defaults={"title": f"Bench scale {size}"}
    )
    if deck.cards.count() != size:
        deck.cards.all().delete()
        Card.objects.bulk_create(
            (
                Card(deck=deck, key=f"s{n}", front=f"Vraag {n}", back=f"Antwoord {n}", position=n)
                for n in range(1, size + 1)
            ),
            batch_size=5000,
        )
        # As autovacuum would once a deck this size is in use.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE decks_card")
    return deck


def _timed_ms(call, repeats: int) -> tuple[object, dict]:
    """The last result of `call` and its p50/p95 over `repeats` calls on a warm connection."""
    for _ in range(6):  # past psycopg's prepare threshold, as on a warm connection
        call()
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    return result, {
        "p50_ms": round(_percentile(seconds, 0.5) * 1000, 2),
        "p95_ms": round(_percentile(seconds, 0.95) * 1000, 2),
    }


def _snapshot_ms(user: User, deck: Deck, today: date, repeats: int = 25) -> dict:
    from decks.services.study import queue_snapshot

    # As the answer passes it: read with the card it answered.
    new_limit = deck.new_cards_per_day
    snapshot, figures = _timed_ms(
        lambda: queue_snapshot(student=user, deck=deck, today=today, new_limit=new_limit),
        repeats,
    )
    return {"next_card_kind": snapshot.item.kind if snapshot.item else None, **figures}


def _cursor_update_ms(user: User, deck: Deck, repeats: int = 25) -> dict:
    """The statement a card's first answer adds: moving the trusted cursor up."""
    from decks.services.study import new_card_cursor_update

    return _timed_ms(lambda: new_card_cursor_update(student_id=user.pk, deck_id=deck.pk), repeats)[
        1
    ]


def deck_scaling(*, today: date) -> dict:
    """The next-card query's time at 100, 10,000 and 100,000 cards, 60 % of them seen.

    Per deck: with nothing due (the next card is a new one, found after the student's
    new-card cursor, and once with no cursor, as right after a teacher re-orders the deck,
    when the query walks past every seen card) and with a third of the seen cards due
    today; and the cursor update that a card's first answer runs. The query count is one
    in every case; this measures whether its work stays the same.
    """
    from decks.services.study import new_card_cursor_forget

    user, created = User.objects.get_or_create(username=SCALE_USER)
    if created:
        user.set_unusable_password()
        user.save()
    report = {}
    for size in SCALE_SIZES:
        deck = _scale_deck(size)
        seen = int(size * SCALE_SEEN_SHARE)
        states = CardState.objects.filter(student=user, deck=deck)
        if states.count() != seen:
            states.delete()
            CardState.objects.bulk_create(
                (
                    _seen_state(
                        user,
                        deck,
                        card_id,
                        interval=30,
                        due=today,
                        reviews=3,
                        introduced_on=today - timedelta(days=90),
                        last_review_day=today - timedelta(days=30),
                    )
                    for card_id in deck.cards.order_by("position").values_list("pk", flat=True)[
                        :seen
                    ]
                ),
                batch_size=5000,
            )
        # Nothing due: every seen card comes back in 30 days.
        states.update(due=today + timedelta(days=30), last_review_day=today - timedelta(days=1))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE decks_cardstate")
        figures = {"cards": size, "seen": seen}
        # Right after a teacher re-orders the deck: no cursor, the walk past every seen card.
        new_card_cursor_forget(student_id=user.pk, deck_id=deck.pk)
        figures["new_card_without_cursor"] = _snapshot_ms(user, deck, today, repeats=5)
        _cursor_after_last_seen(user, deck)
        figures["new_card"] = _snapshot_ms(user, deck, today)
        figures["cursor_update"] = _cursor_update_ms(user, deck)
        due_ids = list(states.order_by("card_id").values_list("pk", flat=True)[::3])
        CardState.objects.filter(pk__in=due_ids).update(due=today - timedelta(days=1))
        figures["due_cards"] = len(due_ids)
        figures["due_card"] = _snapshot_ms(user, deck, today)
        report[str(size)] = figures
    return report
