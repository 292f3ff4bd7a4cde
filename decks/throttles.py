"""Throttles for what a script would hammer: log-in failures, join codes, sign-ups, resets.

django-axes locks a username at one address after a few wrong passwords; these add what it
cannot: a cap on failures from one address across usernames (password spraying), and caps
on join-code guesses, accounts made and reset mails. django-ratelimit counts them in the
"throttle" cache, which is Redis when `REDIS_URL` is set, so every app process behind the
load balancer shares one count; without it each process counts alone, enough for the
single process of the SQLite default.

A whole school often shares one address, so each throttle counts what an attacker needs
and a class does not: failed log-ins from browsers that never logged in as that username,
wrong join codes, accounts made. Only real password failures count: an attempt django-axes
refuses because the username is already locked never reaches the password check
(`PasswordChecked`) and counts nothing. A browser that has logged in as a username, or
made the account, carries a signed cookie (`DEVICE_COOKIE`) holding a keyed hash of it
(never the name), and logs in as that username even while its address is capped
(OWASP's "device cookies").

Every throttle and axes read the client's address from `client_address`, so behind a
proxy they see the student, not the proxy.
"""

import ipaddress
import logging
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core import signing
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

DEVICE_COOKIE = "stamp_device"
_DEVICE_SALT = "decks.throttles.device"
_DEVICE_MAX_AGE = 365 * 24 * 3600
# A shared classroom PC remembers this many usernames, the latest first.
_DEVICE_USERNAMES = 30
# How long a process leaves a failed throttle cache alone, by the cache's location.
_CACHE_DOWN_SECONDS = 30.0
_cache_down_until: dict[str, float] = {}


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
    Once it failed (refused, or timed out: `REDIS_TIMEOUT`), this process leaves it alone
    for `_CACHE_DOWN_SECONDS`, so a Redis that never answers costs one request its
    timeout, not every request.
    """
    cache = settings.CACHES[settings.RATELIMIT_USE_CACHE].get("LOCATION", "")
    if time.monotonic() < _cache_down_until.get(cache, 0.0):
        return {"count": 0, "limit": 1, "time_left": 0}
    try:
        usage = get_usage(
            request,
            group=group,
            key="ip",
            rate=settings.STAMP_THROTTLE_RATES[group],
            increment=increment,
        )
    except Exception:  # Redis unreachable or failing; the cache backends raise their own
        logger.exception("Throttle cache failed; nothing is throttled for a while")
        _cache_down_until[cache] = time.monotonic() + _CACHE_DOWN_SECONDS
        usage = None
    return usage or {"count": 0, "limit": 1, "time_left": 0}  # None: RATELIMIT_ENABLE is off


def over_limit(request, group: str) -> bool:
    """Whether the client's address has used up `group` in this window (counts nothing)."""
    return seconds_left(request, group) > 0


def seconds_left(request, group: str) -> int:
    """How long the client's address must wait before `group` lets it in again; 0 if it
    need not wait. The throttle's `Retry-After`, so it matches the rate's own window."""
    usage = _usage(request, group, increment=False)
    if usage["count"] < usage["limit"]:
        return 0
    return max(1, usage["time_left"])


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
            if wait := seconds_left(request, group):
                return too_many(request, str(message), retry_after=wait)
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
        wait = seconds_left(request, "login-failures")
        if wait and not _known_device(request, username):
            message = _("Too many failed log-ins from your network. Wait a few minutes.")
            return too_many(request, message, retry_after=wait)
        response = view(request, *args, **kwargs)
        if request.user.is_authenticated and response.has_header("Location"):
            remember_device(request, response)
        return response

    return wrapper


def _username_hash(username: str) -> str:
    """A keyed hash of `username`: the cookie tells the server who logged in here before,
    and anyone reading the cookie nothing."""
    return salted_hmac(_DEVICE_SALT, username, algorithm="sha256").hexdigest()[:16]


def _device_hashes(request) -> list[str]:
    try:
        value = request.get_signed_cookie(DEVICE_COOKIE, salt=_DEVICE_SALT, max_age=_DEVICE_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return []
    return [part for part in value.split(".") if part]


def remember_device(request, response: HttpResponse) -> None:
    """Give this browser the device cookie for the user it just logged in (or signed up).

    It holds the keyed hashes of the last `_DEVICE_USERNAMES` usernames that logged in on
    this browser, signed and dated, for a year; it stays after log-out, as that is its
    point: the next log-in from this browser is known.
    """
    latest = _username_hash(request.user.get_username())
    hashes = [latest, *(h for h in _device_hashes(request) if h != latest)]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        ".".join(hashes[:_DEVICE_USERNAMES]),
        salt=_DEVICE_SALT,
        max_age=_DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _known_device(request, username: str) -> bool:
    return bool(username) and _username_hash(username) in _device_hashes(request)


class PasswordChecked:
    """An authentication backend that authenticates nobody: it sits after django-axes and
    before the password check, and marks the request when its password is really checked.

    django-axes refuses a locked username by stopping `authenticate` before this backend,
    and Django then sends `user_login_failed` as for a wrong password; only the mark tells
    the two apart, so that a refusal never counts toward the address's cap.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            request.stamp_password_checked = True
        return None  # no get_user either: a session is never this backend's


@receiver(user_login_failed)
def _count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is None or not getattr(request, "stamp_password_checked", False):
        return  # refused by the per-username lockout: no password was tried
    if not _known_device(request, credentials.get("username", "")):
        count_attempt(request, "login-failures")


def too_many(request, message: str, *, retry_after: int = 60):
    response = render(request, "registration/throttled.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
