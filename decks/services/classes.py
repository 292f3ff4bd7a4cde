"""Classes: joining with a code, leaving, and what a class changes about studying."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from decks.models import (
    CardState,
    Classroom,
    Deck,
    Membership,
    StudentProfile,
    new_join_code,
)
from decks.selectors import decks_editable_by
from decks.services.clock import today_for_study
from decks.services.scheduling import clamp_to_exam

_TYPABLE_CODE = re.compile(r"[A-Z0-9]{4,16}")


class JoinRefused(Exception):
    """The code does not let this student in; the message says why."""


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


def join_code_shaped(code: str) -> bool:
    """Whether `code` could be a class's code: letters and digits, no longer than the field.

    Looser than the generated alphabet, which older and demo codes (DEMOKLAS) predate.
    """
    return bool(_TYPABLE_CODE.fullmatch(normalise_code(code)))


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
    exam_clamp_apply(classroom=classroom, today=today_for_study())
    return classroom


def class_joined_with(*, student: AbstractBaseUser, code: str) -> Classroom | None:
    """The class with this code if `student` is already in it: a member who opens the
    join link again is told so instead of being "joined" a second time."""
    return Classroom.objects.filter(join_code=normalise_code(code), students=student).first()


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


def class_create(
    *,
    teacher: AbstractBaseUser,
    name: str,
    decks: list[Deck] = (),
    exam_date: date | None = None,
) -> Classroom:
    with transaction.atomic():
        classroom = Classroom.objects.create(name=name, exam_date=exam_date)
        classroom.teachers.add(teacher)
        classroom.decks.set(decks)
    return classroom


@contextmanager
def class_save(*, classroom: Classroom, teacher: AbstractBaseUser, today: date) -> Iterator[None]:
    """Wrap the saving of `classroom`'s form by `teacher` (the class page's or the admin's).

    The form offers only the decks `teacher` may edit, so saving it would drop a
    co-teacher's decks from the class: those stay. Then the class's exam brings forward
    what its students have scheduled past it (a new exam date, decks just ticked). All of
    it in one transaction with the save.
    """
    with transaction.atomic():
        kept = list(classroom.decks.exclude(pk__in=decks_editable_by(teacher)))
        yield
        classroom.decks.add(*kept)
        exam_clamp_apply(classroom=classroom, today=today)


def deck_classes_add(*, deck: Deck, classrooms, today: date) -> list[Classroom]:
    """Put `deck` in each class, so its students study it from now on.

    A deck reaches students only through a class; the class's exam then brings forward
    what its students already have scheduled past it, as a deck ticked in the class does.
    """
    added = []
    for classroom in classrooms:
        classroom.decks.add(deck)
        exam_clamp_apply(classroom=classroom, today=today)
        added.append(classroom)
    return added


def upcoming_exam_for(*, student_id: int, deck_id: int, today: date) -> date | None:
    """The earliest exam still ahead in a class of this student that studies this deck.

    The rule as the ORM states it; the answer's read in `decks.services.study` states it
    in SQL, and tests/services/study/test_parity.py keeps the two in step.
    """
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


def exam_clamp_apply(*, classroom: Classroom, today: date) -> int:
    """Bring forward due dates already past the class's upcoming exam.

    New answers are clamped as they are recorded; this catches what was scheduled before
    the exam date was set, or before a student joined. SM-2's own state is untouched.
    """
    if classroom.exam_date is None or today >= classroom.exam_date:
        return 0
    limit = clamp_to_exam(date.max, today=today, exam_date=classroom.exam_date)
    return CardState.objects.filter(
        student__in=classroom.students.all(), deck__in=classroom.decks.all(), due__gt=limit
    ).update(due=limit)


def classes_without_teachers_close(class_ids: list[int]) -> int:
    """Stop joining to those of `class_ids` that have no teacher left (after a deletion).

    A class without a teacher would go on admitting students with its code, with no one
    to see them or change its decks; its students and their progress stay. A superuser
    finds it in the admin and can give it a teacher. Returns how many were closed.
    """
    orphans = Classroom.objects.filter(pk__in=class_ids, teachers__isnull=True)
    return orphans.filter(join_enabled=True).update(join_enabled=False)
