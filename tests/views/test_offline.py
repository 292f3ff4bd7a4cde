"""The study pack and the endpoint that takes answers made offline."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from decks.models import Card, ReviewLog
from decks.services.answer_modes import answer_mode_set
from decks.services.offline import study_pack
from tests.conftest import enroll, make_deck, make_user

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


def one_answer(pack, **way):
    card = pack["cards"][0]
    return {"id": "a0", "pack": pack["token"], "card": card["id"], "seen": 0, "rating": 4,
            "answered_at": pack["made_at"] + 1000, **way}  # fmt: skip


TYPED_TEXT = "a typed answer is text of at most 1000 characters"


@pytest.mark.parametrize(
    ("way", "error"),
    [
        ({"way": "sung"}, "no way of answering called 'sung'"),
        ({"way": "typed", "given": "x" * 1001}, TYPED_TEXT),
        ({"way": "typed", "given": ["Answer 1"]}, TYPED_TEXT),
        ({"way": "choice", "options": ["a", "b"], "offered": "s", "offered_seen": 0, "choice": 0},
         "a pick names its four options, their signature and the one picked"),
        ({"way": "choice", "options": ["a", "b", "c", "d"], "offered": "s", "offered_seen": 0},
         "a pick names its four options, their signature and the one picked"),
        ({"verdict": 12}, "a verdict is a signed token"),
    ],
)  # fmt: skip
def test_sync_says_which_way_of_answering_did_not_read(client, studying, way, error):
    student, deck = studying
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    response = sync(client, [one_answer(pack, **way)])
    assert response.status_code == 400
    assert response.json() == {"error": error}
    assert not ReviewLog.objects.exists()


def test_a_pick_with_a_choice_that_is_no_option_is_not_saved(client, studying):
    student, deck = studying
    answer_mode_set(student=student, deck=deck, mode="choice")
    deck.cards.bulk_create(
        [Card(deck=deck, front=f"Q{n}", back=f"Other {n}", position=3 + n) for n in range(1, 4)]
    )
    pack = study_pack(student=student, deck=deck, now=timezone.now() - timedelta(minutes=5))
    card = pack["cards"][0]
    picked = {"way": "choice", "options": card["options"], "offered": card["offered"],
              "offered_seen": 0, "choice": 7}  # fmt: skip
    data = sync(client, [one_answer(pack, **picked)]).json()
    assert [r["status"] for r in data["results"]] == ["unknown"]


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
    offline = page.split("<template data-offline-session>")[1]
    assert "Niet helemaal." in page
    assert "Kies het antwoord" in offline


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
