"""The student's own account: download everything, or delete it."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decks.forms import ReminderForm
from decks.models import Reminder
from decks.services.accounts import account_data, account_delete
from decks.services.reminders import (
    push_subscription_delete,
    push_subscription_save,
    reminder_set,
    reminder_unsubscribe,
)
from decks.views.study import HtmxHttpRequest


def _reminder_form(request: HtmxHttpRequest, data=None) -> ReminderForm:
    reminder = Reminder.objects.filter(student=request.user).first()
    initial = {"email": request.user.email}
    if reminder:
        initial |= {
            "by_email": reminder.by_email,
            "by_push": reminder.by_push,
            "hour": reminder.hour,
        }
    return ReminderForm(data, initial=initial)


@login_required
@require_GET
def account(request: HtmxHttpRequest) -> HttpResponse:
    return _account_page(request, _reminder_form(request))


@login_required
@require_POST
def account_reminders(request: HtmxHttpRequest) -> HttpResponse:
    form = _reminder_form(request, request.POST)
    if not form.is_valid():
        return _account_page(request, form, status=400)
    data = form.cleaned_data
    if data["email"] != request.user.email:
        request.user.email = data["email"]
        request.user.save(update_fields=["email"])
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


def _account_page(request: HtmxHttpRequest, form: ReminderForm, status: int = 200):
    return render(
        request,
        "decks/account.html",
        {"reminder_form": form, "vapid_public_key": settings.STAMP_VAPID_PUBLIC_KEY},
        status=status,
    )


@login_required
@require_POST
def push_subscribe(request: HtmxHttpRequest) -> HttpResponse:
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
def push_unsubscribe(request: HtmxHttpRequest) -> HttpResponse:
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
def account_export(request: HtmxHttpRequest) -> HttpResponse:
    data = json.dumps(account_data(user=request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"stamp-{request.user.get_username()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: HtmxHttpRequest):
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
