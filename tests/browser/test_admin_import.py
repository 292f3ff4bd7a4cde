import pytest
from django.contrib.auth.models import Group

from decks.models import Deck
from decks.services.teachers import TEACHERS_GROUP, teachers_group_ensure
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "vraag,antwoord,hoofdstuk\n"
    'Wat is klantinzicht?,"Het continu onderzoeken van de wensen, eisen en het gedrag.",H1\n'
    'Noem de fases,"<ol><li>Market to sales</li><li>Sales to order</li></ol>",H1\n'
)


def test_a_teacher_imports_a_csv_through_the_admin_preview(page, live_server, screenshot, tmp_path):
    teachers_group_ensure()
    teacher = make_user("tess", is_staff=True)
    teacher.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    source = tmp_path / "klant.csv"
    source.write_text(CSV, encoding="utf-8")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/decks/deck/")
    page.fill("#id_username", "tess")
    page.fill("#id_password", "pass-word-123")
    page.click("input[type=submit]")
    page.get_by_role("link", name="Import deck").click()
    page.set_input_files("#id_file", str(source))
    page.fill("#id_new_deck_title", "Klant centraal")
    page.click("input[value='Preview import']")

    counts = page.get_by_test_id("import-counts").inner_text()
    assert "Cards to add\t2" in counts
    assert page.locator(".preview-card ol li").count() == 2
    assert not Deck.objects.exists()
    screenshot("admin-import-preview")

    page.click("input[value='Confirm import']")
    page.wait_for_selector(".messagelist .success")
    screenshot("admin-import-done")
    deck = Deck.objects.get(title="Klant centraal")
    assert deck.cards.count() == 2
    assert deck.owner == teacher
