"""Accounts: sign-up and log-in, the profile, password and e-mail address, and the
student's own data (download everything, or delete it)."""

import json
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decks.forms import EmailChangeForm, LoginForm, ReminderForm, SignUpForm
from decks.forms_classes import ProfileForm
from decks.models import Reminder
from decks.services.accounts import account_data, account_delete, account_email_change
from decks.services.classes import profile_for
from decks.services.reminders import (
    push_subscription_delete,
    push_subscription_save,
    reminder_set,
    reminder_unsubscribe,
)
from decks.throttles import remember_device, succeeded, throttled
from decks.views.htmx import HtmxHttpRequest, LoggedInRequest


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


class LoginView(auth_views.LoginView):
    """Django's log-in, whose link to sign-up keeps `next`: a join link opened logged out
    leads to the class whichever of the two the visitor picks."""

    authentication_form = LoginForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["signup_url"] = _with_next(reverse("signup"), context.get("next", ""))
        context["joining"] = _class_to_join(self.request, context.get("next", ""))
        return context


# Everything the site keeps in the browser: its HTTP cache (a kept study pack) and its
# storage (IndexedDB packs and queued answers, the service worker's caches of pictures).
CLEAR_SITE_DATA = '"cache", "storage"'


def logout_clears_device(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A log-out that also wipes what the site kept on the device, unless the page's script
    already removed this student's part (its form then carries `device_cleared`).

    The script's way is the finer one: it first sends the student's queued offline answers,
    then deletes only their pack, queue and pictures. `Clear-Site-Data` cannot tell
    students apart: on a shared device it would also wipe another student's answers still
    waiting to be sent. So it is sent only where no script cleared anything: the admin's
    log-out (its pages run no offline.js), a log-out with JavaScript off, or one where the
    script could not finish. Unsent answers of this student are lost then; with no script
    running they could not have been sent anyway, and leaving a logged-out student's cards
    and answers on the device is worse. Only a request that did log the student out (not
    a deletion refused for a mistyped username) clears anything.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        logged_out = not request.user.is_authenticated
        if logged_out and request.method == "POST" and request.POST.get("device_cleared") != "1":
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response

    return wrapped


def _class_to_join(request: HttpRequest, next_url: str) -> str:
    """The class a join link names, while the visitor logs in or signs up to join it."""
    code = request.session.get("pending_join_code", "")
    if not code or next_url != reverse("class_join_code", args=[code]):
        return ""
    return request.session.get("pending_join_class", "")


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
        response = redirect(next_url or "home")
        # A new student's browser is known from the start, like one that logged in.
        remember_device(request, response)
        return response
    return render(
        request,
        "registration/signup.html",
        {
            "form": form,
            "next": next_url,
            "login_url": _with_next(reverse("login"), next_url),
            "joining": _class_to_join(request, next_url),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: LoggedInRequest):
    form = ProfileForm(request.POST or None, instance=profile_for(request.user))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("profile")
    return render(request, "decks/profile.html", {"form": form})


def _reminder_form(request: LoggedInRequest, data=None) -> ReminderForm:
    reminder = Reminder.objects.filter(student=request.user).first()
    initial: dict[str, object] = {}
    if reminder:
        initial |= {
            "by_email": reminder.by_email,
            "by_push": reminder.by_push,
            "hour": reminder.hour,
        }
    return ReminderForm(data, initial=initial, user=request.user)


@login_required
@require_GET
def account(request: LoggedInRequest) -> HttpResponse:
    return _account_page(request)


def _account_page(
    request: LoggedInRequest,
    *,
    email_form: EmailChangeForm | None = None,
    reminder_form: ReminderForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "email_form": email_form or EmailChangeForm(user=request.user),
        "reminder_form": reminder_form or _reminder_form(request),
        "vapid_public_key": settings.STAMP_VAPID_PUBLIC_KEY,
    }
    return render(request, "decks/account.html", context, status=status)


@login_required
@require_POST
def account_email(request: LoggedInRequest):
    form = EmailChangeForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, email_form=form, status=400)
    account_email_change(user=request.user, email=form.cleaned_data["email"])
    messages.success(
        request,
        _("Your e-mail address is saved.")
        if form.cleaned_data["email"]
        else _("Your e-mail address is removed."),
    )
    return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (old password, new one twice, the session kept), back on the
    account page with a message instead of a page of its own."""

    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        messages.success(self.request, _("Your password is changed."))
        return super().form_valid(form)


@login_required
@require_POST
def account_reminders(request: LoggedInRequest) -> HttpResponse:
    form = _reminder_form(request, request.POST)
    if not form.is_valid():
        return _account_page(request, reminder_form=form, status=400)
    data = form.cleaned_data
    reminder_set(
        student=request.user,
        by_email=data["by_email"],
        by_push=data["by_push"],
        hour=data["hour"],
        language=get_language(),
    )
    if data["by_email"] or data["by_push"]:
        messages.success(
            request,
            _("You will get one reminder a day at %(hour)02d:00 when cards are waiting.")
            % {"hour": data["hour"]},
        )
    else:
        messages.success(request, _("Reminders are off."))
    return redirect("account")


@login_required
@require_POST
def push_subscribe(request: LoggedInRequest) -> HttpResponse:
    """Keep this device's push subscription (the JSON the browser's PushManager gave)."""
    try:
        data = json.loads(request.body)
        endpoint, keys = data["endpoint"], data["keys"]
        p256dh, auth = str(keys["p256dh"]), str(keys["auth"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "not a push subscription"}, status=400)
    if not str(endpoint).startswith("https://") and not settings.DEBUG:
        return JsonResponse({"error": "not a push subscription"}, status=400)
    push_subscription_save(student=request.user, endpoint=endpoint, p256dh=p256dh, auth=auth)
    return JsonResponse({"saved": True}, status=201)


@login_required
@require_POST
def push_unsubscribe(request: LoggedInRequest) -> HttpResponse:
    try:
        endpoint = str(json.loads(request.body)["endpoint"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "no endpoint"}, status=400)
    push_subscription_delete(student=request.user, endpoint=endpoint)
    return JsonResponse({"removed": True})


# A mail program posts here to unsubscribe in one click (RFC 8058), with no CSRF token;
# the signed token in the address is what proves the request.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe_view(request: HtmxHttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link checkers that open every link unsubscribe no one);
    POST, from that button or the mail program, turns e-mail reminders off."""
    if request.method == "POST":
        done = reminder_unsubscribe(token=token)
        return render(
            request,
            "decks/unsubscribe.html",
            {"done": done, "token": token},
            status=200 if done else 400,
        )
    return render(request, "decks/unsubscribe.html", {"done": False, "ask": True, "token": token})


@login_required
@require_GET
def account_export(request: LoggedInRequest) -> HttpResponse:
    data = json.dumps(account_data(user=request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"stamp-{request.user.get_username()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@logout_clears_device
@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: LoggedInRequest):
    if request.method == "POST":
        if request.POST.get("username") != request.user.get_username():
            messages.error(request, _("Type your username exactly to confirm."))
            return redirect("account")
        user = request.user
        logout(request)
        account_delete(user=user)
        messages.success(request, _("Your account and all its data are deleted."))
        return redirect("home")
    return redirect("account")
