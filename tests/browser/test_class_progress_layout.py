"""Progress per student with a class of five long-titled decks, on a laptop and a phone."""

import pytest

from tests.conftest import answer_card, make_class, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = [
    "7.5 Accountmanager, klantmanagement en CRM",
    "H1 Aantekeningen: klant centraal",
    "H1 Flashcards: klant centraal",
    "Samenvatting H1: de klant centraal",
    "Teleselling en H7: accountmanagement voor strategische klanten",
]


def open_progress(browser, live_server, width: int):
    teacher = make_user("tess", first_name="Tess", last_name="Teacher")
    decks = [make_deck(title, cards=3, owner=teacher) for title in TITLES]
    students = [make_user(f"s{n}", first_name="Student", last_name=f"Nummer {n}") for n in range(3)]
    classroom = make_class("Klas 1A", students=students, decks=decks, teachers=[teacher])
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "tess")
    page.fill("#id_password", "pass-word-123")
    page.click(".auth-form button[type=submit]")
    page.goto(f"{live_server.url}/classes/{classroom.pk}/progress/")
    return page


def test_the_per_deck_columns_fit_a_1280_px_window(browser, live_server, screenshot):
    page = open_progress(browser, live_server, 1280)

    box = page.evaluate(
        "(() => { const s = document.querySelector('.table-scroll');"
        " return [s.scrollWidth, s.clientWidth]; })()"
    )

    assert box[0] <= box[1], box
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_on_a_phone_the_table_scrolls_in_its_box_and_the_names_stay_in_view(browser, live_server):
    page = open_progress(browser, live_server, 360)

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    name = page.locator("tbody th").first
    before = name.bounding_box()["x"]
    page.evaluate("document.querySelector('.table-scroll').scrollLeft = 400")
    assert abs(name.bounding_box()["x"] - before) < 1


def test_the_hardest_cards_page_does_not_widen_a_phone_screen(browser, live_server):
    teacher = make_user("tess")
    deck = make_deck(TITLES[4], cards=3, owner=teacher)
    student = make_user("sam")
    classroom = make_class("Klas 1A", students=[student], decks=[deck], teachers=[teacher])
    for card in deck.cards.all():
        answer_card(student=student, card=card, rating=2, seen_reviews=0)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "tess")
    page.fill("#id_password", "pass-word-123")
    page.click(".auth-form button[type=submit]")

    page.goto(f"{live_server.url}/classes/{classroom.pk}/items/")

    assert page.locator("[data-testid=items-table] tbody tr").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
