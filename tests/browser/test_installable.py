"""Chromium offers to install Stamp: its own installability check finds nothing missing."""

import json

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.conftest import ARTIFACTS, CHROMIUM, WAIT_FOR_CONTROLLER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chromium_finds_the_home_page_installable(live_server, tmp_path, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        # A persistent profile: an ordinary context is incognito, which is never installable.
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            viewport={"width": 420, "height": 800},
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{live_server.url}/")
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        assert page.evaluate(WAIT_FOR_CONTROLLER)
        cdp = context.new_cdp_session(page)
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        manifest = cdp.send("Page.getAppManifest")
        ARTIFACTS.mkdir(exist_ok=True)
        # Headless Chromium draws no install button: the page shows what Chromium reported.
        page.evaluate(
            """report => { const p = document.createElement('pre');
                 p.style.cssText = 'white-space:pre-wrap;background:#fff6d6;padding:8px;margin:0';
                 p.textContent = report; document.body.prepend(p); }""",
            f"Page.getInstallabilityErrors: {errors or 'none'}\n"
            f"manifest: {manifest['url']}\n"
            f"service worker: {page.evaluate('navigator.serviceWorker.controller?.scriptURL')}",
        )
        page.screenshot(path=str(ARTIFACTS / "installable-home.png"))
        context.close()
    assert errors == []
    assert manifest["url"].endswith("/manifest.webmanifest")


def test_a_push_message_shows_the_reminder_with_the_decks_address(
    live_server, tmp_path, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context.grant_permissions(["notifications"], origin=live_server.url)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(f"{live_server.url}/")
        assert page.evaluate(WAIT_FOR_CONTROLLER)
        cdp = context.new_cdp_session(page)
        registrations = []
        cdp.on(
            "ServiceWorker.workerRegistrationUpdated",
            lambda e: registrations.extend(e["registrations"]),
        )
        cdp.send("ServiceWorker.enable")
        for _ in range(100):  # each round trip lets the protocol's events arrive
            if registrations:
                break
            page.evaluate("1")
        (registration,) = {r["registrationId"] for r in registrations if not r["isDeleted"]}
        payload = {"title": "Stamp", "body": "3 cards are waiting. Klant centraal has 3.",
                   "url": "/decks/klant-centraal/study/"}  # fmt: skip
        shown = []
        # DevTools hands the message to the worker without waiting for it; one sent while
        # the browser was still starting the worker can be dropped, so it is sent again
        # (the reminder's tag makes a second one replace the first).
        for _ in range(3):
            cdp.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": live_server.url,
                    "registrationId": registration,
                    "data": json.dumps(payload),
                },
            )
            shown = page.evaluate(
                """() => new Promise(resolve => { let tries = 100; const look = () =>
                     navigator.serviceWorker.ready.then(r => r.getNotifications()).then(l =>
                       l.length || !tries-- ? resolve(l.map(n => [n.title, n.body, n.data.url]))
                                            : setTimeout(look, 50)); look(); })"""
            )
            if shown:
                break
        context.close()
    assert shown == [["Stamp", payload["body"], payload["url"]]]
