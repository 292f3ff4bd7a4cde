"""Peak memory and CPU of parsing the worst uploads: text, cloze and media.

Each case is built here, then parsed in a fresh Python process (so one case's memory can't
hide another's) by the same entry point the admin uses, `parse_upload`, with the default
caps. The child reports its CPU seconds and its peak memory above what Django and the
importers take once loaded. Run from the project folder:

    .venv/bin/python bench/upload_costs.py            # all cases, a table
    .venv/bin/python bench/upload_costs.py --json     # the same as JSON

Nothing here touches a database or the network.
"""

import argparse
import io
import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import tracemalloc
import wave
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


# --- the cases -------------------------------------------------------------------------


def _png(width: int, height: int, seed: int) -> bytes:
    """A picture like a diagram a teacher scans in: mostly flat colour, some noise."""
    from PIL import Image

    buffer = io.BytesIO()
    noise = Image.effect_noise((width, height), 8 + seed % 20).convert("RGB")
    Image.blend(Image.new("RGB", (width, height), (seed % 256, 120, 200)), noise, 0.08).save(
        buffer, "PNG"
    )
    return buffer.getvalue()


def _wav(seconds: float, seed: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(os.urandom(2) * int(seconds * 16000) + seed.to_bytes(2, "little"))
    return buffer.getvalue()


def _package(
    notes: list[tuple[str, str]], files: dict[str, bytes], folder: Path, cloze: bool = False
) -> bytes:
    """An .apkg as genanki writes it (legacy JSON media list), members deflated."""
    import genanki

    deck = genanki.Deck(2059400111, "Bench media")
    model = genanki.CLOZE_MODEL if cloze else genanki.BASIC_MODEL
    for front, back in notes:
        deck.add_note(genanki.Note(model=model, fields=[front, back]))
    paths = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths.append(str(folder / name))
    out = folder / "deck.apkg"
    genanki.Package(deck, media_files=paths).write_to_file(out)
    # genanki stores members; a real attacker deflates them, which is what makes bombs small.
    with zipfile.ZipFile(out) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    return _zip(entries)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def case_real_deck(folder: Path) -> bytes:
    """50 pictures of 480 x 360 and 20 sounds of 1 s, under the 10 MB upload cap."""
    files = {f"p{n}.png": _png(480, 360, n) for n in range(50)}
    files |= {f"s{n}.wav": _wav(1.0, n) for n in range(20)}
    notes = [
        (
            f'Kaart {n} <img src="p{n}.png">',
            f"Antwoord {n}" + (f" [sound:s{n}.wav]" if n < 20 else ""),
        )
        for n in range(50)
    ]
    return _package(notes, files, folder)


def case_ten_thousand_tiny_files(folder: Path) -> bytes:
    files = {f"t{n}.png": _png(1, 1, n) + n.to_bytes(4, "big") for n in range(10_000)}
    notes = [(f'Kaart {n} <img src="t{n}.png">', "x") for n in range(10_000)]
    return _package(notes, files, folder)


def case_member_inflating_to_1_gb(folder: Path) -> bytes:
    """One "picture" whose 1 GiB of zeros deflates to about 1 MB."""
    entries = {"0": b"\x89PNG\r\n\x1a\n" + b"\0" * (1 << 30)}
    package = _package([('bom <img src="bom.png">', "x")], {}, folder)
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        base = {name: source.read(name) for name in source.namelist()}
    base["media"] = json.dumps({"0": "bom.png"}).encode()
    return _zip({**base, **entries})


def case_pixel_bomb(folder: Path) -> bytes:
    data = bytearray(_png(1, 1, 0))
    struct.pack_into(">II", data, 16, 100_000, 100_000)
    struct.pack_into(">I", data, 29, zlib.crc32(bytes(data[12:29])))
    return _package([('bom <img src="bom.png">', "x")], {"bom.png": bytes(data)}, folder)


def case_total_past_the_cap(folder: Path) -> bytes:
    """60 pictures that unpack to 1 MB each: a small upload past the 50 MB in all."""
    files = {f"p{n}.png": _png(1, 1, n) + bytes(1_000_000) for n in range(60)}
    notes = [(f'Kaart {n} <img src="p{n}.png">', "x") for n in range(60)]
    return _package(notes, files, folder)


def case_cloze_bomb(folder: Path) -> bytes:
    """12 notes of 1,622 clozes each, a 20,000-character extra on every card (issue 18)."""
    text = " ".join(f"{{{{c{n}::woord{n}}}}}" for n in range(1, 1623))
    extra = "x" * 20_000
    return _package([(text, extra) for _ in range(12)], {}, folder, cloze=True)


def case_large_csv(folder: Path) -> bytes:
    """A legitimate CSV just under the 10 MB upload cap: 20,000 cards of about 500 bytes."""
    rows = [f"Vraag {n} {'w' * 240},Antwoord {n} {'a' * 240}" for n in range(20_000)]
    return ("front,back\n" + "\n".join(rows)).encode()


def case_blank_lines_after_a_word(folder: Path) -> bytes:
    """1 MB of blank lines after one word: 7 s of detection per 20 KB before issue 18."""
    return b"woord" + b"\n" * 1_000_000


def case_blank_lines_at_the_cap(folder: Path) -> bytes:
    """As many blank lines as the line cap lets through: the most a text parser holds."""
    return b"woord" + b"\n" * 99_999


def case_dots(folder: Path) -> bytes:
    """1 MB of dots, the table-of-contents shape: 15 s per 20,000 before issue 18."""
    return b"Inhoud\n" + b"." * 1_000_000


def case_long_lines_of_spaces(folder: Path) -> bytes:
    """1 MB of lines of spaces and tabs between Q and A markers."""
    return b"".join(b"Q " + b" \t" * 200 + b"\nA " + b" \t" * 200 + b"\n" for _ in range(1200))


# name: (builder, the file name the teacher uploads)
CASES = {
    "50 pictures + 20 sounds": (case_real_deck, "deck.apkg"),
    "10,000 tiny files": (case_ten_thousand_tiny_files, "deck.apkg"),
    "a member inflating to 1 GiB": (case_member_inflating_to_1_gb, "deck.apkg"),
    "1 x 1 PNG claiming 100,000 x 100,000": (case_pixel_bomb, "deck.apkg"),
    "60 MB of pictures unpacked (cap 50 MB)": (case_total_past_the_cap, "deck.apkg"),
    "12 notes x 1,622 clozes + 20 KB extra": (case_cloze_bomb, "deck.apkg"),
    "CSV of 20,000 cards, 9.7 MB": (case_large_csv, "deck.csv"),
    "1 MB of blank lines after a word": (case_blank_lines_after_a_word, "deck.txt"),
    "100,000 blank lines (the line cap)": (case_blank_lines_at_the_cap, "deck.txt"),
    "1 MB of dots": (case_dots, "notes.txt"),
    "1 MB of Q/A lines of blanks": (case_long_lines_of_spaces, "deck.txt"),
}


# --- measuring -------------------------------------------------------------------------


def _high_water_kb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited on exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(path: str, filename: str) -> None:
    """Parse one upload and print what it cost, as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountmanagement.settings")
    import django

    django.setup()
    from decks.importers.detect import parse_upload
    from decks.services.imports import import_limits

    data = Path(path).read_bytes()
    baseline = _high_water_kb()
    tracemalloc.start()
    started = time.process_time()
    result = parse_upload(data, filename=filename, limits=import_limits())
    cpu = time.process_time() - started
    python_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    peak = _high_water_kb()
    outcome = (
        str(result.errors[0])
        if result.errors
        else (
            f"{len(result.cards)} cards, {len(result.media)} files"
            + (f"; {len(result.warnings)} warnings" if result.warnings else "")
        )
    )
    print(json.dumps({
        "upload_bytes": len(data),
        "cpu_seconds": round(cpu, 3),
        "peak_rss_mb": round(peak / 1024, 1),
        "parse_rss_mb": round((peak - baseline) / 1024, 1),
        "python_peak_mb": round(python_peak / 1e6, 1),
        "outcome": outcome[:110],
    }))  # fmt: skip


def _isolation_cost() -> None:
    """What parsing in a child process (decks/importers/isolation.py) adds to an upload."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountmanagement.settings")
    import django

    django.setup()
    from decks.importers.detect import parse_upload
    from decks.importers.isolation import parse_upload_isolated
    from decks.services.imports import import_limits

    data = ("front;back\n" + "".join(f"Vraag {n};Antwoord {n}\n" for n in range(2000))).encode()
    limits, runs, figures = import_limits(), 20, {}
    for name, parse in (("in_process_ms", parse_upload), ("isolated_ms", parse_upload_isolated)):
        parse(data, filename="a.csv", limits=limits)
        started = time.perf_counter()
        for _ in range(runs):
            parse(data, filename="a.csv", limits=limits)
        figures[name] = round((time.perf_counter() - started) / runs * 1000, 1)
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--isolation", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    if args.isolation:
        _isolation_cost()
        return
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, (build, filename) in CASES.items():
            case_folder = Path(folder) / str(len(rows))
            case_folder.mkdir()
            upload = case_folder / "upload"
            upload.write_bytes(build(case_folder))
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(upload), filename],
                capture_output=True, text=True, timeout=600, check=True, cwd=ROOT,
            )  # fmt: skip
            rows[name] = json.loads(done.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    worst_cpu = max(rows, key=lambda name: rows[name]["cpu_seconds"])
    worst_memory = max(rows, key=lambda name: rows[name]["peak_rss_mb"])
    print(
        f"{'case':40} {'upload':>9} {'CPU s':>7} {'peak MB':>8} {'parse MB':>9} "
        f"{'Python MB':>10}  outcome"
    )
    for name, row in rows.items():
        print(
            f"{name:40} {row['upload_bytes'] / 1e6:>7.1f}MB {row['cpu_seconds']:>7.2f} "
            f"{row['peak_rss_mb']:>8.1f} {row['parse_rss_mb']:>9.1f} "
            f"{row['python_peak_mb']:>10.1f}  {row['outcome']}"
        )
    print(f"\nworst CPU: {rows[worst_cpu]['cpu_seconds']:.2f} s ({worst_cpu})")
    print(f"worst peak memory: {rows[worst_memory]['peak_rss_mb']:.1f} MB ({worst_memory})")
    done = subprocess.run(
        [sys.executable, __file__, "--isolation"],
        capture_output=True, text=True, timeout=600, check=True, cwd=ROOT,
    )  # fmt: skip
    cost = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"parsing in a child process (2,000-card CSV, wall time): "
        f"{cost['in_process_ms']} ms in process, {cost['isolated_ms']} ms isolated, "
        f"+{cost['isolated_ms'] - cost['in_process_ms']:.1f} ms per upload"
    )


if __name__ == "__main__":
    main()
