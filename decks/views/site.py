"""Addresses browsers ask for by themselves."""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET


@require_GET
@cache_control(max_age=24 * 60 * 60, public=True)
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """`/favicon.ico`, which browsers and feed readers fetch without reading the page's
    `<link rel="icon">`: the same icon as the page's, from the static files (hashed name)."""
    return HttpResponsePermanentRedirect(static("img/stamp.svg"))
