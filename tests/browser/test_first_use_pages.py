"""The pages this round added or changed, at 360 and 1280 px in English and Dutch: none
widens a phone, and each is saved as a screenshot to look at."""

import pytest

from decks.models import DailyActivity
from decks.services.clock import today_for_study
from tests.browser.test_first_use_layout import log_in
from tests.conftest import make_class, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def school(db):
    teacher = make_user("tess", first_name="Tess")
    sam = make_user("sam", first_name="Sam")
    kim = make_user("kim", first_name="Kim")
    begrippen = make_deck("Begrippen accountmanagement", slug="begrippen", cards=3)
    casussen = make_deck("Casussen", slug="casussen", cards=2)
    onderhandelen = make_deck("Onderhandelen", slug="onderhandelen", cards=2)
    klas = make_class("Klas 4B", students=[sam, kim], teachers=[teacher],
                      decks=[begrippen, casussen], join_code="KLAS4BBB")  # fmt: skip
    make_class("Klas 5A", students=[sam], decks=[onderhandelen])
    DailyActivity.objects.create(student=kim, deck=begrippen, day=today_for_study(), answers=9,
                                 cards=9, learned_answers=4)  # fmt: skip
    return {"klas": klas, "sam": sam}


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_students_pages(browser, live_server, school, width, language):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])  # fmt: skip
    page.goto(f"{live_server.url}/classes/join/KLAS4BBB/")
    assert page.get_by_test_id("joining").is_visible()
    page.screenshot(path=f"test-artifacts/join-login-{width}-{language}.png", full_page=True)
    fits(page, width)

    log_in(page, live_server, "sam", language)
    klas = school["klas"]
    for name, path in (("home", "/"), ("class", f"/classes/{klas.pk}/"),
                       ("leaderboard", f"/classes/{klas.pk}/leaderboard/"),
                       ("account", "/account/"), ("password", "/account/password/")):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=f"test-artifacts/{name}-{width}-{language}.png", full_page=True)
        fits(page, width)


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_teachers_reset_link(browser, live_server, school, width, language):
    page = browser.new_page(viewport={"width": width, "height": 900})
    log_in(page, live_server, "tess", language)
    klas = school["klas"]
    page.goto(f"{live_server.url}/classes/{klas.pk}/students/{school['sam'].pk}/")
    page.locator("form[action$='/password-reset/'] button").click()
    link = page.get_by_test_id("reset-link")
    link.wait_for()
    assert "/accounts/reset/" in link.locator("input").input_value()
    page.screenshot(path=f"test-artifacts/reset-link-{width}-{language}.png", full_page=True)
    fits(page, width)
