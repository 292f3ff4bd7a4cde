"""A practice test taken with the keyboard, on a phone and a laptop: typing and picking."""

import random
from pathlib import Path

import pytest

from decks.models import CardState, Practice
from decks.services.choices import choice_options
from tests.conftest import answer_card, enroll, make_card, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
SIZES = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
TERMS = [
    ("Wat betekent KPI?", "Key Performance Indicator"),
    ("Wat is een USP?", "Unique selling point"),
    ("Wie beslist in de DMU?", "De beslisser"),
    ("Wat meet de NPS?", "Klantloyaliteit"),
    ("Wat is churn?", "Klantverloop"),
    ("Wat is upselling?", "Een duurder product verkopen"),
]


def audit(page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [f"{v['id']}: {v['help']} ({n['target']})" for v in result["violations"]
            for n in v["nodes"][:3]]  # fmt: skip


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
def test_a_student_takes_a_practice_test_typing_and_picking_with_the_keyboard(
    browser, live_server, size
):
    student = make_user("kim")
    deck = make_deck("Accountmanagement", slug="accountmanagement")
    for front, back in TERMS:
        make_card(deck, front=front, back=back)
    enroll(student, deck)
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/decks/{deck.slug}/")
    page.get_by_label("Number of questions").fill("6")
    page.get_by_role("button", name="Take a practice test").click()
    page.wait_for_url("**/practice/*/")
    page.wait_for_load_state("load")
    page.evaluate("window.notReloaded = true")
    practice = Practice.objects.get()
    # The test draws each way at random; from question 2 on both ways are made sure of.
    answers = [back for _, back in TERMS]
    for question in practice.questions.filter(position__gte=2):
        question.way = "choice" if question.position % 2 == 0 else "typed"
        question.options = (
            choice_options(answer=question.expected, candidates=answers, rng=random.Random(1))
            if question.way == "choice"
            else []
        )
        question.save()
    questions = {q.position: q for q in practice.questions.all()}
    ways = set()
    shot = {}
    for position in range(1, 7):
        page.locator(f"[data-testid=progress] strong:text-is('{position}')").wait_for()
        question = questions[position]
        card = page.locator("[data-practice-card]")
        way = card.get_attribute("data-way")
        assert way == question.way
        ways.add(way)
        wrong = position == 1  # one mistake, for the result page
        if way == "typed":
            field = page.get_by_label("Your answer")
            assert page.evaluate("document.activeElement.id") == "answer-input"
            page.keyboard.type("iets anders" if wrong else question.expected.lower())
            if "typed" not in shot:
                shot["typed"] = True
                page.screenshot(path=f"test-artifacts/practice-test-typed-{size}.png")
            assert field.is_visible()
            page.keyboard.press("Enter")
        else:
            index = question.options.index(question.expected)
            if wrong:
                index = (index + 1) % 4
            if "choice" not in shot:
                shot["choice"] = True
                assert audit(page) == []
                assert fits(page)
                page.screenshot(path=f"test-artifacts/practice-test-choice-{size}.png")
            page.keyboard.press(str(index + 1))
    page.get_by_test_id("result").wait_for()
    page.screenshot(path=f"test-artifacts/practice-test-result-{size}.png", full_page=True)

    assert page.evaluate("window.notReloaded") is True  # one htmx request per answer
    assert "5 of 6 right (83%)" in page.get_by_test_id("score").inner_text()
    assert page.locator("[data-testid=mistakes] li").count() == 1
    assert fits(page)
    assert audit(page) == []
    assert not CardState.objects.exists()  # a test never moves the schedule
    practice.refresh_from_db()
    assert (practice.correct_count, practice.finished_at is not None) == (5, True)
    assert ways == {"typed", "choice"}
    context.close()


def test_practise_more_after_the_days_queue_types_with_feedback_on_a_phone(browser, live_server):
    student = make_user("kim")
    deck = make_deck("Accountmanagement", slug="accountmanagement")
    for front, back in TERMS[:4]:
        make_card(deck, front=front, back=back)
    enroll(student, deck)
    for card in deck.cards.all():
        answer_card(student=student, card=card, rating=4, seen_reviews=0)
    schedule = list(CardState.objects.values())
    context = browser.new_context(viewport=SIZES["phone"])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    page.get_by_test_id("practice-more").wait_for()
    page.screenshot(path="test-artifacts/practise-more-offer-phone.png", full_page=True)
    page.get_by_label("Type the answer").check()
    page.get_by_role("button", name="Practise more", exact=True).click()
    page.wait_for_url("**/practice/*/")
    page.wait_for_load_state("load")
    practice = Practice.objects.get()
    first = practice.questions.get(position=1)
    page.keyboard.type(first.expected.upper() + ".")  # case and a final full stop don't count
    page.keyboard.press("Enter")
    page.get_by_test_id("feedback").wait_for()
    assert "Right!" in page.get_by_test_id("feedback").inner_text()
    assert page.evaluate("document.activeElement.id") == "answer-input"
    page.keyboard.type("geen idee")
    page.keyboard.press("Enter")
    page.get_by_text("Not quite.").wait_for()
    page.screenshot(path="test-artifacts/practise-more-feedback-phone.png", full_page=True)
    assert audit(page) == []
    assert fits(page)
    assert list(CardState.objects.values()) == schedule  # practice moved no schedule
    context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_teacher_sets_a_test_and_reads_the_results_and_checked_answers(
    browser, live_server, size
):
    from decks.models import ClassTest
    from decks.services.practice import practice_answer, practice_question, practice_test_start
    from tests.conftest import make_class

    teacher = make_user("tess", first_name="Tess")
    student = make_user("kim", first_name="Kim")
    deck = make_deck("Accountmanagement", slug="accountmanagement", owner=teacher)
    for front, back in TERMS:
        make_card(deck, front=front, back=back)
    classroom = make_class("Klas 1A", students=[student], decks=[deck], teachers=[teacher])
    practice = practice_test_start(student=student, decks=[deck], classroom=classroom, count=4)
    while (q := practice_question(practice)) is not None:
        right = q.position % 2 == 1
        pick = [o == q.expected for o in q.options].index(right) if q.options else None
        practice_answer(practice=practice, position=q.position,
                        given=q.expected if right else "nee", choice=pick)  # fmt: skip
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("tess")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}{classroom.get_absolute_url()}")
    page.get_by_text("Set a practice test").click()
    page.get_by_label("Title").fill("Week 3")
    page.get_by_label("Number of questions").fill("10")
    page.get_by_role("button", name="Set the test").click()
    page.get_by_test_id("class-tests").wait_for()
    assert ClassTest.objects.get().title == "Week 3"
    page.screenshot(path=f"test-artifacts/class-tests-set-{size}.png", full_page=True)
    # Again without the "Test set" message: base.html's message list is a role=status <ul>,
    # which axe flags on every page with a message (left for a change of its own).
    page.reload()
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1 && !e.closest('.table-scroll')).map(e => e.tagName)"
    )
    # Only the join link, a long unbroken URL that the page had before the tests came.
    assert set(wide) <= {"CODE"}
    assert audit(page) == []

    page.goto(f"{live_server.url}/classes/{classroom.pk}/tests/")
    assert "2/4 (50%)" in page.get_by_test_id("test-results").inner_text()
    page.screenshot(path=f"test-artifacts/class-test-results-{size}.png", full_page=True)
    assert audit(page) == []
    page.goto(f"{live_server.url}/classes/{classroom.pk}/items/?sort=checked")
    page.screenshot(path=f"test-artifacts/class-items-checked-{size}.png", full_page=True)
    assert "0% of 1" in page.get_by_test_id("items-table").inner_text()
    assert audit(page) == []
    context.close()
