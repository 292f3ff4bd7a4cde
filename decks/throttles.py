"""Throttles for what a script would hammer: log-in failures, join codes and sign-ups.

django-axes locks a username at one address after a few wrong passwords; these add what it
cannot: a cap on failures from one address across usernames (password spraying), and caps
on join-code guesses and sign-ups. django-ratelimit counts them in the "throttle" cache,
which is Redis when `REDIS_URL` is set, so every app process behind the load balancer
shares one count; without it each process counts alone, enough for the single process of
the SQLite default.

Every throttle and axes read the client's address from `client_address`, so behind a
proxy they see the student, not the proxy.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage


def client_address(request) -> str:
    """The address of whoever sent `request`, as the trusted proxies in front of us saw it.

    `STAMP_TRUSTED_PROXIES` is how many proxies append to X-Forwarded-For before the app
    (1 for one load balancer). The client is the entry that many from the right: entries
    further left were written by the client and could be anything. With no trusted proxy,
    or a request that did not come through them, it is the socket's address.
    """
    proxies = settings.STAMP_TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _usage(request, group: str, *, increment: bool) -> dict:
    """`group`'s count for the client's address in the current window, and its limit."""
    usage = get_usage(
        request,
        group=group,
        key="ip",
        rate=settings.STAMP_THROTTLE_RATES[group],
        increment=increment,
    )
    return usage or {"count": 0, "limit": 1}  # None: RATELIMIT_ENABLE is off


def throttle_hit(request, group: str) -> bool:
    """Count one attempt of `group` from the client's address; True when past its rate."""
    usage = _usage(request, group, increment=True)
    return usage["count"] > usage["limit"]


def throttled(group: str, message: Promise):
    """A view decorator: POSTs past `group`'s rate from one address get a 429 and `message`.

    GETs are never counted, so the form stays readable while the wait runs.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and throttle_hit(request, group):
                return too_many(request, str(message))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def login_failures_capped(view):
    """Refuse log-ins from an address that failed too often, whatever usernames it tried.

    Only failures count (`_count_login_failure`), so a class that logs in together from
    one school address is not held up by its own successful log-ins.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            usage = _usage(request, "login-failures", increment=False)
            if usage["count"] >= usage["limit"]:
                message = _("Too many failed log-ins from your network. Wait a few minutes.")
                return too_many(request, message)
        return view(request, *args, **kwargs)

    return wrapper


@receiver(user_login_failed)
def _count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is not None:
        _usage(request, "login-failures", increment=True)


def too_many(request, message: str):
    response = render(request, "registration/throttled.html", {"message": message}, status=429)
    response["Retry-After"] = "60"
    return response
