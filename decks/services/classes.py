"""Classes: joining with a code, leaving, and what a class changes about studying."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from decks.models import Classroom, Deck, Membership, StudentProfile, new_join_code


class JoinRefused(Exception):
    """The code does not let this student in; the message says why."""


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def class_join(*, student: AbstractBaseUser, code: str) -> Classroom:
    """Add `student` to the class with this join code; joining twice is harmless."""
    classroom = Classroom.objects.filter(join_code=normalise_code(code)).first()
    if classroom is None:
        raise JoinRefused(_("No class has that code. Check it with your teacher."))
    if not classroom.join_enabled:
        raise JoinRefused(
            _("%(name)s is not taking new students with this code.") % {"name": classroom.name}
        )
    Membership.objects.get_or_create(classroom=classroom, student=student)
    return classroom


def class_leave(*, student: AbstractBaseUser, classroom: Classroom) -> None:
    """Remove the student from the class; their reviews and schedules stay."""
    Membership.objects.filter(classroom=classroom, student=student).delete()


def join_code_regenerate(*, classroom: Classroom) -> str:
    """A new code; the old one stops working at once."""
    with transaction.atomic():
        classroom.join_code = new_join_code()
        while Classroom.objects.filter(join_code=classroom.join_code).exists():
            classroom.join_code = new_join_code()
        classroom.save(update_fields=["join_code"])
    return classroom.join_code


def class_create(*, teacher: AbstractBaseUser, name: str, decks: list[Deck] = ()) -> Classroom:
    classroom = Classroom.objects.create(name=name)
    classroom.teachers.add(teacher)
    classroom.decks.set(decks)
    return classroom


def upcoming_exam_for(*, student_id: int, deck_id: int, today: date) -> date | None:
    """The earliest exam still ahead in a class of this student that studies this deck."""
    return Classroom.objects.filter(
        students__pk=student_id, decks__pk=deck_id, exam_date__gt=today
    ).aggregate(exam=Min("exam_date"))["exam"]


def display_name(user: AbstractBaseUser) -> str:
    profile = getattr(user, "profile", None)
    if profile is not None and profile.display_name:
        return profile.display_name
    return user.get_short_name() or user.get_username()


def profile_for(user: AbstractBaseUser) -> StudentProfile:
    profile, _ = StudentProfile.objects.get_or_create(user=user)
    return profile
