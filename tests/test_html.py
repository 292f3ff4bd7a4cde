"""The card allow-list admits pictures and sound only from the app's own media URLs."""

import pytest

from decks.html import clean_card_html

SHA = "ab" * 32


def test_a_picture_from_the_apps_media_url_stays_with_its_alt_and_size():
    html = f'<img src="/media/{SHA}.png" alt="kaart" width="40" height="30">'
    assert clean_card_html(html) == html


def test_a_sound_from_the_apps_media_url_stays_a_player():
    html = f'<audio controls="" preload="none" src="/media/{SHA}.mp3"></audio>'
    assert clean_card_html(html) == html


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://tracker.example/pixel.png">',
        '<img src="kaart.png">',
        '<img src="javascript:alert(1)">',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        f'<img src="/media/{SHA}.mp3">',  # a sound where a picture belongs
        f'<img src="/media/{SHA}.png/../../admin/">',
        f'<audio src="/media/{SHA}.png" controls></audio>',
        '<audio src="https://example.org/a.mp3" controls></audio>',
        "<img>",
    ],
)
def test_anything_else_is_removed_whole(html):
    assert clean_card_html(f"Europa{html}") == "Europa"


def test_event_handlers_and_styles_on_a_picture_are_dropped():
    html = f'<img src="/media/{SHA}.png" onerror="alert(1)" style="position:fixed" alt="x">'
    assert clean_card_html(html) == f'<img src="/media/{SHA}.png" alt="x">'


def test_a_size_that_is_not_a_number_is_dropped():
    html = f'<img src="/media/{SHA}.png" width="100%" height="9999999">'
    assert clean_card_html(html) == f'<img src="/media/{SHA}.png">'


def test_a_lettered_list_keeps_its_letters():
    html = '<ol type="a" start="2"><li>Nieuwe klant</li></ol>'

    assert clean_card_html(html) == html


def test_a_script_inside_a_list_is_removed():
    assert clean_card_html('<ol><li onclick="x()">A<script>x()</script></li></ol>') == (
        "<ol><li>A</li></ol>"
    )


def test_a_list_numbering_style_other_than_numbers_letters_or_roman_is_dropped():
    assert clean_card_html('<ol type="disc"><li>A</li></ol>') == "<ol><li>A</li></ol>"


def test_a_picture_only_front_is_listed_by_what_it_shows():
    from decks.templatetags.cards import card_text

    assert card_text(f'<img src="/media/{SHA}.png" alt="klantpiramide">') == (
        "Picture: klantpiramide"
    )
    assert card_text(f"Welke lagen? <img src='/media/{SHA}.png' alt='x'>") == "Welke lagen?"
    assert card_text(f'<img src="/media/{SHA}.png" alt="">') == "Picture"


def test_every_accepted_type_has_the_extension_it_is_served_under():
    from decks.html import MEDIA_EXTENSIONS
    from decks.importers.media import ACCEPTED_TYPES

    assert set(ACCEPTED_TYPES) == set(MEDIA_EXTENSIONS)
