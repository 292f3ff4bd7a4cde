"""The settings module is driven by the environment; production values pass check --deploy."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accountmanagement.settings import env_int
from tests.conftest import ROOT, run_manage

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "ALLOWED_HOSTS": "stamp.example.org",
    "DATABASE_URL": "postgres://stamp@db.example.org:5432/stamp",
    "REDIS_URL": "redis://cache.example.org:6379/0",
}


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_warns_when_throttles_would_be_counted_per_process():
    without_redis = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=without_redis)
    assert result.returncode != 0
    assert "stamp.W001" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_selects_postgresql():
    code = "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_without_database_url_the_app_runs_on_a_sqlite_file_in_the_project():
    code = (
        "from django.conf import settings; "
        "d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env={})
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name).parent == ROOT


PRINT_BINDING = (
    "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; "
    "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
)


def test_postgresql_prepares_the_hot_paths_statements_by_default():
    result = run_manage("shell", "--no-imports", "-c", PRINT_BINDING, env=PRODUCTION)
    assert result.stdout.split() == ["True", "5"]


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    env = {**PRODUCTION, "DB_PREPARED_STATEMENTS": "0"}
    result = run_manage("shell", "--no-imports", "-c", PRINT_BINDING, env=env)
    assert result.stdout.split() == ["None", "None"]


def test_postgresql_connections_turn_jit_off():
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert "'options': '-c jit=off'" in result.stdout


def test_naming_a_bucket_puts_media_in_object_storage():
    env = {**PRODUCTION, "AWS_STORAGE_BUCKET_NAME": "stamp-media",
           "AWS_S3_ENDPOINT_URL": "https://minio.example.org"}  # fmt: skip
    code = (
        'from django.core.files.storage import storages; s = storages["default"]; '
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.strip() == "S3Storage stamp-media https://minio.example.org None"


def test_without_a_bucket_media_are_files_under_media_root():
    code = (
        'from django.core.files.storage import storages; print(type(storages["default"]).__name__)'
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.stdout.strip() == "FileSystemStorage"


def test_in_production_the_language_cookie_is_secure_like_the_others():
    code = (
        "from django.conf import settings as s; print(s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.stdout.split() == ["True", "True", "True", "Lax"]


def test_a_whole_number_setting_reads_the_environment(monkeypatch):
    monkeypatch.setenv("STAMP_TEST_NUMBER", "42")
    assert env_int("STAMP_TEST_NUMBER", 7) == 42


def test_an_unset_whole_number_setting_keeps_its_default(monkeypatch):
    monkeypatch.delenv("STAMP_TEST_NUMBER", raising=False)
    assert env_int("STAMP_TEST_NUMBER", 7) == 7


def test_a_whole_number_setting_that_is_not_a_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("STAMP_TEST_NUMBER", "20 MB")
    with pytest.raises(ImproperlyConfigured, match="STAMP_TEST_NUMBER must be a whole number"):
        env_int("STAMP_TEST_NUMBER", 7)


def test_email_use_tls_is_a_yes_or_no_like_every_other_switch():
    code = "from django.conf import settings; print(settings.MAILERS['default']['OPTIONS'])"
    env = {**PRODUCTION, "EMAIL_USE_TLS": "true"}
    result = run_manage("shell", "--no-imports", "-c", code, env=env)
    assert "'use_tls': True" in result.stdout, result.stderr


def test_in_production_switching_language_sets_a_secure_same_site_cookie():
    # The view the language menu posts to, called as production configures it: the
    # cookie it sets must carry the flags, not just the settings hold them.
    code = (
        "from django.conf import settings as s; from django.test import RequestFactory; "
        "from django.urls import resolve, reverse; url = reverse('set_language'); "
        "request = RequestFactory().post(url, {'language': 'nl', 'next': '/'}, secure=True, "
        "headers={'host': 'stamp.example.org'}); "
        "cookie = resolve(url).func(request).cookies[s.LANGUAGE_COOKIE_NAME]; "
        "print(cookie.value, bool(cookie['secure']), cookie['samesite'], "
        "bool(cookie['httponly']))"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.stdout.split() == ["nl", "True", "Lax", "True"], result.stderr
