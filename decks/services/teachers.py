"""The Teachers group: who may use the admin for decks and cards, and which decks."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db.models import Q, QuerySet

from decks.models import Card, Deck

TEACHERS_GROUP = "Teachers"
# (app_label, model) pairs whose add/change/delete/view permissions teachers hold.
TEACHER_MODELS = [
    ("decks", "deck"),
    ("decks", "card"),
    ("decks", "classroom"),
    ("decks", "membership"),
]


def teachers_group_ensure() -> Group:
    """Create the Teachers group, or bring its permissions up to date; safe to repeat."""
    group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    wanted = Q()
    for app_label, model in TEACHER_MODELS:
        wanted |= Q(content_type__app_label=app_label, content_type__model=model)
    group.permissions.set(Permission.objects.filter(wanted))
    return group


def is_teacher(user: AbstractBaseUser) -> bool:
    return user.is_authenticated and user.groups.filter(name=TEACHERS_GROUP).exists()


def decks_editable_by(user: AbstractBaseUser) -> QuerySet[Deck]:
    """Decks a teacher may change: their own and those shared with them (all, for superusers)."""
    if user.is_superuser:
        return Deck.objects.all()
    if not user.is_authenticated:
        return Deck.objects.none()
    return Deck.objects.filter(Q(owner=user) | Q(editors=user)).distinct()


def cards_editable_by(user: AbstractBaseUser) -> QuerySet[Card]:
    return Card.objects.filter(deck__in=decks_editable_by(user))


def classes_taught_by(user: AbstractBaseUser) -> QuerySet:
    from decks.models import Classroom

    if user.is_superuser:
        return Classroom.objects.all()
    return Classroom.objects.filter(teachers=user)


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
