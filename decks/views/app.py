"""What makes Stamp an app a phone keeps: the manifest, the service worker at the root, the
favicon. None of them reads the session, so none depends on who is logged in."""

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

# The colours of static/css/stamp.css: --accent for the bar, --bg behind the splash screen.
THEME_COLOUR = "#2f6f5e"
BACKGROUND_COLOUR = "#f6f7f5"

# What the service worker keeps at install, so an offline start finds its style and script.
SHELL_STATIC = (
    "css/stamp.css",
    "js/stamp.js",
    "js/offline.js",
    "js/answer_check.js",
    "django_htmx/htmx-2.min.js",
    "img/stamp.svg",
    "img/icon-192.png",
)


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest, in the language the page that links it is in."""
    icons = [
        {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("img/icon-maskable-192.png"),
            "sizes": "192x192",
            "type": "image/png",
            "purpose": "maskable",
        },
        {
            "src": static("img/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    data = {
        "id": "/",
        "name": _("Stamp: flashcards for your class"),
        "short_name": "Stamp",
        "description": _("Review your class's flashcards for a few minutes every day."),
        "lang": get_language(),
        "dir": "ltr",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    # The language comes from the cookie or the browser's Accept-Language.
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    patch_cache_control(response, no_cache=True)
    return response


@cache
def _service_worker_source() -> str:
    path = finders.find("js/sw.js")
    if not isinstance(path, str):
        raise FileNotFoundError("static/js/sw.js")
    with open(path, encoding="utf-8") as source:
        return source.read()


def service_worker_script() -> str:
    """sw.js with the URLs it caches written in front: hashed names in production, so a
    deploy changes the script's bytes and browsers install the new worker."""
    config = {
        "shell": [static(name) for name in SHELL_STATIC],
        "offlinePage": reverse("study_offline"),
        "staticPrefix": settings.STATIC_URL
        if settings.STATIC_URL.startswith("/")
        else "/" + settings.STATIC_URL,
    }
    source = _service_worker_source() if not settings.DEBUG else _read_fresh()
    version = hashlib.sha256((json.dumps(config) + source).encode()).hexdigest()[:12]
    config["version"] = version
    return f"self.STAMP = {json.dumps(config)};\n{source}"


def _read_fresh() -> str:
    _service_worker_source.cache_clear()
    return _service_worker_source()


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served at the root so its scope can be the whole site."""
    response = HttpResponse(service_worker_script(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on navigation; no-cache makes that check reach us.
    patch_cache_control(response, no_cache=True)
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which some browsers ask for without reading the page: the static icon."""
    response = HttpResponseRedirect(static("img/favicon-32.png"))
    patch_cache_control(response, public=True, max_age=86400)
    return response
