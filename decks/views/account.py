"""The student's own account: download everything, or delete it."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from decks.services.accounts import account_data, account_delete
from decks.views.study import HtmxHttpRequest


@login_required
@require_GET
def account(request: HtmxHttpRequest):
    return render(request, "decks/account.html")


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
