"""A CSV or TSV that comes as a .zip with its pictures and sound beside it.

    kaarten.zip
    ├── kaarten.csv          <- one table: front;back;tags, fields name files
    ├── kaart-europa.png        (<img src="kaart-europa.png">, [sound:uitspraak.mp3])
    └── geluid/uitspraak.mp3 <- a file may sit in a folder; its name alone also finds it

The zip is hostile input like an Anki package: unsafe names and encryption are refused,
every byte unpacked is counted, and the files are only read, never extracted.
"""

import zipfile
from pathlib import PurePosixPath

from decks.importers import csv as csv_importer
from decks.importers.archive import ByteBudget, PackageError, is_unsafe_name, read_member
from decks.importers.base import ImportLimits, ParseResult, human_size
from decks.importers.decoding import decode_text
from decks.importers.media import MediaCollector

TABLE_EXTENSIONS = {".csv", ".tsv", ".tab", ".txt"}


def table_members(names: list[str]) -> list[str]:
    """The entries that could be the table, leaving out folders and macOS's resource forks."""
    return [
        name
        for name in names
        if PurePosixPath(name).suffix.lower() in TABLE_EXTENSIONS
        and not name.startswith("__MACOSX/")
        and not PurePosixPath(name).name.startswith(".")
    ]


def parse(archive: zipfile.ZipFile, *, limits: ImportLimits) -> ParseResult:
    """Cards from the one table in `archive`, with the pictures and sounds it names."""
    try:
        infos = _checked_entries(archive, limits)
        tables = table_members([info.filename for info in infos])
        if len(tables) != 1:
            found = ", ".join(tables) if tables else "none"
            raise PackageError(
                f"a zip must hold exactly one CSV or TSV file beside its pictures (found: {found})"
            )
        (table,) = tables
        decoded = decode_text(read_member(archive, table, ByteBudget(limits.max_bytes)))
    except PackageError as error:
        return ParseResult(errors=error.problems)
    if decoded.errors:
        return ParseResult(warnings=decoded.warnings, errors=decoded.errors)
    members = _media_members([info.filename for info in infos if info.filename != table])
    media = MediaCollector(archive, members, limits)
    is_tsv = PurePosixPath(table).suffix.lower() in {".tsv", ".tab"}
    result = csv_importer.parse(
        decoded.text, limits=limits, delimiter="\t" if is_tsv else None, media=media
    )
    result.warnings[:0] = decoded.warnings
    result.warnings.extend(media.problems())
    result.media = media.by_hash()
    result.deck_title = PurePosixPath(table).stem or None
    return result


def _checked_entries(archive: zipfile.ZipFile, limits: ImportLimits) -> list[zipfile.ZipInfo]:
    infos = [info for info in archive.infolist() if not info.is_dir()]
    names: set[str] = set()
    for info in infos:
        entry = f"entry {info.filename}"
        if is_unsafe_name(info.filename):
            raise PackageError("unsafe file name in the zip (absolute or with ..)", entry)
        if info.filename in names:
            raise PackageError("the zip holds this file twice", entry)
        names.add(info.filename)
        if info.flag_bits & 0x1:
            raise PackageError("the zip is password-protected", entry)
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_unzipped_bytes:
        raise PackageError(
            f"the zip would unpack to {human_size(declared)}; the limit is "
            f"{human_size(limits.max_unzipped_bytes)}"
        )
    return infos


def _media_members(names: list[str]) -> dict[str, str]:
    """How fields may name each file: its path in the zip, or its name if no other has it."""
    members = {name: name for name in names}
    by_base: dict[str, list[str]] = {}
    for name in names:
        by_base.setdefault(PurePosixPath(name).name, []).append(name)
    for base, paths in by_base.items():
        if len(paths) == 1:
            members.setdefault(base, paths[0])
    return members
