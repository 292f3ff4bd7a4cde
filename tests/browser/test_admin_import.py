import pytest

from decks.models import Deck
from tests.browser.conftest import log_in_as_teacher
from tests.conftest import make_teacher
from tests.media_samples import anki_package, pyramid, tone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "vraag,antwoord,hoofdstuk\n"
    'Wat is klantinzicht?,"Het continu onderzoeken van de wensen, eisen en het gedrag.",H1\n'
    'Noem de fases,"<ol><li>Market to sales</li><li>Sales to order</li></ol>",H1\n'
)


def test_a_teacher_imports_a_csv_through_the_admin_preview(page, live_server, screenshot, tmp_path):
    teacher = make_teacher()
    source = tmp_path / "klant.csv"
    source.write_text(CSV, encoding="utf-8")

    log_in_as_teacher(page, live_server)
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


def test_a_teacher_imports_an_anki_deck_with_50_pictures_and_20_sounds(
    page, live_server, screenshot, tmp_path
):
    make_teacher()
    files = {f"piramide-{n}.png": pyramid(600 + n, 400, f"Piramide {n}") for n in range(50)}
    files |= {f"woord-{n}.wav": tone(0.3, 300 + 10 * n) for n in range(20)}
    notes = [
        (f'Welke piramide is {n}? <img src="piramide-{n}.png">',
         f"Nummer {n}" + (f" [sound:woord-{n}.wav]" if n < 20 else ""))
        for n in range(50)
    ]  # fmt: skip
    source = tmp_path / "piramides.apkg"
    source.write_bytes(anki_package(tmp_path, notes, files))

    log_in_as_teacher(page, live_server)
    page.get_by_role("link", name="Import deck").click()
    page.set_input_files("#id_file", str(source))
    page.click("input[value='Preview import']")

    assert page.get_by_test_id("import-images").inner_text() == "50"
    assert page.get_by_test_id("import-sounds").inner_text() == "20"
    page.wait_for_function(
        "() => [...document.querySelectorAll('.preview-card img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    assert page.locator(".preview-card img").count() == 10
    assert page.locator(".preview-card audio").count() == 10
    assert page.get_by_test_id("import-warnings").count() == 0
    screenshot("admin-import-media-preview")

    page.click("input[value='Confirm import']")
    page.wait_for_selector(".messagelist .success")
    deck = Deck.objects.get(title="Stamp media")
    assert deck.cards.count() == 50
    assert deck.media.count() == 70
