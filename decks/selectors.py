"""Reads that several views share.

The study loop's reads (the home page's deck overviews, today's progress, the next deck
to study) live with the loop, in `decks.services.study`.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from decks.models import (
    Deck,
    ImportUpload,
    Media,
)


def decks_for(user: AbstractBaseUser) -> QuerySet[Deck]:
    """The decks `user` may study: those of their classes, and those they teach or edit."""
    if not user.is_authenticated:
        return Deck.objects.none()
    if user.is_superuser:
        return Deck.objects.all()
    # A subquery rather than joins, so callers can annotate counts without duplicates.
    allowed = Deck.objects.filter(
        Q(classrooms__students=user)
        | Q(classrooms__teachers=user)
        | Q(owner=user)
        | Q(editors=user)
    ).values("pk")
    return Deck.objects.filter(pk__in=allowed)


def media_visible_to(user: AbstractBaseUser, sha256: str) -> Media | None:
    """The stored file with this hash in a deck `user` may study or edit, if there is one."""
    return Media.objects.filter(sha256=sha256, deck__in=decks_for(user)).first()


def pending_upload_with_media(user: AbstractBaseUser, sha256: str) -> ImportUpload | None:
    """`user`'s own upload awaiting confirmation that holds the file with this hash."""
    if not user.is_authenticated:
        return None
    return (
        ImportUpload.objects.filter(
            uploaded_by=user,
            media_members__has_key=sha256,
            created_at__gte=timezone.now() - ImportUpload.TTL,
        )
        .order_by("-created_at")
        .first()
    )
