"""The requests views receive: django-htmx's middleware adds `request.htmx`."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class LoggedInRequest(HtmxHttpRequest):
    """For a `@login_required` view, whose user is never anonymous."""

    user: User
