"""Storing a deck's pictures and sound, and putting one picture on a card.

Files are content-addressed: stored once under their sha256 in Django's default storage,
whatever deck or card uses them, and a `Media` row per deck says that deck may show it.
Storage is not part of the database transaction, so writers collect the names of files
they newly wrote, and `files_removed_on_failure` takes them back when the transaction
fails: a failed import leaves no file behind.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from functools import partial
from pathlib import PurePosixPath

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from decks.html import MEDIA_EXTENSIONS, clean_card_html, image_html, media_hashes, media_url
from decks.importers.base import ImportLimits
from decks.importers.media import IMAGE_TAG, MediaFile, MediaRefused, media_file
from decks.models import Card, Deck, Media, media_storage_name
from decks.selectors import decks_editable_by

# Longer than any import's transaction: files younger than this may be about to get a row.
PURGE_GRACE = timedelta(hours=1)


def media_store(*, deck: Deck, files: Iterable[MediaFile], written: list[str]) -> list[Media]:
    """Make each file available to `deck`: a row per deck, the bytes stored once.

    Appends to `written` the storage names this call wrote, so the caller can remove them
    if its transaction does not commit.
    """
    rows = []
    existing = {row.sha256: row for row in deck.media.all()}
    for media in files:
        if media.sha256 in existing:
            rows.append(existing[media.sha256])
            continue
        name = media_storage_name(media.sha256, MEDIA_EXTENSIONS[media.content_type])
        if default_storage.exists(name):
            # Another import that wrote it may yet fail and take it back: once this row
            # is committed, the file is put back if it went.
            transaction.on_commit(partial(_restore_if_gone, name, media.data))
        else:
            default_storage.save(name, ContentFile(media.data))
            written.append(name)
        row = Media.objects.create(
            deck=deck,
            sha256=media.sha256,
            name=PurePosixPath(media.name).name[:255] or name,
            content_type=media.content_type,
            size=media.size,
            width=media.width,
            height=media.height,
            file=name,
        )
        existing[media.sha256] = row
        rows.append(row)
    return rows


def media_files_save(*, files: Iterable[MediaFile], written: list[str]) -> None:
    """Store the bytes of `files` that storage lacks, before the transaction that gives
    them their rows: an import in the task worker shows this as a step of its own.

    Appends the names it wrote to `written`; inside `files_removed_on_failure` they go
    again if the rows never come, and a file that ends up in no row is purged later.
    """
    for media in files:
        name = media_storage_name(media.sha256, MEDIA_EXTENSIONS[media.content_type])
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(media.data))
            written.append(name)


def _restore_if_gone(name: str, data: bytes) -> None:
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))


_written: ContextVar[list[str] | None] = ContextVar("media_files_written", default=None)


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Yield a list for storage names written inside; remove them if the block raises.

    Nested blocks share the outermost list and only it removes, so a caller whose own
    transaction wraps an import (the admin's confirm) takes back the files when anything
    in it fails, not just the import. A name a committed row still uses stays.
    """
    if (outer := _written.get()) is not None:
        yield outer
        return
    written: list[str] = []
    token = _written.set(written)
    try:
        yield written
    except BaseException:
        for name in written:
            if not Media.objects.filter(file=name).exists():
                default_storage.delete(name)
        raise
    finally:
        _written.reset(token)


def media_adopt(*, deck: Deck, html: Iterable[str], user: AbstractBaseUser | None) -> None:
    """Give `deck` the files its card HTML names that another deck `user` edits already has.

    Card HTML can name a stored file without carrying its bytes: a deck's CSV export
    imported as a copy, HTML pasted in the admin. Students of `deck` may then see it too.
    A file in no deck `user` edits stays unseen: its hash alone grants nothing. `user`
    None is the operator's command line, who may take it from any deck.
    """
    wanted = {sha256 for text in html for sha256 in media_hashes(text)}
    wanted -= set(deck.media.values_list("sha256", flat=True))
    if not wanted:
        return
    sources = Media.objects.filter(sha256__in=wanted)
    if user is not None:
        sources = sources.filter(deck__in=decks_editable_by(user))
    for source in {row.sha256: row for row in sources}.values():
        Media.objects.create(
            deck=deck,
            sha256=source.sha256,
            name=source.name,
            content_type=source.content_type,
            size=source.size,
            width=source.width,
            height=source.height,
            file=source.file.name,
        )


def media_unused_delete(*, deck: Deck) -> int:
    """Take from `deck` the files none of its cards shows any more, so a picture a teacher
    removed is no longer served to its students or exported; the bytes stay while any
    deck uses them (purge_media sweeps the rest)."""
    used = {
        sha256
        for front, back in deck.cards.values_list("front", "back")
        for sha256 in media_hashes(front + back)
    }
    deleted, _ = deck.media.exclude(sha256__in=used).delete()
    return deleted


def image_tag(media: Media, *, alt: str = "") -> str:
    """The card HTML that shows a stored picture. Its alt text is empty unless given: the
    card's own text says what the picture is about, and a file name ("IMG_2041") is noise
    to a screen reader, or on a picture-only front may even give the answer away."""
    url = media_url(media.sha256, media.content_type)
    return image_html(url, alt=alt, width=media.width, height=media.height)


def card_image_set(*, card: Card, side: str, name: str, data: bytes, limits: ImportLimits) -> Card:
    """Put the picture `data` on `card`'s `side` ("front" or "back"), replacing the first
    picture already there, or after the text when there is none.

    Raises decks.importers.media.MediaRefused when the file is no picture Stamp shows.
    """
    picture = media_file(name, data, limits=limits)
    if not picture.is_image:
        raise MediaRefused("it is a sound, not a picture")
    with files_removed_on_failure() as written, transaction.atomic():
        (row,) = media_store(deck=card.deck, files=[picture], written=written)
        html = getattr(card, side)
        tag = image_tag(row)
        if IMAGE_TAG.search(html):
            html = IMAGE_TAG.sub(lambda _: tag, html, count=1)
        else:
            html = f"{html}<br>{tag}" if html else tag
        setattr(card, side, clean_card_html(html))
        card.save(update_fields=[side, "updated_at"])
        media_unused_delete(deck=card.deck)
    return card


def card_image_remove(*, card: Card, side: str) -> Card:
    """Take the first picture off `card`'s `side`; the deck keeps the file for other cards."""
    html = IMAGE_TAG.sub("", getattr(card, side), count=1)
    setattr(card, side, clean_card_html(html.removesuffix("<br>")))
    with transaction.atomic():
        card.save(update_fields=[side, "updated_at"])
        media_unused_delete(deck=card.deck)
    return card


def media_files_purge(*, dry_run: bool = False, older_than: timedelta = PURGE_GRACE) -> list[str]:
    """Delete stored files that no deck uses any more (their decks were deleted).

    Deleting a deck removes its `Media` rows in the database's cascade, but the bytes may be
    shared with other decks, so storage is swept here rather than on each delete. Files
    written in the last `older_than` are spared: an import may be about to commit their rows.
    """
    used = set(Media.objects.values_list("file", flat=True))
    folders, _ = default_storage.listdir("media") if default_storage.exists("media") else ([], [])
    cutoff = timezone.now() - older_than
    unused = [
        name
        for folder in folders
        for name in (
            f"media/{folder}/{file}" for file in default_storage.listdir(f"media/{folder}")[1]
        )
        if name not in used and default_storage.get_modified_time(name) < cutoff
    ]
    if not dry_run:
        for name in unused:
            default_storage.delete(name)
    return unused
