"""Stamp settings: one module, driven by environment variables.

Development runs with no variables set (SQLite in the project folder, DEBUG on).
Production sets SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and DATABASE_URL=postgres://...
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "decks",
]

MIDDLEWARE = [
    # First: a body too large for any form is refused before anything reads it.
    "decks.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and JSON gzipped with Django's BREACH padding; before anything that reads or
    # writes a body, after whitenoise, whose static files come compressed already.
    "decks.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "decks.middleware.PrivacyHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "decks.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "accountmanagement.urls"
WSGI_APPLICATION = "accountmanagement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Each process keeps its own small cache and shares none: app processes stay stateless.
# The throttles' counts (decks/throttles.py) must be shared by every process to mean
# anything behind a load balancer: Redis when REDIS_URL is set, else this process alone.
REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis that accepts connections but never answers must cost a request a fraction of a
# second, not a thread: past these timeouts the throttles are off (decks/throttles.py).
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT", "0.25"))


def redis_cache(location: str) -> dict:
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": location,
        "OPTIONS": {
            "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_TIMEOUT_SECONDS,
        },
    }


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": (
        redis_cache(REDIS_URL)
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"}
    ),
}


def db_pool_options() -> dict:
    """psycopg's pool inside each app process (`DB_POOL=1`).

    A pooled connection the database dropped while it sat idle is replaced by a fresh one
    as a request takes it (decks/backends/postgresql). A request that gets no working
    connection within `DB_POOL_TIMEOUT` (the connect timeout, 2 s) fails with the 503
    (decks.middleware).
    """
    return {
        "min_size": env_int("DB_POOL_MIN", 2),
        "max_size": env_int("DB_POOL_MAX", 10),
        "timeout": env_int("DB_POOL_TIMEOUT", env_int("DB_CONNECT_TIMEOUT", 2)),
    }


# SQLite is the embedded default so the app runs with nothing installed; production
# points DATABASE_URL at PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions, WAL and a busy timeout make concurrent writers queue
    # instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that has gone away must fail a request within seconds, not minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
        "DB_CONNECT_TIMEOUT", 2
    )
    # JIT compiling pays for long analytical queries, not for these short ones: when stale
    # statistics pushed the home page's estimate past jit_above_cost, compiling took most
    # of its time (bench/README.md).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
    if env_bool("DB_PREPARED_STATEMENTS", True):
        # Server-side parameters let psycopg prepare a statement after a few executions,
        # so the hot path's queries are planned once per connection, not per request
        # (measured in bench/README.md). Behind PgBouncer in transaction mode
        # older than 1.21, set DB_PREPARED_STATEMENTS=0.
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 5)
    # Exports read a large deck through a server-side cursor; PgBouncer in transaction mode
    # can hand its later fetches to another server connection, so turn them off there.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = not env_bool(
        "DB_SERVER_SIDE_CURSORS", True
    )
    if env_bool("DB_POOL", False):
        # psycopg's pool inside each app process: connections are reused across requests
        # and threads instead of opened per request. Django requires CONN_MAX_AGE = 0 then.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
        DATABASES["default"]["OPTIONS"]["pool"] = db_pool_options()
        # Django's backend, whose pooled connections are checked as they are taken.
        DATABASES["default"]["ENGINE"] = "decks.backends.postgresql"
    TEST_DATABASE_NAME = os.environ.get("TEST_DATABASE_NAME") or None
else:
    # Tests use a file, not memory, so threads share it the way app processes would; one
    # per test process, so two test runs in one checkout never share it.
    TEST_DATABASE_NAME = os.environ.get("TEST_DATABASE_NAME") or str(
        BASE_DIR / f"test-db-{os.getpid()}.sqlite3"
    )
DATABASES["default"]["TEST"] = {"NAME": TEST_DATABASE_NAME}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Work that must not run in a request thread (the password-reset mail, so the page takes the
# same time whether an account exists) is a task: stored in the database and run by
# `manage.py db_worker`, which needs nothing beyond the database (`make run` starts one).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("STAMP_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out username and address never reach the password check.
    "axes.backends.AxesStandaloneBackend",
    # Marks a log-in whose password is checked, so a lockout refusal is not counted as one.
    "decks.throttles.PasswordChecked",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a proxy the socket's address is the proxy's: axes and the throttles read the
# client's from X-Forwarded-For, trusting as many entries from the right as there are
# proxies that append to it (0: none, the socket's address is the client's).
STAMP_TRUSTED_PROXIES = env_int("STAMP_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "decks.throttles.client_address"
RATELIMIT_IP_META_KEY = "decks.throttles.client_address"
RATELIMIT_USE_CACHE = "throttle"
# Per client address. Log-in failures across usernames (axes locks one username after 5);
# join-code guesses; sign-ups, generous enough for a class signing up from one school;
# password-reset mails.
STAMP_THROTTLE_RATES = {
    "login-failures": os.environ.get("STAMP_LOGIN_FAILURES_RATE", "20/15m"),
    "join": os.environ.get("STAMP_JOIN_RATE", "20/10m"),
    "signup": os.environ.get("STAMP_SIGNUP_RATE", "60/h"),
    "password-reset": os.environ.get("STAMP_PASSWORD_RESET_RATE", "10/h"),
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Password-reset mail (Django 6.1's MAILERS; EMAIL_* settings are deprecated). By default
# the console backend prints the mail in development, and production sends by SMTP to
# EMAIL_HOST and friends (check --deploy refuses the console there); EMAIL_BACKEND picks
# another class.
EMAIL_BACKEND_CLASS = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_CLASS,
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            # A mail server that does not answer must not hold a request thread for long.
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        }
        if EMAIL_BACKEND_CLASS.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Stamp <noreply@localhost>")

LANGUAGE_CODE = "en"
# The interface speaks English (the source language) and Dutch; LocaleMiddleware picks
# one from the session's choice or the browser's Accept-Language.
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Card pictures and sound (decks.models.Media) go through Django's default storage: files
# under MEDIA_ROOT on one machine, or S3-compatible object storage once a bucket is named,
# so app processes on several machines share no disk. MEDIA_URL is not served as such:
# decks.views.media checks who may see a file before it hands out the bytes.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    # A name is its content's hash: writing it again writes the same bytes, never a copy.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"allow_overwrite": True},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            # Any S3-compatible service (MinIO, Ceph, R2, ...): its URL; empty for AWS.
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Keys from the environment; unset, boto3 finds an instance role instead.
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "default_acl": None,  # private objects: readers get short-lived signed URLs
            "querystring_auth": True,
            "signature_version": "s3v4",
            "querystring_expire": env_int("STAMP_MEDIA_URL_SECONDS", 300),
            "file_overwrite": True,  # a name is its content's hash: same name, same bytes
        },
    }
# How the media view hands over the bytes once it has checked access: "app" streams them
# from storage; "x-accel-redirect" (nginx) or "x-sendfile" (Apache, lighttpd) let the
# front web server send the file from STAMP_MEDIA_ACCEL_PREFIX; "redirect" sends the browser
# to the storage's signed, short-lived URL (object storage).
STAMP_MEDIA_DELIVERY = os.environ.get("STAMP_MEDIA_DELIVERY", "app")
STAMP_MEDIA_ACCEL_PREFIX = os.environ.get("STAMP_MEDIA_ACCEL_PREFIX", "/protected-media/")
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Security headers. The CSP allows no inline script: every script is a static file
# loaded with the request's nonce, so card text could not run script even if
# sanitising failed.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *env_list("STAMP_MEDIA_ORIGINS", "")],
    "media-src": [CSP.SELF, *env_list("STAMP_MEDIA_ORIGINS", "")],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Teacher imports: what one upload may hold.
STAMP_IMPORT_MAX_BYTES = env_int("STAMP_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
STAMP_IMPORT_MAX_CARDS = env_int("STAMP_IMPORT_MAX_CARDS", 20_000)
STAMP_IMPORT_MAX_FIELD_CHARS = env_int("STAMP_IMPORT_MAX_FIELD_CHARS", 20_000)
STAMP_IMPORT_MAX_UNZIPPED_BYTES = env_int("STAMP_IMPORT_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024)
# What one upload may unfold into: card text (twice the upload when that is more), and the
# clozes and cards of one Anki note.
STAMP_IMPORT_MAX_CARD_TEXT_CHARS = env_int("STAMP_IMPORT_MAX_CARD_TEXT_CHARS", 5_000_000)
STAMP_IMPORT_MAX_CLOZES_PER_NOTE = env_int("STAMP_IMPORT_MAX_CLOZES_PER_NOTE", 100)
STAMP_IMPORT_MAX_CARDS_PER_NOTE = env_int("STAMP_IMPORT_MAX_CARDS_PER_NOTE", 50)
# Each line of a text upload costs parse time and memory, blank or not (bench/README.md).
STAMP_IMPORT_MAX_TEXT_LINES = env_int("STAMP_IMPORT_MAX_TEXT_LINES", 100_000)
# Each upload is parsed in a child process with these limits (decks/importers/isolation.py):
# CPU seconds, and memory beyond the worker's own size, well above what the worst upload the
# benchmark knows costs (bench/README.md). The limit is on CPU, not on the clock: a parse
# waiting behind others is let finish.
STAMP_IMPORT_PARSE_CPU_SECONDS = env_int("STAMP_IMPORT_PARSE_CPU_SECONDS", 20)
STAMP_IMPORT_PARSE_MEMORY_MB = env_int("STAMP_IMPORT_PARSE_MEMORY_MB", 1024)
# Imports waiting for, or in, the task worker (reading or writing) before a new one is
# refused with "too many imports are waiting".
STAMP_IMPORT_QUEUE_MAX = env_int("STAMP_IMPORT_QUEUE_MAX", 20)
# Uploads one teacher may have waiting for their confirm; older ones are dropped.
STAMP_IMPORT_MAX_PENDING = env_int("STAMP_IMPORT_MAX_PENDING", 5)
# Pictures and sound in one import (decks.importers.media), and one picture in the admin.
STAMP_MEDIA_MAX_FILES = env_int("STAMP_MEDIA_MAX_FILES", 1_000)
STAMP_MEDIA_MAX_FILE_BYTES = env_int("STAMP_MEDIA_MAX_FILE_BYTES", 5 * 1024 * 1024)
STAMP_MEDIA_MAX_BYTES = env_int("STAMP_MEDIA_MAX_BYTES", 50 * 1024 * 1024)
STAMP_MEDIA_MAX_PIXELS = env_int("STAMP_MEDIA_MAX_PIXELS", 25_000_000)
# Django refuses larger request bodies before a view sees them; leave room for the form.
DATA_UPLOAD_MAX_MEMORY_SIZE = STAMP_IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = STAMP_IMPORT_MAX_BYTES + 1024 * 1024

# Reminders (decks.services.reminders): links in mails need the site's own address, and
# Web Push needs a VAPID key pair (`manage.py vapid_keys` makes one) and a contact.
STAMP_SITE_URL = os.environ.get("STAMP_SITE_URL", "http://127.0.0.1:8000")
STAMP_VAPID_PUBLIC_KEY = os.environ.get("STAMP_VAPID_PUBLIC_KEY", "")
STAMP_VAPID_PRIVATE_KEY = os.environ.get("STAMP_VAPID_PRIVATE_KEY", "")
STAMP_VAPID_SUBJECT = os.environ.get("STAMP_VAPID_SUBJECT", "mailto:admin@localhost")
