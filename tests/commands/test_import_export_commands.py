import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from decks.models import Card, Deck
from tests.conftest import make_card, make_deck

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_import_deck_prints_what_it_created(tmp_path):
    path = tmp_path / "woorden.csv"
    path.write_text("front,back\nDe fiets,The bicycle\n", encoding="utf-8")
    out = StringIO()
    call_command("import_deck", str(path), "--deck", "Woorden", stdout=out)
    assert "1 created" in out.getvalue()
    assert Deck.objects.get(title="Woorden").cards.count() == 1


def test_import_deck_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "woorden.csv"
    path.write_text("front,back\nDe fiets,The bicycle\n", encoding="utf-8")
    out = StringIO()
    call_command("import_deck", str(path), "--dry-run", stdout=out)
    assert "Would import" in out.getvalue()
    assert not Deck.objects.exists()


def test_import_deck_refuses_bad_input_and_leaves_the_database_as_it_was(tmp_path):
    deck = make_deck("Woorden")
    make_card(deck, front="Oud", back="Old")
    path = tmp_path / "kapot.csv"
    path.write_text("front,back\nDe fiets,The bicycle\nHet ijsje,\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_deck", str(path), "--deck", "Woorden", stderr=err)
    assert "kapot.csv, line 3" in err.getvalue()
    assert list(Card.objects.values_list("front", flat=True)) == ["Oud"]


def test_import_deck_exits_with_status_one_on_invalid_input(tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'scratch.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_deck", str(path), "--dry-run"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "leeg.csv" in result.stderr


def test_export_deck_writes_an_apkg(tmp_path):
    deck = make_deck("Woorden")
    make_card(deck, front="De fiets", back="The bicycle")
    target = tmp_path / "woorden.apkg"
    call_command("export_deck", deck.slug, "--format", "apkg", "-o", str(target), stdout=StringIO())
    assert target.read_bytes()[:2] == b"PK"
