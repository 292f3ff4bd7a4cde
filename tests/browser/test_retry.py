"""When an answer can't be delivered, the card stays and a retry sends the same answer once."""

import pytest

from decks.models import ReviewLog
from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_503_keeps_the_card_and_try_again_lands_the_answer_once(page, live_server, screenshot):
    student = make_user("kim")
    deck = make_deck("Klant centraal", slug="klant-centraal")
    for n in (1, 2):
        make_card(deck, front=f"Vraag {n}", back=f"Antwoord {n}")
    enroll(student, deck)
    page.goto(f"{live_server.url}/accounts/login/?next=/decks/{deck.slug}/study/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")

    failures = {"left": 1}

    def database_gone_once(route):
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=503, headers={"Retry-After": "5"}, body="Back in a moment")
        else:
            route.continue_()

    page.route("**/study/answer/", database_gone_once)
    page.keyboard.press("Space")
    page.keyboard.press("4")
    retry = page.get_by_role("button", name="Try again")
    retry.wait_for()
    screenshot("study-retry")
    assert page.get_by_test_id("front").inner_text() == "Vraag 1"  # the card stays
    assert not ReviewLog.objects.exists()

    retry.click()
    page.get_by_test_id("front").filter(has_text="Vraag 2").wait_for()
    assert list(ReviewLog.objects.values_list("rating", flat=True)) == [4]
