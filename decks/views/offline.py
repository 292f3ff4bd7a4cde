"""Studying without a connection: the page the service worker keeps for it."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def offline_page(request: HttpRequest) -> HttpResponse:
    """The page shown for a study page opened with no connection. It holds no one's data:
    the service worker keeps one copy for whoever uses the device, and the script fills it
    from what the device stored for the student."""
    # Rendered as for a visitor, so the kept copy names no one and reads no session.
    return render(request, "decks/offline.html", {"user": AnonymousUser(), "messages": []})
