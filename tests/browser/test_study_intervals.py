"""The rating buttons' "comes back" fit inside the buttons on a phone and a laptop."""

import pytest

from tests.browser.test_first_use_layout import log_in
from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("width", [360, 1280])
def test_each_rating_button_shows_when_the_card_comes_back(browser, live_server, width, language):
    student = make_user("sam")
    deck = make_deck("Klant centraal", slug="klant")
    make_card(deck, front="Wat is CRM?", back="Klantrelatiebeheer")
    enroll(student, deck)
    page = browser.new_page(viewport={"width": width, "height": 800})
    log_in(page, live_server, "sam", language)
    page.goto(f"{live_server.url}/decks/klant/study/")
    page.keyboard.press("Space")
    page.locator(".rate-when").first.wait_for()
    page.screenshot(path=f"test-artifacts/study-intervals-{width}-{language}.png", full_page=True)
    for rating, when in ((1, ("today", "vandaag")), (4, ("1 d",))):
        button = page.locator(f"button.rate-{rating}")
        label = button.locator(".rate-when")
        assert label.inner_text().split("\n")[-1].strip() in when
        inner, outer = label.bounding_box(), button.bounding_box()
        assert (
            inner["x"] >= outer["x"] and inner["x"] + inner["width"] <= outer["x"] + outer["width"]
        )
