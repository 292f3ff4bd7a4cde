"""Turn a database that has gone away into a plain, retryable 503."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


def _is_connection_problem(error: Exception) -> bool:
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
        if not isinstance(exception, DatabaseError) or not _is_connection_problem(exception):
            return None
        logger.warning("Database unavailable: %s", exception)
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
