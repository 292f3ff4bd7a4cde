"""The study pack and the endpoint that takes answers made offline."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from decks.models import Card, ReviewLog
from decks.services import study as study_loop
from decks.services.answer_modes import OPTION_MAX_CHARS, answer_mode_set
from decks.services.offline import SAVED, study_pack
from tests.conftest import enroll, make_deck, make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def studying(client):
    student = make_user("noor")
    deck = make_deck("Klant centraal", slug="klant-centraal", cards=3)
    enroll(student, deck)
    client.force_login(student)
    return student, deck


def sync(client, answers):
    return client.post("/study/sync/", json.dumps({"answers": answers}), "application/json")


def test_the_study_page_names_its_pack_and_the_pack_is_json(client, studying):
    page = client.get("/decks/klant-centraal/study/").content.decode()
    assert 'data-pack-url="/decks/klant-centraal/study/pack/"' in page
    pack = client.get("/decks/klant-centraal/study/pack/").json()
    assert [c["front"] for c in pack["cards"]] == ["Question 1", "Question 2", "Question 3"]
    assert pack["deck"] == {"slug": "klant-centraal", "title": "Klant centraal"}


def test_a_deck_the_student_may_not_study_has_no_pack(client, studying):
    make_deck("Elders", slug="elders", cards=1)
    assert client.get("/decks/elders/study/pack/").status_code == 404


def test_sync_says_what_it_saved_in_the_students_words(client, studying):
    student, deck = studying
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    answers = [
        {"id": f"a{n}", "pack": pack["token"], "card": card["id"], "seen": 0, "rating": 5,
         "answered_at": pack["made_at"] + 1000 * (n + 1), "taken_ms": 2000}
        for n, card in enumerate(pack["cards"][:2])
    ]  # fmt: skip
    data = sync(client, answers).json()
    assert [r["status"] for r in data["results"]] == ["applied", "applied"]
    assert data["message"] == "2 answers made offline are saved."
    assert ReviewLog.objects.count() == 2
    assert set(ReviewLog.objects.values_list("time_taken_ms", flat=True)) == {2000}
    dutch = client.post(
        "/study/sync/",
        json.dumps({"answers": answers[:1]}),
        "application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    ).json()
    assert dutch["message"] == "1 antwoord dat je offline gaf is bewaard."


def test_sync_refuses_what_is_not_a_list_of_answers(client, studying):
    assert sync(client, [{"card": "x"}]).status_code == 400
    assert client.post("/study/sync/", "nonsense", "application/json").status_code == 400


def test_sync_needs_a_logged_in_student(client):
    assert sync(client, []).status_code == 302


def test_the_offline_session_speaks_the_pages_language(client, studying):
    page = client.get("/decks/klant-centraal/study/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    offline = page.split("<template data-offline-session>")[1]
    assert "Toon antwoord" in offline
    assert (
        'data-banner-other="Je bent offline. {n} antwoorden wachten om verstuurd te worden."'
        in page
    )


HTMX = {"HX-Request": "true"}


def answer(client, card, rating, *, seen=0, shown_at=""):
    return client.post(
        "/decks/klant-centraal/study/answer/",
        {"card": card["id"] if isinstance(card, dict) else card.pk, "rating": rating,
         "seen": seen, "shown_at": shown_at},
        headers=HTMX,
    )  # fmt: skip


def test_an_answer_recorded_or_retried_says_it_was_applied(client, studying):
    student, deck = studying
    first = deck.cards.get(front="Question 1")
    assert answer(client, first, 4)["Stamp-Answer"] == "applied"
    # The same answer again (its first reply was lost): stored once, still applied.
    assert answer(client, first, 4)["Stamp-Answer"] == "applied"
    assert ReviewLog.objects.count() == 1


def test_an_answer_for_a_card_answered_on_another_device_says_it_was_refused(client, studying):
    student, deck = studying
    first = deck.cards.get(front="Question 1")
    study_loop.study_answer(
        student=student, deck_slug=deck.slug, card_id=first.pk, rating=2, seen_reviews=0
    )
    response = answer(client, first, 5)
    assert response["Stamp-Answer"] == "refused"
    assert list(ReviewLog.objects.values_list("rating", flat=True)) == [2]


def test_an_answer_for_a_card_not_in_todays_queue_says_it_was_refused(client, studying):
    student, deck = studying
    first = deck.cards.get(front="Question 1")
    study_loop.study_answer(
        student=student, deck_slug=deck.slug, card_id=first.pk, rating=5, seen_reviews=0
    )
    # Known today: the queue no longer offers it, whatever answer count the form names.
    assert answer(client, first, 5, seen=1)["Stamp-Answer"] == "refused"


def test_an_answer_replayed_after_its_undo_says_it_was_refused(client, studying):
    student, deck = studying
    first = deck.cards.get(front="Question 1")
    shown_at = int(timezone.now().timestamp() * 1000) - 5000
    answer(client, first, 4, shown_at=shown_at)
    client.post(
        "/decks/klant-centraal/study/undo/", {"log": ReviewLog.objects.get().pk}, headers=HTMX
    )
    assert answer(client, first, 4, shown_at=shown_at)["Stamp-Answer"] == "refused"


PACK = "/decks/klant-centraal/study/pack/"


def test_the_pack_may_be_kept_by_the_browser_but_is_asked_for_each_time(client, studying):
    response = client.get(PACK)
    assert response["Cache-Control"] == "private, no-cache"
    assert response["ETag"].startswith('"')
    assert abs(int(response["Stamp-Now"]) - timezone.now().timestamp() * 1000) < 60_000


def test_an_unchanged_pack_is_not_sent_again(client, studying):
    etag = client.get(PACK)["ETag"]
    again = client.get(PACK, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "Stamp-Now" in again


def test_after_an_answer_the_pack_comes_again_with_a_new_etag(client, studying):
    student, deck = studying
    etag = client.get(PACK)["ETag"]
    answer(client, deck.cards.get(front="Question 1"), 4)
    again = client.get(PACK, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag
    assert again.json()["done_today"] == 1


def test_another_student_with_the_same_cards_does_not_get_the_first_ones_pack(client, studying):
    student, deck = studying
    etag = client.get(PACK)["ETag"]
    other = make_user("sam")
    enroll(other, deck)
    client.force_login(other)
    again = client.get(PACK, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_sync_says_which_answers_came_after_their_study_day_ended(client, studying):
    student, deck = studying
    yesterday = timezone.now() - timedelta(days=1, hours=1)
    pack = study_pack(student=student, deck=deck, now=yesterday)
    answers = [
        {"id": "late", "pack": pack["token"], "card": pack["cards"][0]["id"], "seen": 0,
         "rating": 5, "answered_at": pack["ends_at"] + 60_000}
    ]  # fmt: skip
    data = sync(client, answers).json()
    assert [r["status"] for r in data["results"]] == ["day_ended"]
    assert data["message"] == (
        "1 answer made offline was not saved: it was made after the study day its cards were "
        "kept for had ended (a new day starts at 04:00)."
    )
    dutch = client.post(
        "/study/sync/",
        json.dumps({"answers": answers}),
        "application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    ).json()
    assert "04:00" in dutch["message"]
    assert dutch["message"].startswith("1 antwoord dat je offline gaf is niet bewaard")


def test_the_offline_page_says_in_dutch_when_the_kept_cards_were_for_an_earlier_day(client):
    page = client.get("/offline/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'data-pack-ended="De kaarten die op dit apparaat voor dit deck' in page


def test_the_admins_log_out_clears_what_the_site_kept_on_the_device(client):
    client.force_login(make_teacher())
    response = client.post("/admin/logout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_a_log_out_without_the_pages_script_clears_what_the_site_kept(client, studying):
    response = client.post("/accounts/logout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_a_log_out_after_the_script_cleared_this_student_leaves_the_others_data(client, studying):
    response = client.post("/accounts/logout/", {"device_cleared": "1"})
    assert response.status_code == 302
    assert "Clear-Site-Data" not in response


def test_deleting_the_account_without_the_pages_script_clears_what_the_site_kept(client, studying):
    response = client.post("/account/delete/", {"username": "noor"})
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_a_deletion_refused_for_a_mistyped_username_clears_nothing(client, studying):
    response = client.post("/account/delete/", {"username": "not-me"})
    assert "Clear-Site-Data" not in response


def test_an_undo_says_whether_it_took_the_answer_back(client, studying):
    student, deck = studying
    answer(client, deck.cards.get(front="Question 1"), 4)
    log = ReviewLog.objects.get()
    undo = "/decks/klant-centraal/study/undo/"
    assert client.post(undo, {"log": log.pk}, headers=HTMX)["Stamp-Undo"] == "applied"
    assert client.post(undo, {"log": log.pk}, headers=HTMX)["Stamp-Undo"] == "refused"


def one_answer(pack, **way):
    card = pack["cards"][0]
    return {"id": "a0", "pack": pack["token"], "card": card["id"], "seen": 0, "rating": 4,
            "answered_at": pack["made_at"] + 1000, **way}  # fmt: skip


TYPED_TEXT = "a typed answer is text of at most 1000 characters"


@pytest.mark.parametrize(
    "way",
    [
        {"way": "sung"},
        {"way": "typed", "given": "x" * 1001},
        {"way": "typed", "given": ["Answer 1"]},
        {"way": "choice", "options": ["a", "b"], "offered": "s", "offered_seen": 0, "choice": 0},
        {"way": "choice", "options": ["a", "b", "c", "d"], "offered": "s", "offered_seen": 0},
        {"verdict": 12},
        {"card": "x"},
        {"seen": None},
    ],
)  # fmt: skip
def test_an_answer_that_does_not_read_is_refused_alone(client, studying, way):
    student, deck = studying
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    later = one_answer(
        pack, id="a1", card=pack["cards"][1]["id"], answered_at=pack["made_at"] + 2000
    )
    response = sync(client, [one_answer(pack, **way), later])
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"id": "a0", "card": None, "status": "unknown"},
        {"id": "a1", "card": pack["cards"][1]["id"], "status": "applied"},
    ]
    assert ReviewLog.objects.get().card_id == pack["cards"][1]["id"]


def test_a_pick_among_options_longer_than_the_check_keeps_is_saved(client, studying):
    student, deck = studying
    answer_mode_set(student=student, deck=deck, mode="choice")
    # Read as "Answer 1", kept as HTML longer than the check keeps.
    deck.cards.filter(front="Question 1").update(
        back="<span title='" + "x" * 4100 + "'>Answer 1</span>"
    )
    deck.cards.bulk_create(
        [Card(deck=deck, front=f"Q{n}", back=f"Other {n}", position=3 + n) for n in range(1, 4)]
    )
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    card = pack["cards"][0]
    assert max(len(o) for o in card["options"]) > OPTION_MAX_CHARS
    picked = {"way": "choice", "options": card["options"], "offered": card["offered"],
              "offered_seen": 0, "choice": card["right"]}  # fmt: skip
    response = sync(client, [one_answer(pack, **picked)])
    # Judged on the options cut as the online check cuts them.
    assert response.json()["results"][0]["status"] in SAVED
    assert ReviewLog.objects.get().answered_by == "choice"


NOT_NUMBERS = ["Infinity", "-Infinity", "NaN", str(10**30), str(2**63), str(2**31), "-1", "1.5"]


@pytest.mark.parametrize("value", NOT_NUMBERS)
@pytest.mark.parametrize("field", ["card", "seen", "rating", "answered_at", "taken_ms",
                                   "choice", "offered_seen"])  # fmt: skip
def test_a_number_out_of_range_is_refused_not_a_server_error(client, studying, field, value):
    student, deck = studying
    answer_mode_set(student=student, deck=deck, mode="choice")
    deck.cards.bulk_create(
        [Card(deck=deck, front=f"Q{n}", back=f"Other {n}", position=3 + n) for n in range(1, 4)]
    )
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    card = pack["cards"][0]
    picked = one_answer(pack, way="choice", options=card["options"], offered=card["offered"],
                        offered_seen=0, choice=card["right"])  # fmt: skip
    body = json.dumps({"answers": [{**picked, field: "@@"}]}).replace('"@@"', value)
    response = client.post("/study/sync/", body, "application/json")
    assert response.status_code in (200, 400)
    if response.status_code == 200 and field != "taken_ms":
        assert response.json()["results"][0]["status"] not in SAVED


def test_a_pick_with_a_choice_that_is_no_option_is_not_saved(client, studying):
    student, deck = studying
    answer_mode_set(student=student, deck=deck, mode="choice")
    deck.cards.bulk_create(
        [Card(deck=deck, front=f"Q{n}", back=f"Other {n}", position=3 + n) for n in range(1, 4)]
    )
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    card = pack["cards"][0]
    picked = {"way": "choice", "options": card["options"], "offered": card["offered"],
              "offered_seen": 0}  # fmt: skip
    bad = one_answer(pack, **picked, choice=7)
    right = one_answer(
        pack, **picked, id="a1", choice=card["right"], answered_at=bad["answered_at"] + 1000
    )
    data = sync(client, [bad, right]).json()
    assert [r["status"] for r in data["results"]] == ["unknown", "applied"]
    assert list(ReviewLog.objects.values_list("checked_correct", "rating")) == [(True, 4)]


def test_sync_says_when_the_server_judged_an_answer_otherwise(client, studying):
    student, deck = studying
    answer_mode_set(student=student, deck=deck, mode="typed")
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    data = sync(client, [one_answer(pack, way="typed", given="Answer 3", rating=5)]).json()
    assert [r["status"] for r in data["results"]] == ["rechecked"]
    assert data["message"] == (
        "1 answer made offline is saved. 1 answer made offline was checked again: the server "
        "judged it otherwise, so its rating was changed to fit."
    )
    assert ReviewLog.objects.get().rating == 2


def test_the_offline_session_has_the_typing_and_picking_words(client, studying):
    page = client.get("/decks/klant-centraal/study/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    offline = page.split("data-offline-strings")[1]
    assert 'data-verdict-wrong="Niet helemaal."' in offline
    assert "Kies het antwoord" in offline.split("<template data-offline-session>")[1]


def test_the_offline_session_has_one_set_of_rating_buttons_for_each_way_of_rating(client, studying):
    page = client.get("/decks/klant-centraal/study/").content.decode()
    shown, checked = page.split("<template data-offline-session>")[1].split(
        "<template data-offline-checked>"
    )
    assert shown.split("</template>")[0].count('name="rating"') == 5
    checked = checked.split("</template>")[0]
    assert checked.count('name="rating"') == 5
    assert checked.count('name="override_rating"') == 3


def test_the_rechecked_sentence_is_dutch_too(client, studying):
    student, deck = studying
    answer_mode_set(student=student, deck=deck, mode="typed")
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    answer = one_answer(pack, way="typed", given="Answer 3", rating=5)
    data = client.post(
        "/study/sync/",
        json.dumps({"answers": [answer]}),
        "application/json",
        HTTP_ACCEPT_LANGUAGE="nl",
    ).json()
    assert "1 antwoord dat je offline gaf is opnieuw gecontroleerd" in data["message"]


def test_sync_takes_the_first_check_of_a_showing_with_its_answer(client, studying):
    student, deck = studying
    answer_mode_set(student=student, deck=deck, mode="typed")
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    typed = one_answer(pack, way="typed", given="Answer 1", first_given="Answer 9", rating=5)
    assert [r["status"] for r in sync(client, [typed]).json()["results"]] == ["rechecked"]
    assert ReviewLog.objects.get().checked_correct is False
