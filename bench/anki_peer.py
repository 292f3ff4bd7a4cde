"""Anki's own engine, measured on this machine: the peer Stamp's answer is read against.

    .venv/bin/python bench/anki_peer.py [--notes 10000] [--days 30] [--answers 600]

Builds an Anki collection with the `anki` library (the engine of Anki's desktop app) of
the bench data's size: `--notes` Basic notes in one deck and a month of history, then
answers cards in-process as the desktop's reviewer does: fetch the next queued card
(`col.sched.get_queued_cards`), build the answer for a rating from its scheduling states
and `col.sched.answer_card` it, which commits to the collection file. Prints JSON: wall
and CPU time per answer (fetch + answer), and the collection's size.

The history is written straight into the collection (Anki's scheduler reads the clock and
cannot be run over past days): every day of `--days`, 20 cards are introduced in deck order
and every card due that day is reviewed, with SM-2-like intervals and one review log row
per answer, so today some hundreds of cards are due and the rest are new. The collection
lives in a temporary folder on the same disk as the repository and is removed afterwards.
"""

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Stamp's rating mix (bench/run.py), as Anki's four buttons: 1-2 Again, 3 Hard, 4 Good, 5 Easy.
ANKI_RATINGS = [4] * 35 + [3] * 35 + [2] * 18 + [1] * 12
DAY_S = 86_400


def build_collection(path: Path, *, notes: int, days: int, seed: int):
    """A collection of `notes` notes with `days` days of history, the last one yesterday."""
    from anki.collection import AddNoteRequest, Collection

    rng = random.Random(seed)
    col = Collection(str(path))
    deck_id = col.decks.id("Bench")
    col.decks.select(deck_id)  # the reviewer studies the current deck
    model = col.models.by_name("Basic")
    requests = []
    for n in range(1, notes + 1):
        note = col.new_note(model)
        note["Front"] = f"<p>Begrip {n}</p>"
        note["Back"] = f"<p>Uitleg van begrip {n}: <strong>antwoord</strong>.</p>"
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)
    # Limits out of the way, so the timed answers never run out of cards.
    config = col.decks.config_dict_for_deck_id(deck_id)
    config["new"]["perDay"] = 9999
    config["rev"]["perDay"] = 9999
    col.decks.update_config(config)

    card_ids = col.db.list("SELECT id FROM cards ORDER BY due, id")
    now_s = int(time.time())
    start_s = now_s - days * DAY_S
    # Day numbers count from the collection's creation: make it `days` days old.
    col.db.execute("UPDATE col SET crt = ?", col.db.scalar("SELECT crt FROM col") - days * DAY_S)
    states: dict[int, dict] = {}
    revlog, revlog_id = [], start_s * 1000
    for day in range(days):
        introduced = card_ids[day * 20 : (day + 1) * 20]
        for cid in introduced:
            states[cid] = {"ivl": 0, "factor": 2500, "due": day, "reps": 0, "lapses": 0}
        for cid, state in states.items():
            if state["due"] != day:
                continue
            ease = rng.choice(ANKI_RATINGS)
            last = state["ivl"]
            if ease == 1:
                state["lapses"] += int(last > 0)
                state["ivl"] = 1
                state["factor"] = max(1300, state["factor"] - 200)
            else:
                state["ivl"] = max(1, round(max(last, 1) * state["factor"] / 1000 * (ease - 1) / 2))
                state["factor"] = max(1300, state["factor"] + (ease - 3) * 150)
            state["due"] = day + state["ivl"]
            state["reps"] += 1
            revlog_id += rng.randint(2_000, 60_000)
            revlog.append(
                (revlog_id + day * DAY_S * 1000, cid, -1, ease, state["ivl"], last,
                 state["factor"], rng.randint(2_000, 12_000), 0 if last == 0 else 1)
            )  # fmt: skip
    col.db.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        revlog,
    )
    col.db.executemany(
        "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, factor = ?, reps = ?, "
        "lapses = ?, mod = ? WHERE id = ?",
        [
            (s["due"], s["ivl"], s["factor"], s["reps"], s["lapses"], now_s, cid)
            for cid, s in states.items()
        ],
    )
    col.close()
    col = Collection(str(path))
    today = col.sched.today
    due_today = col.db.scalar("SELECT COUNT(*) FROM cards WHERE queue = 2 AND due <= ?", today)
    return col, {"notes": notes, "history_days": days, "review_log_rows": len(revlog),
                 "cards_seen": len(states), "due_today": due_today}  # fmt: skip


def answer_timing(col, *, answers: int, seed: int) -> dict:
    """Fetch the next card and answer it, `answers` times, as the desktop's reviewer does."""
    from anki.cards import Card

    rng = random.Random(seed)
    walls, cpus, kinds = [], [], {"review": 0, "new": 0, "learning": 0}
    for _ in range(answers):
        wall, cpu = time.perf_counter(), time.process_time()
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            break
        top = queued.cards[0]
        card = Card(col)
        card._load_from_backend_card(top.card)
        card.start_timer()  # as the reviewer does when it shows the card
        # The buttons 1-4 are the ratings AGAIN (0) to EASY (3).
        rating = rng.choice(ANKI_RATINGS) - 1
        answer = col.sched.build_answer(card=card, states=top.states, rating=rating)
        col.sched.answer_card(answer)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        kinds[{0: "new", 2: "review"}.get(card.type, "learning")] += 1
    walls.sort()
    count = len(walls)
    return {
        "answers": count,
        "by_kind": kinds,
        "wall_ms_per_answer": round(1000 * sum(walls) / count, 3),
        "cpu_ms_per_answer": round(1000 * sum(cpus) / count, 3),
        "wall_p50_ms": round(1000 * walls[count // 2], 3),
        "wall_p95_ms": round(1000 * walls[int(count * 0.95)], 3),
    }


def measure(*, notes: int = 10_000, days: int = 30, answers: int = 600, seed: int = 1) -> dict:
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as folder:
        path = Path(folder) / "collection.anki2"
        began = time.monotonic()
        col, collection = build_collection(path, notes=notes, days=days, seed=seed)
        collection["build_s"] = round(time.monotonic() - began, 1)
        try:
            answer_timing(col, answers=30, seed=seed + 1)  # warm-up
            timing = answer_timing(col, answers=answers, seed=seed)
            collection["file_mb"] = round(path.stat().st_size / 2**20, 1)
        finally:
            col.close()
    import anki.buildinfo

    return {"anki_version": anki.buildinfo.version, "collection": collection, **timing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--answers", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 100 <= args.notes <= 100_000 or not 1 <= args.days <= 365:
        parser.error("--notes must be 100-100,000 and --days 1-365")
    if not 10 <= args.answers <= 10_000:
        parser.error("--answers must be 10-10,000")
    report = measure(notes=args.notes, days=args.days, answers=args.answers, seed=args.seed)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
