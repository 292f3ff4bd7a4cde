"""Reading a zip someone uploaded (an Anki package, a CSV zipped with its pictures).

The archive is hostile input: it is read from memory, never extracted to the paths it
names, and every byte unpacked counts against one budget whatever the archive claims.
"""

import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass

import zstandard

from decks.importers.base import Problem, human_size

_CHUNK = 64 * 1024
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


def zip_names(data: bytes) -> list[str]:
    """Entry names of a zip, for detect.py to tell an Anki package from a Word file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        return []
