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
import zipfile
from contextlib import suppress

from decks.importers.anki_cards import CardBuilder
from decks.importers.anki_collection import Collection, as_text, protobuf_fields, read_collection
from decks.importers.archive import ByteBudget, PackageError, is_unsafe_name, read_member, unzstd
from decks.importers.base import (
    DEFAULT_LIMITS,
    ImportLimits,
    ParseResult,
    Problem,
    card_text_budget,
    human_size,
)
from decks.importers.media import ZSTD_MAGIC, MediaCollector

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")  # newest first
DECOY_TEXT = "Please update to the latest Anki version"
SQLITE_MAGIC = b"SQLite format 3\x00"


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
            CardBuilder(collection, limits, result, media, text_budget).build()
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
                str(index): as_text(protobuf_fields(entry).get(1, [b""])[0])
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
    members: dict[str, str] = {}
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
