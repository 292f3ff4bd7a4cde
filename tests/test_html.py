from decks.html import clean_card_html


def test_a_lettered_list_keeps_its_letters():
    html = '<ol type="a" start="2"><li>Nieuwe klant</li></ol>'

    assert clean_card_html(html) == html


def test_a_script_inside_a_list_is_removed():
    assert clean_card_html('<ol><li onclick="x()">A<script>x()</script></li></ol>') == (
        "<ol><li>A</li></ol>"
    )
