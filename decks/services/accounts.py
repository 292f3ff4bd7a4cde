"""A student's own account: its e-mail address, all its data out as JSON, or the account
gone for good; and the way back in a teacher can give a student who lost the password."""

import logging

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from decks.models import CardState, Classroom, ReviewLog
from decks.selectors import is_teacher

logger = logging.getLogger(__name__)


def account_email_change(*, user: AbstractBaseUser, email: str) -> None:
    """Set the address a forgotten-password link is sent to (empty: none)."""
    user.email = get_user_model().objects.normalize_email(email)
    user.save(update_fields=["email"])


class ResetRefused(Exception):
    """The teacher may not reset this account's password."""


def student_password_reset_link(
    *, teacher: AbstractBaseUser, student: AbstractBaseUser, classroom: Classroom
) -> str:
    """A one-time link (path) on which `student` chooses a new password, for their teacher
    to hand over when the student has no e-mail address or no longer reads it.

    It is Django's own reset link: it stops working once the password changes or after
    PASSWORD_RESET_TIMEOUT, and the old password keeps working until it is used. Teachers,
    staff and superusers are refused, so a teacher can never take over a colleague's
    account through a class they both sit in. Each link made is logged, in the admin's
    history of the student's account and in the application log.
    """
    if not classroom.teachers.filter(pk=teacher.pk).exists():
        raise ResetRefused("Only a teacher of the class may reset a student's password.")
    if not classroom.students.filter(pk=student.pk).exists():
        raise ResetRefused("The account is not a student of this class.")
    if student.is_staff or student.is_superuser or is_teacher(student):
        raise ResetRefused("A teacher's or an administrator's password is not reset here.")
    LogEntry.objects.log_actions(
        user_id=teacher.pk,
        queryset=[student],
        action_flag=CHANGE,
        change_message=f"Password-reset link made by a teacher of class {classroom.pk}.",
        single_object=True,
    )
    logger.info(
        "Teacher %s made a password-reset link for student %s (class %s).",
        teacher.pk,
        student.pk,
        classroom.pk,
    )
    return reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(student.pk)),
            "token": default_token_generator.make_token(student),
        },
    )


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def account_data(*, user: AbstractBaseUser) -> dict:
    """Everything Stamp keeps about `user`: profile, classes, decks studied, schedule, log.

    Cards are named by deck slug and card key, the same identity a deck export and a
    re-import keep, so the schedule and log can be matched to the cards again later.
    """
    states = CardState.objects.filter(student=user).select_related("card__deck")
    logs = ReviewLog.objects.filter(student=user).select_related("card__deck").order_by("id")
    profile = getattr(user, "profile", None)
    return {
        "format": "stamp-account-export/1",
        "user": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "display_name": profile.display_name if profile else "",
            "hide_from_leaderboard": profile.hide_from_leaderboard if profile else False,
        },
        "classes": [c.name for c in user.classes_joined.order_by("name")],
        "decks": sorted({s.card.deck.slug for s in states}),
        "schedule": [
            {
                "deck": s.card.deck.slug,
                "card": s.card.key,
                "front": s.card.front,
                "repetitions": s.repetitions,
                "easiness": str(s.easiness),
                "interval": s.interval,
                "due": _iso(s.due),
                "lapses": s.lapses,
                "reviews": s.reviews,
            }
            for s in states
        ],
        "reviews": [
            {
                "deck": log.card.deck.slug,
                "card": log.card.key,
                "front": log.card.front,
                "sequence": log.sequence,
                "rating": log.rating,
                "reviewed_at": _iso(log.reviewed_at),
                "study_day": _iso(log.study_day),
                "scheduled": log.scheduled,
                "time_taken_ms": log.time_taken_ms,
                "before": [log.repetitions_before, str(log.easiness_before), log.interval_before],
                "after": [log.repetitions_after, str(log.easiness_after), log.interval_after],
                "due_before": _iso(log.due_before),
                "due_after": _iso(log.due_after),
            }
            for log in logs
        ],
    }


def account_delete(*, user: AbstractBaseUser) -> None:
    """Delete the account with its schedule, review log, activity and memberships."""
    with transaction.atomic():
        user.delete()


@task
def password_reset_mail_send(*, email: str, domain: str, use_https: bool) -> None:
    """Send the password-reset mail to every active account with `email`, if there is any.

    A task, so that the reset page does the same work, and takes the same time, whether
    the address has an account or not: the page only enqueues this; the lookup and the
    mail happen in the task worker, where nobody times them.
    """
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            extra_email_context={"site_name": "Stamp"},  # signed as the app, not the host
        )
