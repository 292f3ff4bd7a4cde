"""Anki packages for importer tests: the two real samples, variants of them, and zips.

Hostile variants start from the real files (a collection Anki wrote, then changed with
SQL) so each test changes one thing and everything else stays what Anki really writes.
"""

import io
import sqlite3
import struct
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

import genanki
import zstandard

DATA = Path(__file__).resolve().parent / "data"
MODERN_SAMPLE = DATA / "anki26-modern.apkg"  # collection.anki21b (zstd) + decoy anki2
LEGACY_SAMPLE = DATA / "anki26-legacy.apkg"  # collection.anki21 + decoy anki2


def make_zip(entries: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def zip_entries(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def with_lying_size(package: bytes, declared: int) -> bytes:
    """A one-entry zip whose headers claim `declared` uncompressed bytes, whatever it holds."""
    data = bytearray(package)
    local = data.find(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, declared)
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


def changed_collection(database: bytes, statements: Iterable[str]) -> bytes:
    """The SQLite database `database` after running `statements` on it."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "collection.sqlite"
        path.write_bytes(database)
        connection = sqlite3.connect(path)
        connection.create_collation("unicase", _unicase)
        connection.execute("PRAGMA journal_mode = DELETE")  # all changes in the one file
        for statement in statements:
            connection.execute(statement)
        connection.commit()
        connection.close()
        return path.read_bytes()


def _unicase(left: str, right: str) -> int:
    left, right = left.casefold(), right.casefold()
    return (left > right) - (left < right)


def changed_legacy_sample(*statements: str) -> bytes:
    """The legacy sample with SQL run on its collection.anki21."""
    entries = zip_entries(LEGACY_SAMPLE.read_bytes())
    entries["collection.anki21"] = changed_collection(entries["collection.anki21"], statements)
    return make_zip(entries)


def changed_modern_sample(*statements: str) -> bytes:
    """The modern sample with SQL run on its zstd-compressed collection.anki21b."""
    entries = zip_entries(MODERN_SAMPLE.read_bytes())
    database = zstandard.ZstdDecompressor().stream_reader(entries["collection.anki21b"]).read()
    changed = changed_collection(database, statements)
    entries["collection.anki21b"] = zstandard.ZstdCompressor().compress(changed)
    return make_zip(entries)


def genanki_package(
    notes: list[genanki.Note], *, deck: str = "Frans", media: dict[str, bytes] | None = None
) -> bytes:
    """An .apkg as genanki writes it: only collection.anki2 (a real one, not a decoy)."""
    anki_deck = genanki.Deck(2059400110, deck)
    for note in notes:
        anki_deck.add_note(note)
    with tempfile.TemporaryDirectory() as folder:
        media_paths = []
        for name, data in (media or {}).items():
            media_path = Path(folder) / name
            media_path.write_bytes(data)
            media_paths.append(str(media_path))
        package_path = Path(folder) / "deck.apkg"
        genanki.Package(anki_deck, media_files=media_paths).write_to_file(package_path)
        return package_path.read_bytes()


def cloze_note(text: str, extra: str = "", tags: list[str] | None = None) -> genanki.Note:
    return genanki.Note(model=genanki.CLOZE_MODEL, fields=[text, extra], tags=tags or [])


def basic_note(front: str, back: str, tags: list[str] | None = None) -> genanki.Note:
    return genanki.Note(model=genanki.BASIC_MODEL, fields=[front, back], tags=tags or [])
