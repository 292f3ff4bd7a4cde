from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from decks.models import CardState, DeckSettings, ReviewLog
from decks.services.clock import today_for_study
from tests.conftest import enroll, make_card, make_deck
from tests.services.study.seams import due_count_cap_set

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def deck():
    return make_deck("Klant centraal", cards=3)


@pytest.fixture
def logged_in(client, student, deck):
    enroll(student, deck)
    client.force_login(student)
    return client


def answer_data(card, rating, seen=0):
    return {"card": card.pk, "rating": rating, "seen": seen, "shown_at": ""}


def test_anonymous_visitors_get_the_landing_page(client):
    response = client.get(reverse("home"))
    assert b"Create a free account" in response.content
    assert reverse("login").encode() in response.content


def test_anonymous_visitors_are_sent_to_log_in_from_a_study_page(client, deck):
    response = client.get(reverse("study", args=[deck.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_lists_decks_with_what_is_due_today(logged_in, deck):
    response = logged_in.get(reverse("home"))
    assert response.context["overviews"][0].new == 3
    assert b"Klant centraal" in response.content


def test_the_study_page_shows_the_first_card_front_with_its_answer_hidden(logged_in, deck):
    response = logged_in.get(reverse("study", args=[deck.slug]))
    html = response.content.decode()
    assert "<html" in html
    assert "Question 1" in html
    assert '<details class="reveal"' in html  # the answer sits behind "Show answer"
    assert "How well did you know this?" in html


def test_an_htmx_answer_returns_only_the_next_card(logged_in, deck):
    first = deck.cards.get(position=1)
    response = logged_in.post(
        reverse("study_answer", args=[deck.slug]), answer_data(first, 5), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="session"' in html
    assert "Question 2" in html


def test_a_plain_form_answer_redirects_back_to_the_study_page(logged_in, deck):
    first = deck.cards.get(position=1)
    response = logged_in.post(reverse("study_answer", args=[deck.slug]), answer_data(first, 4))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("study", args=[deck.slug]))
    assert ReviewLog.objects.get().rating == 4


def test_the_same_answer_posted_twice_logs_one_review(logged_in, deck, student):
    first = deck.cards.get(position=1)
    url = reverse("study_answer", args=[deck.slug])
    logged_in.post(url, answer_data(first, 4), headers=HTMX)
    response = logged_in.post(url, answer_data(first, 4), headers=HTMX)
    assert ReviewLog.objects.filter(student=student).count() == 1
    assert CardState.objects.get(student=student, card=first).reviews == 1
    assert b"already answered" in response.content


def test_a_card_from_another_deck_is_not_found(logged_in, deck):
    elsewhere = make_card(make_deck())
    response = logged_in.post(
        reverse("study_answer", args=[deck.slug]), answer_data(elsewhere, 5), headers=HTMX
    )
    assert response.status_code == 404
    assert not ReviewLog.objects.exists()


def test_an_unknown_deck_is_not_found(logged_in):
    assert logged_in.get(reverse("study", args=["no-such-deck"])).status_code == 404


def test_a_rating_outside_one_to_five_is_refused_and_nothing_is_written(logged_in, deck):
    first = deck.cards.get(position=1)
    response = logged_in.post(
        reverse("study_answer", args=[deck.slug]), answer_data(first, 9), headers=HTMX
    )
    assert response.status_code == 400
    assert b"could not be read" in response.content
    assert not ReviewLog.objects.exists()


def test_the_session_ends_with_a_summary_of_ratings_and_next_due_date(logged_in, student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    card = deck.cards.get()
    response = logged_in.post(
        reverse("study_answer", args=[deck.slug]), answer_data(card, 5), headers=HTMX
    )
    summary = response.context["summary"]
    assert (summary.cards, summary.answers, summary.ratings) == (1, 1, {5: 1})
    assert summary.due_tomorrow == 1
    assert b"All done for today" in response.content


@pytest.mark.parametrize("padding", [0, 5_000], ids=["card-sized", "long"])
def test_card_text_cannot_inject_script(logged_in, student, padding):
    deck = make_deck()
    enroll(student, deck)
    text = '<img src=x onerror="alert(1)"><script>alert(2)</script>Hoi' + "a" * padding
    make_card(deck, front=text)
    for _ in range(2):  # every render sanitises, the second as the first
        html = logged_in.get(reverse("study", args=[deck.slug])).content.decode()
        assert "onerror" not in html
        assert "alert(2)" not in html
        assert "Hoi" in html


def test_card_lists_and_emphasis_render_as_written(logged_in, student):
    deck = make_deck()
    enroll(student, deck)
    make_card(deck, front="<b>STAMP</b>", back="<ol><li>Strategie</li><li>Tactiek</li></ol>")
    html = logged_in.get(reverse("study", args=[deck.slug])).content.decode()
    assert "<b>STAMP</b>" in html
    assert "<ol><li>Strategie</li><li>Tactiek</li></ol>" in html


def test_get_is_not_allowed_on_the_answer_url(logged_in, deck):
    assert logged_in.get(reverse("study_answer", args=[deck.slug])).status_code == 405


def test_a_deck_of_a_class_i_am_not_in_is_not_found(logged_in):
    other = make_deck(cards=1)
    assert logged_in.get(reverse("study", args=[other.slug])).status_code == 404
    response = logged_in.post(
        reverse("study_answer", args=[other.slug]), answer_data(other.cards.get(), 5)
    )
    assert response.status_code == 404
    assert not ReviewLog.objects.exists()


def test_an_answer_offers_to_undo_it_and_undo_shows_the_card_again(logged_in, deck):
    first = deck.cards.get(position=1)
    response = logged_in.post(
        reverse("study_answer", args=[deck.slug]), answer_data(first, 1), headers=HTMX
    )
    log = ReviewLog.objects.get()
    assert f'name="log" value="{log.pk}"'.encode() in response.content
    response = logged_in.post(
        reverse("study_undo", args=[deck.slug]), {"log": log.pk}, headers=HTMX
    )
    assert response.context["item"].card == first
    assert b"Your last answer was undone" in response.content
    assert not ReviewLog.objects.exists()


def test_undo_works_without_javascript_too(logged_in, deck):
    first = deck.cards.get(position=1)
    response = logged_in.post(reverse("study_answer", args=[deck.slug]), answer_data(first, 4))
    log = ReviewLog.objects.get()
    assert response["Location"].endswith(f"?undo={log.pk}")
    page = logged_in.get(response["Location"])
    assert f'name="log" value="{log.pk}"'.encode() in page.content
    logged_in.post(reverse("study_undo", args=[deck.slug]), {"log": log.pk})
    assert not CardState.objects.exists()


def test_a_student_sets_daily_limits_for_a_deck(logged_in, deck, student):
    logged_in.post(
        reverse("deck_options", args=[deck.slug]), {"new_per_day": 1, "reviews_per_day": ""}
    )
    assert logged_in.get(reverse("home")).context["overviews"][0].new == 1


def test_the_home_dashboard_shows_the_streak_and_todays_progress(logged_in, deck):
    first = deck.cards.get(position=1)
    logged_in.post(reverse("study_answer", args=[deck.slug]), answer_data(first, 5))
    progress = logged_in.get(reverse("home")).context["progress"]
    assert (progress.streak, progress.cards, progress.left) == (1, 1, 2)
    assert progress.share_done == 33


def test_home_counts_same_day_repeats_and_my_review_limit_like_the_session(
    logged_in, deck, student
):
    first = deck.cards.get(position=1)
    logged_in.post(reverse("study_answer", args=[deck.slug]), answer_data(first, 2))
    overview = logged_in.get(reverse("home")).context["overviews"][0]
    session = logged_in.get(reverse("study", args=[deck.slug])).context["counts"]
    assert (overview.repeat, overview.new) == (1, 2)
    assert overview.to_study == session.left == 3


def test_home_leaves_retired_cards_out_like_the_session(logged_in, deck):
    first, second = deck.cards.order_by("position")[:2]
    logged_in.post(reverse("study_answer", args=[deck.slug]), answer_data(first, 2))
    for card in (first, second):
        card.retired_at = timezone.now()
        card.save(update_fields=["retired_at"])
    overview = logged_in.get(reverse("home")).context["overviews"][0]
    session = logged_in.get(reverse("study", args=[deck.slug])).context["counts"]
    assert (overview.cards, overview.seen, overview.repeat, overview.new) == (1, 0, 0, 1)
    assert overview.to_study == session.left == 1


def test_the_summary_counts_each_card_once_and_every_answer(logged_in, student):
    deck = make_deck(cards=1)
    enroll(student, deck)
    card = deck.cards.get()
    url = reverse("study_answer", args=[deck.slug])
    logged_in.post(url, answer_data(card, 2), headers=HTMX)
    response = logged_in.post(url, answer_data(card, 4, seen=1), headers=HTMX)
    summary = response.context["summary"]
    assert (summary.cards, summary.answers, summary.ratings) == (1, 2, {2: 1, 4: 1})
    assert summary.next_due == today_for_study() + timedelta(days=1)


@pytest.fixture
def three_due(student, deck, monkeypatch):
    """Three cards due with the due count capped at two, as 1,001 due under the real cap."""
    due_count_cap_set(monkeypatch, 2)
    today = today_for_study()
    for card in deck.cards.all():
        CardState.objects.create(student=student, card=card, deck=deck, due=today,
                                 introduced_on=today - timedelta(days=3), reviews=1)  # fmt: skip


def test_more_due_cards_than_the_cap_show_as_at_least_the_cap_on_the_study_page(
    logged_in, deck, three_due
):
    html = logged_in.get(reverse("study", args=[deck.slug])).content.decode()
    assert '<strong data-testid="left">2+</strong>' in html
    assert "2+ due" in html


def test_more_due_cards_than_the_cap_show_as_more_than_the_cap_at_home(logged_in, three_due):
    html = logged_in.get(reverse("home")).content.decode()
    assert 'data-testid="left-today">2+<' in html
    assert "You have more than <strong>2</strong> cards to study today." in html


def test_an_answer_to_a_card_known_today_is_not_recorded_and_the_next_card_is_shown(
    logged_in, deck
):
    first, second = deck.cards.order_by("position")[:2]
    logged_in.post(reverse("study_answer", args=[deck.slug]), answer_data(first, 5), headers=HTMX)

    response = logged_in.post(
        reverse("study_answer", args=[deck.slug]), answer_data(first, 5, seen=1), headers=HTMX
    )

    assert ReviewLog.objects.filter(card=first).count() == 1
    assert CardState.objects.get(card=first).reviews == 1
    assert "not in today&#x27;s queue" in response.content.decode()
    assert response.context["item"].card == second


def test_an_answer_to_a_new_card_past_the_daily_new_card_limit_is_not_recorded(client, student):
    deck = make_deck(cards=3, new_cards_per_day=1)
    enroll(student, deck)
    client.force_login(student)
    first, _, third = deck.cards.order_by("position")
    client.post(reverse("study_answer", args=[deck.slug]), answer_data(first, 2), headers=HTMX)

    client.post(reverse("study_answer", args=[deck.slug]), answer_data(third, 5), headers=HTMX)

    assert not CardState.objects.filter(card=third).exists()
    assert not ReviewLog.objects.filter(card=third).exists()


def test_an_answer_to_a_due_card_past_the_daily_review_limit_is_not_recorded(
    logged_in, student, deck
):
    first, second = deck.cards.order_by("position")[:2]
    url = reverse("study_answer", args=[deck.slug])
    for card in (first, second):
        logged_in.post(url, answer_data(card, 5), headers=HTMX)
    yesterday = today_for_study() - timedelta(days=1)
    CardState.objects.update(due=today_for_study(), last_review_day=yesterday)
    DeckSettings.objects.create(student=student, deck=deck, reviews_per_day=1)
    logged_in.post(url, answer_data(first, 5, seen=1), headers=HTMX)

    logged_in.post(url, answer_data(second, 5, seen=1), headers=HTMX)

    assert ReviewLog.objects.filter(card=first).count() == 2
    assert ReviewLog.objects.filter(card=second).count() == 1


def test_an_answer_to_a_card_the_student_is_repeating_today_is_recorded(logged_in, deck):
    first = deck.cards.get(position=1)
    url = reverse("study_answer", args=[deck.slug])
    logged_in.post(url, answer_data(first, 2), headers=HTMX)

    logged_in.post(url, answer_data(first, 4, seen=1), headers=HTMX)

    assert ReviewLog.objects.filter(card=first).count() == 2


def test_the_deck_page_lists_a_large_deck_fifty_cards_at_a_time(client, student):
    deck = make_deck(cards=120)
    enroll(student, deck)
    client.force_login(student)

    first = client.get(reverse("deck_detail", args=[deck.slug]))
    last = client.get(reverse("deck_detail", args=[deck.slug]), {"page": 3})

    assert len(first.context["cards"]) == 50
    assert "Cards in this deck (120)" in first.content.decode()
    assert "Cards 1–50 of 120" in first.content.decode()
    assert [card.position for card in last.context["cards"]] == list(range(101, 121))
    assert '<ol class="card-index" start="101">' in last.content.decode()


def test_a_page_number_past_the_end_shows_the_last_page_of_cards(client, student):
    deck = make_deck(cards=60)
    enroll(student, deck)
    client.force_login(student)

    response = client.get(reverse("deck_detail", args=[deck.slug]), {"page": 99})

    assert response.status_code == 200
    assert response.context["cards"].number == 2
