"""Back and Forward after answering show today's counts, not a page from before."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deck():
    deck = make_deck("Klant centraal", slug="klant-centraal")
    for n in (1, 2, 3):
        make_card(deck, front=f"Vraag {n}", back=f"Antwoord {n}")
    enroll(make_user("kim"), deck)
    return deck


def test_a_study_page_restored_from_the_back_forward_cache_reloads_itself(page, live_server, deck):
    log_in(page, live_server, "kim")
    page.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    page.wait_for_load_state("load")
    page.evaluate("window.staleCopy = true")

    # What the browser fires when it shows a page kept in its back/forward cache.
    with page.expect_navigation():
        page.evaluate(
            "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))"
        )
    page.wait_for_load_state("load")
    assert page.evaluate("window.staleCopy") is None


def test_a_page_shown_for_the_first_time_is_not_reloaded(page, live_server, deck):
    log_in(page, live_server, "kim")
    page.goto(f"{live_server.url}/decks/{deck.slug}/")
    # A reload starts in the listener itself, so the Navigation API's navigate event tells
    # at once whether one began: nothing to wait for.
    started = page.evaluate(
        """() => {
          let started = 0;
          navigation.addEventListener("navigate", () => { started += 1; });
          window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: false}));
          return started;
        }"""
    )
    assert started == 0


def test_back_and_forward_after_answering_show_the_counts_and_card_of_now(page, live_server, deck):
    log_in(page, live_server, "kim")
    page.goto(f"{live_server.url}/decks/{deck.slug}/")
    page.get_by_role("link", name="Study now").click()
    page.wait_for_load_state("load")
    page.keyboard.press("Space")
    page.keyboard.press("5")
    page.get_by_test_id("front").filter(has_text="Vraag 2").wait_for()

    page.go_back()
    page.wait_for_load_state("load")
    assert "1" in page.locator("dt:has-text('Cards studied today') + dd").inner_text()

    page.go_forward()
    page.wait_for_load_state("load")
    assert page.get_by_test_id("front").inner_text() == "Vraag 2"
