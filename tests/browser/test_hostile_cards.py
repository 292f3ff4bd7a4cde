"""Hostile card text, imported and studied in a real browser: none of it runs."""

import csv
import io

import pytest

from decks.models import Deck
from decks.services.imports import deck_import
from tests.conftest import enroll, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RAN = "window.xssRan = (window.xssRan || 0) + 1"
PAYLOADS = [
    f"<script>{RAN}</script>Vraag 1",
    f'<img src=x onerror="{RAN}">Vraag 2',
    f'<a href="javascript:{RAN}">Vraag 3</a>',
    f'<svg onload="{RAN}"><circle r="5"/></svg>Vraag 4',
    '<div hx-get="/account/delete/" hx-trigger="load" hx-swap="outerHTML">Vraag 5</div>',
    f'<details open ontoggle="{RAN}"><summary>Vraag 6</summary></details>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{RAN}">Vraag 7',
    '<iframe srcdoc="<script>parent.xssRan=1</script>"></iframe>Vraag 8',
    f'"><script>{RAN}</script>Vraag 9',
    f'<input autofocus onfocus="{RAN}">Vraag 10',
    f'<form action="javascript:{RAN}"><button>Vraag 11</button></form>',
    f'<span style="background:url(javascript:{RAN})">Vraag 12</span>',
    '<div data-hx-post="/account/delete/" data-hx-trigger="load">Vraag 13</div>',
    f'<object data="javascript:{RAN}"></object>Vraag 14',
]


def corpus_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["front", "back"])
    for payload in PAYLOADS:
        writer.writerow([payload, payload.replace("Vraag", "Antwoord")])
    return out.getvalue().encode()


def test_no_payload_in_a_card_runs_when_studied(page, live_server, screenshot):
    student = make_user("kim")
    _, result = deck_import(
        data=corpus_csv(), filename="xss.csv", format=None, owner=None, deck=None,
        new_title="Hostile",
    )  # fmt: skip
    deck = Deck.objects.get(pk=result.deck.pk)
    deck.new_cards_per_day = len(PAYLOADS)
    deck.save()
    enroll(student, deck)
    dialogs, stray_requests = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on(
        "request",
        lambda request: stray_requests.append(request.url) if "/account/" in request.url else None,
    )

    page.goto(f"{live_server.url}/accounts/login/?next=/decks/{deck.slug}/study/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("load")
    studied = 0
    while page.locator("[data-study-card]").count() and studied < len(PAYLOADS) + 2:
        page.keyboard.press("Space")
        for link in page.locator(".card-face a").all():
            link.click()  # a javascript: link must have been stripped
        page.keyboard.press("5")
        studied += 1
        page.wait_for_function(
            "n => document.querySelector('[data-testid=done]').textContent.trim() === String(n)",
            arg=studied,
        )
    screenshot("hostile-cards-done")

    # One payload sanitises to nothing and is skipped at import with a warning.
    assert studied == deck.cards.count() == len(PAYLOADS) - 1
    assert page.evaluate("window.xssRan") is None
    assert dialogs == []
    assert stray_requests == []
