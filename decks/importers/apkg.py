"""Anki packages (.apkg decks, .colpkg collections): a zip holding an SQLite collection.

What Anki writes, newest first:

- `collection.anki21b`: the collection compressed with zstd (Anki 2.1.50 and later), with
  note types in the `notetypes`, `fields` and `templates` tables (configs as protobuf);
  `media` is a zstd-compressed protobuf list of the media files.
- `collection.anki21`: plain SQLite with note types as JSON in `col.models` (genanki, and
  Anki's "support older versions" export); `media` is JSON.
- `collection.anki2`: the oldest format. Beside a newer collection it is a decoy whose one
  note asks the user to update Anki, so it is only read when nothing newer is there.

A package is hostile input: it is read from memory, never extracted to the paths it names,
every byte unpacked counts against one budget whatever the archive claims, and the
collection is opened read-only with a row cap and a time limit.
"""

import io
import json
import lzma
import re
import sqlite3
import tempfile
import time
import zipfile
import zlib
from collections import Counter
from contextlib import closing, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import zstandard

from decks.html import clean_card_html
from decks.importers.base import (
    DEFAULT_LIMITS,
    CardRecord,
    ImportLimits,
    ParseResult,
    Problem,
    card_text_budget,
    card_text_chars,
    human_size,
    snippet,
    too_much_card_text,
)
from decks.importers.media import ZSTD_MAGIC, MediaCollector, MediaLimitExceeded

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")  # newest first
DECOY_TEXT = "Please update to the latest Anki version"
SQLITE_MAGIC = b"SQLite format 3\x00"
CLOZE_KIND = 1  # notetypes.config field 1 (kind): 0 normal, 1 cloze
_MODERN_TABLES = ["notetypes", "fields", "templates", "decks"]
_CHUNK = 64 * 1024

_FIELD_REFERENCE = re.compile(r"\{\{([^{}]+)\}\}")
# A cloze with no other cloze inside: rendering innermost first handles nested clozes.
_CLOZE = re.compile(
    r"\{\{c(\d+)::((?:(?!\{\{c\d+::).)*?)(?:::((?:(?!\{\{c\d+::).)*?))?\}\}", re.DOTALL
)
_CLOZE_NUMBER = re.compile(r"\{\{c(\d+)::")
_SOUND = re.compile(r"\[sound:[^\]\n]{0,500}\]")  # left out of the note's name in messages
# What a damaged or hostile member raises while it is read: bad CRC, bad deflate, bzip2 or
# LZMA data, truncation, an unsupported method or encryption.
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError,
    NotImplementedError, RuntimeError,
)  # fmt: skip


class PackageError(Exception):
    """Reading the package cannot go on; `problems` say why, for the teacher."""

    def __init__(self, message: str, entry: str | None = None) -> None:
        super().__init__(message)
        self.problems = [Problem(message, entry=entry)]


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


@dataclass
class ByteBudget:
    """Bytes that may still be unpacked: declared sizes can lie, so real bytes are counted."""

    limit: int
    used: int = 0

    def spend(self, count: int, entry: str) -> None:
        self.used += count
        if self.used > self.limit:
            raise PackageError(
                f"the package unpacks to more than {human_size(self.limit)}, the most one "
                "import may unpack",
                f"entry {entry}",
            )


# --- the package -----------------------------------------------------------------------


def parse(data: bytes, *, limits: ImportLimits = DEFAULT_LIMITS) -> ParseResult:
    """Cards from an Anki package, with their pictures and sound, and a warning for
    everything left out."""
    result = ParseResult(format="apkg")
    try:
        with _open_zip(data) as archive:
            budget = ByteBudget(limits.max_unzipped_bytes)
            name = _check_entries(archive, limits)
            members = _media_members(archive, budget, result)
            collection = read_collection(_collection_bytes(archive, name, budget), name, limits)
            if name == "collection.anki2" and _is_decoy(collection):
                result.errors.append(
                    Problem(
                        f"the package holds only Anki's placeholder note ({DECOY_TEXT!r}), not "
                        "the cards: export the deck again from Anki",
                        entry=f"entry {name}",
                    )
                )
                return result
            media = MediaCollector(archive, members, limits)
            text_budget = card_text_budget(limits, len(data))
            _CardBuilder(collection, limits, result, media, text_budget).build()
    except PackageError as error:
        result.errors.extend(error.problems)
    return result


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise PackageError("the file is not an Anki package (not a zip archive)") from error


def _check_entries(archive: zipfile.ZipFile, limits: ImportLimits) -> str:
    """Refuse unsafe names and oversized contents; return the collection to read."""
    names: set[str] = set()
    declared = 0
    for info in archive.infolist():
        entry = f"entry {info.filename}"
        if is_unsafe_name(info.filename):
            raise PackageError("unsafe file name in the package (absolute or with ..)", entry)
        if info.filename in names:
            raise PackageError("the package holds this file twice", entry)
        if info.flag_bits & 0x1:
            raise PackageError("the package is password-protected", entry)
        names.add(info.filename)
        declared += info.file_size
    if declared > limits.max_unzipped_bytes:
        raise PackageError(
            f"the package would unpack to {human_size(declared)}; the limit is "
            f"{human_size(limits.max_unzipped_bytes)}"
        )
    # The newest collection is the real one: older ones beside it are decoys.
    name = next((name for name in COLLECTIONS if name in names), None)
    if name is None:
        raise PackageError(
            "no Anki collection in the package (collection.anki21b, collection.anki21 or "
            "collection.anki2): is this an Anki export?"
        )
    return name


def is_unsafe_name(name: str) -> bool:
    """Absolute paths, drive letters and ".." parts could point outside any folder."""
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(re.match(r"[A-Za-z]:", path)) or ".." in path.split("/")


def read_member(archive: zipfile.ZipFile, name: str, budget: ByteBudget) -> bytes:
    """One entry's bytes, read in chunks so a zip bomb stops at the budget."""
    chunks = []
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                budget.spend(len(chunk), name)
                chunks.append(chunk)
    except _ZIP_READ_ERRORS as error:
        raise PackageError(
            f"this part of the package is damaged ({error})", f"entry {name}"
        ) from error
    return b"".join(chunks)


def unzstd(data: bytes, budget: ByteBudget, name: str) -> bytes:
    """Decompress zstd as a stream, so a small frame claiming gigabytes stops at the budget."""
    chunks = []
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True)
        with reader:
            while chunk := reader.read(_CHUNK):
                budget.spend(len(chunk), name)
                chunks.append(chunk)
    except zstandard.ZstdError as error:
        raise PackageError(
            f"this part of the package is damaged ({error})", f"entry {name}"
        ) from error
    return b"".join(chunks)


def _collection_bytes(archive: zipfile.ZipFile, name: str, budget: ByteBudget) -> bytes:
    data = read_member(archive, name, budget)
    if data.startswith(ZSTD_MAGIC):
        data = unzstd(data, budget, name)
    if not data.startswith(SQLITE_MAGIC):
        raise PackageError(
            "this is not an Anki collection (not an SQLite database)", f"entry {name}"
        )
    return data


def _media_members(
    archive: zipfile.ZipFile, budget: ByteBudget, result: ParseResult
) -> dict[str, str]:
    """Name -> archive member, from the media list: JSON {"0": "name.jpg"} or, compressed
    with zstd, a protobuf list whose n-th entry names member "n"."""
    if "media" not in archive.namelist():
        return {}
    data = read_member(archive, "media", budget)
    names: dict[str, str] | None = None
    if data.startswith(ZSTD_MAGIC):
        data = unzstd(data, budget, "media")
        try:
            entries = protobuf_fields(data).get(1, [])
            names = {
                str(index): _text(protobuf_fields(entry).get(1, [b""])[0])
                for index, entry in enumerate(entries)
            }
        except (ValueError, TypeError):
            pass
    else:
        with suppress(ValueError, AttributeError):
            names = {str(member): str(name) for member, name in json.loads(data or b"{}").items()}
    if names is None:
        result.warnings.append(
            Problem("the list of media files can't be read", entry="entry media")
        )
        return {}
    present = set(archive.namelist())
    members = {}
    for member, name in names.items():
        if member in present and name and not is_unsafe_name(name):
            members.setdefault(name, member)
        elif name and is_unsafe_name(name):
            result.warnings.append(
                Problem(
                    f'"{name[:80]}" left out: a media name may not be a path (absolute or with ..)',
                    entry="entry media",
                )
            )
    return members


def _is_decoy(collection: Collection) -> bool:
    notes = collection.notes
    return len(notes) == 1 and any(DECOY_TEXT in field for field in notes[0].fields)


# --- the collection ----------------------------------------------------------------------


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
                _int(note_id),
                _int(notetype_id),
                _text(fields).split("\x1f"),
                tuple(dict.fromkeys(_text(tags).split())),
            )
            for note_id, notetype_id, fields, tags in rows
        ]

    def _cards(self) -> dict[int, list[tuple[int, int]]]:
        cards: dict[int, list[tuple[int, int]]] = {}
        for note_id, ordinal, deck_id in self._rows(
            "SELECT nid, ord, did FROM cards ORDER BY nid, ord", "cards"
        ):
            cards.setdefault(_int(note_id), []).append((_int(ordinal), _int(deck_id)))
        return cards

    def _modern_notetypes_and_decks(self) -> tuple[dict[int, NoteType], dict[int, str]]:
        fields: dict[int, list[str]] = {}
        for notetype_id, name in self._rows(
            "SELECT ntid, name FROM fields ORDER BY ntid, ord", "note type fields"
        ):
            fields.setdefault(_int(notetype_id), []).append(_text(name))
        templates: dict[int, list[tuple[str, str]]] = {}
        for notetype_id, config in self._rows(
            "SELECT ntid, config FROM templates ORDER BY ntid, ord", "card templates"
        ):
            templates.setdefault(_int(notetype_id), []).append(_template_formats(config))
        notetypes = {}
        for notetype_id, name, config in self._rows(
            "SELECT id, name, config FROM notetypes", "note types"
        ):
            own = templates.get(_int(notetype_id), [])
            is_cloze = _kind(config) == CLOZE_KIND or _first_template_is_cloze(own)
            notetypes[_int(notetype_id)] = NoteType(
                _text(name), fields.get(_int(notetype_id), []), own, is_cloze
            )
        # Modern collections separate deck levels with \x1f where the user sees "::".
        decks = {
            _int(deck_id): _text(name).replace("\x1f", "::")
            for deck_id, name in self._rows("SELECT id, name FROM decks", "decks")
        }
        return notetypes, decks

    def _legacy_col(self) -> tuple[dict[int, NoteType], dict[int, str]]:
        """Note types and decks as JSON in the one row of `col`."""
        row = self.connection.execute("SELECT models, decks FROM col LIMIT 1").fetchone()
        try:
            models, decks = json.loads(_text(row[0])), json.loads(_text(row[1]))
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
        return _text(message.get(1, [b""])[0]), _text(message.get(2, [b""])[0])
    except ValueError:
        return "", ""


def _kind(config: object) -> int:
    """Field 1 of a note type's protobuf config: 1 for cloze."""
    try:
        return _int(protobuf_fields(config if isinstance(config, bytes) else b"").get(1, [0])[0])
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


def _text(value: object) -> str:
    """SQLite columns hold whatever a file put there; fields must become text."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return 0


# --- notes to cards ----------------------------------------------------------------------


@dataclass
class _CardBuilder:
    """Turns the notes of a collection into cards, collecting what had to be left out."""

    collection: Collection
    limits: ImportLimits
    result: ParseResult
    media: MediaCollector
    text_budget: int  # characters of card text, from base.card_text_budget
    text_chars: int = 0
    other_types: Counter[str] = field(default_factory=Counter)
    card_decks: list[int] = field(default_factory=list)  # the deck of each card in result

    def build(self) -> None:
        try:
            for position, note in enumerate(self.collection.notes, start=1):
                self._add_note(note, f"note {position}")
                if len(self.result.cards) > self.limits.max_cards:
                    self.result.errors.append(Problem(_too_many_cards(self.limits)))
                    self.result.cards.clear()
                    return
                if self.text_chars > self.text_budget:
                    message = too_much_card_text(self.text_budget)
                    self.result.errors.append(Problem(message, entry=f"note {position}"))
                    self.result.cards.clear()
                    return
        except MediaLimitExceeded as exceeded:
            self.result.errors.append(Problem(str(exceeded), entry="entry media"))
            self.result.cards.clear()
            return
        _warn_other_types(self.other_types, self.result)
        self.result.warnings.extend(self.media.problems())
        self.result.media = self.media.by_hash()
        _name_decks(self.collection.decks, self.card_decks, self.result)

    def _add_note(self, note: Note, label: str) -> None:
        # Problems quote the note's start: "note 3" alone is hard to find in Anki.
        start = snippet(_SOUND.sub("", note.fields[0][:1_000]))
        where = f'{label} ("{start}")' if start else label
        notetype = self.collection.notetypes.get(note.notetype_id)
        if notetype is None:
            self.result.warnings.append(Problem("skipped: its note type is missing", entry=where))
            return
        longest = max(len(value) for value in note.fields)
        if longest > self.limits.max_field_chars:
            message = (
                f"a field is {longest:,} characters long; the limit is "
                f"{self.limits.max_field_chars:,}"
            )
            self.result.errors.append(Problem(message, entry=where))
            return
        cards = self.collection.cards.get(note.id, [])
        sides = _note_sides(note, notetype, cards, self.result, where, self.limits)
        if sides is None:
            self.other_types[notetype.name] += 1
            sides = _first_two_fields(note, cards)
        if len(sides) > self.limits.max_cards_per_note:
            self.result.errors.append(_too_many_per_note(len(sides), self.limits, where))
            return
        for number, (ordinal, deck_id, front, back) in enumerate(sides, start=1):
            entry = label if number == 1 else f"{label}, card {number}"
            front_html = clean_card_html(self.media.link(front, where))
            back_html = clean_card_html(self.media.link(back, where))
            if front_html and back_html:
                record = CardRecord(front_html, back_html, note.tags, entry=entry)
                self.result.cards.append(record)
                self.text_chars += card_text_chars(record)
                self.card_decks.append(deck_id)
            else:
                message = f"card {ordinal + 1} skipped: one side has nothing a card can show"
                self.result.warnings.append(Problem(message, entry=where))


def _note_sides(
    note: Note,
    notetype: NoteType,
    cards: list[tuple[int, int]],
    result: ParseResult,
    entry: str,
    limits: ImportLimits,
) -> list[tuple[int, int, str, str]] | None:
    """(ord, deck id, front, back) per card, or None when the note type is not understood."""
    if notetype.is_cloze:
        return _cloze_sides(note, notetype, cards, result, entry, limits)
    plan = template_fields(notetype)
    if plan is None:
        return None
    sides = []
    for ordinal, deck_id in cards or [(0, 0)]:
        if ordinal < len(plan):
            front, back = plan[ordinal]
            sides.append((ordinal, deck_id, _field(note, front), _field(note, back)))
    return sides


def template_fields(notetype: NoteType) -> list[tuple[int, int]] | None:
    """(front field, back field) per template, if every template shows one field each side.

    That covers Basic, "and reversed card", "optional reversed card" and "type in the
    answer" in any language, because it reads the templates rather than the names.
    """
    plan = []
    for question, answer in notetype.templates:
        asked = _referenced_fields(question, notetype.fields, question=True)
        shown = [
            index for index in _referenced_fields(answer, notetype.fields) if index not in asked
        ]
        if len(asked) != 1 or len(shown) != 1:
            return None
        plan.append((asked[0], shown[0]))
    return plan or None


def _referenced_fields(template: str, fields: list[str], *, question: bool = False) -> list[int]:
    """Indexes of the fields a template shows, in order: {{Front}}, {{text:Back}}, ..."""
    found: list[int] = []
    for reference in _FIELD_REFERENCE.findall(template):
        reference = reference.strip()
        if reference[:1] in ("#", "^", "/", "!"):
            continue  # a conditional section shows nothing by itself
        if question and reference.startswith("type:"):
            continue  # on the question side {{type:Back}} is an empty box to type in
        name = reference.rsplit(":", 1)[-1].strip()  # "type:Back", "text:Back"
        if name in fields and fields.index(name) not in found:
            found.append(fields.index(name))
    return found


def _cloze_sides(
    note: Note,
    notetype: NoteType,
    cards: list[tuple[int, int]],
    result: ParseResult,
    entry: str,
    limits: ImportLimits,
) -> list[tuple[int, int, str, str]]:
    """One card per cloze number: that cloze hidden on the front, in bold on the back.

    The caps are checked before rendering: each card renders every cloze of the note, so
    the work grows with clozes times cards.
    """
    text_index, extra_indexes = _cloze_fields(notetype)
    text = _field(note, text_index)
    if "image-occlusion:" in text:
        result.warnings.append(
            Problem("skipped: image occlusion notes need their picture", entry=entry)
        )
        return []
    clozes = _CLOZE_NUMBER.findall(text)
    numbers = sorted({int(number) for number in clozes})
    if len(clozes) > limits.max_clozes_per_note:
        result.errors.append(
            Problem(
                f"the note has {len(clozes):,} clozes; the most one note may have is "
                f"{limits.max_clozes_per_note:,}: split it into several notes",
                entry=entry,
            )
        )
        return []
    if len(numbers) > limits.max_cards_per_note:
        result.errors.append(_too_many_per_note(len(numbers), limits, entry))
        return []
    if not numbers:
        result.warnings.append(
            Problem("skipped: a cloze note without any {{c1::...}}", entry=entry)
        )
        return []
    extra = "<br>".join(value for index in extra_indexes if (value := _field(note, index).strip()))
    deck_by_ord = dict(cards)
    default_deck = cards[0][1] if cards else 0
    sides = []
    for number in numbers:
        back = render_cloze(text, number, side="back")
        back = f"{back}<br>{extra}" if extra else back
        deck_id = deck_by_ord.get(number - 1, default_deck)
        sides.append((number - 1, deck_id, render_cloze(text, number, side="front"), back))
    return sides


def _cloze_fields(notetype: NoteType) -> tuple[int, list[int]]:
    """The field the clozes are in, and the fields the answer adds (Extra)."""
    question, answer = notetype.templates[0] if notetype.templates else ("", "")
    cloze_names = re.findall(r"\{\{cloze:([^{}]+)\}\}", question)
    text_index = 0
    if cloze_names and cloze_names[0].strip() in notetype.fields:
        text_index = notetype.fields.index(cloze_names[0].strip())
    extras = _referenced_fields(answer, notetype.fields)
    return text_index, [index for index in extras if index != text_index]


def render_cloze(text: str, number: int, *, side: str) -> str:
    """Cloze `number` as "[...]" (or "[hint]") on the front and bold on the back; others shown."""

    def replace(match: re.Match[str]) -> str:
        answer, hint = match[2], match[3]
        if int(match[1]) != number:
            return answer
        return f"[{hint or '...'}]" if side == "front" else f"<b>{answer}</b>"

    previous = None
    while previous != text:  # innermost clozes first, then the ones around them
        previous, text = text, _CLOZE.sub(replace, text)
    return text


def _first_two_fields(note: Note, cards: list[tuple[int, int]]) -> list[tuple[int, int, str, str]]:
    deck_id = cards[0][1] if cards else 0
    return [(0, deck_id, _field(note, 0), _field(note, 1))]


def _field(note: Note, index: int) -> str:
    return note.fields[index] if index < len(note.fields) else ""


def _too_many_per_note(count: int, limits: ImportLimits, entry: str) -> Problem:
    return Problem(
        f"the note gives {count:,} cards; the most one note may give is "
        f"{limits.max_cards_per_note:,}: split it into several notes",
        entry=entry,
    )


def _too_many_cards(limits: ImportLimits) -> str:
    return (
        f"the package has more than {limits.max_cards:,} cards, the most one import may hold: "
        "export a smaller deck"
    )


def _warn_other_types(other_types: Counter[str], result: ParseResult) -> None:
    for name, count in other_types.items():
        notes = "1 note" if count == 1 else f"{count} notes"
        result.warnings.append(
            Problem(
                f"note type {name!r} is not Basic or Cloze: for its {notes} the first field "
                "became the front and the second the back"
            )
        )


ANKI_DEFAULT_DECK = "Default"


def _name_decks(decks: dict[int, str], card_decks: list[int], result: ParseResult) -> None:
    """The deck the cards are in gives the title; subdecks below it become tags."""
    paths = {deck_id: decks.get(deck_id, "").split("::") for deck_id in set(card_decks)}
    paths = {deck_id: path for deck_id, path in paths.items() if path != [""]}
    if not paths:
        return
    common = _common_prefix(list(paths.values()))
    if common:
        result.deck_title = common[-1]
    else:
        most_used = Counter(deck for deck in card_decks if deck in paths).most_common(1)[0][0]
        result.deck_title = paths[most_used][-1]
    # Anki's own catch-all deck names nothing: the file's name says more.
    if result.deck_title == ANKI_DEFAULT_DECK:
        result.deck_title = None
    if len(paths) == 1:
        return
    for index, (card, deck_id) in enumerate(zip(result.cards, card_decks, strict=True)):
        if below := paths.get(deck_id, [])[len(common) :]:
            tag = "::".join(below).replace(" ", "_")
            result.cards[index] = replace(card, tags=tuple(dict.fromkeys([*card.tags, tag])))


def _common_prefix(paths: list[list[str]]) -> list[str]:
    common = paths[0]
    for path in paths[1:]:
        length = 0
        while length < min(len(common), len(path)) and common[length] == path[length]:
            length += 1
        common = common[:length]
    return common


def zip_names(data: bytes) -> list[str]:
    """Entry names of a zip, for detect.py to tell an Anki package from a Word file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return []
