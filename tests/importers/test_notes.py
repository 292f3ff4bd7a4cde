"""Study notes (seed documents 000, 002, 004): definitions and headed lists among prose."""

import re
from pathlib import Path

import pytest

from decks.html import plain_text
from decks.importers import notes
from decks.importers.base import CardRecord, ParseResult

SOURCES = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
SUMMARY = "000_05763b97e5e249aa.txt"
CHAPTER_1 = "002_4bbd570fe2bb803c.txt"
CHAPTER_7 = "004_a38dd5dc440a45bb.txt"


def parse_source(name: str) -> ParseResult:
    return notes.parse((SOURCES / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def summary() -> ParseResult:
    return parse_source(SUMMARY)


@pytest.fixture(scope="module")
def chapter_1() -> ParseResult:
    return parse_source(CHAPTER_1)


@pytest.fixture(scope="module")
def chapter_7() -> ParseResult:
    return parse_source(CHAPTER_7)


def card_asking(result: ParseResult, front: str) -> CardRecord:
    return next(card for card in result.cards if plain_text(card.front) == front)


def card_texts(result: ParseResult) -> list[str]:
    """Every paragraph, list item and prompt of every card, as plain text."""
    texts = []
    for card in result.cards:
        texts.append(plain_text(card.front))
        texts.extend(plain_text(part) for part in re.split(r"<(?:p|li|div)>", card.back))
    return [text for text in texts if text]


@pytest.mark.parametrize("source", [SUMMARY, CHAPTER_1, CHAPTER_7])
def test_each_notes_document_gives_at_least_12_cards(source):
    assert len(parse_source(source).cards) >= 12


@pytest.mark.parametrize("source", [SUMMARY, CHAPTER_1, CHAPTER_7])
def test_no_card_has_an_empty_side(source):
    for card in parse_source(source).cards:
        assert plain_text(card.front)
        assert plain_text(card.back)


@pytest.mark.parametrize("source", [SUMMARY, CHAPTER_1, CHAPTER_7])
def test_no_card_text_opens_with_a_page_break_comma(source):
    assert not [text for text in card_texts(parse_source(source)) if text.startswith(",")]


@pytest.mark.parametrize("source", [SUMMARY, CHAPTER_1, CHAPTER_7])
def test_no_private_use_character_reaches_a_card(source):
    text = " ".join(card_texts(parse_source(source)))

    assert not re.search(r"[\ue000-\uf8ff\U000f0000-\U0010ffff]", text)


@pytest.mark.parametrize(
    "chrome",
    ["TrustPilot", "Stuvia", "Get to know the seller", "Uploaded on", "Inhoudsopgave", "....."],
)
def test_no_marketplace_chrome_or_table_of_contents_reaches_a_card(summary, chrome):
    assert chrome not in " ".join(card_texts(summary))


def test_every_card_of_the_summary_is_tagged_with_its_chapter_and_section(summary):
    sections = {card.tags for card in summary.cards}

    assert sections == {("H1", "1.1"), ("H1", "1.2"), ("H1", "1.3")}


def test_a_wrapped_definition_bullet_becomes_a_card_with_its_whole_definition(summary):
    card = card_asking(summary, "Wat is klantbewustheid?")

    assert card.back == (
        "<p>Het zich realiseren dat klanten belangrijk zijn en dat zij verschillende wensen "
        "en verwachtingen kunnen hebben.</p>"
    )


def test_a_definition_in_prose_becomes_a_card(summary):
    card = card_asking(summary, "Wat is verwachtingsmanagement?")

    assert plain_text(card.back).startswith("Het bewust en proactief beïnvloeden")
    assert plain_text(card.back).endswith("relevante en transparante informatie.")


def test_a_list_of_definitions_also_asks_for_the_terms(summary):
    card = card_asking(
        summary, "Bij het centraal stellen van de klant komen een aantal begrippen aan bod. Welke?"
    )

    assert card.back == (
        "<ul><li>Klantbewustheid</li><li>Klantinzicht</li><li>Klantgerichtheid</li>"
        "<li>Klantvriendelijkheid</li><li>Klanttevredenheid</li></ul>"
    )


def test_a_list_interrupted_by_a_page_break_keeps_all_its_items(summary):
    card = next(card for card in summary.cards if "Promotors" in card.back)

    assert card.back == (
        "<ul><li>Promotors, score van 9 of 10</li><li>Passief tevredenen, score van 7 of 8</li>"
        "<li>Criticasters, score van 0 t/m 6</li></ul>"
    )


def test_a_heading_pointing_back_keeps_the_sentence_it_points_to(summary):
    fronts = [plain_text(card.front) for card in summary.cards]

    assert (
        "Om echte loyale klanten te creëren is het nodig om customer delight te creëren. "
        "Wat is daarvoor van belang?"
    ) in fronts


def test_a_term_defined_by_its_article_is_asked_with_it(summary):
    card = card_asking(summary, "Wat is een klant?")

    assert plain_text(card.back).startswith("Een persoon of organisatie die een product")


def test_every_card_of_chapter_1_is_tagged_h1(chapter_1):
    assert {card.tags for card in chapter_1.cards} == {("H1",)}


def test_term_equals_definition_lines_become_cards(chapter_1):
    card = card_asking(chapter_1, "Wat is klanttevredenheid?")

    assert card.back == (
        "<p>De mate van tevredenheid van een klant over de prestaties van een leverancier. "
        "Kun je in kaart brengen met de NPS score = %promotors - %criticasters</p>"
    )


def test_a_headed_list_becomes_a_card(chapter_1):
    card = card_asking(chapter_1, "Bij elke aankoop heeft de klant bepaalde verwachtingen. Welke?")

    assert card.back == (
        "<ul><li>Over het product of de dienst</li><li>Over de service</li>"
        "<li>Over de prijs</li><li>Over de verkrijgbaarheid (plaats)</li></ul>"
    )


def test_a_lettered_list_nests_inside_its_numbered_item_and_keeps_its_letters(chapter_1):
    card = next(card for card in chapter_1.cards if "Potentiële klant" in card.back)

    assert card.back == (
        '<ol><li>Potentiële klant</li><li>Klant<ol type="a"><li>Nieuwe klant</li>'
        "<li>Loyale klant.</li></ol></li><li>Ex-klant</li></ol>"
    )


def test_the_stamp_mnemonic_gets_a_card_for_the_elements_and_one_per_element(chapter_1):
    elements = card_asking(chapter_1, "Wat zijn de 5 elementen van CRM? (ezelsbruggetje: STAMP)")
    strategy = card_asking(chapter_1, "Wat valt onder strategie bij de 5 elementen van CRM?")

    assert elements.back == (
        "<ul><li>Strategie</li><li>Technologie</li><li>Processen</li><li>Mensen</li></ul>"
    )
    assert strategy.back.startswith(
        "<ol><li>Operationation Excellence (beste performance) (Action)"
        "<ul><li>Lage kosten</li><li>Optimaal ingerichte processen</li></ul></li>"
    )


def test_a_numbered_list_under_a_colon_line_nests_instead_of_restarting(chapter_1):
    card = card_asking(chapter_1, "Wat valt onder technologie bij de 5 elementen van CRM?")

    assert (
        "<li>Data &amp; Privacy<div>Bedrijven moeten voldoen aan:</div><ol>"
        "<li>Juistheid en transparantie</li><li>Beperkingen</li><li>Integriteit</li>"
        "<li>Recht van controle</li></ol></li></ol>"
    ) in card.back


def test_a_heading_promising_more_items_than_listed_is_reported(chapter_1):
    mismatches = [p for p in chapter_1.warnings if "announces 5 items but 4" in p.message]

    assert [problem.line for problem in mismatches] == [34]


def test_the_running_header_after_a_page_break_is_not_part_of_the_heading(chapter_1):
    assert all("Klant centraal," not in card.front for card in chapter_1.cards)


@pytest.mark.parametrize("page_number", ["51", "52", "53", "54"])
def test_no_bare_page_number_reaches_a_card(chapter_7, page_number):
    assert not [text for text in card_texts(chapter_7) if re.search(rf"\b{page_number}\b", text)]


def test_cards_of_chapter_7_carry_its_chapter_and_sections(chapter_7):
    tags = [card.tags for card in chapter_7.cards]

    assert ("H7", "7.1") in tags
    assert ("H7", "7.2", "7.2.1") in tags
    assert ("H7", "7.3") in tags


def test_notes_before_the_first_chapter_have_no_tags(chapter_7):
    assert chapter_7.cards[0].tags == ()


def test_a_bulleted_list_before_a_page_number_keeps_all_its_items(chapter_7):
    card = card_asking(chapter_7, "Wat zijn de redenen om accountmanagement in te voeren?")

    assert card.back.count("<li>") == 7
    assert card.back.endswith("<li>Toename concurrentie</li></ul>")


def test_a_term_defined_twice_gets_one_card_with_both_definitions(chapter_7):
    card = card_asking(chapter_7, "Wat is accountmanagement?")

    assert card.back.count("<p>") == 2
    assert card.tags == ("H7", "7.1", "7.2")


def test_bare_numbers_after_a_colon_heading_are_a_list_with_bodies(chapter_7):
    card = next(card for card in chapter_7.cards if "P-principe" in card.back)

    assert card.back.startswith("<ol><li>Decentraal accountmanagement (marktgericht)<div>")
    assert card.back.count("</li></ol>") == 1
    assert "<li>Accountgerichte organisatie (klant gericht)<div>Voor een specifiek" in card.back


def test_an_abbreviation_with_its_expansion_is_a_definition(chapter_7):
    card = card_asking(chapter_7, "Wat is de PSU (problem solving unit)?")

    assert plain_text(card.back).startswith("Financiële, technische, logistieke")
    assert "De PSU adviseert en onderhandelt met de DMU" in card.back


def test_a_subsection_of_prose_only_asks_what_its_name_means(chapter_7):
    card = card_asking(chapter_7, "De aanpak van accountmanagement: wat houdt ‘choice’ in?")

    assert card.tags == ("H7", "7.2", "7.2.1")
    assert plain_text(card.back).endswith("Bovendien is het een onomkeerbare keuze.")


def test_a_remark_after_a_comma_is_not_a_definition(chapter_7):
    fronts = [plain_text(card.front) for card in chapter_7.cards]

    assert "Wat is toenemende complexiteit?" not in fronts


def test_wrapped_definition_lines_join_into_one_definition():
    result = notes.parse("Klant = persoon of organisatie die een product\nontvangt en betaalt.\n")

    assert [(plain_text(c.front), plain_text(c.back)) for c in result.cards] == [
        ("Wat is een klant?", "Persoon of organisatie die een product ontvangt en betaalt.")
    ]


def test_a_comma_at_the_end_of_a_wrapped_line_stays_in_the_item(chapter_1):
    card = card_asking(chapter_1, "Wat is klantinzicht?")

    assert "analyseren van de wensen, eisen en het gedrag" in card.back


def test_a_comma_closing_an_item_is_dropped_after_its_wrapped_lines_are_joined():
    text = "Redenen om te kiezen:\n- Omzet,\nwinst,\n- Schaal;\n"

    result = notes.parse(text)

    assert [card.back for card in result.cards] == ["<ul><li>Omzet, winst</li><li>Schaal</li></ul>"]


def test_a_dot_bullet_list_under_a_colon_heading_becomes_one_card():
    text = "7.1 Iets\nRedenen om te kiezen:\n• Omzet\n• Schaal\n"

    result = notes.parse(text)

    assert [(plain_text(c.front), c.back, c.tags) for c in result.cards] == [
        (
            "Wat zijn de redenen om te kiezen?",
            "<ul><li>Omzet</li><li>Schaal</li></ul>",
            ("H7", "7.1"),
        )
    ]


def test_table_of_contents_page_numbers_and_page_breaks_are_removed():
    text = (
        "Inhoudsopgave\n1.1 De klant..........2\n1.1 De klant\nRedenen om te kiezen:\n"
        "- Omzet\n51\n, - Schaal\n"
    )

    result = notes.parse(text)

    assert [card.back for card in result.cards] == ["<ul><li>Omzet</li><li>Schaal</li></ul>"]


def test_a_list_without_a_heading_is_reported_not_dropped_silently():
    text = (
        "Dit is een lange alinea die geen kop is en niet eindigt op een dubbele punt.\n"
        "- een\n- twee\n"
    )

    result = notes.parse(text)

    assert result.cards == []
    assert [problem.line for problem in result.warnings] == [2]


def test_only_the_marketplace_page_between_its_markers_is_read():
    text = "Rating\nContent preview\nKlant = persoon die koopt.\nGet to know the seller\nX = y\n"

    result = notes.parse(text)

    assert [plain_text(card.front) for card in result.cards] == ["Wat is een klant?"]
