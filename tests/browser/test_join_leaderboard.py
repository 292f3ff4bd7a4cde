from datetime import timedelta

import pytest
from django.utils import timezone

from decks.models import StudentProfile
from tests.conftest import answer_card, make_class, make_deck, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_joins_with_a_code_and_finds_the_class_leaderboard(page, live_server, screenshot):
    deck = make_deck("Klant centraal", cards=3)
    classmates = [make_user(name.lower(), first_name=name) for name in ("Anna", "Bram", "Chris")]
    make_class("Klas 1A", students=classmates, decks=[deck], join_code="KLAS1AAA")
    StudentProfile.objects.create(user=classmates[2], hide_from_leaderboard=True)
    yesterday = timezone.now() - timedelta(days=1)
    for student, cards in zip(classmates, (3, 1, 2), strict=True):
        for card in deck.cards.all()[:cards]:
            # New yesterday, due and cleared today: only due cards count on the board.
            answer_card(student=student, card=card, rating=4, seen_reviews=0, now=yesterday)
            answer_card(student=student, card=card, rating=4, seen_reviews=1)
    make_user("noor", first_name="Noor")

    page.goto(f"{live_server.url}/accounts/login/?next=/classes/join/KLAS1AAA/")
    page.get_by_label("Username").fill("noor")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Join the class").click()
    page.get_by_text("You joined Klas 1A").wait_for()

    page.get_by_role("link", name="Leaderboard").first.click()
    table = page.get_by_test_id("leaderboard")
    table.wait_for()
    names = table.locator("tbody th").all_inner_texts()
    assert names[:3] == ["Anna", "Anonymous student", "Bram"]
    assert "Noor (you)" in names[3]
    assert page.locator("tr.me").count() == 1
    screenshot("leaderboard")

    page.get_by_role("link", name="Streak").click()  # sort through htmx, URL kept in history
    page.wait_for_url("**sort=streak**")
    assert "Chris" not in page.content()
