"""The student's own account: password and e-mail address, download everything, or
delete it."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from decks.forms import EmailChangeForm
from decks.services.accounts import account_data, account_delete, account_email_change
from decks.views.study import HtmxHttpRequest


@login_required
@require_GET
def account(request: HtmxHttpRequest):
    return _account_page(request, EmailChangeForm(user=request.user))


def _account_page(request: HtmxHttpRequest, email_form: EmailChangeForm, status: int = 200):
    return render(request, "decks/account.html", {"email_form": email_form}, status=status)


@login_required
@require_POST
def account_email(request: HtmxHttpRequest):
    form = EmailChangeForm(request.POST, user=request.user)
    if not form.is_valid():
        return _account_page(request, form, status=400)
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
