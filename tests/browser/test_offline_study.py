"""Studying with the network off: the day's pack carries on, answers wait on the device and
are stored exactly once when the connection returns."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect, sync_playwright

from decks.models import AnswerMode, CardState, ReviewLog
from decks.services import study as study_loop
from decks.services.offline import study_pack
from decks.services.scheduling import Schedule, due_after, next_schedule, study_day
from tests.browser.conftest import ARTIFACTS, CHROMIUM, WAIT_FOR_CONTROLLER, capitals_deck
from tests.conftest import enroll, make_card, make_deck, make_media, make_user
from tests.media_samples import pyramid

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chromium(tmp_path, monkeypatch):
    """Starts Chromium on one persistent profile (service workers run there, as in an
    installed app); started again, it finds what the device kept."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        started = []

        def start():
            context = playwright.chromium.launch_persistent_context(
                str(tmp_path / "profile"),
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu",
                      "--disable-background-networking"],
                viewport={"width": 420, "height": 860},
            )  # fmt: skip
            started.append(context)
            return context

        yield start
        for context in started:
            context.close()


@pytest.fixture
def app(chromium):
    return chromium()


def log_in_and_open(context, live_server, deck):
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/decks/{deck.slug}/study/")
    page.get_by_label("Username").fill("noor")
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("body[data-pack-kept]")
    if not page.evaluate(WAIT_FOR_CONTROLLER):
        # The worker's install was cut short (a loaded machine): the next load tries again.
        page.reload()
        page.wait_for_selector("body[data-pack-kept]")
        assert page.evaluate(WAIT_FOR_CONTROLLER)
    return page


def rate(page, rating, next_front):
    page.keyboard.press("Space")
    page.keyboard.press(str(rating))
    expect(page.get_by_test_id("front")).to_have_text(next_front)


@pytest.fixture
def deck():
    student = make_user("noor")
    deck = make_deck("Klant centraal", slug="klant-centraal", cards=12)
    enroll(student, deck)
    return deck


RATINGS = [4, 5, 4, 5, 5, 4, 4, 5, 4, 5]


def test_ten_cards_studied_offline_are_stored_once_with_the_online_schedule(
    chromium, live_server, deck
):
    app = chromium()
    page = log_in_and_open(app, live_server, deck)
    app.set_offline(True)
    # The first answer cannot reach the server: the page carries on from the pack.
    rate(page, RATINGS[0], "Question 2")
    expect(page.get_by_test_id("offline-banner")).to_have_text(
        "You are offline. 1 answer waits to be sent."
    )
    # Opening the deck again with no connection: the service worker's page and the pack.
    page.reload()
    expect(page.get_by_test_id("front")).to_have_text("Question 2")
    for n, rating in enumerate(RATINGS[1:], start=3):
        rate(page, rating, f"Question {n}")
    expect(page.get_by_test_id("offline-banner")).to_have_text(
        "You are offline. 10 answers wait to be sent."
    )
    expect(page.get_by_test_id("left")).to_have_text("2")  # 12 new cards, 10 answered
    page.screenshot(path=str(ARTIFACTS / "offline-banner.png"), full_page=True)

    app.close()  # the browser closed offline: nothing is lost
    app = chromium()
    page = app.pages[0] if app.pages else app.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("sync-notice")).to_have_text("10 answers made offline are saved.")
    page.screenshot(path=str(ARTIFACTS / "offline-saved.png"), full_page=True)

    logs = list(ReviewLog.objects.order_by("reviewed_at"))
    assert [log.rating for log in logs] == RATINGS
    assert [log.card.front for log in logs] == [f"Question {n}" for n in range(1, 11)]
    for log in logs:
        state = CardState.objects.get(card=log.card)
        assert state.reviews == 1
        day = study_day(log.reviewed_at.astimezone())
        assert state.due == due_after(day, next_schedule(Schedule(), log.rating))


def test_an_answer_for_a_card_answered_meanwhile_elsewhere_is_reported_and_sent_twice_once(
    app, live_server, deck
):
    page = log_in_and_open(app, live_server, deck)
    app.set_offline(True)
    rate(page, 5, "Question 2")
    rate(page, 4, "Question 3")
    # Meanwhile, on another device that was online, the first card was answered.
    first = deck.cards.get(front="Question 1")
    study_loop.study_answer(
        student=first.deck.classrooms.get().students.get(),
        deck_slug=deck.slug,
        card_id=first.pk,
        rating=2,
        seen_reviews=0,
    )
    # Keep a copy of the queue to send again later.
    sent = page.evaluate(
        """() => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
             r.onsuccess = () => {
               const q = r.result.transaction('queue').objectStore('queue').getAll();
               q.onsuccess = () => resolve(q.result); }; })"""
    )
    app.set_offline(False)
    notice = page.get_by_test_id("sync-notice")
    expect(notice).to_contain_text("1 answer made offline is saved.")
    expect(notice).to_contain_text(
        "1 answer made offline was not saved: its card was answered meanwhile on another device."
    )
    assert sorted(ReviewLog.objects.values_list("card__front", "rating")) == [
        ("Question 1", 2),
        ("Question 2", 4),
    ]
    # The same answers again (a second tab, a retry): nothing is stored twice.
    page.evaluate(
        """items => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
             r.onsuccess = () => { const t = r.result.transaction('queue', 'readwrite');
             items.forEach(i => t.objectStore('queue').put(i)); t.oncomplete = resolve; }; })""",
        sent,
    )
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("sync-notice")).to_contain_text("1 answer made offline is saved.")
    assert ReviewLog.objects.count() == 2


PACK_DONE = """() => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
    r.onsuccess = () => { const q = r.result.transaction('packs').objectStore('packs').getAll();
    q.onsuccess = () => resolve(q.result.map(p => p.state.done)); }; })"""


def test_a_reachable_server_saying_the_session_ended_is_not_studied_offline(app, live_server, deck):
    page = log_in_and_open(app, live_server, deck)
    app.clear_cookies(name="sessionid")
    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(page.get_by_test_id("session-ended")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "offline-session-ended.png")
    assert page.evaluate("document.body.hasAttribute('data-offline-study')") is False
    expect(page.get_by_test_id("offline-banner")).to_have_count(0)
    assert page.evaluate(PACK_DONE) == [0]  # the unsaved answer is not in the pack
    assert not ReviewLog.objects.exists()


def test_logging_out_clears_the_pack_and_the_queue_from_the_device(app, live_server, deck):
    page = log_in_and_open(app, live_server, deck)
    count = """() => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
        r.onsuccess = () => { const q = r.result.transaction('packs').objectStore('packs').count();
        q.onsuccess = () => resolve(q.result); }; })"""
    assert page.evaluate(count) == 1
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()
    assert page.evaluate(count) == 0
    app.set_offline(True)
    page.goto(f"{live_server.url}/decks/{deck.slug}/study/")
    expect(page.locator("[data-offline-app]")).to_contain_text("Nothing is kept on this device")


def test_a_cards_picture_shows_when_the_deck_is_opened_offline(app, live_server):
    student = make_user("noor")
    deck = make_deck("Klantpiramide", slug="klantpiramide")
    picture = make_media(deck, data=pyramid(600, 400), name="klantpiramide.png")
    make_card(
        deck,
        front=f'Welke lagen?<img src="/media/{picture.sha256}.png" alt="klantpiramide">',
        back="Top, groot, middel, klein",
    )
    enroll(student, deck)
    page = log_in_and_open(app, live_server, deck)
    # Only the service worker's copy may serve it: the browser's own cache is emptied.
    app.new_cdp_session(page).send("Network.clearBrowserCache")
    app.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-offline-session]")
    page.wait_for_function(
        "() => { const img = document.querySelector('[data-testid=front] img');"
        " return img && img.complete && img.naturalWidth === 600; }"
    )
    page.screenshot(path=str(ARTIFACTS / "offline-picture.png"), full_page=True)


def test_offline_carries_on_after_online_answers_with_repeats_and_undo(app, live_server):
    student = make_user("noor")
    deck = make_deck("Klant centraal", slug="klant-centraal", cards=4)
    enroll(student, deck)
    page = log_in_and_open(app, live_server, deck)
    rate(page, 4, "Question 2")  # online, through htmx
    rate(page, 2, "Question 3")  # online; comes back today
    app.set_offline(True)
    rate(page, 5, "Question 4")  # the hand-over: from here on the pack
    rate(page, 3, "Question 2")  # a 3 repeats too, after the 2 rated earlier
    expect(page.locator(".kind")).to_have_text("Again today")
    expect(page.get_by_test_id("left")).to_have_text("2")
    page.keyboard.press("u")
    expect(page.get_by_test_id("front")).to_have_text("Question 4")
    expect(page.get_by_role("status").filter(has_text="undone")).to_be_visible()
    rate(page, 5, "Question 2")
    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(page.get_by_test_id("summary")).to_contain_text("All done for today in Klant centraal")
    expect(page.get_by_test_id("offline-banner")).to_have_text(
        "You are offline. 3 answers wait to be sent."
    )
    app.set_offline(False)
    expect(page.get_by_test_id("sync-notice")).to_have_text("3 answers made offline are saved.")
    logs = ReviewLog.objects.order_by("reviewed_at").values_list(
        "card__front", "sequence", "rating"
    )
    assert list(logs) == [
        ("Question 1", 0, 4),
        ("Question 2", 0, 2),
        ("Question 3", 0, 5),
        ("Question 4", 0, 5),
        ("Question 2", 1, 4),
    ]


def kept_pack(page):
    """The device's record of the deck's pack: the pack, its study state, the clock offset."""
    return page.evaluate(
        """() => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
             r.onsuccess = () => {
               const q = r.result.transaction('packs').objectStore('packs').getAll();
               q.onsuccess = () => resolve(q.result[0]); }; })"""
    )


def test_an_online_answer_the_server_refused_leaves_the_pack_as_the_server_has_it(
    app, live_server, deck
):
    page = log_in_and_open(app, live_server, deck)
    kept = page.evaluate("document.body.dataset.packKept")
    # Meanwhile another device answered the card on screen with a 2: it comes back today.
    student = deck.classrooms.get().students.get()
    first = deck.cards.get(front="Question 1")
    study_loop.study_answer(
        student=student, deck_slug=deck.slug, card_id=first.pk, rating=2, seen_reviews=0
    )
    rate(page, 4, "Question 2")  # refused: "That card was already answered"
    expect(page.get_by_role("status").filter(has_text="already answered")).to_be_visible()
    # The refusal is not mirrored; the pack is fetched again instead.
    page.wait_for_selector(f"body:not([data-pack-kept='{kept}'])")
    app.set_offline(True)
    page.reload()
    counts = study_loop.study_snapshot(student=student, deck=deck).counts
    expect(page.get_by_test_id("front")).to_have_text("Question 2")
    expect(page.get_by_test_id("left")).to_have_text(str(counts.left))  # 12, not 11
    expect(page.locator("#session [data-counts]")).to_have_text(
        f"{counts.due} due · {counts.new} new · {counts.repeat} again"
    )
    expect(page.get_by_test_id("done")).to_have_text("1")
    page.screenshot(path=str(ARTIFACTS / "offline-after-refused-answer.png"), full_page=True)
    assert ReviewLog.objects.get().rating == 2


PACK_ENDED = (
    "The cards kept on this device for this deck were for an earlier day; "
    "open the deck online to study today’s."
)


def test_a_pack_whose_study_day_ended_is_not_studied_offline(app, live_server, deck):
    page = log_in_and_open(app, live_server, deck)
    ends_at = kept_pack(page)["pack"]["ends_at"]
    # Left open past 04:00 with no connection: the next answer is not taken from the pack.
    page.clock.install(time=ends_at / 1000 + 60)
    app.set_offline(True)
    page.keyboard.press("Space")
    page.keyboard.press("4")
    expect(page.get_by_test_id("pack-ended")).to_have_text(PACK_ENDED)
    assert page.evaluate("document.body.hasAttribute('data-offline-study')") is False
    # The deck opened again offline that morning: the service worker's page says the same.
    page.reload()
    expect(page.get_by_test_id("pack-ended")).to_have_text(PACK_ENDED)
    expect(page.get_by_test_id("front")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "offline-pack-ended.png"), full_page=True)
    app.set_offline(False)
    assert not ReviewLog.objects.exists()


def test_studying_offline_across_four_oclock_stops_at_the_days_end(app, live_server, deck):
    page = log_in_and_open(app, live_server, deck)
    ends_at = kept_pack(page)["pack"]["ends_at"]
    page.clock.install(time=ends_at / 1000 - 60)  # a minute before 04:00
    app.set_offline(True)
    rate(page, 4, "Question 2")  # handed over to the pack; waits to be sent
    page.clock.set_system_time(ends_at / 1000 + 60)
    page.keyboard.press("Space")
    page.keyboard.press("5")
    expect(page.get_by_test_id("pack-ended")).to_have_text(PACK_ENDED)
    queued = page.evaluate(
        """() => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
             r.onsuccess = () => {
               const q = r.result.transaction('queue').objectStore('queue').getAll();
               q.onsuccess = () => resolve(q.result.map(i => i.rating)); }; })"""
    )
    assert queued == [4]  # the answer made after 04:00 was not kept


def test_a_pack_the_browser_revalidates_keeps_the_clocks_agreeing(
    app, live_server, deck, monkeypatch
):
    made = []

    def made_seconds_ago(**kwargs):
        # The first pack is made 5 s before it is asked for (a slow server, a long
        # stay on the page): its made_at lies outside the next request's round trip.
        if not made:
            kwargs["now"] = timezone.now() - timedelta(seconds=5)
        made.append(1)
        return study_pack(**kwargs)

    monkeypatch.setattr("decks.views.offline.study_pack", made_seconds_ago)
    page = log_in_and_open(app, live_server, deck)
    first = kept_pack(page)
    page.reload()
    page.wait_for_selector("body[data-pack-kept]")
    again = kept_pack(page)
    # The browser's 304: the same body, its made_at and token, still good for answers.
    assert again["pack"]["made_at"] == first["pack"]["made_at"]
    assert again["pack"]["token"] == first["pack"]["token"]
    # Device and server share one clock here: no offset, whatever the old made_at says.
    assert again["offset"] == 0


def test_the_admins_log_out_clears_the_packs_and_pictures_from_the_device(app, live_server, deck):
    student = deck.classrooms.get().students.get()
    student.is_staff = True
    student.save()
    page = log_in_and_open(app, live_server, deck)
    kept = """async () => ({
        databases: (await indexedDB.databases()).map(d => d.name),
        caches: await caches.keys() })"""
    before = page.evaluate(kept)
    assert "stamp-offline" in before["databases"]
    assert "stamp-media" in before["caches"]
    page.goto(f"{live_server.url}/admin/")
    with page.expect_navigation():
        page.locator("#logout-form button").click()
    after = page.evaluate(kept)
    assert "stamp-offline" not in after["databases"]
    assert "stamp-media" not in after["caches"]


def test_deleting_the_account_clears_the_students_pack_but_not_anothers_unsent_answers(
    app, live_server, deck
):
    page = log_in_and_open(app, live_server, deck)
    # On this shared device another student's offline answer still waits to be sent.
    page.evaluate(
        """() => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
             r.onsuccess = () => { const t = r.result.transaction('queue', 'readwrite');
             t.objectStore('queue').put({ id: 'x1', user: '999', card: 1 });
             t.oncomplete = resolve; }; })"""
    )
    page.goto(f"{live_server.url}/account/")
    page.locator("#confirm-username").fill("noor")
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my account").click()
    kept = page.evaluate(
        """() => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
             r.onsuccess = () => { try { const t = r.result.transaction(['packs', 'queue']);
             const packs = t.objectStore('packs').count(), queue = t.objectStore('queue').getAll();
             t.oncomplete = () => resolve({ packs: packs.result,
                                            queue: queue.result.map(i => i.user) });
             } catch (error) { resolve(error.name); } }; })"""
    )
    assert kept == {"packs": 0, "queue": ["999"]}


def test_an_online_undo_the_server_refused_takes_nothing_back_from_the_pack(app, live_server, deck):
    page = log_in_and_open(app, live_server, deck)
    rate(page, 5, "Question 2")  # online; the page offers to undo it
    kept = page.evaluate("document.body.dataset.packKept")
    # Meanwhile another device answered the next card: the page's answer is no longer
    # the latest, so its undo is refused.
    student = deck.classrooms.get().students.get()
    second = deck.cards.get(front="Question 2")
    study_loop.study_answer(
        student=student, deck_slug=deck.slug, card_id=second.pk, rating=5, seen_reviews=0
    )
    page.keyboard.press("u")
    expect(page.get_by_role("status").filter(has_text="Only your latest")).to_be_visible()
    page.wait_for_selector(f"body:not([data-pack-kept='{kept}'])")
    app.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("front")).to_have_text("Question 3")
    expect(page.get_by_test_id("done")).to_have_text("2")
    assert ReviewLog.objects.count() == 2


# --- Typing and picking offline (issue 29): judged on the device, again on the server ----


def capitals(mode):
    return capitals_deck(make_user("noor"), mode)


def at_phone_width(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 420, "height": 860})


def type_and_check(page, text, verdict):
    page.get_by_label("Type the answer").fill(text)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("verdict")).to_have_text(verdict)


def logged():
    return list(
        ReviewLog.objects.order_by("reviewed_at").values_list(
            "card__back", "rating", "answered_by", "checked_correct", "overridden"
        )
    )


def test_answers_typed_offline_are_judged_again_and_stored_once(chromium, live_server):
    deck = capitals(AnswerMode.TYPED)
    app = chromium()
    page = log_in_and_open(app, live_server, deck)
    app.set_offline(True)
    page.reload()  # the service worker's page, from the pack
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van Nederland?")
    expect(page.get_by_label("Type the answer")).to_be_focused()
    at_phone_width(page, "offline-typed-field")
    type_and_check(page, "amsterdam", "Right!")
    expect(page.locator("[data-checked] button[name=rating]")).to_have_count(3)
    page.keyboard.press("Enter")  # the proposed 4
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van België?")
    type_and_check(page, "Antwerpen", "Not quite.")
    expect(page.get_by_test_id("given").locator("del")).to_have_text("Antwerpen")
    expect(page.get_by_test_id("expected")).to_have_text("Brussel")
    expect(page.locator("[data-checked] [data-ratings] button")).to_have_count(2)
    expect(page.locator("[data-proposed]")).to_have_attribute("value", "2")
    at_phone_width(page, "offline-typed-wrong")
    page.keyboard.press("2")
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van Frankrijk?")
    type_and_check(page, "Lutetia", "Not quite.")
    page.get_by_text("I was right").click()
    page.locator("button[name=override_rating][value='4']").click()
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van Duitsland?")
    expect(page.get_by_test_id("offline-banner")).to_have_text(
        "You are offline. 3 answers wait to be sent."
    )

    app.close()  # closed offline, started again online: the queue is sent
    app = chromium()
    page = app.pages[0] if app.pages else app.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("sync-notice")).to_have_text("3 answers made offline are saved.")
    assert logged() == [
        ("Amsterdam", 4, "typed", True, False),
        ("Brussel", 2, "typed", False, False),
        ("Parijs", 4, "typed", False, True),
    ]
    for log in ReviewLog.objects.all():
        day = study_day(log.reviewed_at.astimezone())
        assert CardState.objects.get(card=log.card).due == due_after(
            day, next_schedule(Schedule(), log.rating)
        )


def test_options_picked_offline_are_stored_as_picks(app, live_server):
    deck = capitals(AnswerMode.CHOICE)
    page = log_in_and_open(app, live_server, deck)
    app.set_offline(True)
    options = page.locator("[data-choices] button[name=choice]")
    expect(options).to_have_count(4)
    right = options.filter(has_text="Amsterdam").get_attribute("value")
    # Picked on the online page: the check fails over to the pack, which judges the pick.
    page.keyboard.press(str(int(right) + 1))
    expect(page.get_by_test_id("verdict")).to_have_text("Right!")
    expect(page.locator("section[data-offline-session]")).to_be_visible()
    expect(page.get_by_test_id("options").locator("li.right")).to_contain_text("the answer")
    page.keyboard.press("5")
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van België?")
    expect(options.first).to_be_focused()
    options.filter(has_not_text="Brussel").first.click()
    expect(page.get_by_test_id("verdict")).to_have_text("Not quite.")
    expect(page.get_by_test_id("options").locator("li.picked")).to_contain_text("your pick")
    at_phone_width(page, "offline-pick-wrong")
    page.keyboard.press("1")
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van Frankrijk?")

    app.set_offline(False)
    expect(page.get_by_test_id("sync-notice")).to_have_text("2 answers made offline are saved.")
    assert logged() == [
        ("Amsterdam", 5, "choice", True, False),
        ("Brussel", 1, "choice", False, False),
    ]


def test_a_check_that_cannot_reach_the_server_is_judged_from_the_pack(app, live_server):
    deck = capitals(AnswerMode.TYPED)
    page = log_in_and_open(app, live_server, deck)
    app.set_offline(True)
    type_and_check(page, "Amsterdm", "Right, with a small typo.")  # the online form, offline
    expect(page.locator("section[data-offline-session]")).to_be_visible()
    expect(page.get_by_test_id("given")).to_have_text("Amsterdm")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van België?")
    app.set_offline(False)
    expect(page.get_by_test_id("sync-notice")).to_have_text("1 answer made offline is saved.")
    assert logged() == [("Amsterdam", 4, "typed", True, False)]


def test_a_rating_after_an_online_check_goes_offline_with_the_checks_verdict(app, live_server):
    deck = capitals(AnswerMode.TYPED)
    page = log_in_and_open(app, live_server, deck)
    type_and_check(page, "Rotterdam", "Not quite.")  # checked online
    app.set_offline(True)
    page.keyboard.press("1")
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van België?")
    app.set_offline(False)
    expect(page.get_by_test_id("sync-notice")).to_have_text("1 answer made offline is saved.")
    assert logged() == [("Amsterdam", 1, "typed", False, False)]


def test_a_way_changed_online_is_the_way_the_pack_offers_offline(app, live_server, deck):
    page = log_in_and_open(app, live_server, deck)
    kept = page.evaluate("document.body.dataset.packKept")
    page.get_by_role("button", name="Type the answer").click()
    expect(page.get_by_label("Type the answer")).to_be_visible()  # online, from the server
    page.wait_for_function("kept => document.body.dataset.packKept !== kept", arg=kept)
    app.set_offline(True)
    page.reload()
    expect(page.locator("section[data-offline-session]")).to_be_visible()
    expect(page.get_by_label("Type the answer")).to_be_focused()


def test_a_list_typed_offline_marks_the_items_missed_and_extra(app, live_server):
    student = make_user("noor")
    deck = make_deck("Piramide", slug="piramide", answer_mode=AnswerMode.TYPED)
    make_card(deck, front="De lagen?", back="<ul><li>top</li><li>groot</li><li>middel</li></ul>")
    enroll(student, deck)
    page = log_in_and_open(app, live_server, deck)
    app.set_offline(True)
    page.reload()
    expect(page.get_by_text("Give every item, separated by commas, in any order.")).to_be_visible()
    type_and_check(page, "top, middle, klein", "Not quite.")
    expect(page.get_by_test_id("expected").locator("mark")).to_have_text("groot")
    expect(page.get_by_test_id("given").locator("del")).to_have_text("klein")
    at_phone_width(page, "offline-typed-list")


def back_online(chromium, app, live_server):
    """Closed offline and started again online: the queue is sent on the first page."""
    app.close()
    page = chromium().pages[0]
    page.goto(f"{live_server.url}/")
    return page


def test_a_double_click_on_a_rating_answers_one_card(chromium, live_server):
    deck = capitals(AnswerMode.TYPED)
    app = chromium()
    page = log_in_and_open(app, live_server, deck)
    app.set_offline(True)
    page.reload()
    type_and_check(page, "amsterdam", "Right!")
    page.locator("[data-checked] button[name=rating][value='4']").dblclick()
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van België?")
    expect(page.get_by_test_id("offline-banner")).to_have_text(
        "You are offline. 1 answer waits to be sent."
    )
    page = back_online(chromium, app, live_server)
    expect(page.get_by_test_id("sync-notice")).to_have_text("1 answer made offline is saved.")
    assert logged() == [("Amsterdam", 4, "typed", True, False)]


def test_a_wrong_check_undone_and_typed_again_right_is_stored_as_wrong(chromium, live_server):
    deck = capitals(AnswerMode.TYPED)
    app = chromium()
    page = log_in_and_open(app, live_server, deck)
    app.set_offline(True)
    page.reload()
    type_and_check(page, "Rotterdam", "Not quite.")
    page.keyboard.press("2")
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van België?")
    page.locator("[data-undo]").click()
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van Nederland?")
    page.reload()  # the offline page again: the first check is still kept
    type_and_check(page, "amsterdam", "Right!")
    page.keyboard.press("5")
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van België?")
    page = back_online(chromium, app, live_server)
    expect(page.get_by_test_id("sync-notice")).to_contain_text("checked again")
    # As online: the first check of the showing counts, and the rating fits it.
    assert logged() == [("Amsterdam", 2, "typed", False, False)]


SKIP_NEXT_IN_PACK = """() => new Promise(resolve => { const r = indexedDB.open('stamp-offline');
    r.onsuccess = () => {
      const packs = r.result.transaction('packs', 'readwrite').objectStore('packs');
      const q = packs.getAll();
      q.onsuccess = () => { const record = q.result[0]; record.state.remaining.shift();
        packs.put(record).onsuccess = () => resolve(true); }; }; })"""


def test_a_check_of_another_card_than_the_packs_next_says_so(app, live_server):
    deck = capitals(AnswerMode.TYPED)
    page = log_in_and_open(app, live_server, deck)
    page.evaluate(SKIP_NEXT_IN_PACK)  # as after an answer the page never showed
    app.set_offline(True)
    page.get_by_label("Type the answer").fill("Amsterdam")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your answer was for another card")).to_be_visible()
    expect(page.get_by_test_id("front")).to_have_text("Hoofdstad van België?")
