"""Thin views: they read the request, call services and selectors, and pick a template."""

import time

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from decks.forms import RATING_LABELS, AnswerForm, DeckSettingsForm, LoginForm, SignUpForm
from decks.models import Deck, DeckSettings
from decks.selectors import decks_for
from decks.services import study as study_loop
from decks.services.clock import today_for_study
from decks.services.progress import days_until
from decks.services.study import (
    QueueSnapshot,
    cards_studied_today,
    deck_overviews_for,
    next_deck_to_study,
    today_progress_for,
)
from decks.throttles import succeeded, throttled
from decks.views.exports import export_download


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


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
    notice: str = "",
    status: int = 200,
    undo_log_id: int | None = None,
) -> HttpResponse:
    """The study page, or for htmx its session fragment, showing `snapshot` (read if None)."""
    snapshot = snapshot or study_loop.study_snapshot(student=request.user, deck=deck)
    context = {
        "deck": deck,
        "item": snapshot.item,
        "counts": snapshot.counts,
        "studied_today": cards_studied_today([snapshot.counts]),
        "summary": snapshot.summary,
        # Lazy labels, translated into the request's language as the buttons render.
        "ratings": RATING_LABELS.items(),
        "shown_at": _now_ms(),
        "notice": notice,
        "undo_log_id": undo_log_id,
        # Reversed once here: the partial names each twice (action and hx-post).
        "urls": {
            "answer": reverse("study_answer", args=[deck.slug]),
            "undo": reverse("study_undo", args=[deck.slug]),
        },
    }
    template = "decks/study.html#session" if request.htmx else "decks/study.html"
    return render(request, template, context, status=status)


@login_required
@require_GET
def study(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    # After a plain-form answer the redirect names the answer that can be undone.
    undo = request.GET.get("undo", "")
    return _render_session(request, deck, undo_log_id=int(undo) if undo.isdigit() else None)


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


@login_required
@require_POST
def study_answer(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        deck = get_object_or_404(decks_for(request.user), slug=slug)
        return _render_session(
            request, deck, notice=_("That answer could not be read; try again."), status=400
        )
    shown_at = form.cleaned_data["shown_at"]
    result = study_loop.study_answer(
        student=request.user,
        deck_slug=slug,
        card_id=form.cleaned_data["card"],
        rating=form.cleaned_data["rating"],
        seen_reviews=form.cleaned_data["seen"],
        time_taken_ms=_now_ms() - shown_at if shown_at else None,
        # Without htmx the answer redirects to the study page, which reads the next card.
        show_next=bool(request.htmx),
    )
    if result is None:
        raise Http404("No such card in this deck.")
    if not result.offered:
        notice = _("That card is not in today's queue; here is the next one.")
    elif not result.applied:
        notice = _("That card was already answered; here is the next one.")
    else:
        notice = ""
    undo_log_id = result.log.pk if result.applied else None
    if request.htmx:
        return _render_session(
            request, result.deck, result.next, notice=notice, undo_log_id=undo_log_id
        )
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
        return _render_session(request, deck, notice=notice)
    messages.info(request, notice)
    return redirect("study", slug=deck.slug)


@login_required
@require_GET
def deck_export(request: HtmxHttpRequest, slug: str, fmt: str) -> HttpResponse:
    deck = get_object_or_404(decks_for(request.user), slug=slug)
    return export_download([deck], fmt)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class LoginView(auth_views.LoginView):
    """Django's log-in, whose link to sign-up keeps `next`: a join link opened logged out
    leads to the class whichever of the two the visitor picks."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signup_url"] = _with_next(reverse("signup"), context.get("next", ""))
        return context


@require_http_methods(["GET", "POST"])
# Accounts made count, not forms with mistakes.
@throttled(
    "signup",
    gettext_lazy("Too many accounts were made from your network. Try again in an hour."),
    counts=succeeded,
)
def signup(request: HtmxHttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    # Where the visitor was going (a class's join link), kept through the form as log-in does.
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            # From a join link the class is next; otherwise there is no deck to pick yet.
            _("Welcome to Stamp!")
            if next_url
            else _("Welcome to Stamp! Join your class with the code your teacher gave you."),
        )
        return redirect(next_url or "home")
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": next_url, "login_url": _with_next(reverse("login"), next_url)},
    )
