"""Typing and picking in the daily study: the check step, the ratings it allows, the log."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from decks.models import AnswerMode, CardState, DeckSettings, ReviewLog
from decks.services.answer_check import MAX_GIVEN_CHARS
from decks.services.answer_modes import options_sign, verdict_sign
from tests.conftest import enroll, make_card, make_deck, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A Dutch request leaves Dutch active in the thread; later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


HTMX = {"HX-Request": "true"}
CAPITALS = ["Amsterdam", "Brussel", "Parijs", "Berlijn", "Madrid", "Rome"]
LONG = "Het continu onderzoeken, vastleggen en analyseren van de wensen en eisen van klanten."


@pytest.fixture
def deck():
    deck = make_deck("Hoofdsteden")
    for position, city in enumerate(CAPITALS, start=1):
        make_card(deck, front=f"Hoofdstad {position}", back=city, position=position)
    return deck


@pytest.fixture
def logged_in(client, student, deck):
    enroll(student, deck)
    client.force_login(student)
    return client


def choose(client, deck, mode, **kwargs):
    return client.post(reverse("study_mode", args=[deck.slug]), {"mode": mode}, **kwargs)


def check(client, deck, card, given="", **extra):
    data = {"card": card.pk, "seen": 0, "shown_at": "", "mode": "typed", "given": given, **extra}
    return client.post(reverse("study_check", args=[deck.slug]), data, headers=HTMX)


def verdict_of(response) -> str:
    return re.search(r'name="verdict" value="([^"]+)"', response.content.decode())[1]


def rate(client, deck, card, *, verdict="", mode="typed", **rating):
    data = {"card": card.pk, "seen": 0, "shown_at": "", "mode": mode, "verdict": verdict}
    return client.post(reverse("study_answer", args=[deck.slug]), {**data, **rating}, headers=HTMX)


def test_a_deck_is_studied_the_usual_way_until_a_way_is_picked(logged_in, deck):
    html = logged_in.get(reverse("study", args=[deck.slug])).content.decode()
    assert 'name="given"' not in html
    assert '<details class="reveal"' in html


def test_the_way_picked_is_remembered_for_the_student_and_deck(logged_in, student, deck):
    response = choose(logged_in, deck, "typed")
    assert response.status_code == 302
    assert DeckSettings.objects.get(student=student, deck=deck).answer_mode == "typed"
    html = logged_in.get(reverse("study", args=[deck.slug])).content.decode()
    assert 'name="given"' in html and "autofocus" in html
    other = make_deck(cards=2)
    enroll(student, other)
    assert 'name="given"' not in logged_in.get(reverse("study", args=[other.slug])).content.decode()


def test_with_htmx_picking_a_way_swaps_the_session_in_that_way(logged_in, deck):
    response = choose(logged_in, deck, "choice", headers=HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert html.count('name="choice"') == 4


def test_a_teachers_default_applies_until_the_student_picks_a_way(logged_in, deck):
    deck.answer_mode = AnswerMode.TYPED
    deck.save()
    assert 'name="given"' in logged_in.get(reverse("study", args=[deck.slug])).content.decode()
    choose(logged_in, deck, "shown")
    assert 'name="given"' not in logged_in.get(reverse("study", args=[deck.slug])).content.decode()


def test_an_unknown_way_is_refused(logged_in, deck):
    assert choose(logged_in, deck, "guess").status_code == 400


def test_a_card_too_long_to_type_is_shown_the_usual_way(logged_in, deck):
    deck.cards.all().delete()
    make_card(deck, front="CRM?", back=LONG, position=1)
    choose(logged_in, deck, "typed")
    html = logged_in.get(reverse("study", args=[deck.slug])).content.decode()
    assert 'name="given"' not in html
    assert '<details class="reveal"' in html


def test_a_right_typed_answer_offers_three_to_five_with_four_proposed(logged_in, deck):
    card = deck.cards.get(position=1)
    response = check(logged_in, deck, card, "amsterdam")
    html = response.content.decode()
    assert "<html" not in html
    assert "Right!" in html
    assert re.findall(r'name="rating" value="(\d)"', html) == ["3", "4", "5"]
    assert re.search(r'value="4" class="rate rate-4 proposed" autofocus', html)
    assert ReviewLog.objects.count() == 0  # checking records nothing


def test_a_wrong_typed_answer_offers_one_or_two_and_i_was_right(logged_in, deck):
    html = check(logged_in, deck, deck.cards.get(position=1), "Rotterdam").content.decode()
    assert "Not quite." in html
    assert re.findall(r'name="rating" value="(\d)"', html) == ["1", "2"]
    assert re.findall(r'name="override_rating" value="(\d)"', html) == ["3", "4", "5"]
    assert re.search(r'data-testid="given">[^<]*<del>', html)
    assert re.search(r'data-testid="expected">[^<]*<mark>', html)


def test_i_dont_know_shows_the_answer_and_proposes_one(logged_in, deck):
    html = check(logged_in, deck, deck.cards.get(position=1), "", dont_know="1").content.decode()
    assert "Not answered. Here is the answer." in html
    assert re.search(r'value="1" class="rate rate-1 proposed"', html)
    assert "override_rating" not in html


def test_anything_typed_is_shown_escaped(logged_in, deck):
    html = check(logged_in, deck, deck.cards.get(position=1), "<img src=x onerror=alert(1)>")
    assert b"<img src=x" not in html.content
    assert b"&lt;img" in html.content and b"alert(1)&gt;" in html.content


def test_a_typed_answer_over_the_limit_is_refused_with_a_message(logged_in, deck):
    response = check(logged_in, deck, deck.cards.get(position=1), "a" * (MAX_GIVEN_CHARS + 1))
    assert response.status_code == 400
    assert b"too long to check" in response.content


def test_the_checked_answer_is_logged_as_typed_and_right(logged_in, student, deck):
    card = deck.cards.get(position=1)
    verdict = verdict_of(check(logged_in, deck, card, "Amsterdam"))
    response = rate(logged_in, deck, card, verdict=verdict, rating=4)
    assert response.status_code == 200
    log = ReviewLog.objects.get()
    assert (log.answered_by, log.checked_correct, log.overridden, log.rating) == (
        "typed",
        True,
        False,
        4,
    )
    # The next card comes typed too, without reading the student's way again.
    assert 'name="given"' in response.content.decode()


def test_i_was_right_is_logged_as_an_override(logged_in, deck):
    card = deck.cards.get(position=1)
    verdict = verdict_of(check(logged_in, deck, card, "Amstrdm"))
    rate(logged_in, deck, card, verdict=verdict, override_rating=3)
    log = ReviewLog.objects.get()
    assert (log.checked_correct, log.overridden, log.rating) == (False, True, 3)


@pytest.mark.parametrize(("typed", "rating"), [("Rotterdam", 5), ("Amsterdam", 1)])
def test_a_rating_the_check_does_not_allow_records_nothing(logged_in, deck, typed, rating):
    card = deck.cards.get(position=1)
    verdict = verdict_of(check(logged_in, deck, card, typed))
    assert rate(logged_in, deck, card, verdict=verdict, rating=rating).status_code == 400
    assert not CardState.objects.exists()


def test_a_forged_verdict_records_nothing(logged_in, student, deck):
    card = deck.cards.get(position=1)
    signed = verdict_sign(
        card_id=card.pk, seen=0, student_id=student.pk, mode="typed", correct=True
    )
    forged = signed[:-2] + "xx"
    assert rate(logged_in, deck, card, verdict=forged, rating=5).status_code == 400
    assert not ReviewLog.objects.exists()


def test_a_verdict_for_another_card_records_nothing(logged_in, student, deck):
    card, other = deck.cards.order_by("position")[:2]
    verdict = verdict_sign(
        card_id=other.pk, seen=0, student_id=student.pk, mode="typed", correct=True
    )
    assert rate(logged_in, deck, card, verdict=verdict, rating=5).status_code == 400
    assert not ReviewLog.objects.exists()


def test_a_verdict_for_another_answer_count_records_nothing(logged_in, student, deck):
    card = deck.cards.get(position=1)
    verdict = verdict_sign(
        card_id=card.pk, seen=3, student_id=student.pk, mode="typed", correct=True
    )
    assert rate(logged_in, deck, card, verdict=verdict, rating=5).status_code == 400
    assert not ReviewLog.objects.exists()


def test_a_verdict_another_student_earned_records_nothing(client, student, deck):
    card = deck.cards.get(position=1)
    friend = make_user("friend")
    enroll(friend, deck)
    client.force_login(friend)
    earned = verdict_of(check(client, deck, card, "Amsterdam"))
    client.force_login(student)
    enroll(student, deck)
    assert rate(client, deck, card, verdict=earned, rating=5).status_code == 400
    assert not ReviewLog.objects.exists()


def test_a_verdict_sent_again_after_its_answer_records_no_second_answer(logged_in, deck):
    card = deck.cards.get(position=1)
    verdict = verdict_of(check(logged_in, deck, card, "Amsterdam"))
    rate(logged_in, deck, card, verdict=verdict, rating=5)
    rate(logged_in, deck, card, verdict=verdict, rating=5)  # a resend: the stored answer stands
    rate(logged_in, deck, card, verdict=verdict, rating=4)  # the verdict again, another rating
    assert list(ReviewLog.objects.values_list("rating", flat=True)) == [5]


def test_a_shown_answer_is_still_self_rated_and_logged_as_shown(logged_in, deck):
    card = deck.cards.get(position=1)
    rate(logged_in, deck, card, mode="typed", rating=5)
    log = ReviewLog.objects.get()
    assert (log.answered_by, log.checked_correct) == ("shown", None)


def test_picking_shows_four_options_one_of_them_the_answer(logged_in, deck):
    html = choose(logged_in, deck, "choice", headers=HTMX).content.decode()
    options = re.findall(r'name="option" value="([^"]+)"', html)
    assert len(options) == len(set(options)) == 4
    assert "Amsterdam" in options


def offered(card, student, options: list[str], seen: int = 0) -> dict:
    """The options of a pick with the signature the page sends along."""
    signed = options_sign(card_id=card.pk, seen=seen, student_id=student.pk, options=options)
    return {"option": options, "offered": signed}


def pick(client, deck, card, choice: int, options: dict):
    data = {"card": card.pk, "seen": 0, "shown_at": "", "mode": "choice", "choice": choice}
    return client.post(reverse("study_check", args=[deck.slug]), {**data, **options}, headers=HTMX)


def test_a_picked_answer_is_checked_and_logged_as_choice(logged_in, student, deck):
    card = deck.cards.get(position=1)
    options = offered(card, student, ["Brussel", "Amsterdam", "Parijs", "Rome"])
    response = pick(logged_in, deck, card, 1, options)
    assert b"Right!" in response.content
    rate(logged_in, deck, card, verdict=verdict_of(response), mode="choice", rating=5)
    assert ReviewLog.objects.get().answered_by == "choice"


def test_options_edited_in_the_browser_are_refused_and_nothing_is_judged(logged_in, deck):
    card = deck.cards.get(position=1)
    html = choose(logged_in, deck, "choice", headers=HTMX).content.decode()
    signed = re.search(r'name="offered" value="([^"]+)"', html)[1]
    # The student turns the first option into the answer of the card they pick.
    edited = {"option": ["Amsterdam", "Amsterdam", "Amsterdam", "Amsterdam"], "offered": signed}
    response = pick(logged_in, deck, card, 0, edited)
    assert response.status_code == 400
    assert b'name="verdict"' not in response.content
    assert not ReviewLog.objects.exists()


def test_options_offered_for_another_card_are_refused(logged_in, student, deck):
    card, other = deck.cards.order_by("position")[:2]
    options = offered(other, student, ["Amsterdam", "Brussel", "Parijs", "Rome"])
    assert pick(logged_in, deck, card, 0, options).status_code == 400


def test_options_with_line_breaks_verify_as_a_browser_sends_them_back(logged_in, student, deck):
    card = deck.cards.get(position=1)
    shown = ["Brussel\nBelgië", "Amsterdam", "Parijs", "Rome"]
    signed = offered(card, student, shown)["offered"]
    # A form sends every line break as CR LF.
    sent = {"option": ["Brussel\r\nBelgië", "Amsterdam", "Parijs", "Rome"], "offered": signed}
    assert b"Right!" in pick(logged_in, deck, card, 1, sent).content


def test_options_without_their_signature_are_refused(logged_in, deck):
    card = deck.cards.get(position=1)
    options = {"option": ["Amsterdam", "Brussel", "Parijs", "Rome"]}
    assert pick(logged_in, deck, card, 0, options).status_code == 400


def test_the_options_the_page_offers_verify_and_are_judged(logged_in, deck):
    html = choose(logged_in, deck, "choice", headers=HTMX).content.decode()
    card = deck.cards.get(pk=re.search(r'name="card" value="(\d+)"', html)[1])
    options = re.findall(r'name="option" value="([^"]+)"', html)
    signed = re.search(r'name="offered" value="([^"]+)"', html)[1]
    response = pick(
        logged_in, deck, card, options.index(card.back), {"option": options, "offered": signed}
    )
    assert b"Right!" in response.content


def test_a_wrong_pick_marks_the_pick_and_the_answer(logged_in, student, deck):
    card = deck.cards.get(position=1)
    options = offered(card, student, ["Brussel", "Amsterdam", "Parijs", "Rome"])
    response = pick(logged_in, deck, card, 0, options)
    html = response.content.decode()
    assert "Not quite." in html
    assert re.search(r'<li class=" picked">Brussel', html)
    assert re.search(r'<li class="right">Amsterdam', html)


def test_a_deck_with_fewer_than_four_distinct_answers_falls_back_to_typing(logged_in, deck):
    deck.cards.exclude(position__in=[1, 2, 3]).delete()
    html = choose(logged_in, deck, "choice", headers=HTMX).content.decode()
    assert 'name="choice"' not in html
    assert 'name="given"' in html


def test_without_javascript_the_check_shows_the_whole_page_with_the_result(logged_in, deck):
    card = deck.cards.get(position=1)
    response = logged_in.post(
        reverse("study_check", args=[deck.slug]),
        {"card": card.pk, "seen": 0, "mode": "typed", "given": "Amsterdam"},
    )
    html = response.content.decode()
    assert "<html" in html and "Right!" in html
    assert "Hoofdstad 1" in html


def test_a_card_of_another_deck_cannot_be_checked(logged_in, deck):
    stranger = make_card(make_deck(), back="Geheim")
    response = check(logged_in, deck, stranger, "Geheim")
    assert response.status_code == 404


def test_the_study_page_is_in_dutch_for_dutch_students(logged_in, deck):
    choose(logged_in, deck, "typed")
    response = logged_in.get(reverse("study", args=[deck.slug]), headers={"Accept-Language": "nl"})
    html = response.content.decode()
    assert "Typ het antwoord" in html and "Controleer" in html


@pytest.mark.parametrize("mode", ["typed", "choice"])
def test_a_seed_deck_can_be_studied_by_typing_and_by_picking(client, student, mode):
    from django.core.management import call_command

    from decks.models import Deck

    call_command("loaddata", "seed_000_h1_klant_centraal", verbosity=0)
    deck = Deck.objects.get()
    enroll(student, deck)
    client.force_login(student)
    choose(client, deck, mode)
    page = client.get(reverse("study", args=[deck.slug])).content.decode()
    # The online session only: the offline one's forms wait in a <template> below it.
    html = page.split("<template data-offline-session>")[0]
    offered = {"typed": 0, "choice": 0, "shown": 0}
    for _ in range(deck.cards.count()):
        card = int(re.search(r'name="card" value="(\d+)"', html)[1])
        if 'name="given"' in html:
            offered["typed"] += 1
        elif 'name="choice"' in html:
            offered["choice"] += 1
            assert len(set(re.findall(r'name="option" value="([^"]+)"', html))) == 4
        else:
            offered["shown"] += 1
        response = rate(client, deck, deck.cards.get(pk=card), mode=mode, rating=5)
        html = response.content.decode()
        if "data-study-done" in html:
            break
    assert offered[mode] > 0 and offered["shown"] > 0  # long definitions are shown


def test_typing_again_after_a_wrong_check_keeps_the_first_verdict(logged_in, deck):
    card = deck.cards.get(position=1)
    check(logged_in, deck, card, "Rotterdam")
    html = check(logged_in, deck, card, "Amsterdam").content.decode()
    assert "Not quite." in html
    assert "Your first try at this card counts" in html
    assert re.findall(r'name="rating" value="(\d)"', html) == ["1", "2"]


def test_picking_again_after_a_wrong_pick_keeps_the_first_verdict(logged_in, student, deck):
    card = deck.cards.get(position=1)
    options = offered(card, student, ["Brussel", "Amsterdam", "Parijs", "Rome"])
    pick(logged_in, deck, card, 0, options)
    response = pick(logged_in, deck, card, 1, options)
    assert b"Not quite." in response.content
    # Rated with the verdict of the second pick, the answer still counts as checked wrong.
    rate(logged_in, deck, card, verdict=verdict_of(response), mode="choice", rating=2)
    assert ReviewLog.objects.get().checked_correct is False


def test_a_first_check_counts_per_showing_not_for_the_next_day(logged_in, deck):
    card = deck.cards.get(position=1)
    check(logged_in, deck, card, "Rotterdam")
    # The card's next showing has a new answer count: a fresh first try.
    response = check(logged_in, deck, card, "Amsterdam", seen=1)
    assert b"Right!" in response.content
