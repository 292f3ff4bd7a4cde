"""Pictures fit the card on a phone and a desktop; a sound plays when its side is shown."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import enroll, make_card, make_deck, make_media, make_user
from tests.media_samples import pyramid, tone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def media_deck():
    student = make_user("kim")
    deck = make_deck("Klantpiramide", slug="klantpiramide")
    picture = make_media(deck, data=pyramid(1200, 800), name="klantpiramide.png")
    sound = make_media(deck, data=tone(1.5), name="uitspraak.wav")
    make_card(
        deck,
        front=(
            "Welke lagen heeft de klantpiramide?"
            f'<img src="/media/{picture.sha256}.png" alt="klantpiramide" width="1200" height="800">'
        ),
        back=(
            "Top, groot, middel, klein"
            f'<audio controls="" preload="none" src="/media/{sound.sha256}.wav"></audio>'
        ),
    )
    enroll(student, deck)
    return deck


def open_study(page, live_server):
    log_in(page, live_server, "kim")
    page.goto(f"{live_server.url}/decks/klantpiramide/study/")
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('[data-testid=front] img').complete")


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 900)])
def test_the_picture_fits_the_card_and_keeps_its_shape(
    browser, live_server, media_deck, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_study(page, live_server)
    box = page.evaluate(
        """() => {
          const img = document.querySelector('[data-testid=front] img');
          const face = img.closest('.card-face').getBoundingClientRect();
          const r = img.getBoundingClientRect();
          return {w: r.width, h: r.height, face: face.width, natural: img.naturalWidth,
                  page: document.documentElement.scrollWidth};
        }"""
    )
    page.screenshot(path=f"test-artifacts/media-study-{width}.png", full_page=True)
    context.close()
    assert box["natural"] == 1200  # the file arrived through the media view
    assert box["w"] <= box["face"] + 0.5
    assert box["page"] <= width  # nothing pushes the page sideways on a phone
    assert box["w"] / box["h"] == pytest.approx(1.5, rel=0.02)


def test_the_sound_plays_when_the_answer_is_shown_and_again_on_r(page, live_server, media_deck):
    open_study(page, live_server)
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=back] audio');"
        " return a && !a.paused && a.currentTime > 0.2; }"
    )
    page.screenshot(path="test-artifacts/media-study-back.png", full_page=True)
    page.wait_for_function("() => document.querySelector('[data-testid=back] audio').ended")
    page.keyboard.press("r")
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-testid=back] audio');"
        " return !a.paused && a.currentTime > 0.1; }"
    )
