"""Answers must never be lost: a session that ended or a CSRF token made stale by logging
in again in another tab, then the answer stored exactly once after recovery."""

import pytest

from decks.models import ReviewLog
from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deck(db):
    student = make_user("kim")
    deck = make_deck("Klant centraal", slug="klant-centraal")
    for n in (1, 2):
        make_card(deck, front=f"Vraag {n}", back=f"Antwoord {n}")
    enroll(student, deck)
    return deck


def log_in(page, live_server, next_url: str = "") -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")


def test_an_answer_after_logging_out_elsewhere_is_kept_through_the_log_in(
    page, live_server, deck, screenshot
):
    log_in(page, live_server, "/decks/klant-centraal/study/")
    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server.url}/")
    # offline.js holds the log-out back until it has sent waiting answers and cleared the
    # device: the session has ended once the log-out's page arrives.
    with other_tab.expect_navigation():
        other_tab.get_by_role("button", name="Log out").click()
    other_tab.close()

    page.keyboard.press("Space")
    page.keyboard.press("4")
    ended = page.get_by_test_id("session-ended")
    ended.wait_for()
    screenshot("study-session-ended")
    assert page.locator("#session form#login, #session input[name=password]").count() == 0
    assert not ReviewLog.objects.exists()

    ended.get_by_role("link", name="Log in again").click()
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    offer = page.get_by_test_id("unsaved-answer")
    offer.wait_for()
    screenshot("study-unsaved-answer")
    assert page.get_by_test_id("front").inner_text() == "Vraag 1"

    offer.get_by_role("button", name="Save my answer: 4 · Well").click()
    page.get_by_test_id("front").filter(has_text="Vraag 2").wait_for()
    assert list(ReviewLog.objects.values_list("card__front", "rating")) == [("Vraag 1", 4)]


def test_an_answer_without_javascript_after_the_session_ended_is_kept_too(
    browser, live_server, deck
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "/decks/klant-centraal/study/")
    context.clear_cookies(name="sessionid")  # the session ends; the CSRF cookie stays
    page.locator("summary.reveal-button").click()
    page.get_by_role("button", name="4 Well").click()
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Save my answer: 4 · Well").click()
    assert page.get_by_test_id("front").inner_text() == "Vraag 2"
    assert ReviewLog.objects.count() == 1
    context.close()


@pytest.mark.parametrize("debug", [False, True], ids=["production", "DEBUG=1"])
def test_an_answer_after_logging_in_again_elsewhere_is_saved_once(
    page, live_server, deck, settings, screenshot, debug
):
    settings.DEBUG = debug
    log_in(page, live_server, "/decks/klant-centraal/study/")
    other_tab = page.context.new_page()
    log_in(other_tab, live_server)  # a new CSRF token in the shared cookie
    other_tab.close()

    page.keyboard.press("Space")
    page.keyboard.press("4")
    page.get_by_test_id("front").filter(has_text="Vraag 2").wait_for()
    assert list(ReviewLog.objects.values_list("card__front", "rating")) == [("Vraag 1", 4)]


@pytest.mark.parametrize("debug", [False, True], ids=["production", "DEBUG=1"])
def test_a_refused_token_is_fetched_fresh_before_try_again(
    page, live_server, deck, settings, screenshot, debug
):
    settings.DEBUG = debug
    log_in(page, live_server, "/decks/klant-centraal/study/")
    # The browser's CSRF cookie gone (cleared, or expired): the page's token matches nothing.
    page.context.clear_cookies(name="csrftoken")

    page.keyboard.press("Space")
    page.keyboard.press("4")
    retry = page.get_by_role("button", name="Try again")
    retry.wait_for()
    screenshot(f"study-csrf-retry-{'debug' if debug else 'production'}")
    assert page.get_by_test_id("front").inner_text() == "Vraag 1"  # the card stays
    assert not ReviewLog.objects.exists()

    retry.click()
    page.get_by_test_id("front").filter(has_text="Vraag 2").wait_for()
    assert list(ReviewLog.objects.values_list("card__front", "rating")) == [("Vraag 1", 4)]
