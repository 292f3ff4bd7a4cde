import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from decks.models import CardState
from tests.conftest import answer_card, enroll, make_deck, make_user

# decks/urls.py does not include the statistics URLs yet; this module's URLs add them.
pytestmark = pytest.mark.django_db

CHART_IDS = [
    "chart-heatmap",
    "chart-ratings",
    "chart-recall",
    "chart-forecast",
    "chart-categories",
    "chart-calibration",
]


TODAY = date(2026, 11, 25)
NOON_TODAY = datetime(2026, 11, 25, 11, tzinfo=UTC)  # 12:00 in Amsterdam


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """The page's study day is pinned, so the answers below fall on known days."""
    monkeypatch.setattr("decks.views.statistics.today_for_study", lambda: TODAY)


def answer(student, card, rating, days_ago):
    state = CardState.objects.filter(student=student, card=card).first()
    answer_card(
        student=student, card=card, rating=rating, seen_reviews=state.reviews if state else 0,
        now=NOON_TODAY - timedelta(days=days_ago),
    )  # fmt: skip


@pytest.fixture
def decks(student):
    alpha, bravo = make_deck("Alpha", cards=3), make_deck("Bravo <b>", cards=2)
    enroll(student, alpha, bravo)
    for days_ago, rating in ((9, 4), (8, 5), (2, 3)):
        for card in alpha.cards.all():
            answer(student, card, rating, days_ago)
    answer(student, bravo.cards.first(), 2, 1)
    return alpha, bravo


@pytest.fixture
def logged_in(client, student):
    client.force_login(student)
    return client


def figure(html: str, chart_id: str) -> str:
    match = re.search(rf'<figure class="[^"]*" id="{chart_id}">.*?</figure>', html, re.S)
    assert match, f"no {chart_id}"
    return match.group(0)


def test_the_page_shows_every_chart_for_all_decks(logged_in, decks):
    response = logged_in.get(reverse("statistics"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Statistics</h1>" in html
    assert "css/charts.css" in html
    assert "10 answers on 4 study days" in html
    for chart_id in CHART_IDS:
        figure(html, chart_id)
    assert 'aria-current="page" class="current">All decks</a>' in html
    assert "Bravo &lt;b&gt;" in html


def test_each_chart_has_a_named_image_and_a_table_of_its_numbers(logged_in, decks):
    html = logged_in.get(reverse("statistics")).content.decode()
    for chart_id in CHART_IDS:
        chart = figure(html, chart_id)
        assert f'role="img" aria-labelledby="{chart_id}-title"' in chart
        assert f'<title id="{chart_id}-title">' in chart
        assert '<details class="chart-data">' in chart
        assert "<table>" in chart
        assert "<td>" in chart


def test_the_charts_show_the_students_numbers(logged_in, decks):
    html = logged_in.get(reverse("statistics")).content.decode()
    # Alpha's cards went 4, 5, 3: 1 day, 6 days, then ceil(6 x 2.46) = 15 days from
    # 23 Nov; Bravo's card, failed yesterday, is due today.
    forecast = figure(html, "chart-forecast")
    assert "4 cards due in the next 30 days, 1 of them today" in forecast
    assert '<th scope="row">Tue 8 Dec 2026</th><td>3</td>' in forecast
    categories = figure(html, "chart-categories")
    assert '<th scope="row">New</th><td>1</td>' in categories
    assert '<th scope="row">Learning</th><td>1</td>' in categories
    assert '<th scope="row">Young</th><td>3</td>' in categories
    # Alpha's cards: 4 -> 5 and 5 -> 3, each recalled, three cards each.
    calibration = figure(html, "chart-calibration")
    assert '<th scope="row">Rated 4</th><td>100% of 3</td>' in calibration
    assert '<th scope="row">Rated 2</th><td>no repeat yet</td>' in calibration


def test_a_deck_page_shows_only_that_decks_answers(logged_in, decks):
    alpha, bravo = decks
    response = logged_in.get(reverse("deck_statistics", args=[bravo.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Statistics for Bravo &lt;b&gt;" in html
    assert "1 answer on 1 study day" in html
    assert f'href="{reverse("deck_statistics", args=[bravo.slug])}" aria-current="page"' in html
    assert "chart-recall" not in html  # a first answer is not a recall
    assert "Recall shows once you answer cards again on a later day." in html


def test_a_deck_the_student_cannot_study_is_not_found(logged_in, decks):
    other = make_deck("Someone else's", cards=1)
    response = logged_in.get(reverse("deck_statistics", args=[other.slug]))
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, decks):
    for url in (reverse("statistics"), reverse("deck_statistics", args=[decks[0].slug])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_student_without_decks_or_answers_sees_friendly_empty_states(logged_in):
    html = logged_in.get(reverse("statistics")).content.decode()
    assert "<figure" not in html
    assert "No answers yet." in html
    assert "No answers in the past year yet." in html
    assert "Nothing scheduled yet" in html
    assert "Join your class" in html
    assert "Not enough answers yet" in html


def test_a_student_with_decks_but_no_answers_sees_their_new_cards(logged_in, student):
    enroll(student, make_deck(cards=4))
    html = logged_in.get(reverse("statistics")).content.decode()
    assert "4 new, 0 learning, 0 young and 0 mature cards." in figure(html, "chart-categories")
    assert html.count("<figure") == 1


def test_the_page_keeps_to_a_few_queries(logged_in, decks, django_assert_max_num_queries):
    # 11 since checked recall (typed or picked answers) has its read.
    with django_assert_max_num_queries(11):
        logged_in.get(reverse("statistics"))
    with django_assert_max_num_queries(11):
        logged_in.get(reverse("deck_statistics", args=[decks[0].slug]))


def test_the_page_has_no_inline_styles_the_csp_would_block(logged_in, decks):
    response = logged_in.get(reverse("statistics"))
    html = response.content.decode()
    assert "style=" not in html
    assert "<style" not in html
    assert "style-src 'self'" in response["Content-Security-Policy"]


def test_a_classmates_answers_stay_out_of_the_students_page(logged_in, decks):
    alpha, _ = decks
    kim = make_user("kim")
    enroll(kim, alpha)
    for card in alpha.cards.all():
        answer(kim, card, 1, 0)
    html = logged_in.get(reverse("statistics")).content.decode()
    assert "10 answers on 4 study days" in html


def test_mature_cards_are_labelled_self_rated(logged_in, decks):
    html = logged_in.get(reverse("statistics")).content.decode()
    assert "These categories are self-rated" in html
    assert 'data-testid="checked-mature"' not in html  # no checked answers: nothing to set beside


def test_with_checked_answers_the_page_shows_checked_mastered_beside_mature(
    logged_in, student, decks
):
    alpha, _ = decks
    first, second, _third = alpha.cards.order_by("position")
    for card, right in ((first, True), (second, False)):
        answer_card(
            student=student, card=card, rating=4 if right else 2, now=NOON_TODAY,
            answered_by="typed", checked_correct=right,
        )  # fmt: skip
    CardState.objects.filter(student=student, card__deck=alpha).update(interval=30)
    html = logged_in.get(reverse("statistics")).content.decode()
    checked = re.search(r'data-testid="checked-mature">(.*?)</p>', html, re.S)[1]
    assert "<strong>Checked mastered: 1</strong> of your 3 mature cards" in checked
