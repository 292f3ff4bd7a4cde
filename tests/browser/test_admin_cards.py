"""The deck page's card inline at a laptop's width: every column on screen."""

import pytest

from tests.browser.conftest import log_in_as_teacher
from tests.conftest import make_card, make_deck, make_teacher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_BACK = "<p>" + "Het continu onderzoeken, vastleggen en analyseren van de wensen. " * 6 + "</p>"


def test_back_and_tags_of_the_card_inline_fit_at_1280_px(browser, live_server, screenshot):
    teacher = make_teacher()
    deck = make_deck(title="Klant centraal", owner=teacher)
    for n in range(3):
        make_card(deck, front=f"Wat is klantinzicht {n}?", back=LONG_BACK, tags="H1 1.2 klant")
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    log_in_as_teacher(page, live_server)
    page.goto(f"{live_server.url}/admin/decks/deck/{deck.pk}/change/")

    group = page.locator(".inline-group").bounding_box()
    for selector in ("td.field-back textarea", "td.field-tags input", "td.field-retired_at"):
        box = page.locator(selector).first.bounding_box()
        assert box["x"] + box["width"] <= group["x"] + group["width"] + 1, selector
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.locator(".inline-group").scroll_into_view_if_needed()
    screenshot("admin-card-inline-1280")
