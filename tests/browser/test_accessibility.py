"""WCAG 2.1 AA audit (axe-core) and layout checks at phone and desktop sizes, light and dark."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from decks.models import CardState
from tests.conftest import answer_card, make_card, make_class, make_deck, make_teacher, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
SIZES = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}


def audit(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the current page, one line each."""
    page.evaluate(AXE)  # evaluate is not subject to the page's CSP, unlike a script tag
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']}: {v['help']} ({node['target']})"
        for v in result["violations"]
        for node in v["nodes"][:3]
    ]


@pytest.fixture
def classroom():
    student = make_user("kim", first_name="Kim")
    deck = make_deck("Klant centraal")
    make_card(
        deck,
        front="Wat is <b>klantinzicht</b>?",
        back="<ul><li>Onderzoeken</li><li>Vastleggen</li></ul>",
    )
    make_card(deck, front="Wat is een KPI?", back="Key Performance Indicator")
    classroom = make_class("Klas 1A", students=[student, make_user("bo")], decks=[deck])
    answer_card(student=student, card=deck.cards.last(), rating=4, seen_reviews=0)
    # A card seen days ago, typed right today and now mature: the pages show checked
    # figures (recall, mastered) beside the self-rated ones.
    first = deck.cards.first()
    answer_card(student=student, card=first, rating=4, now=timezone.now() - timedelta(days=3))
    answer_card(student=student, card=first, rating=4, answered_by="typed", checked_correct=True)
    CardState.objects.filter(student=student, card=first).update(interval=21)
    return classroom, deck


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES)
def test_every_main_page_passes_the_axe_audit_and_fits_the_screen(
    browser, live_server, classroom, size, scheme
):
    klas, deck = classroom
    context = browser.new_context(viewport=SIZES[size], color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    pages = {
        "home": "/",
        "study": f"/decks/{deck.slug}/study/",
        "statistics": "/statistics/",
        "leaderboard": f"/classes/{klas.pk}/leaderboard/",
    }
    problems = []
    for name, path in pages.items():
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        if name == "study":
            page.keyboard.press("Space")  # audit the revealed answer and the rating buttons
        problems += [f"{name}: {line}" for line in audit(page)]
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > SIZES[size]["width"]:
            problems.append(f"{name}: scrolls sideways ({width}px)")
        page.screenshot(path=f"test-artifacts/a11y-{name}-{size}-{scheme}.png", full_page=True)
    context.close()
    assert problems == []


@pytest.mark.parametrize("size", SIZES)
def test_a_page_showing_a_message_passes_the_axe_audit(browser, live_server, classroom, size):
    klas, _ = classroom
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    # Following the join link of a class she is in says so on the class page.
    page.goto(f"{live_server.url}/classes/join/{klas.join_code}/")
    page.wait_for_load_state("load")
    assert "You are already in Klas 1A." in page.locator(".messages").inner_text()
    problems = audit(page)
    page.screenshot(path=f"test-artifacts/a11y-message-{size}.png", full_page=True)
    context.close()
    assert problems == []


def test_the_join_link_on_the_class_page_wraps_on_a_phone(browser, live_server, classroom):
    klas, _ = classroom
    klas.teachers.add(make_teacher())
    context = browser.new_context(viewport=SIZES["phone"])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/classes/{klas.pk}/")
    link = page.get_by_test_id("join-link")
    link.scroll_into_view_if_needed()
    page.screenshot(path="test-artifacts/class-join-link-phone.png", full_page=True)
    box = link.bounding_box()
    width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= SIZES["phone"]["width"]
    assert box["x"] + box["width"] <= SIZES["phone"]["width"]
