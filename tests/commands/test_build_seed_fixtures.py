import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CORRECTIONS = "003_bbe4ca5e4c55b098.corrections.json"
FIXTURE = "seed_003_h7_accountmanager_klantmanagement_crm.json"


@pytest.fixture
def project(settings, tmp_path) -> Path:
    """A copy of the fixtures and their sources that the command may rewrite."""
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    settings.BASE_DIR = tmp_path
    return tmp_path / "fixtures"


def edit_corrections(fixtures: Path, change) -> None:
    path = fixtures / "sources" / CORRECTIONS
    corrections = json.loads(path.read_text(encoding="utf-8"))
    change(corrections)
    path.write_text(json.dumps(corrections), encoding="utf-8")


def test_a_correction_no_card_matches_is_reported_by_name(project):
    edit_corrections(project, lambda c: c["cards"].update({"Kat": {"front": "Wat is een kat?"}}))
    out = StringIO()

    call_command("build_seed_fixtures", "--check", stdout=out)

    assert f"warning: {CORRECTIONS}: no card asks 'Kat'" in out.getvalue()


def test_a_malformed_corrections_file_fails_and_leaves_the_fixture_alone(project):
    edit_corrections(project, lambda c: c["cards"]["Dog"].update({"bak": "<p>Hond</p>"}))
    before = (project / FIXTURE).read_bytes()
    err = StringIO()

    with pytest.raises(CommandError, match="003_bbe4ca5e4c55b098.txt"):
        call_command("build_seed_fixtures", stdout=StringIO(), stderr=err)

    assert "card 'Dog' has an unknown field 'bak'" in err.getvalue()
    assert (project / FIXTURE).read_bytes() == before


def test_a_card_replaced_by_a_card_no_deck_keeps_is_reported_by_name(project):
    edit_corrections(project, lambda c: c["cards"]["Dog"].update({"replaced_by": "Kat"}))
    out = StringIO()

    call_command("build_seed_fixtures", "--check", stdout=out)

    (warning,) = [line for line in out.getvalue().splitlines() if "'Kat'" in line]
    assert warning.startswith(f"  warning: {CORRECTIONS}: ")
    assert warning.endswith("is replaced by 'Kat', which no kept card has")


def test_the_moves_are_rebuilt_with_the_fixtures(project):
    moves = project / "moved_seed_cards.json"
    committed = moves.read_bytes()
    moves.write_text("{}", encoding="utf-8")

    call_command("build_seed_fixtures", stdout=StringIO())

    assert moves.read_bytes() == committed
