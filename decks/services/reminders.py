"""Daily reminders a student asked for: one a day at their hour, only when cards wait.

`reminders_send` runs from `manage.py send_reminders`, which cron calls every quarter hour.
It reads the students whose hour has come in a few queries per thousand, claims each
student's day with one conditional UPDATE (`sent_on` moves to today only where it was
before), and sends only to the students it claimed: a second run, or two at once, sends
nothing twice. A failed delivery is not retried that day: a reminder late or missing is
better than two.

A run's time goes into building the mails (Python's `email` package, 3-5 ms each) and
waiting for push services (one HTTPS request per device). So the pushes go out on a few
threads over kept-alive connections while this thread builds the mails; the threads only
send, the database is written here (bench/README.md, Reminders, has the figures).
"""

import email.policy
import json
import logging
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from decks.models import DailyActivity, Deck, PushSubscription, Reminder
from decks.services.clock import today_for_study

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "stamp.reminders.unsubscribe"
# Students read and claimed per round: bounded parameter lists, bounded memory.
BATCH = 1000
# Push requests in flight at once: each mostly waits for the push service's answer.
PUSH_THREADS = 16


def reminder_set(
    *, student: User, by_email: bool, by_push: bool, hour: int, language: str
) -> Reminder:
    """Save what the student asked for; the reminder will speak `language`."""
    reminder, _ = Reminder.objects.update_or_create(
        student=student,
        defaults={"by_email": by_email, "by_push": by_push, "hour": hour, "language": language},
    )
    return reminder


def push_subscription_save(
    *, student: User, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Keep a device's push subscription; an endpoint seen before now belongs to `student`
    (the device changed hands, or the browser renewed it)."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"student": student, "p256dh": p256dh, "auth": auth}
    )
    return subscription


def push_subscription_delete(*, student: User, endpoint: str) -> None:
    PushSubscription.objects.filter(student=student, endpoint=endpoint).delete()


def unsubscribe_token(student_id: int) -> str:
    """A signed, permanent token that turns off one student's e-mail reminders."""
    return signing.dumps(student_id, salt=UNSUBSCRIBE_SALT)


def reminder_unsubscribe(*, token: str) -> bool:
    """Turn off e-mail reminders for the student `token` names; False for a bad token."""
    try:
        student_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return False
    Reminder.objects.filter(student_id=student_id).update(by_email=False)
    return True


@dataclass
class ReminderRun:
    emails: int = 0
    pushes: int = 0
    # Students whose hour had come but who had nothing waiting or had already studied.
    skipped: int = 0
    expired_subscriptions: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Waiting:
    """What waits for one student: due cards in all, and the deck with the most."""

    cards: int
    deck_title: str
    deck_slug: str
    deck_cards: int


# Due cards per student and deck, in decks the student may still study (their classes'
# or their own), retired cards left out. Reads the (student, deck, due, card) index.
_WAITING_SQL = """
SELECT x.student_id, x.deck_id, COUNT(*) AS n
FROM decks_cardstate x
WHERE x.student_id IN ({students}) AND x.due <= %s
  AND NOT EXISTS (SELECT 1 FROM decks_card k WHERE k.id = x.card_id AND k.retired_at IS NOT NULL)
  AND (EXISTS (SELECT 1 FROM decks_classroom_decks rd
               JOIN decks_membership m ON m.classroom_id = rd.classroom_id
               WHERE rd.deck_id = x.deck_id AND m.student_id = x.student_id)
       OR EXISTS (SELECT 1 FROM decks_deck d WHERE d.id = x.deck_id AND d.owner_id = x.student_id))
GROUP BY x.student_id, x.deck_id
"""

_CLAIM_SQL = """
UPDATE decks_reminder SET sent_on = %s
WHERE id IN ({ids}) AND (sent_on IS NULL OR sent_on < %s)
RETURNING id
"""


def _waiting_for(student_ids: list[int], today: date) -> dict[int, Waiting]:
    if not student_ids:
        return {}
    per_student: dict[int, dict[int, int]] = defaultdict(dict)
    with connection.cursor() as cursor:
        cursor.execute(
            _WAITING_SQL.replace("{students}", ",".join(["%s"] * len(student_ids))),
            [*student_ids, today],
        )
        for student_id, deck_id, n in cursor.fetchall():
            per_student[student_id][deck_id] = n
    top = {
        sid: max(decks.items(), key=lambda item: (item[1], -item[0]))
        for sid, decks in per_student.items()
    }
    decks = {
        d.pk: d
        for d in Deck.objects.filter(pk__in={deck_id for deck_id, _ in top.values()}).only(
            "pk", "title", "slug"
        )
    }
    return {
        sid: Waiting(
            cards=sum(per_student[sid].values()),
            deck_title=decks[deck_id].title,
            deck_slug=decks[deck_id].slug,
            deck_cards=n,
        )
        for sid, (deck_id, n) in top.items()
    }


def _claim(reminder_ids: list[int], day: date) -> set[int]:
    """Move `sent_on` to `day` where it was before; the ids this run may send to."""
    if not reminder_ids:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            _CLAIM_SQL.replace("{ids}", ",".join(["%s"] * len(reminder_ids))),
            [day, *reminder_ids, day],
        )
        return {row[0] for row in cursor.fetchall()}


def _absolute(path: str) -> str:
    return settings.STAMP_SITE_URL.rstrip("/") + path


class ReminderMessage(EmailMultiAlternatives):
    """A mail whose header lines may run to RFC 5322's 998 characters.

    The List-Unsubscribe link is one word of about 110 characters. Folding at the email
    package's default 78 turns such a word into RFC 2047 encoded-words, which mail programs
    do not read as a link, so the one-click unsubscribe would never show.
    """

    def message(self, *, policy: email.policy.Policy | None = None):
        policy = policy or email.policy.default
        return super().message(policy=policy.clone(max_line_length=998))


def reminder_email(*, student: User, waiting: Waiting, language: str):
    """The reminder mail, with a one-click unsubscribe link and List-Unsubscribe headers."""
    unsubscribe = _absolute(reverse("reminder_unsubscribe", args=[unsubscribe_token(student.pk)]))
    with translation.override(language):
        context = {
            "name": student.get_short_name() or student.get_username(),
            "waiting": waiting,
            "study_url": _absolute(reverse("study", args=[waiting.deck_slug])),
            "account_url": _absolute(reverse("account")),
            "unsubscribe_url": unsubscribe,
        }
        subject = ngettext(
            "%(count)d card is waiting for you in Stamp",
            "%(count)d cards are waiting for you in Stamp",
            waiting.cards,
        ) % {"count": waiting.cards}
        text = render_to_string("decks/email/reminder.txt", context)
        html = render_to_string("decks/email/reminder.html", context)
    message = ReminderMessage(
        subject,
        text,
        to=[student.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            # RFC 8058: the mail program may POST to the link to unsubscribe in one click.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def reminder_push_payload(*, waiting: Waiting, language: str) -> bytes:
    with translation.override(language):
        body = ngettext(
            "%(count)d card is waiting. %(deck)s has %(deck_count)d.",
            "%(count)d cards are waiting. %(deck)s has %(deck_count)d.",
            waiting.cards,
        ) % {"count": waiting.cards, "deck": waiting.deck_title, "deck_count": waiting.deck_cards}
    return json.dumps(
        {"title": "Stamp", "body": body, "url": reverse("study", args=[waiting.deck_slug])}
    ).encode()


def push_send(subscription: PushSubscription, payload: bytes, *, session=None) -> bool:
    """Send one Web Push message; False when the subscription has expired (404/410).

    Touches no database, so it can run on a worker thread; `session`, a `requests.Session`,
    keeps the connection to the push service alive from one message to the next.
    """
    from pywebpush import WebPushException, webpush  # imported when pushes are sent

    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=payload,
            vapid_private_key=settings.STAMP_VAPID_PRIVATE_KEY,
            # A fresh dict each time: pywebpush writes the service's origin into it.
            vapid_claims={"sub": settings.STAMP_VAPID_SUBJECT},
            ttl=12 * 3600,  # a reminder a day old helps no one
            timeout=10,
            requests_session=session,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            return False
        raise
    return True


def _push_or_none(subscription: PushSubscription, payload: bytes, session) -> bool | None:
    """`push_send`, with a failure logged and None: one device's failure stops no other."""
    try:
        return push_send(subscription, payload, session=session)
    except Exception as error:
        logger.warning("Reminder push failed: %s", error)
        return None


def _push_session():
    """A `requests.Session` that keeps one connection per push thread and service."""
    import requests

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_maxsize=PUSH_THREADS)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def reminders_send(*, now: datetime | None = None) -> ReminderRun:
    """Send today's reminders whose hour has come; see the module's docstring."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    day, study_today = local.date(), today_for_study(now)
    run = ReminderRun()
    due_now = (
        Reminder.objects.filter(Q(by_email=True) | Q(by_push=True), hour__lte=local.hour)
        .filter(Q(sent_on__isnull=True) | Q(sent_on__lt=day))
        .order_by("pk")
        .values_list("pk", "student_id", "by_email", "by_push", "language")
    )
    last = 0
    while True:
        batch = list(due_now.filter(pk__gt=last)[:BATCH])
        if not batch:
            break
        last = batch[-1][0]
        _send_batch(batch, day=day, study_today=study_today, run=run)
    return run


def _send_batch(batch: list[tuple], *, day: date, study_today: date, run: ReminderRun) -> None:
    student_ids = [row[1] for row in batch]
    studied = set(
        DailyActivity.objects.filter(student_id__in=student_ids, day=study_today, answers__gt=0)
        .values_list("student_id", flat=True)
        .distinct()
    )
    waiting = _waiting_for([sid for sid in student_ids if sid not in studied], study_today)
    wanted = [row for row in batch if row[1] in waiting]
    run.skipped += len(batch) - len(wanted)
    claimed = _claim([row[0] for row in wanted], day)
    rows = [row for row in wanted if row[0] in claimed]
    if not rows:
        return
    push_rows = {row[1]: row for row in rows if row[3]}
    devices = (
        list(PushSubscription.objects.filter(student_id__in=push_rows))
        if push_rows and settings.STAMP_VAPID_PRIVATE_KEY
        else []
    )
    payloads = [
        reminder_push_payload(
            waiting=waiting[device.student_id], language=push_rows[device.student_id][4]
        )
        for device in devices
    ]
    with _pushes_in_background(devices, payloads) as pushed:
        _send_mails(rows, waiting=waiting, run=run)
        outcomes = list(pushed)
    expired = []
    for device, sent in zip(devices, outcomes, strict=True):
        if sent:
            run.pushes += 1
        elif sent is None:
            run.failed.append(device.endpoint)
        else:
            expired.append(device.pk)
    if expired:
        run.expired_subscriptions += PushSubscription.objects.filter(pk__in=expired).delete()[0]


@contextmanager
def _pushes_in_background(
    devices: list[PushSubscription], payloads: list[bytes]
) -> Iterator[Iterator[bool | None]]:
    """Start sending the pushes on `PUSH_THREADS` threads, and give their outcomes in order
    (`push_send`'s, or None for a failure) as they come; the caller works meanwhile."""
    if not devices:
        yield iter(())
        return
    with _push_session() as session, ThreadPoolExecutor(PUSH_THREADS) as pool:
        yield pool.map(_push_or_none, devices, payloads, repeat(session))


def _send_mails(rows: list[tuple], *, waiting: dict[int, Waiting], run: ReminderRun) -> None:
    email_ids = [row[1] for row in rows if row[2]]
    users = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in=email_ids)
        .exclude(email="")
        .only("pk", "username", "first_name", "email")
    }
    messages = [
        reminder_email(student=users[sid], waiting=waiting[sid], language=language)
        for _, sid, by_email, _, language in rows
        if by_email and sid in users
    ]
    if messages:
        # One SMTP connection for the batch's messages.
        run.emails += mailers["default"].send_messages(messages) or 0
