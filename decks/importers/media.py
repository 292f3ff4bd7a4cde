"""Pictures and sound inside an upload: which files cards use, what each file really is.

An Anki package or a zipped CSV carries its media as archive members that cards name
(`<img src="kaart.png">`, `[sound:uitspraak.mp3]`). The name is only a label: nothing is
ever written to a path taken from the archive. Each file a card uses is read once, within
the caps of `ImportLimits` counted while the bytes stream, and its type is decided by its
bytes (filetype's signatures, then Pillow for pictures), never by its name. Cards are then
rewritten to point at the file's content address (`/media/<sha256>.<ext>`), which is what
the sanitiser admits and what decks.services.media stores.

Parsers stay free of the database: the files travel in `ParseResult.media` and one
service writes them with the cards.
"""

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote

import filetype
import zstandard
from PIL import Image, UnidentifiedImageError

from decks.html import MEDIA_URL, image_html, media_url
from decks.importers.base import ImportLimits, Problem, human_size

# What a teacher calls each type decks.html.MEDIA_EXTENSIONS serves.
ACCEPTED_TYPES = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "audio/mpeg": "MP3",
    "audio/ogg": "OGG",
    "audio/mp4": "M4A",
    "audio/wav": "WAV",
}
_SAME_TYPE = {"audio/x-wav": "audio/wav", "audio/x-m4a": "audio/mp4"}
_PILLOW_FORMATS = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
# Markup that a browser could be talked into running if these bytes were ever sniffed as a
# page: a picture or sound that carries it is refused, whatever else it is.
_MARKUP = re.compile(rb"<(?:script|html|svg|iframe|object|embed|body|!doctype|\?xml)\b", re.I)
_SNIFFED = 1024  # the bytes a browser reads to guess a type
_SOUND = re.compile(r"\[sound:([^\]\n]{1,500})\]")
# Uploaded text: every pattern stays linear. A tag ends at the next "<" too, and a name
# starts only where no name character stands before it, so no match restarts inside one.
IMAGE_TAG = re.compile(r"<img\b[^<>]*>", re.I)
_ATTRIBUTE = re.compile(
    r"""(?<![\w-])([a-zA-Z-]+)[ \t\n]*=[ \t\n]*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
)
_CHUNK = 64 * 1024
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_NOTES_NAMED = 3  # notes quoted in a warning about one file


class MediaRefused(ValueError):
    """A file that cannot go on a card; the message says why, for the teacher."""


class MediaLimitExceeded(Exception):
    """The upload's media break a cap that makes the whole import stop."""


@dataclass(frozen=True)
class MediaFile:
    name: str  # the label cards used; shown as alt text and used again on export
    sha256: str
    content_type: str
    data: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None
    member: str = ""  # the archive member it was read from, for the import preview

    @property
    def url(self) -> str:
        return media_url(self.sha256, self.content_type)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def identify(data: bytes, *, max_image_pixels: int) -> tuple[str, int | None, int | None]:
    """(content type, width, height) of a picture or sound, from its bytes alone.

    Raises MediaRefused for anything else: SVG and HTML (they can carry script), a file
    whose bytes are no accepted type, a picture Pillow can't read, or one whose header
    claims more pixels than `max_image_pixels` (a decompression bomb).
    """
    kind = filetype.guess(data)
    content_type = _SAME_TYPE.get(kind.mime, kind.mime) if kind else None
    if _MARKUP.search(data[:_SNIFFED]) or _MARKUP.search(_trailer(data, content_type)):
        raise MediaRefused("it holds HTML or SVG markup (a web page or script, not a card file)")
    if content_type not in ACCEPTED_TYPES:
        found = f" ({content_type})" if content_type else ""
        raise MediaRefused(
            f"it is not a picture or sound Stamp can show{found}; "
            f"accepted: {', '.join(ACCEPTED_TYPES.values())}"
        )
    if not content_type.startswith("image/"):
        return content_type, None, None
    width, height = _image_size(data, content_type, max_image_pixels)
    return content_type, width, height


def _trailer(data: bytes, content_type: str | None) -> bytes:
    """What follows the end of a picture or sound's own data, where a polyglot hides a page.

    Only the start (which browsers sniff) and this tail are searched for markup: inside
    compressed data the same bytes turn up by chance, about once per gigabyte.
    """
    if content_type == "image/png" and (end := data.rfind(b"IEND")) >= 0:
        return data[end + 8 :]  # the chunk type, then its 4-byte CRC
    if content_type == "image/jpeg" and (end := data.rfind(b"\xff\xd9")) >= 0:
        return data[end + 2 :]
    if data[:4] == b"RIFF" and len(data) >= 8:  # WebP, WAV: the header says how long
        return data[8 + int.from_bytes(data[4:8], "little") :]
    return b""


def _image_size(data: bytes, content_type: str, max_image_pixels: int) -> tuple[int, int]:
    try:
        with Image.open(io.BytesIO(data), formats=list(_PILLOW_FORMATS)) as image:
            width, height = image.size
            if width * height > max_image_pixels:
                raise MediaRefused(
                    f"the picture claims {width:,} x {height:,} pixels; the most is "
                    f"{max_image_pixels:,} pixels"
                )
            if _PILLOW_FORMATS.get(image.format or "") != content_type:
                raise MediaRefused("the picture's contents don't match its own header")
            image.verify()
    except Image.DecompressionBombError as error:
        raise MediaRefused(
            f"the picture claims more than {max_image_pixels:,} pixels (a decompression bomb)"
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise MediaRefused(f"the picture can't be read ({error})") from error
    return width, height


def media_file(name: str, data: bytes, *, limits: ImportLimits, member: str = "") -> MediaFile:
    """A checked MediaFile for `data`; raises MediaRefused."""
    if len(data) > limits.max_media_file_bytes:
        raise MediaRefused(_too_big(len(data), limits))
    content_type, width, height = identify(data, max_image_pixels=limits.max_image_pixels)
    return MediaFile(
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        data=data,
        width=width,
        height=height,
        member=member,
    )


def _too_big(size: int, limits: ImportLimits) -> str:
    return (
        f"the file is {human_size(size)}; the most one picture or sound may be is "
        f"{human_size(limits.max_media_file_bytes)}"
    )


def referenced_names(field_html: str) -> list[str]:
    """The files a field names: <img src="..."> and [sound:...], as the archive calls them."""
    names = [_image_name(tag) for tag in IMAGE_TAG.findall(field_html)]
    names += [_clean_name(name) for name in _SOUND.findall(field_html)]
    return [name for name in names if name and not MEDIA_URL.fullmatch(name)]


def _image_name(tag: str) -> str:
    return _clean_name(_attributes(tag).get("src", ""))


def _clean_name(name: str) -> str:
    return unquote(unescape(name)).strip()


def _attributes(tag: str) -> dict[str, str]:
    return {
        match[1].lower(): match[2] or match[3] or match[4] or ""
        for match in _ATTRIBUTE.finditer(tag)
    }


@dataclass
class MediaCollector:
    """Reads the files that cards name from a zip archive, once each, within the caps.

    `members` maps a name as cards write it to the archive member holding it (Anki numbers
    its members "0", "1", ... and lists their names in `media`). Problems are collected
    per file with the notes that use it, so one broken picture is one warning that says
    where it is used, not one per card.
    """

    archive: zipfile.ZipFile
    members: dict[str, str]
    limits: ImportLimits
    files: dict[str, MediaFile] = field(default_factory=dict)  # by name
    refused: dict[str, str] = field(default_factory=dict)  # name -> why
    used_by: dict[str, list[str]] = field(default_factory=dict)  # name -> entries
    unzipped: int = 0

    def link(self, field_html: str, entry: str) -> str:
        """`field_html` with its media names replaced by the stored files' URLs.

        A file that can't be used is left out of the field (the sanitiser would drop it
        anyway) and reported once in `problems()`.
        """
        html = IMAGE_TAG.sub(lambda match: self._image(match[0], entry), field_html)
        return _SOUND.sub(lambda match: self._sound(match[1], entry), html)

    def _image(self, tag: str, entry: str) -> str:
        attributes = _attributes(tag)
        src = attributes.get("src", "")
        if MEDIA_URL.fullmatch(src):
            return tag
        media = self._file(_clean_name(src), entry)
        if media is None or not media.is_image:
            if media is not None:
                self.refused[media.name] = "it is a sound, shown where a picture belongs"
            return ""
        # The author's alt text, or none: a file name is no description (decks.services.media).
        alt = unescape(attributes.get("alt", ""))
        return image_html(media.url, alt=alt, width=media.width, height=media.height)

    def _sound(self, name: str, entry: str) -> str:
        media = self._file(_clean_name(name), entry)
        if media is None or media.is_image:
            if media is not None:
                self.refused[media.name] = "it is a picture, played where a sound belongs"
            return ""
        return f'<audio controls preload="none" src="{media.url}"></audio>'

    def _file(self, name: str, entry: str) -> MediaFile | None:
        users = self.used_by.setdefault(name, [])
        if entry not in users:
            users.append(entry)
        if name in self.files:
            return self.files[name]
        if name in self.refused:
            return None
        try:
            self.files[name] = self.read(name)
        except MediaRefused as refused:
            self.refused[name] = str(refused)
            return None
        return self.files[name]

    def read(self, name: str) -> MediaFile:
        """The file cards call `name`, checked; raises MediaRefused or MediaLimitExceeded."""
        member = self.members.get(name)
        if member is None:
            raise MediaRefused("the package doesn't have this file")
        if len(self.files) >= self.limits.max_media_files:
            raise MediaLimitExceeded(
                f"the cards use more than {self.limits.max_media_files:,} pictures and sounds, "
                "the most one import may hold: split the deck"
            )
        info = self.archive.getinfo(member)
        if info.file_size > self.limits.max_media_file_bytes:
            raise MediaRefused(_too_big(info.file_size, self.limits))
        return media_file(name, self._bytes(member), limits=self.limits, member=member)

    def _bytes(self, member: str) -> bytes:
        """The member's bytes, counted as they stream: declared sizes can lie.

        Anki 2.1.50 and later compress each media member with zstd; those are unpacked
        under the same caps.
        """
        try:
            with self.archive.open(member) as stream:
                data = self._counted(iter(lambda: stream.read(_CHUNK), b""))
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as error:
            raise MediaRefused(f"this part of the package is damaged ({error})") from error
        if not data.startswith(ZSTD_MAGIC):
            return data
        self.unzipped -= len(data)  # counted again as it unpacks
        try:
            reader = zstandard.ZstdDecompressor().stream_reader(data, read_across_frames=True)
            with reader:
                return self._counted(iter(lambda: reader.read(_CHUNK), b""))
        except zstandard.ZstdError as error:
            raise MediaRefused(f"the file is damaged ({error})") from error

    def _counted(self, chunks: Iterable[bytes]) -> bytes:
        kept, size = [], 0
        for chunk in chunks:
            size += len(chunk)
            self.unzipped += len(chunk)
            if self.unzipped > self.limits.max_media_bytes:
                raise MediaLimitExceeded(
                    "the pictures and sounds the cards use unpack to more than "
                    f"{human_size(self.limits.max_media_bytes)}, the most one import may hold"
                )
            if size > self.limits.max_media_file_bytes:
                raise MediaRefused(_too_big(size, self.limits))
            kept.append(chunk)
        return b"".join(kept)

    def problems(self) -> list[Problem]:
        """One warning per file left out, naming the file and the notes that use it."""
        return [
            Problem(f"{_quoted(name)} left out: {why}; used by {self._users(name)}")
            for name, why in self.refused.items()
        ]

    def _users(self, name: str) -> str:
        users = self.used_by.get(name, [])
        shown = ", ".join(users[:_NOTES_NAMED])
        more = len(users) - _NOTES_NAMED
        return f"{shown} and {more} more" if more > 0 else shown

    def by_hash(self) -> dict[str, MediaFile]:
        return {media.sha256: media for media in self.files.values()}


def _quoted(name: str) -> str:
    return f'"{name[:80]}"'
