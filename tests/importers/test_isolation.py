"""An upload is parsed in a child process: whatever the parser does, the worker goes on."""

import os
import signal
import tempfile

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

    response = client.post(reverse("admin:decks_deck_import"), {"file": upload})

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
