"""The study pack and the endpoint that takes answers made offline."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from decks.models import ReviewLog
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
