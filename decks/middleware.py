"""Turn a database that has gone away into a plain, retryable 503; headers every page needs;
text compressed for the phone."""

import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
# Stamp uses no camera, microphone, location, payment or USB: no page (nor an injected
# frame) may ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def is_connection_problem(error: Exception) -> bool:
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    text = str(error).lower()
    # SQLite says "locked" for a busy writer, which the busy timeout already waited out;
    # anything about connecting or a closed connection means the database is gone.
    return any(
        phrase in text
        for phrase in ("connect", "connection", "server closed", "terminating", "locked", "timeout")
    )


class DatabaseUnavailableMiddleware:
    """A request that finds the database unreachable gets a 503 with Retry-After.

    The answer it carried was not written (reviews are atomic), so the browser may send
    it again; htmx keeps the card on screen and offers exactly that.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DatabaseError) or not is_connection_problem(exception):
            return None
        return database_unavailable(exception)


def database_unavailable(error: Exception) -> HttpResponse:
    """The plain 503 page, which needs no database, with the time to wait."""
    logger.warning("Database unavailable: %s", error)
    response = HttpResponse(
        render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class RequestSizeLimitMiddleware:
    """Refuse a body larger than any form of the app takes before a byte of it is read.

    Django caps form fields in memory but spools file parts to disk whatever their size,
    so an anonymous 1 GiB POST to the log-in page would fill the disk. The largest body
    the app takes is an import upload plus its form (`DATA_UPLOAD_MAX_MEMORY_SIZE`); the
    proxy in front should refuse earlier still (README, Deploying).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or ""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if length.isdigit() and int(length) > limit:
            return HttpResponse(
                f"The request is {int(length):,} bytes; the most this site takes is "
                f"{limit:,} bytes.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        if not length and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return HttpResponse(
                "A request body needs a Content-Length here.",
                status=411,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class PrivacyHeadersMiddleware:
    """`Cache-Control: private, no-store` on every answer that read the session, and a
    Permissions-Policy on all.

    A page or export that read the session depends on who is logged in (a schedule, a
    class's progress, a deck's CSV): a shared proxy or the browser's disk cache must not
    keep it for the next person at the computer. A view that chose its own caching (the
    media view's private, immutable year) keeps it. Reading `session.accessed` rather than
    `request.user` costs no query, so a 503 for a database that is down stays a 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# What is worth compressing: pages, htmx fragments, the study pack and other JSON, the
# service worker, CSV exports. Pictures, sound and archives are compressed already.
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/manifest+json")


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip for text answers only.

    Django's own middleware pads each compressed answer with up to 100 random bytes (Heal
    The Breach), so a page's length no longer gives away its secrets byte by byte (BREACH);
    CSRF tokens are masked afresh in every answer besides. nginx's gzip has no such padding,
    which is why the app compresses and nginx does not (deploy/nginx-proxy.conf); static
    files come compressed from collectstatic through whitenoise, above this middleware.
    Django's would also squeeze a picture, or a 206 range of a sound file, whose bytes
    must go out as they are.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "")
        if response.status_code == 206 or not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
