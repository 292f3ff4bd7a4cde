"""The interface in English (the source language) and Dutch, from committed message files."""

import ast
import gettext
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from decks.importers.detect import FORMAT_LABELS
from decks.models import CardState
from decks.services.statistics import RatingCalibration, calibration_sentence
from tests.conftest import answer_card, enroll, make_class, make_deck, make_user

pytestmark = pytest.mark.django_db

MESSAGES = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"
DUTCH_RATINGS = ["Helemaal niet", "Nauwelijks", "Met moeite", "Goed", "Perfect"]
ENGLISH_RATINGS = ["Not at all", "Barely", "With effort", "Well", "Perfectly"]


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A Dutch request leaves Dutch active in the thread; later tests expect English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def rating_labels(html: str) -> list[str]:
    """The session's buttons; the offline copy's (in a <template>) come after it."""
    html = html.split("<template data-offline-session>")[0]
    parts = html.split('<span class="rate-label">')[1:]
    return [part.split("</span>", 1)[0] for part in parts]


@pytest.fixture
def study_url(client):
    student = make_user()
    deck = make_deck(cards=2)
    enroll(student, deck)
    client.force_login(student)
    return reverse("study", args=[deck.slug])


def test_the_study_page_speaks_dutch_to_a_dutch_browser(client, study_url):
    html = client.get(study_url, headers={"accept-language": "nl-NL,nl;q=0.9,en;q=0.5"}).text

    assert '<html lang="nl">' in html
    assert "Hoe goed wist je dit?" in html
    assert "How well did you know this?" not in html
    assert rating_labels(html) == DUTCH_RATINGS
    assert "Toon antwoord" in html
    assert "nog te gaan vandaag" in html


def test_the_rating_buttons_follow_each_requests_language_in_turn(client, study_url):
    turns = ["en", "nl", "en", "nl"]
    labels = [
        rating_labels(client.get(study_url, headers={"accept-language": lang}).text)
        for lang in turns
    ]
    assert labels == [ENGLISH_RATINGS, DUTCH_RATINGS, ENGLISH_RATINGS, DUTCH_RATINGS]


@pytest.mark.parametrize("accept_language", [None, "en", "en-GB,en;q=0.9", "fr-FR"])
def test_the_study_page_speaks_english_by_default(client, study_url, accept_language):
    headers = {"accept-language": accept_language} if accept_language else {}
    html = client.get(study_url, headers=headers).text

    assert '<html lang="en">' in html
    assert "How well did you know this?" in html
    assert "Hoe goed wist je dit?" not in html
    assert rating_labels(html) == ENGLISH_RATINGS


def test_the_language_switch_makes_the_next_page_dutch(client, study_url):
    page = client.get(study_url).text
    assert f'action="{reverse("set_language")}"' in page
    assert '<select name="language" id="language-select">' in page
    assert '<label for="language-select"' in page

    response = client.post("/i18n/setlang/", {"language": "nl", "next": study_url})

    assert response.status_code == 302
    assert response["Location"] == study_url
    html = client.get(study_url, headers={"accept-language": "en"}).text
    assert rating_labels(html) == DUTCH_RATINGS
    assert '<option value="nl" lang="nl" selected>Nederlands</option>' in html

    client.post("/i18n/setlang/", {"language": "en", "next": study_url})
    assert rating_labels(client.get(study_url).text) == ENGLISH_RATINGS


def test_the_switch_works_before_logging_in(client):
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})

    html = client.get("/").text
    assert "Inloggen" in html
    assert "Account maken" in html
    assert "Log in" not in html


def test_plurals_and_class_labels_in_dutch(client):
    student = make_user(first_name="Sam")
    deck = make_deck("Biologie H1", cards=1)
    classroom = make_class("Klas 4B", students=[student], decks=[deck])
    client.force_login(student)
    dutch = {"accept-language": "nl"}

    home = client.get("/", headers=dutch).text
    assert "1 kaart · 0 gezien" in home
    assert "Mijn decks" in home
    assert "Klassen" in home

    board = client.get(reverse("leaderboard", args=[classroom.pk]), headers=dutch).text
    assert "Ranglijst" in board
    assert "Deze week" in board
    assert "Kaarten gedaan" in board
    assert "(jij)" in board
    assert "Cards cleared" not in board


def test_the_exam_date_field_keeps_its_value_in_dutch(client):
    """<input type="date"> reads ISO dates only; a Dutch "05-12-2099" would show empty."""
    teacher = make_user()
    classroom = make_class("Klas 4B", teachers=[teacher], exam_date=date(2099, 12, 5))
    client.force_login(teacher)

    html = client.get(classroom.get_absolute_url(), headers={"accept-language": "nl"}).text

    assert "Toetsdatum" in html
    assert 'type="date" name="exam_date" value="2099-12-05"' in html
    assert "zaterdag 5 december 2099" in html


STATS_TODAY = date(2026, 11, 25)


@pytest.fixture
def studied_statistics(client, student, monkeypatch):
    """Three cards answered 4, 5, then 3 on three days, as in tests/views/test_statistics.py."""
    monkeypatch.setattr("decks.views.statistics.today_for_study", lambda: STATS_TODAY)
    deck = make_deck("Alpha", cards=3)
    enroll(student, deck)
    noon = datetime(2026, 11, 25, 11, tzinfo=UTC)
    for days_ago, rating in ((9, 4), (8, 5), (2, 3)):
        for card in deck.cards.all():
            state = CardState.objects.filter(student=student, card=card).first()
            answer_card(
                student=student, card=card, rating=rating,
                seen_reviews=state.reviews if state else 0, now=noon - timedelta(days=days_ago),
            )  # fmt: skip
    client.force_login(student)
    return deck


def test_the_statistics_page_speaks_dutch(client, studied_statistics):
    html = client.get(reverse("statistics"), headers={"accept-language": "nl"}).text

    assert "<h1>Statistieken</h1>" in html
    assert "9 antwoorden op 3 leerdagen in het afgelopen jaar." in html
    for dutch in [
        "Wat je hebt gedaan",
        "Wat er komt",
        "Hoe goed je waarderingen voorspellen",
        "Antwoorden in het afgelopen jaar",
        "Te herhalen kaarten in de komende 30 dagen",
        "Toon de getallen",
        ">Minder</text>",
        ">Meer</text>",
        ">ma</text>",  # weekday and month names from Django's Dutch catalogue
        ">Vandaag</text>",
        "4 · Goed",
        '<th scope="row">di 8 dec 2026</th><td>3</td>',
        '<th scope="row">Volwassen</th>',
        '<th scope="row">Een 4</th><td>100% van 3</td>',
        "Nog niet genoeg antwoorden",
        'data-retry-text="Je antwoord kon nu even niet worden opgeslagen."',
        'data-retry-button="Opnieuw proberen"',
    ]:
        assert dutch in html, dutch
    for english in [
        "Statistics",
        "What you did",
        "What lies ahead",
        "Show the numbers",
        "Answers in the past year",
        ">Less<",
        ">Mon<",
        "Tue 8 Dec",
        "Rated 4",
        "Not enough answers",
        "cards due in the next",
        "Try again",
    ]:
        assert english not in html, english
    assert not re.search(r">(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)<", html)


def test_a_deck_statistics_page_and_its_empty_states_speak_dutch(client, student):
    enroll(student, make_deck("Biologie", slug="biologie", cards=2))
    client.force_login(student)
    dutch = {"accept-language": "nl"}

    html = client.get(reverse("deck_statistics", args=["biologie"]), headers=dutch).text

    assert "<h1>Statistieken voor Biologie</h1>" in html
    assert "Nog geen antwoorden in dit deck." in html
    assert "Nog geen antwoorden in het afgelopen jaar." in html
    assert "Nog niets ingepland" in html
    assert "2 nieuwe kaarten, 0 lerend, 0 jong en 0 volwassen." in html
    assert "No answers yet" not in html
    assert "Nothing scheduled yet" not in html


def test_the_calibration_sentence_in_dutch():
    shares = [RatingCalibration(3, pairs=12, recalled=7), RatingCalibration(5, 25, 24)]
    with translation.override("nl"):
        assert calibration_sentence(shares) == (
            "Geef je een kaart een 5, dan weet je hem de volgende keer in 96% van de gevallen "
            "nog; bij een 3 maar in 58%."
        )
        assert calibration_sentence(shares[1:]) == (
            "Geef je een kaart een 5, dan weet je hem de volgende keer in 96% van de gevallen nog."
        )
        assert calibration_sentence([]).startswith("Nog niet genoeg antwoorden")
    with translation.override("en"):
        assert calibration_sentence(shares).startswith("When you rate a card 5")


def test_the_account_page_speaks_dutch(client, student):
    client.force_login(student)
    dutch = {"accept-language": "nl"}

    profile = client.get(reverse("profile"), headers=dutch).text
    assert (
        f'<a href="{reverse("account")}">Je account: wachtwoord, e-mailadres, je gegevens</a>'
        in profile
    )

    html = client.get(reverse("account"), headers=dutch).text
    for text in [
        "<h1>Je account</h1>",
        "Alles downloaden",
        "Mijn gegevens downloaden",
        "Je account verwijderen",
        "Typ je gebruikersnaam, <strong>sam</strong>, om te bevestigen",
        "Mijn account verwijderen",
    ]:
        assert text in html, text
    for text in ["Your data", "Download my data", "Delete my account", "Type your username"]:
        assert text not in html, text

    response = client.post(
        reverse("account_delete"), {"username": "not-sam"}, headers=dutch, follow=True
    )
    assert "Typ je gebruikersnaam precies over om te bevestigen." in response.text


def test_the_import_formats_are_named_in_dutch():
    with translation.override("nl"):
        assert str(FORMAT_LABELS["csv"]) == "CSV (komma of puntkomma)"
    with translation.override("en"):
        assert str(FORMAT_LABELS["csv"]) == "CSV (comma or semicolon)"


def po_entries(path: Path) -> list[dict]:
    """A tiny .po reader: each entry's flags, msgid, msgid_plural and msgstr(s)."""
    entries, entry, key = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, key = None, None
            continue
        entry = entry if entry is not None else {"flags": []}
        if line.startswith("#,"):
            entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, value = line.split(" ", 1)
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if e.get("msgid")]


def test_every_message_has_a_dutch_translation():
    entries = po_entries(MESSAGES / "django.po")

    assert len(entries) > 150
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        strings = [v for k, v in entry.items() if k.startswith("msgstr")]
        assert strings, entry["msgid"]
        assert all(s.strip() for s in strings), entry["msgid"]
    header = (MESSAGES / "django.po").read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "#, fuzzy" not in header


def test_the_compiled_catalogue_matches_the_message_file():
    entries = po_entries(MESSAGES / "django.po")
    with (MESSAGES / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    for entry in entries:
        if "msgctxt" in entry:
            compiled_text = compiled.pgettext(entry["msgctxt"], entry["msgid"])
            assert compiled_text == entry["msgstr"], entry["msgid"]
        elif "msgid_plural" in entry:
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"]
            assert compiled.ngettext(entry["msgid"], entry["msgid_plural"], 2) == entry["msgstr[1]"]
        else:
            assert compiled.gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]
    # Nothing in the compiled file that the message file no longer has; a context is
    # stored in front of its msgid, joined by EOT.
    singular_ids = {key[0] if isinstance(key, tuple) else key for key in compiled._catalog}
    assert singular_ids - {""} == {
        f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        for entry in entries
    }
