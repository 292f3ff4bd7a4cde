"""The study loop on a 360 x 740 phone: the rating buttons are where the thumb is."""

import pytest

from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
LONG_BACK = (
    "<ul>" + "".join(f"<li>Onderdeel {n} van een lang antwoord</li>" for n in range(14)) + "</ul>"
)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def open_long_card(phone, live_server):
    student = make_user("kim")
    deck = make_deck("Klant centraal", slug="klant-centraal")
    make_card(deck, front="Noem de onderdelen", back=LONG_BACK)
    enroll(student, deck)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("Username").fill("kim")
    phone.get_by_label("Password").fill("pass-word-123")
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url(f"{live_server.url}/")
    phone.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    phone.wait_for_load_state("load")
    phone.get_by_text("Show answer").click()


def test_the_rating_buttons_are_on_screen_after_revealing_a_long_answer(phone, live_server):
    open_long_card(phone, live_server)

    back = phone.get_by_test_id("back").bounding_box()
    assert back["y"] + back["height"] > PHONE["height"]  # the answer runs past the fold
    for value in "12345":
        box = phone.locator(f"button[name=rating][value='{value}']").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], value


def test_at_the_end_of_a_long_answer_the_buttons_cover_none_of_its_text(phone, live_server):
    open_long_card(phone, live_server)

    phone.mouse.wheel(0, 5000)
    phone.wait_for_function("window.scrollY > 0")
    last_line = phone.locator("[data-testid=back] li").last.bounding_box()
    ratings = phone.locator("[data-ratings]").bounding_box()
    assert last_line["y"] + last_line["height"] <= ratings["y"]
