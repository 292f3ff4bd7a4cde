"""The study page as a phone feels it: bytes and time, online and offline, in Chromium.

Serves the app as deployed (gunicorn, DEBUG=0, whitenoise's compressed and hashed static
files from collectstatic) on localhost:8129 from a throwaway SQLite database with one
student and a 30-card deck, and drives Debian's Chromium (a persistent profile, so the
service worker runs) through Playwright:

- bytes transferred for the study page on a first load (empty cache, no service worker)
  and with a warm cache, counted from the DevTools protocol's `Network.loadingFinished`
  (`encodedDataLength`, headers included), the day's study pack listed on its own. Online
  the page's requests bypass the service worker (`Network.setBypassServiceWorker`), whose
  own fetches the page's DevTools session neither throttles nor counts; the worker's
  install (the shell files, mostly from the HTTP cache, and the offline page) is not in
  these figures;
- time from navigation to the first card on screen, and from a rating key to the next
  card, under Chromium's "Slow 4G" throttling (DevTools' preset: 562.5 ms latency,
  180 KB/s down, 84 KB/s up) and unthrottled ("fast": this machine's loopback);
- the same offline: the deck opened with no connection (the service worker's page and the
  pack), and a rating to the next card from the pack.

    .venv/bin/python bench/study_page.py [--answers 5]

Prints JSON; each time is the median of `--answers` answers (or 3 page loads).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8129
BASE = f"http://localhost:{PORT}"
SLOW_4G = {"latency": 150 * 3.75, "downloadThroughput": 1.6e6 / 8 * 0.9,
           "uploadThroughput": 750e3 / 8 * 0.9}  # fmt: skip
# page.evaluate, not wait_for_function: the latter polls through eval, which the CSP forbids.
WAIT_FOR_CONTROLLER = """() => new Promise(resolve => {
    if (navigator.serviceWorker.controller) return resolve(true);
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true));
    setTimeout(() => resolve(false), 15000);
})"""
NO_THROTTLE = {"latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def server_env(database: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-study-page",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STAMP_SITE_URL": BASE,
    }


def prepare(env: dict) -> None:
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run(manage + command, env=env, check=True, capture_output=True)
    script = (
        "from django.contrib.auth.models import User\n"
        "from decks.models import Card, Classroom, Deck\n"
        "u = User.objects.create_user('phone', password='phone-pass-123')\n"
        "d = Deck.objects.create(title='Klant centraal', slug='klant-centraal',\n"
        "                        new_cards_per_day=30)\n"
        "for i in range(1, 31):\n"
        "    Card.objects.create(deck=d, position=i, front=f'<p>Wat is stap {i} van de "
        "klantreis?</p>', back=f'<p>Stap {i}: de klant <b>vergelijkt</b> aanbieders.</p>')\n"
        "c = Classroom.objects.create(name='1A', join_code='PHONE2AB')\n"
        "c.students.add(u); c.decks.add(d)\n"
    )
    subprocess.run(manage + ["shell", "-c", script], env=env, check=True, capture_output=True)


def start_server(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "accountmanagement.wsgi", "--bind",
         f"localhost:{PORT}", "--workers", "2", "--threads", "2", "--config", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{BASE}/manifest.webmanifest", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


class Bytes:
    """Bytes transferred per request, from the DevTools protocol's network events."""

    def __init__(self, cdp):
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        cdp.send("Network.enable")
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event):
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def reset(self):
        self.urls.clear()
        self.sizes.clear()

    def report(self) -> dict:
        rows = {}
        for request_id, size in self.sizes.items():
            url = self.urls.get(request_id, "?").removeprefix(BASE)
            rows[url] = rows.get(url, 0) + size
        return {"total": sum(rows.values()), "requests": rows}


def to_first_card(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("[data-testid=front]")
    return (time.perf_counter() - started) * 1000


def rating_to_next(page, answers: int) -> list[float]:
    times = []
    for _ in range(answers):
        front = page.get_by_test_id("front").inner_text()
        page.keyboard.press("Space")
        page.wait_for_selector("[data-reveal][open]")
        started = time.perf_counter()
        page.keyboard.press("4")
        page.wait_for_function(
            "f => { const e = document.querySelector('[data-testid=front]');"
            " return e && e.innerText !== f; }",
            arg=front,
            polling="raf",
        )
        times.append((time.perf_counter() - started) * 1000)
    return times


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1)


def measure(answers: int) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict = {}
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        env = server_env(Path(folder) / "db.sqlite3")
        prepare(env)
        server = start_server(env)
        try:
            context = playwright.chromium.launch_persistent_context(
                str(Path(folder) / "profile"),
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox", "--disable-gpu",
                      "--disable-background-networking"],
                viewport={"width": 412, "height": 915},
            )  # fmt: skip
            page = context.pages[0] if context.pages else context.new_page()
            cdp = context.new_cdp_session(page)
            network = Bytes(cdp)
            # Online, the page's requests skip the service worker: its own fetches are
            # neither throttled nor counted by the page's DevTools session.
            cdp.send("Network.setBypassServiceWorker", {"bypass": True})
            page.goto(f"{BASE}/accounts/login/")
            page.get_by_label("Username").fill("phone")
            page.get_by_label("Password").fill("phone-pass-123")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(f"{BASE}/")
            # First load: nothing cached, no service worker yet (log-in pages registered it).
            page.evaluate(
                "navigator.serviceWorker.getRegistrations()"
                ".then(rs => Promise.all(rs.map(r => r.unregister())))"
            )
            page.evaluate("caches.keys().then(ks => Promise.all(ks.map(k => caches.delete(k))))")
            cdp.send("Network.clearBrowserCache")
            page.goto("about:blank")
            study = f"{BASE}/decks/klant-centraal/study/"
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **SLOW_4G})
            network.reset()
            first = to_first_card(page, study)
            page.wait_for_selector("body[data-pack-kept]", timeout=60_000)
            results["first_load"] = {"ms_to_first_card": round(first), **network.report()}
            loads = []
            for _ in range(3):
                network.reset()
                loads.append(to_first_card(page, study))
                page.wait_for_selector("body[data-pack-kept]", timeout=60_000)
            results["warm_cache"] = {"ms_to_first_card": median(loads), **network.report()}
            results["slow_4g_online_rating_to_next_ms"] = median(rating_to_next(page, answers))
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **NO_THROTTLE})
            to_first_card(page, study)
            page.wait_for_selector("body[data-pack-kept]")
            results["fast_online_rating_to_next_ms"] = median(rating_to_next(page, answers))
            # Offline the service worker answers: the deck page it keeps, then the pack.
            cdp.send("Network.setBypassServiceWorker", {"bypass": False})
            to_first_card(page, study)
            page.wait_for_selector("body[data-pack-kept]")
            assert page.evaluate(WAIT_FOR_CONTROLLER)
            page.goto("about:blank")
            context.set_offline(True)
            offline_loads = [to_first_card(page, study) for _ in range(3)]
            results["offline_ms_to_first_card"] = median(offline_loads)
            results["offline_rating_to_next_ms"] = median(rating_to_next(page, answers))
            context.set_offline(False)
            context.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.answers), indent=2))


if __name__ == "__main__":
    main()
