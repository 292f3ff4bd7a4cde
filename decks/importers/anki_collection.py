"""An Anki collection: the SQLite database inside a package, read into plain note types,
notes, cards and decks.

The database is the uploader's: it is opened read-only, with a row cap and a time limit,
and its schema may call no risky function.
"""

import json
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from decks.importers.archive import PackageError
from decks.importers.base import ImportLimits

CLOZE_KIND = 1  # notetypes.config field 1 (kind): 0 normal, 1 cloze
_MODERN_TABLES = ["notetypes", "fields", "templates", "decks"]


@dataclass(frozen=True)
class NoteType:
    name: str
    fields: list[str]  # names, by ord
    templates: list[tuple[str, str]]  # (question format, answer format), by ord
    is_cloze: bool


@dataclass(frozen=True)
class Note:
    id: int
    notetype_id: int
    fields: list[str]
    tags: tuple[str, ...]


@dataclass
class Collection:
    notetypes: dict[int, NoteType]
    notes: list[Note]
    cards: dict[int, list[tuple[int, int]]]  # note id -> [(template or cloze ord, deck id)]
    decks: dict[int, str]  # deck id -> "Parent::Child"


def read_collection(data: bytes, name: str, limits: ImportLimits) -> Collection:
    """Read a collection through a temporary file, since SQLite only opens files."""
    with tempfile.NamedTemporaryFile(suffix=".sqlite", delete=False) as handle:
        handle.write(data)
    path = Path(handle.name)
    try:
        return _read_database(path, name, limits)
    finally:
        path.unlink(missing_ok=True)


def _read_database(path: Path, name: str, limits: ImportLimits) -> Collection:
    entry = f"entry {name}"
    deadline = time.monotonic() + limits.time_limit_seconds
    # immutable: no locks and no -wal/-shm files beside ours, even for a WAL-mode collection.
    uri = f"{path.as_uri()}?mode=ro&immutable=1"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            connection.set_progress_handler(lambda: time.monotonic() > deadline, 100)
            # The schema is the uploader's: its views and triggers may call no risky function.
            connection.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
            connection.execute("PRAGMA trusted_schema = OFF")
            connection.create_collation("unicase", _unicase)  # Anki's; its tables name it
            return _CollectionReader(connection, entry, limits.max_rows).read()
    except sqlite3.Error as error:
        if time.monotonic() > deadline:
            message = f"reading the collection took longer than {limits.time_limit_seconds:g} s"
            raise PackageError(message, entry) from error
        raise PackageError(f"the collection can't be read ({error})", entry) from error


def _unicase(left: str, right: str) -> int:
    left, right = left.casefold(), right.casefold()
    return (left > right) - (left < right)


@dataclass
class _CollectionReader:
    """Reads the tables of an open collection, refusing views and oversized tables."""

    connection: sqlite3.Connection
    entry: str
    max_rows: int

    def read(self) -> Collection:
        tables = self._table_kinds()
        modern = "notetypes" in tables
        required = ["notes", "cards", *(_MODERN_TABLES if modern else ["col"])]
        for table in required:
            if (kind := tables.get(table)) != "table":
                found = f"is a {kind}, not a table" if kind else "is missing"
                raise PackageError(f"the collection's {table!r} table {found}", self.entry)
        notetypes, decks = self._modern_notetypes_and_decks() if modern else self._legacy_col()
        return Collection(notetypes, self._notes(), self._cards(), decks)

    def _table_kinds(self) -> dict[str, str]:
        """Table and view names (SQLite ignores their case) with what each really is."""
        kinds: dict[str, str] = {}
        for kind, name, sql in self.connection.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view')"
        ):
            if kind == "table" and not str(sql).upper().startswith("CREATE TABLE"):
                kind = "virtual table"
            kinds[str(name).lower()] = kind
        return kinds

    def _rows(self, sql: str, what: str) -> list[tuple]:
        """All rows of a query, refusing collections with more than the row cap."""
        rows = self.connection.execute(f"{sql} LIMIT ?", (self.max_rows + 1,)).fetchall()
        if len(rows) > self.max_rows:
            raise PackageError(
                f"the collection has more than {self.max_rows:,} {what}, the most one import reads",
                self.entry,
            )
        return rows

    def _notes(self) -> list[Note]:
        rows = self._rows("SELECT id, mid, flds, tags FROM notes ORDER BY id", "notes")
        return [
            Note(
                as_int(note_id),
                as_int(notetype_id),
                as_text(fields).split("\x1f"),
                tuple(dict.fromkeys(as_text(tags).split())),
            )
            for note_id, notetype_id, fields, tags in rows
        ]

    def _cards(self) -> dict[int, list[tuple[int, int]]]:
        cards: dict[int, list[tuple[int, int]]] = {}
        for note_id, ordinal, deck_id in self._rows(
            "SELECT nid, ord, did FROM cards ORDER BY nid, ord", "cards"
        ):
            cards.setdefault(as_int(note_id), []).append((as_int(ordinal), as_int(deck_id)))
        return cards

    def _modern_notetypes_and_decks(self) -> tuple[dict[int, NoteType], dict[int, str]]:
        fields: dict[int, list[str]] = {}
        for notetype_id, name in self._rows(
            "SELECT ntid, name FROM fields ORDER BY ntid, ord", "note type fields"
        ):
            fields.setdefault(as_int(notetype_id), []).append(as_text(name))
        templates: dict[int, list[tuple[str, str]]] = {}
        for notetype_id, config in self._rows(
            "SELECT ntid, config FROM templates ORDER BY ntid, ord", "card templates"
        ):
            templates.setdefault(as_int(notetype_id), []).append(_template_formats(config))
        notetypes = {}
        for notetype_id, name, config in self._rows(
            "SELECT id, name, config FROM notetypes", "note types"
        ):
            own = templates.get(as_int(notetype_id), [])
            is_cloze = _kind(config) == CLOZE_KIND or _first_template_is_cloze(own)
            notetypes[as_int(notetype_id)] = NoteType(
                as_text(name), fields.get(as_int(notetype_id), []), own, is_cloze
            )
        # Modern collections separate deck levels with \x1f where the user sees "::".
        decks = {
            as_int(deck_id): as_text(name).replace("\x1f", "::")
            for deck_id, name in self._rows("SELECT id, name FROM decks", "decks")
        }
        return notetypes, decks

    def _legacy_col(self) -> tuple[dict[int, NoteType], dict[int, str]]:
        """Note types and decks as JSON in the one row of `col`."""
        row = self.connection.execute("SELECT models, decks FROM col LIMIT 1").fetchone()
        try:
            models, decks = json.loads(as_text(row[0])), json.loads(as_text(row[1]))
            notetypes = {int(key): _legacy_notetype(model) for key, model in models.items()}
            return notetypes, {int(key): str(deck["name"]) for key, deck in decks.items()}
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise PackageError("the collection's note types can't be read", self.entry) from error


def _legacy_notetype(model: dict) -> NoteType:
    fields = sorted(model["flds"], key=lambda field: int(field["ord"]))
    templates = sorted(model["tmpls"], key=lambda template: int(template["ord"]))
    formats = [(str(template["qfmt"]), str(template["afmt"])) for template in templates]
    return NoteType(
        name=str(model["name"]),
        fields=[str(field["name"]) for field in fields],
        templates=formats,
        is_cloze=model.get("type") == CLOZE_KIND or _first_template_is_cloze(formats),
    )


def _template_formats(config: object) -> tuple[str, str]:
    """(question, answer) formats: fields 1 and 2 of the template's protobuf config."""
    try:
        message = protobuf_fields(config if isinstance(config, bytes) else b"")
        return as_text(message.get(1, [b""])[0]), as_text(message.get(2, [b""])[0])
    except ValueError:
        return "", ""


def _kind(config: object) -> int:
    """Field 1 of a note type's protobuf config: 1 for cloze."""
    try:
        return as_int(protobuf_fields(config if isinstance(config, bytes) else b"").get(1, [0])[0])
    except ValueError:
        return 0


def _first_template_is_cloze(templates: list[tuple[str, str]]) -> bool:
    return bool(templates) and "{{cloze:" in templates[0][0]


def protobuf_fields(data: bytes) -> dict[int, list]:
    """The top-level fields of a protobuf message: varints as int, the rest as bytes.

    Anki keeps note type, template and media configs as protobuf; a few fields are all
    this importer needs, so a reader of the wire format replaces the generated classes.
    """
    fields: dict[int, list] = {}
    position = 0
    while position < len(data):
        key, position = _varint(data, position)
        number, wire_type = key >> 3, key & 0x7
        value: int | bytes
        if wire_type == 0:
            value, position = _varint(data, position)
        elif wire_type in (1, 2, 5):
            if wire_type == 2:
                size, position = _varint(data, position)
            else:
                size = 8 if wire_type == 1 else 4
            if position + size > len(data):
                raise ValueError("protobuf field runs past the end")
            value, position = data[position : position + size], position + size
        else:
            raise ValueError(f"unsupported protobuf wire type {wire_type}")
        fields.setdefault(number, []).append(value)
    return fields


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = 0
    for shift in range(0, 70, 7):
        if position >= len(data):
            raise ValueError("protobuf varint runs past the end")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
    raise ValueError("protobuf varint too long")


def as_text(value: object) -> str:
    """SQLite columns hold whatever a file put there; fields must become text."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def as_int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0
