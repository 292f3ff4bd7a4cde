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


def test_an_import_waiting_for_the_task_worker_shows_its_progress_and_moves_on_by_itself(
    page, live_server, screenshot, tmp_path, settings
):
    """With the tasks queued and no worker yet, the page shows where the import is; when
    the worker has read the file, the page turns into the preview by itself."""
    from decks.models import ImportJob
    from decks.services.import_jobs import import_job_read

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    make_teacher()
    source = tmp_path / "klant.csv"
    source.write_text(CSV, encoding="utf-8")
    log_in_as_teacher(page, live_server)
    page.get_by_role("link", name="Import deck").click()
    page.set_input_files("#id_file", str(source))
    page.click("input[value='Preview import']")

    assert page.locator("progress").get_attribute("value") == "0"
    assert "Waiting for its turn" in page.get_by_role("status").inner_text()
    screenshot("admin-import-progress")
    import_job_read.call(job_id=str(ImportJob.objects.get().pk))

    page.get_by_test_id("import-counts").wait_for(timeout=10_000)  # the page's own refresh
    assert "Cards to add\t2" in page.get_by_test_id("import-counts").inner_text()


STEPS_SHOWN = {
    "en": ("✓ Reading the file", "→ Storing pictures and sound", "Writing the cards"),
    "nl": (
        "✓ Het bestand wordt gelezen",
        "→ Afbeeldingen en geluid worden opgeslagen",
        "De kaarten worden weggeschreven",
    ),
}


def test_the_import_progress_page_shows_its_three_steps_in_english_and_dutch_on_any_screen(
    page, live_server, screenshot, tmp_path, settings
):
    """The page a teacher watches while the worker stores the pictures: the file read, the
    pictures and sound under way, the cards to come, at 1280 and 360 px in both languages."""
    from django.conf import settings as django_settings

    from decks.models import ImportJob

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    make_teacher()
    source = tmp_path / "klant.csv"
    source.write_text(CSV, encoding="utf-8")
    log_in_as_teacher(page, live_server)
    page.get_by_role("link", name="Import deck").click()
    page.set_input_files("#id_file", str(source))
    page.click("input[value='Preview import']")
    page.locator("progress").wait_for()
    job_page = page.url
    ImportJob.objects.update(stage=ImportJob.Stage.MEDIA)

    for language, steps in STEPS_SHOWN.items():
        page.context.add_cookies(
            [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": job_page}]
        )
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(job_page)
            assert page.locator("progress").get_attribute("max") == "3"
            assert page.locator("progress").get_attribute("value") == "1"
            shown = page.locator(".import-steps").inner_text()
            assert [line.strip() for line in shown.splitlines()] == list(steps)
            screenshot(f"admin-import-progress-media-{width}-{language}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
