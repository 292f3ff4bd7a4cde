"""Reads that several views share: who may study, edit, teach or be picked, as querysets.

The rule for reads, in STYLE.md's words (services write, selectors read):

- **Selectors** (this module) are the reads several views, the admin and services share,
  most of them "what may this user see": `decks_for`, `decks_editable_by`,
  `classes_taught_by`, `colleagues_of`. They return querysets or rows and never write.
- **The study loop's reads live inside the loop**, `decks.services.study`: the queue, the
  answer's read and the home page's counts are one hot path with its own hand-written SQL,
  read and written together.
- **Services write**, and hold the rules of their domain. A read that only one domain's
  page makes (the statistics page's figures, a class's progress, the leaderboard) lives in
  that domain's service beside the rule it applies, not here.

Imports run one way: this module imports the models and Django only, never
`decks.services`; services import selectors (tests/test_selectors.py reads the source to
say so). A read that needs a service is not a selector.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import (
    Q,
    QuerySet,
)
from django.utils import timezone

from decks.models import (
    TEACHERS_GROUP,
    Card,
    Classroom,
    Deck,
    ImportUpload,
    Media,
)


def decks_for(user: AbstractBaseUser) -> QuerySet[Deck]:
    """The decks `user` may study: those of their classes, and those they teach or edit.

    The answer's read in `decks.services.study` says the same in SQL;
    tests/services/study/test_parity.py keeps the two in step.
    """
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


def decks_editable_by(user: AbstractBaseUser) -> QuerySet[Deck]:
    """Decks a teacher may change: their own and those shared with them (all, for superusers)."""
    if user.is_superuser:
        return Deck.objects.all()
    if not user.is_authenticated:
        return Deck.objects.none()
    return Deck.objects.filter(Q(owner=user) | Q(editors=user)).distinct()


def cards_editable_by(user: AbstractBaseUser) -> QuerySet[Card]:
    return Card.objects.filter(deck__in=decks_editable_by(user))


def classes_taught_by(user: AbstractBaseUser) -> QuerySet[Classroom]:
    if user.is_superuser:
        return Classroom.objects.all()
    return Classroom.objects.filter(teachers=user)


def is_class_teacher(user: AbstractBaseUser, classroom: Classroom) -> bool:
    return classroom.teachers.filter(pk=user.pk).exists()


def is_teacher(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.groups.filter(name=TEACHERS_GROUP).exists()


def _teachers() -> QuerySet:
    return get_user_model().objects.filter(Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True))


def colleagues_of(user: AbstractBaseUser) -> QuerySet:
    """The teachers `user` may pick as co-teacher or deck editor from a list: themselves, the
    co-teachers of their classes and the owners and editors of the decks they edit.

    A list of every teacher and superuser would tell any teacher every staff username; a
    teacher outside this circle is added by their exact username (`teacher_named`).
    Superusers pick from everyone.
    """
    if user.is_superuser:
        return _teachers().distinct().order_by("username")
    decks = decks_editable_by(user)
    working_with = (
        Q(pk=user.pk)
        | Q(classes_taught__in=classes_taught_by(user))
        | Q(owned_decks__in=decks)
        | Q(shared_decks__in=decks)
    )
    return _teachers().filter(working_with).distinct().order_by("username")


def teacher_named(username: str):
    """The teacher (or superuser) with exactly this username, or None."""
    return _teachers().filter(username=username.strip()).first()


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
