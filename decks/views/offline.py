"""Studying without a connection: the page the service worker keeps for it."""

import hashlib
import json
import time

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from decks.forms import RATING_LABELS
from decks.models import AnswerMode
from decks.selectors import decks_for
from decks.services.answer_check import MAX_GIVEN_CHARS
from decks.services.answer_modes import OPTION_MAX_CHARS
from decks.services.choices import OPTIONS
from decks.services.offline import (
    MAX_ANSWERS,
    SAVED,
    OfflineAnswer,
    offline_answers_apply,
    study_pack,
)
from decks.views.htmx import LoggedInRequest


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """The page shown for a study page opened with no connection. It holds no one's data:
    the service worker keeps one copy for whoever uses the device, and the script fills it
    from what the device stored for the student."""
    # Rendered as for a visitor, so the kept copy names no one and reads no session.
    return render(
        request,
        "decks/offline.html",
        {
            "user": AnonymousUser(),
            "messages": [],
            # No card yet, so no "comes back" interval on the buttons.
            "ratings": [(value, label, None) for value, label in RATING_LABELS.items()],
        },
    )


@login_required
@require_GET
def study_pack_view(request: LoggedInRequest, slug: str) -> HttpResponse:
    """Today's study pack for the deck, which the study page keeps on the device.

    Asked again on every study page load, so it answers 304 when the device's copy (named
    by its ETag) is still today's queue: the device keeps its pack with its older
    `made_at` and token, which stay good, as any answer it makes comes after that time.
    The ETag leaves those two out (they change every request) and names the student, so a
    browser shared after a log-out never hands one student's pack to the next.
    `Stamp-Now` gives the server's time on both answers: offline.js reads the clocks'
    difference from it, not from a `made_at` that may be the old copy's.
    """
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    pack = study_pack(student=request.user, deck=deck)
    etag = pack_etag(pack, student_id=request.user.pk)
    # Django compares If-None-Match weakly (RFC 9110, 13.1.2), as it must: a gzipped pack
    # went out with its ETag made weak by the gzip middleware (W/"..."), and comes back so.
    response = get_conditional_response(request, etag=etag) or JsonResponse(pack)
    response["ETag"] = etag
    # The browser may keep it, but must ask each time (and only this browser may keep it).
    response["Cache-Control"] = "private, no-cache"
    response["Stamp-Now"] = str(int(time.time() * 1000))
    return response


def pack_etag(pack: dict, *, student_id: int) -> str:
    """The pack's content without `made_at` and `token`, which change with each request."""
    content = {k: v for k, v in pack.items() if k not in {"made_at", "token"}}
    encoded = json.dumps([student_id, content], sort_keys=True, cls=DjangoJSONEncoder)
    return quote_etag(hashlib.sha256(encoded.encode()).hexdigest()[:32])


@login_required
@require_POST
def study_sync(request: LoggedInRequest) -> JsonResponse:
    """Apply the answers a device made offline, in order; say what became of each.

    An answer that does not read is refused on its own ("unknown", its id echoed so the
    device drops it): one bad answer must not hold back every later one, as the device
    keeps all it sent when the whole send fails. Only a body that is no list of answers
    at all is refused whole.
    """
    try:
        data = json.loads(request.body, parse_constant=_not_json)
        items = data["answers"]
        if not isinstance(items, list) or not all(_is_answer(item) for item in items):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "not a list of answers"}, status=400)
    if len(items) > MAX_ANSWERS:
        return JsonResponse({"error": "too many answers"}, status=413)
    read = [_answer_read(item) for item in items]
    applied = iter(
        offline_answers_apply(
            student=request.user, answers=[a for a in read if isinstance(a, OfflineAnswer)]
        )
    )
    results = [next(applied) if isinstance(a, OfflineAnswer) else a for a in read]
    return JsonResponse({"results": results, "message": sync_message(results)})


def _not_json(constant: str) -> None:
    # Python reads Infinity and NaN, which JSON has not (and JSON.stringify never writes).
    raise ValueError(f"{constant} is not JSON")


def _is_answer(item: object) -> bool:
    """An answer names itself, so that whatever becomes of it the device can drop it."""
    return isinstance(item, dict) and isinstance(item.get("id"), str | int)


class AnswerUnreadable(ValueError):
    """An answer that does not read: the device sent what it should not."""


# Ids and counts fit the database's integer; a moment lies between 1970 and 2286.
INT_MAX = 2**31 - 1
MS_MAX = 10**13


def _bounded_int(value: object, *, high: int = INT_MAX) -> int:
    """`value` as a whole number from 0 to `high`, or AnswerUnreadable."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise AnswerUnreadable("not a number")
    try:
        number = int(value)
    except (ValueError, OverflowError) as error:
        raise AnswerUnreadable("not a whole number") from error
    if (number != value and not isinstance(value, str)) or not 0 <= number <= high:
        raise AnswerUnreadable("a number out of range")
    return number


def _optional_bounded_int(value: object) -> int | None:
    return None if value is None else _bounded_int(value)


def _answer_read(item: dict) -> OfflineAnswer | dict:
    """One answer as the service takes it, or its "unknown" result when it does not read."""
    try:
        return _offline_answer(item)
    except (AnswerUnreadable, KeyError):
        return {"id": str(item["id"])[:64], "card": None, "status": "unknown"}


def _offline_answer(item: dict) -> OfflineAnswer:
    """One answer of a sync; what is typed or picked is checked for shape here, and
    judged by the service. Options are cut to the length the online check keeps."""
    way = item.get("way") or AnswerMode.SHOWN
    if way not in AnswerMode.values:
        raise AnswerUnreadable(f"no way of answering called {str(way)[:20]!r}")
    given = item.get("given") or ""
    if not isinstance(given, str) or len(given) > MAX_GIVEN_CHARS:
        raise AnswerUnreadable(f"a typed answer is text of at most {MAX_GIVEN_CHARS} characters")
    options = item.get("options") or []
    first_given = item.get("first_given")
    if first_given is not None and (
        not isinstance(first_given, str) or len(first_given) > MAX_GIVEN_CHARS
    ):
        raise AnswerUnreadable("a first check typed is text")
    first_choice = _optional_bounded_int(item.get("first_choice"))
    picked = way == AnswerMode.CHOICE or first_choice is not None
    if picked and (
        not isinstance(options, list)
        or len(options) != OPTIONS
        or not all(isinstance(o, str) for o in options)
        or not isinstance(item.get("offered"), str)
        or (way == AnswerMode.CHOICE and item.get("choice") is None)
        or item.get("offered_seen") is None
    ):
        raise AnswerUnreadable("a pick names its four options, their signature and the one picked")
    verdict = item.get("verdict") or ""
    if not isinstance(verdict, str) or len(verdict) > 200:
        raise AnswerUnreadable("a verdict is a signed token")
    taken_ms = item.get("taken_ms")
    return OfflineAnswer(
        id=str(item["id"])[:64],
        pack=str(item["pack"]),
        card=_bounded_int(item["card"]),
        seen=_bounded_int(item["seen"]),
        rating=_bounded_int(item["rating"]),
        answered_at=_bounded_int(item["answered_at"], high=MS_MAX),
        # Only how long the student took: a device whose clock jumped says nothing.
        taken_ms=taken_ms if isinstance(taken_ms, int) and 0 <= taken_ms <= INT_MAX else None,
        way=way,
        given=given,
        options=tuple(o[:OPTION_MAX_CHARS] for o in options) if picked else (),
        offered=str(item.get("offered") or "")[:200],
        offered_seen=_optional_bounded_int(item.get("offered_seen")),
        choice=_optional_bounded_int(item.get("choice")),
        verdict=verdict,
        overridden=item.get("overridden") is True,
        first_given=first_given,
        first_choice=first_choice,
    )


def sync_message(results: list[dict]) -> str:
    """What the page tells the student: how many were saved, and why any were not."""
    saved = sum(r["status"] in SAVED for r in results)
    rechecked = sum(r["status"] == "rechecked" for r in results)
    elsewhere = sum(r["status"] == "answered_elsewhere" for r in results)
    day_ended = sum(r["status"] == "day_ended" for r in results)
    refused = len(results) - saved - elsewhere - day_ended
    lines = []
    if saved:
        lines.append(
            ngettext(
                "%(n)d answer made offline is saved.",
                "%(n)d answers made offline are saved.",
                saved,
            )
            % {"n": saved}
        )
    if rechecked:
        lines.append(
            ngettext(
                "%(n)d answer made offline was checked again: the server judged it otherwise, "
                "so its rating was changed to fit.",
                "%(n)d answers made offline were checked again: the server judged them "
                "otherwise, so their ratings were changed to fit.",
                rechecked,
            )
            % {"n": rechecked}
        )
    if elsewhere:
        lines.append(
            ngettext(
                "%(n)d answer made offline was not saved: its card was answered meanwhile on "
                "another device.",
                "%(n)d answers made offline were not saved: their cards were answered meanwhile "
                "on another device.",
                elsewhere,
            )
            % {"n": elsewhere}
        )
    if day_ended:
        lines.append(
            ngettext(
                "%(n)d answer made offline was not saved: it was made after the study day its "
                "cards were kept for had ended (a new day starts at 04:00).",
                "%(n)d answers made offline were not saved: they were made after the study day "
                "their cards were kept for had ended (a new day starts at 04:00).",
                day_ended,
            )
            % {"n": day_ended}
        )
    if refused:
        lines.append(
            ngettext(
                "%(n)d answer made offline was not saved: its time or card was not right.",
                "%(n)d answers made offline were not saved: their time or card was not right.",
                refused,
            )
            % {"n": refused}
        )
    return " ".join(lines)
