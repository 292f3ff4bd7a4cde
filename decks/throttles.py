"""Throttles for what a script would hammer: log-in failures, join codes, sign-ups, resets.

django-axes locks a username at one address after a few wrong passwords; these add what it
cannot: a cap on failures from one address across usernames (password spraying), and caps
on join-code guesses, accounts made and reset mails. django-ratelimit counts them in the
"throttle" cache, which is Redis when `REDIS_URL` is set, so every app process behind the
load balancer shares one count; without it each process counts alone, enough for the
single process of the SQLite default.

A whole school often shares one address, so each throttle counts what an attacker needs
and a class does not: failed log-ins from browsers that never logged in as that username,
wrong join codes, accounts made. A browser that has logged in as a username carries a
signed cookie naming it (`DEVICE_COOKIE`), and logs in as that username even while its
address is capped (OWASP's "device cookies").

Every throttle and axes read the client's address from `client_address`, so behind a
proxy they see the student, not the proxy.
"""

import ipaddress
import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

DEVICE_COOKIE = "stamp_device"
_DEVICE_SALT = "decks.throttles.device"
_DEVICE_MAX_AGE = 365 * 24 * 3600


def client_address(request) -> str:
    """The address of whoever sent `request`, as the trusted proxies in front of us saw it.

    `STAMP_TRUSTED_PROXIES` is how many proxies append to X-Forwarded-For before the app
    (1 for one load balancer). The client is the entry that many from the right: entries
    further left were written by the client and could be anything. With no trusted proxy,
    a request that did not come through them, or an entry that is no address, it is the
    socket's address.
    """
    proxies = settings.STAMP_TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if proxies and len(forwarded) >= proxies:
        address = _plain_address(forwarded[-proxies])
        if address:
            return address
    return _plain_address(request.META.get("REMOTE_ADDR", "")) or "0.0.0.0"


def _plain_address(text: str) -> str:
    """`text` as a bare IP address, without a port or brackets; IPv4 unwrapped from IPv6's
    mapped form (else every IPv4 client would share one IPv6 /64); "" if it is none."""
    text = text.strip()
    if text.startswith("["):  # [2001:db8::1]:443
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:  # 203.0.113.7:5555
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def _usage(request, group: str, *, increment: bool) -> dict:
    """`group`'s count for the client's address in the current window, and its limit.

    If the throttle cache is down, nothing is throttled: log-in and sign-up keep working.
    """
    try:
        usage = get_usage(
            request,
            group=group,
            key="ip",
            rate=settings.STAMP_THROTTLE_RATES[group],
            increment=increment,
        )
    except Exception:  # Redis unreachable or failing; the cache backends raise their own
        logger.exception("Throttle cache failed; %s is not throttled", group)
        usage = None
    return usage or {"count": 0, "limit": 1}  # None: RATELIMIT_ENABLE is off


def over_limit(request, group: str) -> bool:
    """Whether the client's address has used up `group` in this window (counts nothing)."""
    usage = _usage(request, group, increment=False)
    return usage["count"] >= usage["limit"]


def count_attempt(request, group: str) -> None:
    """Count one attempt of `group` against the client's address."""
    _usage(request, group, increment=True)


def _posted(request: HttpRequest, response: HttpResponse) -> bool:
    return True


def throttled(
    group: str,
    message: Promise,
    *,
    counts: Callable[[HttpRequest, HttpResponse], bool] = _posted,
):
    """A view decorator: once `group`'s rate is used up from an address, its POSTs get a 429
    and `message`. A POST counts when `counts(request, response)` says so (all by default).

    GETs are never refused, so the form stays readable while the wait runs.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "POST":
                return view(request, *args, **kwargs)
            if over_limit(request, group):
                return too_many(request, str(message))
            response = view(request, *args, **kwargs)
            if counts(request, response):
                count_attempt(request, group)
            return response

        return wrapper

    return decorator


def failed(request: HttpRequest, response: HttpResponse) -> bool:
    """A POST that answered with its form again (not a redirect): it did not work."""
    return not response.has_header("Location")


def succeeded(request: HttpRequest, response: HttpResponse) -> bool:
    return response.has_header("Location")


def login_failures_capped(view):
    """Refuse log-ins from an address that failed too often, whatever usernames it tried,
    except for a username this browser has logged in as before (its device cookie).

    Only failures from browsers without that cookie count (`_count_login_failure`), so a
    class logging in together from one school address is held up neither by its
    successful log-ins nor by the typos of students on their own laptops.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        username = request.POST.get("username", "")
        if over_limit(request, "login-failures") and not _known_device(request, username):
            message = _("Too many failed log-ins from your network. Wait a few minutes.")
            return too_many(request, message)
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated and response.has_header("Location"):
            response.set_signed_cookie(
                DEVICE_COOKIE,
                request.user.get_username(),
                salt=_DEVICE_SALT,
                max_age=_DEVICE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    return wrapper


def _known_device(request, username: str) -> bool:
    known = request.get_signed_cookie(
        DEVICE_COOKIE, default=None, salt=_DEVICE_SALT, max_age=_DEVICE_MAX_AGE
    )
    return bool(username) and known == username


@receiver(user_login_failed)
def _count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is not None and not _known_device(request, credentials.get("username", "")):
        count_attempt(request, "login-failures")


def too_many(request, message: str):
    response = render(request, "registration/throttled.html", {"message": message}, status=429)
    response["Retry-After"] = "60"
    return response
