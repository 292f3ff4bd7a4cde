"""Headless Chromium (Debian's) driven by Playwright, for what only a browser shows; the log-ins
the browser tests share."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from decks.models import Deck
from tests.conftest import enroll, make_card, make_deck

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Resolves once a service worker controls the page. page.evaluate, not wait_for_function:
# the latter polls through eval, which the site's CSP forbids.
WAIT_FOR_CONTROLLER = """() => new Promise(resolve => {
    if (navigator.serviceWorker.controller) return resolve(true);
    navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true));
    setTimeout(() => resolve(false), 15000);
})"""


# Function-scoped: Playwright's event loop must be gone before pytest-django flushes
# the database, which Django refuses to do from inside a running loop.
@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `make chromium` installs it.")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # are still plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, live_server, username: str) -> None:
    """Log in as a student through the site's form; the home page follows."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")


def log_in_as_teacher(page, live_server) -> None:
    """Log in as tests.conftest.make_teacher's teacher through the admin's form."""
    page.goto(f"{live_server.url}/admin/login/?next=/admin/decks/deck/")
    page.fill("#id_username", "tess")
    page.fill("#id_password", "pass-word-123")
    page.click("input[type=submit]")


# Six capitals to type or pick, the answers far enough apart for four options each.
CAPITALS = [
    ("Nederland", "Amsterdam"),
    ("België", "Brussel"),
    ("Frankrijk", "Parijs"),
    ("Duitsland", "Berlijn"),
    ("Spanje", "Madrid"),
    ("Italië", "Rome"),
]


def capitals_deck(student, mode: str) -> Deck:
    """The deck "Hoofdsteden" of CAPITALS, answered `mode`, which `student` studies."""
    deck = make_deck("Hoofdsteden", slug="hoofdsteden", answer_mode=mode)
    for country, city in CAPITALS:
        make_card(deck, front=f"Hoofdstad van {country}?", back=city)
    enroll(student, deck)
    return deck
