"""What a first use showed only in a browser: tables, the phone's heatmap, messages, key
hints on a touch phone, and the admin's card list, at 360 and 1280 px."""

import pytest
from playwright.sync_api import expect

from decks.models import DailyActivity
from decks.services.clock import today_for_study
from decks.services.directions import deck_directions_apply
from tests.browser.test_admin_import import log_in_as_teacher, make_teacher
from tests.browser.test_class_progress_layout import TITLES
from tests.conftest import answer_card, enroll, make_card, make_class, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username: str, language: str = "en") -> None:
    page.context.add_cookies([{"name": "django_language", "value": language,
                               "url": live_server.url}])  # fmt: skip
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pass-word-123")
    page.click(".auth-form button[type=submit]")
    page.wait_for_load_state("load")


@pytest.fixture
def klas(db):
    teacher = make_user("tess", first_name="Tess")
    decks = [make_deck(title, cards=2, owner=teacher) for title in TITLES]
    students = [make_user(f"s{n}", first_name="Student", last_name=f"Nummer {n}") for n in range(3)]
    classroom = make_class("Klas 1A", students=students, decks=decks, teachers=[teacher])
    for card in decks[0].cards.all():
        answer_card(student=students[0], card=card, rating=2, seen_reviews=0)
    return classroom


WORDS_SPLIT_ACROSS_LINES = """() => [...document.querySelectorAll('th.deck-col')].flatMap(th => {
  const text = [...th.childNodes].filter(n => n.nodeType === 3).pop();
  const split = [];
  for (const match of text.textContent.matchAll(/\\S+/g)) {
    const range = document.createRange();
    range.setStart(text, match.index);
    range.setEnd(text, match.index + match[0].length);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) split.push(match[0]);
  }
  return split;
})"""


@pytest.mark.parametrize("language", ["en", "nl"])
def test_progress_headers_wrap_deck_names_between_words_at_1280_px(
    browser, live_server, klas, language
):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server, "tess", language)
    page.goto(f"{live_server.url}/classes/{klas.pk}/progress/")
    page.screenshot(path=f"test-artifacts/progress-1280-{language}.png", full_page=True)
    assert page.evaluate(WORDS_SPLIT_ACROSS_LINES) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("where", ["progress", "items", "leaderboard"])
def test_a_table_wider_than_a_phone_says_it_scrolls(browser, live_server, klas, where, language):
    page = browser.new_page(viewport={"width": 360, "height": 800})
    log_in(page, live_server, "tess", language)
    page.goto(f"{live_server.url}/classes/{klas.pk}/{where}/")
    box = page.locator(".table-scroll").first
    assert box.get_attribute("data-scrolls") == "more"
    hint = page.locator("[data-scroll-hint]").first
    assert hint.is_visible()
    assert "→" in hint.inner_text()
    page.screenshot(path=f"test-artifacts/{where}-360-{language}.png", full_page=True)
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    expect(box).to_have_attribute("data-scrolls", "end")


def test_a_table_that_fits_says_nothing_about_scrolling(browser, live_server, klas):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    log_in(page, live_server, "tess")
    page.goto(f"{live_server.url}/classes/{klas.pk}/leaderboard/")
    page.screenshot(path="test-artifacts/leaderboard-1280-en.png", full_page=True)
    assert page.locator(".table-scroll").get_attribute("data-scrolls") is None
    assert not page.locator("[data-scroll-hint]").is_visible()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_phones_heatmap_says_what_it_shows_and_fits_with_its_first_month_label(
    browser, live_server, language
):
    student = make_user("sam")
    deck = make_deck("Klant centraal", cards=1)
    enroll(student, deck)
    DailyActivity.objects.create(student=student, deck=deck, day=today_for_study(), answers=3)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    log_in(page, live_server, "sam", language)
    page.goto(f"{live_server.url}/statistics/")
    page.screenshot(path=f"test-artifacts/statistics-360-{language}.png", full_page=True)
    assert not page.locator("#chart-heatmap").is_visible()
    shown = page.locator("#chart-heatmap-recent")
    caption = shown.locator("figcaption").inner_text()
    assert caption in ("Answers in the past six months", "Antwoorden in het afgelopen halfjaar")
    measured = shown.evaluate(
        """figure => {
          const frame = figure.querySelector('.chart-frame');
          const svg = frame.querySelector('svg').getBoundingClientRect();
          const months = [...figure.querySelectorAll('svg text')]
            .filter(t => t.getAttribute('y') === '12');
          const first = months[0].getBoundingClientRect();
          return {scrolls: frame.scrollWidth > frame.clientWidth,
                  firstLeft: first.left - svg.left, firstRight: svg.right - first.right};
        }"""
    )
    assert not measured["scrolls"]
    assert measured["firstLeft"] >= 0 and measured["firstRight"] >= 0


def test_the_laptops_heatmap_is_the_year(browser, live_server):
    student = make_user("sam")
    deck = make_deck("Klant centraal", cards=1)
    enroll(student, deck)
    DailyActivity.objects.create(student=student, deck=deck, day=today_for_study(), answers=3)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    log_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/statistics/")
    assert page.locator("#chart-heatmap figcaption").inner_text() == "Answers in the past year"
    assert not page.locator("#chart-heatmap-recent").is_visible()


@pytest.mark.parametrize("width", [360, 1280])
def test_error_and_success_messages_look_different(browser, live_server, width):
    student = make_user("sam")
    deck = make_deck("Klant centraal", slug="klant", cards=1)
    enroll(student, deck)
    page = browser.new_page(viewport={"width": width, "height": 800})
    log_in(page, live_server, "sam")
    looks = {}
    for kind, value in (("error", "-3"), ("success", "5")):
        page.goto(f"{live_server.url}/decks/klant/")
        # Straight to the server, past the browser's own check of the number's minimum.
        page.locator("#id_new_per_day").evaluate(
            "(input, value) => { input.value = value; input.form.submit(); }", value
        )
        message = page.locator(f".message.{kind}")
        message.wait_for()
        page.screenshot(path=f"test-artifacts/message-{kind}-{width}.png")
        looks[kind] = message.evaluate(
            "m => { const s = getComputedStyle(m);"
            " return [s.backgroundColor, s.borderLeftColor, s.borderLeftWidth]; }"
        )
    assert looks["error"][0] != looks["success"][0]
    assert looks["error"][1] != looks["success"][1]
    assert looks["error"][2] != "0px"


def open_study(browser, live_server, **device):
    student = make_user("sam")
    deck = make_deck("Klant centraal", slug="klant")
    make_card(deck, front="Wat is CRM?", back="Klantrelatiebeheer")
    enroll(student, deck)
    context = browser.new_context(**device)
    page = context.new_page()
    log_in(page, live_server, "sam")
    page.goto(f"{live_server.url}/decks/klant/study/")
    return page


def test_key_hints_are_hidden_on_a_touch_phone(browser, live_server):
    page = open_study(browser, live_server, viewport={"width": 360, "height": 740},
                      has_touch=True, is_mobile=True)  # fmt: skip
    page.screenshot(path="test-artifacts/study-touch-360.png", full_page=True)
    assert not page.get_by_test_id("keys").is_visible()
    assert not page.locator(".reveal-button kbd").is_visible()


def test_key_hints_show_with_a_keyboard_and_mouse(browser, live_server):
    page = open_study(browser, live_server, viewport={"width": 1280, "height": 800})
    assert page.get_by_test_id("keys").is_visible()
    assert page.locator(".reveal-button kbd").is_visible()


def test_the_admin_card_lists_last_column_is_on_screen_at_1280_px(browser, live_server):
    teacher = make_teacher()
    deck = make_deck("Teleselling en H7: accountmanagement voor strategische klanten",
                     owner=teacher, both_directions=True)  # fmt: skip
    for n in range(3):
        make_card(
            deck, front=f"Wat is klantinzicht {n}? " * 6, back="Antwoord", tags="H1 1.2 klant"
        )
    deck_directions_apply(deck=deck)  # back-to-front cards say so in the list too
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in_as_teacher(page, live_server)
    page.goto(f"{live_server.url}/admin/decks/card/")
    page.screenshot(path="test-artifacts/admin-card-list-1280.png", full_page=True)
    last = page.locator("#result_list thead th").last.bounding_box()
    box = page.locator("#changelist .results").bounding_box()
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
