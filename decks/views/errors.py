"""Error pages that hold when the database does not."""

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from decks.middleware import database_unavailable, is_connection_problem


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 page; a 503 when drawing it finds the database gone.

    The page shows who is logged in, which reads the session and the user: with the
    database unreachable that raises inside the error handler, past any middleware, and
    would be a 500.
    """
    try:
        return defaults.page_not_found(request, exception)
    except DatabaseError as error:
        if not is_connection_problem(error):
            raise
        return database_unavailable(error)
