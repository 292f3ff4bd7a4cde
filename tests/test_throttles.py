"""Throttles behind the load balancer: who is throttled, counted per client address."""

import contextlib
import socket
import threading

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory
from django.urls import reverse

from accountmanagement.settings import redis_cache
from decks.throttles import DEVICE_COOKIE, client_address, seconds_left
from tests.conftest import make_class, make_user

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the load balancer, as the app's socket sees every request


def request_from(forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def log_in(client, username: str, password: str, *, student_address: str | None = None):
    headers = {"X-Forwarded-For": student_address} if student_address else {}
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        headers=headers,
        REMOTE_ADDR=PROXY,
    )


def test_without_a_trusted_proxy_the_client_is_the_sockets_address_whatever_the_header_says(
    settings,
):
    settings.STAMP_TRUSTED_PROXIES = 0
    assert client_address(request_from("203.0.113.7")) == PROXY


def test_behind_one_proxy_the_client_is_the_address_the_proxy_appended(settings):
    settings.STAMP_TRUSTED_PROXIES = 1
    # The client wrote the first entry itself; only the proxy's own entry is trusted.
    assert client_address(request_from("6.6.6.6, 203.0.113.7")) == "203.0.113.7"


def test_a_request_that_bypassed_the_proxies_is_known_by_its_sockets_address(settings):
    settings.STAMP_TRUSTED_PROXIES = 2
    assert client_address(request_from("203.0.113.7", remote="198.51.100.4")) == "198.51.100.4"


def test_behind_the_proxy_one_students_wrong_passwords_do_not_lock_the_account_for_another(
    client, settings
):
    settings.STAMP_TRUSTED_PROXIES = 1
    make_user("sam")
    for _ in range(5):
        log_in(client, "sam", "wrong", student_address="203.0.113.66")

    response = log_in(client, "sam", "pass-word-123", student_address="203.0.113.7")

    assert response.status_code == 302


def test_wrong_passwords_sprayed_over_many_usernames_from_one_address_are_throttled(
    client, settings
):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "20/15m"}
    make_user("kim")
    for attempt in range(20):
        log_in(client, f"user{attempt % 6}", "wrong")

    response = log_in(client, "kim", "pass-word-123")

    assert response.status_code == 429
    assert b"Too many failed log-ins from your network" in response.content


def test_successful_log_ins_from_one_school_address_are_never_throttled(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "3/15m"}
    make_user("kim")
    for _ in range(10):
        assert log_in(client, "kim", "pass-word-123").status_code == 302
        client.logout()


def test_join_codes_guessed_past_the_rate_are_refused_with_429(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "join": "5/10m"}
    classroom = make_class()
    client.force_login(make_user())
    for guess in range(5):
        assert client.post(reverse("class_join"), {"code": f"ZZZZZZ{guess}2"}).status_code == 200

    response = client.post(reverse("class_join"), {"code": classroom.join_code})

    assert response.status_code == 429
    assert b"Too many join codes tried" in response.content
    assert not classroom.students.exists()


def test_sign_ups_past_the_rate_from_one_address_are_refused_with_429(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "signup": "2/h"}
    for n in range(2):
        client.post(
            reverse("signup"),
            {
                "username": f"new{n}",
                "password1": "a-long-pass-phrase-9",
                "password2": "a-long-pass-phrase-9",
            },
        )
        client.logout()

    response = client.post(
        reverse("signup"),
        {
            "username": "new9",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )

    assert response.status_code == 429
    assert b"Too many accounts were made from your network" in response.content


def test_with_redis_the_throttle_counts_live_where_every_app_process_reads_them(client, settings):
    import redis
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        },
    }
    caches["throttle"].clear()
    client.force_login(make_user())
    for _ in range(3):
        client.post(reverse("class_join"), {"code": "ZZZZZZZ2"})

    # Another process has only Redis in common with this one.
    other_process = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    counts = [int(other_process.get(key)) for key in other_process.keys("*rl:*")]
    caches["throttle"].clear()
    assert counts == [3]


def test_password_reset_mails_asked_for_past_the_rate_are_refused_with_429(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "password-reset": "2/h"}
    for _ in range(2):
        client.post(reverse("password_reset"), {"email": "sam@example.org"})

    response = client.post(reverse("password_reset"), {"email": "sam@example.org"})

    assert response.status_code == 429
    assert b"Too many password resets" in response.content


def test_a_join_link_carried_through_log_in_counts_as_a_code_tried(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "join": "1/10m"}
    classroom = make_class(join_code="KLASZZ99")
    student = make_user()
    client.force_login(student)
    client.post(reverse("class_join"), {"code": "ZZZZZZZ2"})
    client.logout()
    client.get(reverse("class_join_code", args=["KLASZZ99"]))  # logged out: kept for later
    client.force_login(student)

    response = client.get(reverse("class_join_code", args=["KLASZZ99"]))

    assert response.status_code == 429
    assert not classroom.students.exists()


def test_a_browser_that_logged_in_before_logs_in_while_its_address_is_capped(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "3/15m"}
    make_user("kim")
    assert log_in(client, "kim", "pass-word-123").status_code == 302  # this laptop knows kim
    client.post(reverse("logout"))  # as the student does: the test client's logout forgets cookies
    for attempt in range(3):
        log_in(client, f"user{attempt}", "wrong")

    assert log_in(client, "kim", "pass-word-123").status_code == 302
    assert log_in(client, "user9", "pass-word-123").status_code == 429


def test_typos_of_a_student_on_their_own_laptop_do_not_use_up_the_schools_cap(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "3/15m"}
    make_user("kim")
    make_user("noor")
    log_in(client, "kim", "pass-word-123")
    client.post(reverse("logout"))
    for _ in range(4):
        log_in(client, "kim", "typo")

    laptop_of_noor = client.__class__()
    assert log_in(laptop_of_noor, "noor", "pass-word-123").status_code == 302


def test_the_admins_log_in_page_is_capped_like_the_sites(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "3/15m"}
    make_user("root", is_staff=True, is_superuser=True)
    for attempt in range(3):
        log_in(client, f"user{attempt}", "wrong")

    response = client.post(
        reverse("admin:login"), {"username": "root", "password": "pass-word-123"}, REMOTE_ADDR=PROXY
    )

    assert response.status_code == 429


def test_a_whole_class_joining_from_one_school_address_is_never_throttled(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "join": "5/10m"}
    classroom = make_class(join_code="KLASZZ99")
    for _ in range(12):
        client.force_login(make_user())
        assert client.post(reverse("class_join"), {"code": "KLASZZ99"}).status_code == 302
    assert classroom.students.count() == 12


def test_sign_up_forms_with_mistakes_do_not_count_as_accounts_made(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "signup": "1/h"}
    for _ in range(3):
        client.post(reverse("signup"), {"username": "noor", "password1": "x", "password2": "y"})

    response = client.post(
        reverse("signup"),
        {
            "username": "noor",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )

    assert response.status_code == 302


def test_with_the_throttle_cache_down_log_ins_still_work(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }
    make_user("kim")
    log_in(client, "kim", "wrong")

    assert log_in(client, "kim", "pass-word-123").status_code == 302


@pytest.mark.parametrize(
    ("entry", "client_is"),
    [
        ("203.0.113.7:5555", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("unknown", PROXY),
    ],
)
def test_an_address_the_proxy_wrote_with_a_port_or_in_another_form_is_read_plainly(
    settings, entry, client_is
):
    settings.STAMP_TRUSTED_PROXIES = 1
    assert client_address(request_from(entry)) == client_is


def test_a_class_of_30_behind_one_address_all_get_in_though_some_mistype_and_one_hammers(
    settings, django_user_model
):
    """The school's morning: every student on a browser that never logged in before."""
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "20/15m"}
    students = [make_user(f"leerling{n}") for n in range(30)]
    hammerer, typists = students[0], students[1:6]
    hammering_browser = Client()
    for _ in range(20):  # 5 wrong passwords, then 15 refused by the username's lockout
        log_in(hammering_browser, hammerer.username, "wrong")
    browsers = {student: Client() for student in students[1:]}
    for student in typists:
        assert log_in(browsers[student], student.username, "typo").status_code == 200

    answers = [
        log_in(browsers[student], student.username, "pass-word-123").status_code
        for student in students[1:]
    ]

    assert answers == [302] * 29


def test_lockout_refusals_do_not_count_toward_the_address_cap(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "6/15m"}
    make_user("sam")
    make_user("kim")
    for _ in range(10):
        log_in(client, "sam", "wrong")  # 5 real failures, then 5 refusals

    assert log_in(Client(), "kim", "pass-word-123").status_code == 302


def test_a_student_who_just_signed_up_logs_in_while_the_address_is_capped(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "3/15m"}
    password = "a-long-pass-phrase-9"
    client.post(
        reverse("signup"), {"username": "noor", "password1": password, "password2": password}
    )
    client.post(reverse("logout"))
    for attempt in range(3):
        log_in(Client(), f"user{attempt}", "wrong")

    assert log_in(client, "noor", password).status_code == 302


def test_a_shared_pc_knows_every_student_who_logged_in_on_it(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "login-failures": "3/15m"}
    for name in ("kim", "noor", "sam"):
        make_user(name)
        assert log_in(client, name, "pass-word-123").status_code == 302
        client.post(reverse("logout"))
    for attempt in range(3):
        log_in(Client(), f"user{attempt}", "wrong")

    assert [log_in(client, name, "pass-word-123").status_code for name in ("kim", "noor")] == [
        302,
        302,
    ]


def test_the_device_cookie_is_signed_and_does_not_hold_the_username(client):
    make_user("kimberley")
    log_in(client, "kimberley", "pass-word-123")

    cookie = client.cookies[DEVICE_COOKIE]

    assert "kimberley" not in cookie.value
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600


def test_the_language_cookie_is_same_site_and_http_only(client):
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/"})

    cookie = response.cookies[django_settings.LANGUAGE_COOKIE_NAME]
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]


def test_the_password_reset_throttle_asks_to_wait_until_its_window_ends(client, settings):
    settings.STAMP_THROTTLE_RATES = {**settings.STAMP_THROTTLE_RATES, "password-reset": "1/h"}
    client.post(reverse("password_reset"), {"email": "sam@example.org"})

    response = client.post(reverse("password_reset"), {"email": "sam@example.org"})

    window_left = seconds_left(RequestFactory().post("/accounts/password-reset/"), "password-reset")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert abs(int(response["Retry-After"]) - window_left) <= 1


@pytest.fixture
def silent_redis():
    """A server on 127.0.0.1 that accepts connections and never answers; its port, and
    the connections it accepted."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept_forever():
        with contextlib.suppress(OSError):
            while True:
                accepted.append(server.accept()[0])

    threading.Thread(target=accept_forever, daemon=True).start()
    yield server.getsockname()[1], accepted
    server.close()
    for connection in accepted:
        connection.close()


def within(seconds: float, call, *args):
    """`call(*args)`, or a failed test if it takes more than `seconds` (the thread left
    behind ends when the silent server closes)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(call(*args)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert result, f"still waiting after {seconds} s"
    return result[0]


def test_a_redis_that_never_answers_turns_the_throttles_off_within_its_timeout(
    settings, silent_redis
):
    port, accepted = silent_redis
    settings.CACHES = {**settings.CACHES, "throttle": redis_cache(f"redis://127.0.0.1:{port}/0")}
    request = RequestFactory().post("/accounts/login/")

    assert within(2, seconds_left, request, "login-failures") == 0  # not throttled
    connections = len(accepted)
    # Once failed, the process leaves it alone for a while: no request waits on it again.
    assert within(1, seconds_left, request, "login-failures") == 0
    assert len(accepted) == connections


def test_with_a_redis_that_never_answers_log_ins_still_work(client, settings, silent_redis):
    port, _ = silent_redis
    settings.CACHES = {**settings.CACHES, "throttle": redis_cache(f"redis://127.0.0.1:{port}/1")}
    make_user("kim")
    within(2, seconds_left, RequestFactory().get("/"), "login-failures")  # its first look

    log_in(client, "kim", "wrong")

    assert log_in(client, "kim", "pass-word-123").status_code == 302
