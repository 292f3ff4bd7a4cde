"""Thin views: they read the request, call services and selectors, and pick a template."""

import time
from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decks.forms import RATING_LABELS, AnswerForm, AnswerModeForm, CheckForm, DeckSettingsForm
from decks.forms_practice import PracticeStartForm
from decks.models import AnswerMode, Card, Deck, DeckSettings
from decks.selectors import decks_for
from decks.services import answer_modes
from decks.services import study as study_loop
from decks.services.answer_check import AnswerCheck, typed_answer_check
from decks.services.clock import today_for_study
from decks.services.progress import days_until
from decks.services.study import (
    QueueSnapshot,
    cards_studied_today,
    deck_overviews_for,
    next_deck_to_study,
    overviews_by_class,
    today_progress_for,
)
from decks.views.exports import export_download
from decks.views.htmx import HtmxHttpRequest


def _now_ms() -> int:
    return int(time.time() * 1000)


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "decks/landing.html")
    today = today_for_study()
    overviews = deck_overviews_for(request.user, today=today)
    classes = list(request.user.classes_joined.all())
    for classroom in classes:
        classroom.days_to_exam = days_until(classroom.exam_date, today)
    total_due = sum(o.to_study for o in overviews)
    more_due = any(o.counts.due_capped for o in overviews)
    return render(
        request,
        "decks/home.html",
        {
            "overviews": overviews,
            # A student in two classes finds each class's decks under its name.
            "groups": overviews_by_class(overviews, classes) if len(classes) > 1 else None,
            "total_due": total_due,
            "total_label": f"{total_due}+" if more_due else str(total_due),
            "more_due": more_due,
            "classes": classes,
            "progress": today_progress_for(request.user, today=today, overviews=overviews),
        },
    )


# A deck can hold thousands of cards; the deck page lists them a page at a time.
DECK_PAGE_CARDS = 50


@login_required
@require_GET
def deck_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    counts = study_loop.study_snapshot(student=request.user, deck=deck).counts
    own = DeckSettings.objects.filter(student=request.user, deck=deck).first()
    cards = Paginator(deck.cards.active().order_by("position", "id"), DECK_PAGE_CARDS)
    return render(
        request,
        "decks/deck_detail.html",
        {
            "deck": deck,
            "counts": counts,
            "studied_today": cards_studied_today([counts]),
            "cards": cards.get_page(request.GET.get("page")),
            "options_form": DeckSettingsForm(instance=own),
            "practice_form": PracticeStartForm(),
        },
    )


@login_required
@require_POST
def deck_options(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    own = DeckSettings.objects.filter(student=request.user, deck=deck).first()
    form = DeckSettingsForm(
        request.POST, instance=own or DeckSettings(student=request.user, deck=deck)
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Your daily limits for this deck are saved."))
    else:
        messages.error(request, _("Limits must be whole numbers from 0."))
    return redirect(deck)


def _render_session(
    request: HtmxHttpRequest,
    deck: Deck,
    snapshot: QueueSnapshot | None = None,
    *,
    mode: str = AnswerMode.SHOWN,
    notice: str = "",
    status: int = 200,
    undo_log_id: int | None = None,
    unsaved: dict | None = None,
    checked: dict | None = None,
) -> HttpResponse:
    """The study page, or for htmx its session fragment, showing `snapshot` (read if None).

    `mode` is the student's way to answer; `checked` the result of checking the shown
    card's typed or picked answer, which then offers the ratings the check allows.
    """
    snapshot = snapshot or study_loop.study_snapshot(
        student=request.user, deck=deck, choices=mode == AnswerMode.CHOICE
    )
    item = snapshot.item
    presentation = None
    if item is not None and checked is None:
        presentation = answer_modes.card_presentation(
            card=item.card,
            mode=mode,
            seen_reviews=item.seen_reviews,
            student_id=request.user.pk,
            candidates=snapshot.choice_candidates,
        )
    context = {
        "deck": deck,
        "item": item,
        "counts": snapshot.counts,
        "studied_today": cards_studied_today([snapshot.counts]),
        "summary": snapshot.summary,
        # Lazy labels, translated into the request's language as the buttons render, each
        # with the days until the card comes back if given that rating.
        "ratings": _ratings(snapshot.item),
        "shown_at": _now_ms(),
        "notice": notice,
        "undo_log_id": undo_log_id,
        "practice_form": PracticeStartForm(initial={"way": mode}),
        # An answer that came back through the log-in, offered again on its own card only.
        "unsaved": unsaved if _still_shown(unsaved, snapshot.item) else None,
        "mode": mode,
        "modes": AnswerMode.choices,
        "presentation": presentation,
        "checked": checked,
        # Reversed once here: the partial names each twice (action and hx-post).
        "urls": _study_urls(deck),
    }
    if not request.htmx:
        # The page's key hints name R (play the sound again) only where there is sound.
        context["has_sound"] = deck.media.filter(content_type__startswith="audio/").exists()
    template = "decks/study.html#session" if request.htmx else "decks/study.html"
    return render(request, template, context, status=status)


def _study_urls(deck: Deck) -> dict[str, str]:
    return {
        "answer": reverse("study_answer", args=[deck.slug]),
        "undo": reverse("study_undo", args=[deck.slug]),
        "check": reverse("study_check", args=[deck.slug]),
        "mode": reverse("study_mode", args=[deck.slug]),
    }


def _checked_context(
    *,
    card: Card,
    seen: int,
    student_id: int,
    shown_at: int | None,
    mode: str,
    check: AnswerCheck,
    options: list[str],
    picked: int | None,
) -> dict:
    """What the check's result shows, the ratings it allows, and its signed verdict."""
    right, wrong = answer_modes.RIGHT_RATINGS, answer_modes.WRONG_RATINGS
    if check.correct:
        proposed = answer_modes.PROPOSED_WHEN_RIGHT
    else:
        proposed = wrong[0] if check.blank else wrong[-1]
    return {
        "card": card,
        "seen": seen,
        "shown_at": shown_at,
        "mode": mode,
        "check": check,
        "marked_options": [
            (option, answer_modes.picked_right(expected=card.back, picked=option), i == picked)
            for i, option in enumerate(options)
        ],
        "ratings": [(v, RATING_LABELS[v]) for v in (right if check.correct else wrong)],
        "right_ratings": [(v, RATING_LABELS[v]) for v in right],
        "proposed": proposed,
        "verdict": answer_modes.verdict_sign(
            card_id=card.pk, seen=seen, student_id=student_id, mode=mode, correct=check.correct
        ),
    }


@login_required
@require_GET
def study(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    # After a plain-form answer the redirect names the answer that can be undone.
    undo = request.GET.get("undo", "")
    return _render_session(
        request,
        deck,
        mode=answer_modes.answer_mode_for(student=request.user, deck=deck),
        undo_log_id=int(undo) if undo.isdigit() else None,
        unsaved=_unsaved_answer(request.GET),
    )


def _ratings(item) -> list[tuple[int, str, int | None]]:
    intervals = study_loop.rating_intervals(item, today=today_for_study()) if item else {}
    return [(value, label, intervals.get(value)) for value, label in RATING_LABELS.items()]


def _still_shown(unsaved: dict | None, item) -> bool:
    """Whether the answer carried back is for the card shown, as it was when answered."""
    return bool(unsaved and item) and (unsaved["card"], unsaved["seen"]) == (
        item.card.pk,
        item.seen_reviews,
    )


# An answer posted after the session ended travels through the log-in in these parameters
# of the study page's address (a GET, which only shows), to be offered again on its card.
UNSAVED_ANSWER_FIELDS = ("card", "seen", "rating")


def _unsaved_answer(data) -> dict | None:
    """The answer a study page's address carries back from the log-in, if it reads."""
    if not all(data.get(name) for name in UNSAVED_ANSWER_FIELDS):
        return None
    form = AnswerForm({name: data[name] for name in UNSAVED_ANSWER_FIELDS})
    if not form.is_valid():
        return None
    answer = form.cleaned_data
    return {**answer, "label": RATING_LABELS[answer["rating"]]}


def _answer_after_session_ended(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """An answer posted without a session (logged out in another tab, or expired).

    Nothing is recorded and nothing of the deck is shown; the answer goes into the log-in's
    `next`, the study page with the answer in its address, so that after logging in the
    student is back at the card with that answer offered again (it still names the card's
    answer count, so saving it twice records it once). htmx gets a fragment for the card's
    place, never the log-in page inside the card; a plain form goes to the log-in.
    """
    study_url = reverse("study", args=[slug])
    form = AnswerForm(request.POST)
    if form.is_valid():
        answer = {name: form.cleaned_data[name] for name in UNSAVED_ANSWER_FIELDS}
        study_url = f"{study_url}?{urlencode(answer)}"
    login_url = f"{reverse('login')}?{urlencode({'next': study_url})}"
    if request.htmx:
        response = render(request, "decks/study.html#session_ended", {"login_url": login_url})
        # offline.js keeps this answer out of the device's pack: nothing was saved.
        response["Stamp-Session-Ended"] = "1"
        return response
    return redirect(login_url)


@login_required
@require_POST
def study_mode(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Remember how the student answers this deck, and show the card that way."""
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    form = AnswerModeForm(request.POST)
    if not form.is_valid():
        return _render_session(
            request,
            deck,
            mode=answer_modes.answer_mode_for(student=request.user, deck=deck),
            notice=_("Pick one of the ways to answer."),
            status=400,
        )
    mode = form.cleaned_data["mode"]
    answer_modes.answer_mode_set(student=request.user, deck=deck, mode=mode)
    if request.htmx:
        return _render_session(request, deck, mode=mode)
    return redirect("study", slug=deck.slug)


@login_required
@require_POST
def study_check(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Check a typed or picked answer; nothing is recorded until the student rates it.

    The card is read with the answer's own one read (`answer_target`: the deck's access
    rules in hand-written SQL), so a check costs one query besides the session's.
    """
    form = CheckForm(request.POST)
    if not form.is_valid():
        deck = get_object_or_404(decks_for(request.user), slug=slug)
        errors = form.errors.get("given") or form.non_field_errors()
        notice = errors[0] if errors else _("That answer could not be read; try again.")
        mode = request.POST.get("mode", "")
        return _render_session(
            request,
            deck,
            mode=mode if mode in AnswerMode.values else AnswerMode.SHOWN,
            notice=notice,
            status=400,
        )
    data = form.cleaned_data
    target = study_loop.answer_target(
        student=request.user, deck_slug=slug, card_id=data["card"], today=today_for_study()
    )
    if target is None:
        raise Http404("No such card in this deck.")
    card, deck = target.card, target.card.deck
    if data["mode"] == AnswerMode.CHOICE:
        if not answer_modes.options_verified(
            data["offered"],
            card_id=card.pk,
            seen=data["seen"],
            student_id=request.user.pk,
            options=data["options"],
        ):
            # Options edited in the browser, or from another showing: nothing is judged.
            return _render_session(
                request,
                deck,
                mode=AnswerMode.CHOICE,
                notice=_("Those options were not the ones offered; pick again."),
                status=400,
            )
        picked = data["choice"]
        right = answer_modes.picked_right(expected=card.back, picked=data["options"][picked])
        check = AnswerCheck(right, "", "")
    else:
        picked = None
        given = "" if data["dont_know"] else data["given"]
        check = typed_answer_check(expected=card.back, given=given)
    counted = answer_modes.first_check_keep(
        student_id=request.user.pk, card_id=card.pk, seen=data["seen"], correct=check.correct
    )
    first_try_counts = counted != check.correct
    if first_try_counts:
        check = replace(check, correct=counted, forgiven=False)
    checked = _checked_context(
        card=card,
        seen=data["seen"],
        student_id=request.user.pk,
        shown_at=data["shown_at"],
        mode=data["mode"],
        check=check,
        options=data["options"],
        picked=picked,
    )
    checked["first_try_counts"] = first_try_counts
    if request.htmx:
        return render(
            request,
            "decks/study.html#checked",
            {"checked": checked, "urls": _study_urls(deck), "deck": deck},
        )
    return _render_session(request, deck, mode=data["mode"], checked=checked)


@login_required
@require_GET
def study_next(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Where to go once `slug` is done for today: the next deck with cards left, or word
    that all is done. Loaded by the summary after it shows, so the answer that ends a
    session costs no more queries than any other; without htmx it is a link."""
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    following = next_deck_to_study(request.user, today=today_for_study(), after=deck)
    if request.htmx:
        return render(request, "decks/study.html#next_deck", {"deck": deck, "next": following})
    if following is None:
        messages.info(request, _("All your decks are done for today. Come back tomorrow."))
        return redirect("home")
    return redirect("study", slug=following.deck.slug)


@require_http_methods(["GET", "POST"])
def study_answer(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    if request.method == "GET":
        # Only an old log-in `next` or a bookmark gets here: the study page, not a 405.
        return redirect("study", slug=slug)
    if not request.user.is_authenticated:
        return _answer_after_session_ended(request, slug)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        deck = get_object_or_404(decks_for(request.user), slug=slug)
        return _render_session(
            request, deck, notice=_("That answer could not be read; try again."), status=400
        )
    data = form.cleaned_data
    shown_at = data["shown_at"]
    verdict = None
    if data["verdict"]:
        verdict = answer_modes.verdict_read(
            data["verdict"], card_id=data["card"], seen=data["seen"], student_id=request.user.pk
        )
        if verdict is None:
            deck = get_object_or_404(decks_for(request.user), slug=slug)
            return _render_session(
                request,
                deck,
                mode=data["mode"],
                notice=_("That answer could not be read; try again."),
                status=400,
            )
    if not answer_modes.rating_allowed(
        verdict=verdict, rating=data["rating"], overridden=data["overridden"]
    ):
        deck = get_object_or_404(decks_for(request.user), slug=slug)
        return _render_session(
            request,
            deck,
            mode=data["mode"],
            notice=_("That rating does not fit the check; try again."),
            status=400,
        )
    result = study_loop.study_answer(
        student=request.user,
        deck_slug=slug,
        card_id=data["card"],
        rating=data["rating"],
        seen_reviews=data["seen"],
        time_taken_ms=_now_ms() - shown_at if shown_at else None,
        shown_at_ms=shown_at,
        # Without htmx the answer redirects to the study page, which reads the next card.
        show_next=bool(request.htmx),
        answered_by=verdict.mode if verdict else AnswerMode.SHOWN,
        checked_correct=verdict.correct if verdict else None,
        overridden=data["overridden"],
        choices=data["mode"] == AnswerMode.CHOICE,
    )
    if result is None:
        raise Http404("No such card in this deck.")
    if result.undone:
        notice = _("That answer was undone; answer the card again here.")
    elif not result.offered:
        notice = _("That card is not in today's queue; here is the next one.")
    elif not result.applied and result.log is None:
        notice = _("That card was already answered; here is the next one.")
    else:
        notice = ""  # recorded now, or this same answer was stored by an earlier try
    undo_log_id = result.log.pk if result.log else None
    if request.htmx:
        response = _render_session(
            request,
            result.deck,
            result.next,
            mode=data["mode"],
            notice=notice,
            undo_log_id=undo_log_id,
        )
        # offline.js mirrors only an applied answer into the device's pack; after a refused
        # one it fetches the pack again, so the device studies on from the server's state.
        response["Stamp-Answer"] = "refused" if notice else "applied"
        return response
    if notice:
        messages.info(request, notice)
    url = reverse("study", args=[result.deck.slug])
    return redirect(f"{url}?undo={undo_log_id}" if undo_log_id else url)


@login_required
@require_POST
def study_undo(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    log_id = request.POST.get("log", "")
    undone = study_loop.study_undo(
        student=request.user, deck=deck, log_id=int(log_id) if log_id.isdigit() else -1
    )
    notice = (
        _("Your last answer was undone; here is the card again.")
        if undone
        else _("Only your latest answer can be undone.")
    )
    if request.htmx:
        mode = request.POST.get("mode", "")
        mode = mode if mode in AnswerMode.values else AnswerMode.SHOWN
        response = _render_session(request, deck, mode=mode, notice=notice)
        # As Stamp-Answer: offline.js takes back the pack's last answer only when this did.
        response["Stamp-Undo"] = "applied" if undone else "refused"
        return response
    messages.info(request, notice)
    return redirect("study", slug=deck.slug)


@login_required
@require_GET
def deck_export(request: HtmxHttpRequest, slug: str, fmt: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    return export_download([deck], fmt)
