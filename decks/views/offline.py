"""Studying without a connection: the page the service worker keeps for it."""

import json

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
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
def study_pack_view(request: LoggedInRequest, slug: str) -> JsonResponse:
    """Today's study pack for the deck, which the study page keeps on the device."""
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    return JsonResponse(study_pack(student=request.user, deck=deck))


@login_required
@require_POST
def study_sync(request: LoggedInRequest) -> JsonResponse:
    """Apply the answers a device made offline, in order; say what became of each."""
    try:
        data = json.loads(request.body)
        answers = [_offline_answer(item) for item in data["answers"]]
    except AnswerUnreadable as error:
        return JsonResponse({"error": str(error)}, status=400)
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "not a list of answers"}, status=400)
    if len(answers) > MAX_ANSWERS:
        return JsonResponse({"error": "too many answers"}, status=413)
    results = offline_answers_apply(student=request.user, answers=answers)
    return JsonResponse({"results": results, "message": sync_message(results)})


class AnswerUnreadable(ValueError):
    """An answer whose way of answering does not read: the device sent what it should not."""


def _optional_int(value) -> int | None:
    return None if value is None else int(value)


def _offline_answer(item: dict) -> OfflineAnswer:
    """One answer of a sync as the service takes it; what is typed or picked is checked
    for shape here, and judged by the service."""
    way = item.get("way") or AnswerMode.SHOWN
    if way not in AnswerMode.values:
        raise AnswerUnreadable(f"no way of answering called {str(way)[:20]!r}")
    given = item.get("given") or ""
    if not isinstance(given, str) or len(given) > MAX_GIVEN_CHARS:
        raise AnswerUnreadable(f"a typed answer is text of at most {MAX_GIVEN_CHARS} characters")
    options = item.get("options") or []
    if way == AnswerMode.CHOICE and (
        not isinstance(options, list)
        or len(options) != OPTIONS
        or not all(isinstance(o, str) and len(o) <= OPTION_MAX_CHARS for o in options)
        or not isinstance(item.get("offered"), str)
        or item.get("choice") is None
        or item.get("offered_seen") is None
    ):
        raise AnswerUnreadable("a pick names its four options, their signature and the one picked")
    verdict = item.get("verdict") or ""
    if not isinstance(verdict, str) or len(verdict) > 200:
        raise AnswerUnreadable("a verdict is a signed token")
    return OfflineAnswer(
        id=str(item["id"])[:64],
        pack=str(item["pack"]),
        card=int(item["card"]),
        seen=int(item["seen"]),
        rating=int(item["rating"]),
        answered_at=int(item["answered_at"]),
        taken_ms=_optional_int(item.get("taken_ms")),
        way=way,
        given=given,
        options=tuple(options) if way == AnswerMode.CHOICE else (),
        offered=str(item.get("offered") or "")[:200],
        offered_seen=_optional_int(item.get("offered_seen")),
        choice=_optional_int(item.get("choice")),
        verdict=verdict,
        overridden=item.get("overridden") is True,
    )


def sync_message(results: list[dict]) -> str:
    """What the page tells the student: how many were saved, and why any were not."""
    saved = sum(r["status"] in SAVED for r in results)
    rechecked = sum(r["status"] == "rechecked" for r in results)
    elsewhere = sum(r["status"] == "answered_elsewhere" for r in results)
    refused = len(results) - saved - elsewhere
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
