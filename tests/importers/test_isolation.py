"""An upload is parsed in a child process: whatever the parser does, the worker goes on."""

import os
import signal
import subprocess
import sys
import tempfile
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decks.importers import isolation
from decks.importers.base import ImportLimits
from decks.importers.detect import parse_upload
from decks.importers.isolation import ParseBudget, parse_upload_isolated
from decks.models import ImportUpload
from tests.conftest import make_teacher

CSV = "front;back\nWat is CRM?;Klantrelatiebeheer\nWat is een KAM?;Key account manager\n"
TIGHT = ParseBudget(cpu_seconds=1, memory_bytes=64 * 1024 * 1024)


def parse_with(monkeypatch, parser, budget=TIGHT):
    monkeypatch.setattr(isolation, "parse_upload", parser)
    return parse_upload_isolated(
        CSV.encode(), filename="uploads/klanten.csv", limits=ImportLimits(), budget=budget
    )


def test_a_file_parsed_in_the_child_gives_the_same_cards_as_parsing_it_here():
    here = parse_upload(CSV.encode(), filename="klanten.csv")
    isolated = parse_upload_isolated(CSV.encode(), filename="klanten.csv", limits=ImportLimits())
    assert isolated.cards == here.cards
    assert isolated.format == here.format == "csv"
    assert isolated.errors == []


def test_a_parse_that_never_ends_is_stopped_at_the_cpu_limit_with_an_error_naming_the_file(
    monkeypatch,
):
    def spin(*args, **kwargs):
        while True:
            pass

    result = parse_with(monkeypatch, spin)

    assert len(result.errors) == 1
    assert result.errors[0].file == "klanten.csv"
    assert "took more than 1 second," in result.errors[0].message


def test_a_parse_that_needs_more_memory_than_the_budget_is_stopped_with_an_error(monkeypatch):
    def hog(*args, **kwargs):
        return bytearray(512 * 1024 * 1024)

    result = parse_with(monkeypatch, hog)

    assert "needed more than 64 MB of memory" in result.errors[0].message


def test_a_parser_bug_becomes_an_error_that_says_the_reader_failed(monkeypatch):
    def broken(*args, **kwargs):
        return 1 / 0

    result = parse_with(monkeypatch, broken)

    assert "the reader failed (ZeroDivisionError: division by zero)" in result.errors[0].message


def test_a_child_killed_outright_gives_an_error_not_a_hung_worker(monkeypatch):
    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    result = parse_with(monkeypatch, killed)

    assert "Reading the file stopped unexpectedly" in result.errors[0].message


@pytest.mark.django_db
def test_the_import_preview_shows_the_stopped_parse_as_an_error_and_stores_nothing(
    client, monkeypatch, settings
):
    settings.STAMP_IMPORT_PARSE_CPU_SECONDS = 1

    def spin(*args, **kwargs):
        while True:
            pass

    monkeypatch.setattr(isolation, "parse_upload", spin)
    client.force_login(make_teacher())
    upload = SimpleUploadedFile("klanten.csv", CSV.encode())

    response = client.post(reverse("admin:decks_deck_import"), {"file": upload}, follow=True)

    assert response.status_code == 200
    assert "took more than 1 second," in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_a_parse_stopped_half_way_leaves_no_temporary_file_behind(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the scratch folders go

    def unpack_then_spin(*args, **kwargs):
        with tempfile.NamedTemporaryFile(suffix=".sqlite", delete=False) as handle:
            handle.write(b"an unpacked collection")
        while True:
            pass

    result = parse_with(monkeypatch, unpack_then_spin)

    assert "took more than 1 second," in result.errors[0].message
    assert list(tmp_path.rglob("*")) == []


WORKER_PARSING_FOREVER = """
import os, sys, time
import django
django.setup()
from decks.importers import isolation
from decks.importers.base import ImportLimits
isolation.parse_upload = lambda *args, **kwargs: time.sleep(600)
isolation.parse_upload_isolated(b"front;back\\n", filename="k.csv", limits=ImportLimits())
"""


def test_a_worker_killed_during_a_parse_leaves_no_scratch_folder_behind(tmp_path, monkeypatch):
    env = {
        **os.environ,
        "TMPDIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "accountmanagement.settings",
    }
    worker = subprocess.Popen([sys.executable, "-c", WORKER_PARSING_FOREVER], env=env)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob("stamp-parse-*")) and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for the worker to start its parse, not for a race
        assert list(tmp_path.glob("stamp-parse-*")), "the worker never started parsing"
    finally:
        worker.kill()  # SIGKILL: no finally block of the worker runs
        worker.wait()
    assert list(tmp_path.glob(f"stamp-parse-{worker.pid}-*"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    parse_upload_isolated(CSV.encode(), filename="klanten.csv", limits=ImportLimits())

    assert list(tmp_path.iterdir()) == []


def test_a_parse_that_waits_longer_than_its_cpu_limit_but_uses_little_cpu_finishes(monkeypatch):
    """As a parse queued behind others does: 8 s of wall clock, a fraction of a second of
    CPU, under a 1 s CPU budget (before: stopped after 1 + 5 s as "took more than 1 s")."""
    here = parse_upload(CSV.encode(), filename="klanten.csv")

    def slow_but_frugal(*args, **kwargs):
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline:
            time.sleep(0.5)  # off the CPU, as if other parses had it
            sum(range(20_000))  # and a little work each time it gets it
        return here

    result = parse_with(monkeypatch, slow_but_frugal)

    assert result.errors == []
    assert result.cards == here.cards


def test_a_parse_stuck_without_using_any_cpu_is_stopped(monkeypatch):
    monkeypatch.setattr(isolation, "_STUCK_SECONDS", 2)

    def stuck(*args, **kwargs):
        time.sleep(600)  # as on a lock another thread held at the fork

    result = parse_with(monkeypatch, stuck)

    assert "stopped making progress" in result.errors[0].message
