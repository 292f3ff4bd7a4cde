"""The account page's daily reminder, as a student sets it on a phone."""

import pytest

from decks.models import Reminder
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_turns_on_a_daily_reminder_mail_at_seven(page, live_server, screenshot):
    student = make_user("noor", email="noor@school.example")
    page.set_viewport_size({"width": 400, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/?next=/account/")
    page.get_by_label("Username").fill("noor")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("By e-mail").check()
    page.get_by_label("At what time").select_option("7")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("You will get one reminder a day at 07:00").wait_for()
    screenshot("account-reminder")
    reminder = Reminder.objects.get(student=student)
    assert (reminder.by_email, reminder.hour) == (True, 7)
