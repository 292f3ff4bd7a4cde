"""Typing and picking with the keyboard, on a phone and a laptop, axe-clean."""

import pytest

from decks.models import AnswerMode, ReviewLog
from tests.browser.conftest import ARTIFACTS, CAPITALS, capitals_deck
from tests.browser.test_accessibility import audit
from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 900}}


@pytest.fixture(params=SIZES)
def sized(request, browser):
    context = browser.new_context(viewport=SIZES[request.param])
    page = context.new_page()
    yield page, request.param
    context.close()


def study(page, live_server, mode: str):
    student = make_user("kim")
    deck = capitals_deck(student, mode)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("kim")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    page.wait_for_load_state("load")
    page.evaluate("window.notReloaded = true")
    return student


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def focused(page) -> str:
    return page.evaluate(
        "document.activeElement.id || document.activeElement.name + '=' + "
        "document.activeElement.value"
    )


def answered(page, n: int) -> None:
    page.wait_for_function(
        "n => document.querySelector('[data-testid=done]').textContent.trim() === String(n)",
        arg=n,
    )


def test_typing_enter_checks_and_enter_again_accepts_the_proposed_rating(sized, live_server):
    page, size = sized
    student = study(page, live_server, AnswerMode.TYPED)

    assert focused(page) == "typed-answer"
    shot(page, f"typed-{size}-field")
    page.keyboard.type("amsterdam")
    page.keyboard.press("Enter")
    page.get_by_test_id("verdict").filter(has_text="Right!").wait_for()
    page.wait_for_function("document.activeElement.dataset.proposed !== undefined")
    assert focused(page) == "rating=4"
    shot(page, f"typed-{size}-right")
    page.keyboard.press("Enter")
    answered(page, 1)

    # The next card: the field has the focus again; a wrong answer offers 1 or 2.
    page.wait_for_function("document.activeElement.id === 'typed-answer'")
    page.keyboard.type("Antwerpen")
    page.keyboard.press("Enter")
    page.get_by_test_id("verdict").filter(has_text="Not quite.").wait_for()
    assert page.locator("[data-checked] button[name=rating]").count() == 2
    assert page.get_by_text("I was right").is_visible()
    shot(page, f"typed-{size}-wrong")
    assert audit(page) == []
    page.keyboard.press("1")
    answered(page, 2)

    assert page.evaluate("window.notReloaded") is True
    logs = ReviewLog.objects.filter(student=student).order_by("id")
    assert [(log.answered_by, log.checked_correct, log.rating) for log in logs] == [
        ("typed", True, 4),
        ("typed", False, 1),
    ]


def test_keys_one_to_four_pick_an_option(sized, live_server):
    page, size = sized
    student = study(page, live_server, AnswerMode.CHOICE)
    answers = dict(CAPITALS)

    for n, pick_right in ((1, True), (2, False)):
        question = page.get_by_test_id("front").inner_text()
        answer = answers[question.removeprefix("Hoofdstad van ").removesuffix("?")]
        options = page.locator("button[name=choice] .choice-text").all_inner_texts()
        assert len(options) == len(set(options)) == 4 and answer in options
        if n == 1:
            shot(page, f"choice-{size}-options")
            assert audit(page) == []
        key = options.index(answer) + 1 if pick_right else (options.index(answer) + 1) % 4 + 1
        page.keyboard.press(str(key))
        verdict = "Right!" if pick_right else "Not quite."
        page.get_by_test_id("verdict").filter(has_text=verdict).wait_for()
        if n == 1:
            shot(page, f"choice-{size}-right")
        else:
            shot(page, f"choice-{size}-wrong")
        page.keyboard.press("5" if pick_right else "2")
        answered(page, n)

    logs = ReviewLog.objects.filter(student=student).order_by("id")
    assert [(log.answered_by, log.checked_correct, log.rating) for log in logs] == [
        ("choice", True, 5),
        ("choice", False, 2),
    ]


def test_in_dutch_on_a_phone_the_check_and_its_ratings_fit_the_screen(browser, live_server):
    context = browser.new_context(viewport=SIZES["360"], locale="nl-NL")
    page = context.new_page()
    study(page, live_server, AnswerMode.TYPED)
    assert page.get_by_label("Typ het antwoord").is_visible()
    page.keyboard.type("Amsterdm")
    page.keyboard.press("Enter")
    page.get_by_test_id("verdict").filter(has_text="Goed, met een kleine typefout.").wait_for()
    shot(page, "typed-360-nl-forgiven")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["360"]["width"]
    page.keyboard.press("Enter")
    answered(page, 1)
    page.keyboard.type("Antwerpen")
    page.keyboard.press("Enter")
    page.get_by_test_id("verdict").filter(has_text="Niet helemaal.").wait_for()
    page.get_by_text("Ik had het goed").click()
    shot(page, "typed-360-nl-override")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["360"]["width"]
    assert audit(page) == []
    page.locator("button[name=override_rating][value='3']").click()
    answered(page, 2)
    log = ReviewLog.objects.order_by("id").last()
    assert (log.checked_correct, log.overridden, log.rating) == (False, True, 3)
    context.close()


def test_options_whose_answers_hold_line_breaks_are_judged_as_offered(browser, live_server):
    """A form sends line breaks back as CR LF; the signed options must still verify."""
    page = browser.new_page(viewport=SIZES["1280"])
    student = make_user("kim")
    deck = make_deck("Lijstjes", slug="lijstjes", answer_mode=AnswerMode.CHOICE)
    for n, (first, second) in enumerate(
        [
            ("rood", "geel"),
            ("blauw", "groen"),
            ("paars", "oranje"),
            ("wit", "zwart"),
            ("grijs", "bruin"),
            ("roze", "beige"),
        ]  # fmt: skip
    ):
        make_card(
            deck, front=f"Lijst {n}", back=f"<ul>\n<li>{first}</li>\n<li>{second}</li>\n</ul>"
        )
    enroll(student, deck)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill("kim")
    page.locator("#id_password").fill("pass-word-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    assert page.locator("button[name=choice]").count() == 4
    page.keyboard.press("1")
    page.get_by_test_id("verdict").wait_for()
    page.keyboard.press("2" if "Not quite." in page.get_by_test_id("verdict").inner_text() else "4")
    answered(page, 1)
    page.close()
    assert ReviewLog.objects.get(student=student).answered_by == "choice"
