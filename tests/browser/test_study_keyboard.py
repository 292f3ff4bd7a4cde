import pytest

from decks.models import ReviewLog
from tests.browser.conftest import log_in
from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_studies_three_cards_with_the_keyboard(page, live_server, screenshot):
    student = make_user("kim")
    deck = make_deck("Klant centraal", slug="klant-centraal")
    for n, back in enumerate(["<ul><li>lente</li><li>herfst</li></ul>", "Twee", "Drie"], 1):
        make_card(deck, front=f"Vraag {n}", back=back)
    enroll(student, deck)
    log_in(page, live_server, "kim")

    page.get_by_role("link", name="Study Klant centraal").click()
    page.wait_for_load_state("load")  # htmx binds the form once the page has loaded
    page.evaluate("window.notReloaded = true")

    screenshot("study-front")

    for n, rating in enumerate(["5", "4", "3"], 1):
        front = page.get_by_test_id("front")
        assert front.inner_text() == f"Vraag {n}"
        assert not page.get_by_test_id("back").is_visible()
        page.keyboard.press("Space")
        assert page.get_by_test_id("back").is_visible()
        if n == 1:
            screenshot("study-back")
        page.keyboard.press(rating)
        page.wait_for_function(
            "n => document.querySelector('[data-testid=done]').textContent.trim() === String(n)",
            arg=n,
        )

    # Rated 3, the last card comes back the same day, as SM-2 asks.
    assert page.get_by_test_id("front").inner_text() == "Vraag 3"
    assert page.locator(".kind").inner_text().lower() == "again today"
    page.keyboard.press("Enter")
    page.keyboard.press("5")
    page.wait_for_selector("[data-testid=summary]")
    screenshot("study-summary")

    assert page.evaluate("window.notReloaded") is True  # swapped by htmx, never reloaded
    assert list(
        ReviewLog.objects.filter(student=student).order_by("id").values_list("rating", flat=True)
    ) == [5, 4, 3, 5]
    assert "All done for today" in page.get_by_test_id("summary").inner_text()


def test_the_u_key_undoes_the_last_answer(page, live_server, screenshot):
    student = make_user("kim")
    deck = make_deck("Klant centraal", slug="klant-centraal")
    for n in (1, 2):
        make_card(deck, front=f"Vraag {n}", back=f"Antwoord {n}")
    enroll(student, deck)
    log_in(page, live_server, "kim")
    page.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    page.wait_for_load_state("load")

    page.keyboard.press("Space")
    page.keyboard.press("2")
    page.get_by_test_id("front").filter(has_text="Vraag 2").wait_for()
    page.keyboard.press("u")
    page.get_by_text("Your last answer was undone").wait_for()
    screenshot("study-undone")

    assert page.get_by_test_id("front").inner_text() == "Vraag 1"
    assert not ReviewLog.objects.exists()


def test_space_reveals_the_answer_without_scrolling_the_page(page, live_server):
    student = make_user("kim")
    deck = make_deck("Klant centraal", slug="klant-centraal")
    make_card(deck, front="Vraag 1", back="<p>" + "Een lang antwoord. " * 400 + "</p>")
    enroll(student, deck)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server, "kim")
    page.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    page.wait_for_load_state("load")
    scrolled_before = page.evaluate("window.scrollY")

    page.keyboard.press("Space")

    assert page.get_by_test_id("back").is_visible()
    assert page.evaluate("window.scrollY") == scrolled_before
