import json

from decks.html import plain_text
from decks.importers.base import CardRecord
from decks.seeds.corrections import Corrections, corrected_cards, load_corrections

SOURCE = "Dog: een klant die weinig oplevert.\nPartner: een klant die de relatie als sterk beleeft."


def make_cards(*fronts: str) -> list[CardRecord]:
    return [CardRecord(front=front, back=f"<p>Over {front}</p>", tags=("H7",)) for front in fronts]


def fronts(result) -> list[str]:
    return [plain_text(card.record.front) for card in result.cards]


def test_a_reworded_card_keeps_its_generated_prompt_as_identity():
    corrections = Corrections(cards={"Dog": {"front": "Wat kenmerkt een dog?"}})

    result = corrected_cards(make_cards("Dog"), corrections, SOURCE)

    assert fronts(result) == ["Wat kenmerkt een dog?"]
    assert [card.identity for card in result.cards] == ["Dog"]


def test_key_from_pins_the_identity_of_a_card_reworded_before():
    entry = {"front": "Wat is een dog?", "key_from": "Wat kenmerkt een dog?"}

    result = corrected_cards(make_cards("Dog"), Corrections(cards={"Dog": entry}), SOURCE)

    assert result.cards[0].identity == "Wat kenmerkt een dog?"


def test_a_fix_corrects_the_back_and_one_that_matches_nothing_is_reported():
    entry = {"fix": {"Over Dog": "Over een dog", "Ovr": "Over"}}

    result = corrected_cards(make_cards("Dog"), Corrections(cards={"Dog": entry}), SOURCE)

    assert result.cards[0].record.back == "<p>Over een dog</p>"
    assert result.stale == ["the back of 'Dog' has no 'Ovr' to fix"]


def test_split_parts_follow_their_card_with_its_tags_and_their_own_identity():
    entry = {
        "back": "<p>Deel een</p>",
        "split": [{"front": "Wat is deel twee?", "back": "<p>Deel twee</p>"}],
    }

    result = corrected_cards(
        make_cards("Dog", "Partner"), Corrections(cards={"Dog": entry}), SOURCE
    )

    assert fronts(result) == ["Dog", "Wat is deel twee?", "Partner"]
    assert [card.identity for card in result.cards] == ["Dog", "Wat is deel twee?", "Partner"]
    assert result.cards[1].record.tags == ("H7",)
    assert result.cards[0].record.back == "<p>Deel een</p>"


def test_a_new_card_follows_the_card_it_names_after_that_cards_split_parts():
    corrections = Corrections(
        cards={"Dog": {"split": [{"front": "Deel twee?", "back": "<p>2</p>"}]}},
        new=[
            {"after": "Dog", "front": "Nieuw?", "back": "<p>N</p>", "source": ["weinig oplevert"]}
        ],
    )

    result = corrected_cards(make_cards("Dog", "Partner"), corrections, SOURCE)

    assert fronts(result) == ["Dog", "Deel twee?", "Nieuw?", "Partner"]
    assert result.stale == []


def test_a_new_card_whose_quote_the_source_lacks_is_reported():
    new = [{"front": "Nieuw?", "back": "<p>N</p>", "source": ["een klant die veel oplevert"]}]

    result = corrected_cards(make_cards("Dog"), Corrections(new=new), SOURCE)

    assert fronts(result) == ["Dog", "Nieuw?"]
    assert result.stale == ["'Nieuw?' quotes 'een klant die veel oplevert', which the source lacks"]


def test_a_quote_may_span_a_line_break_of_the_source():
    new = [{"front": "Nieuw?", "back": "<p>N</p>", "source": ["oplevert. Partner: een klant"]}]

    assert corrected_cards(make_cards("Dog"), Corrections(new=new), SOURCE).stale == []


def test_entries_for_prompts_no_card_asks_are_reported():
    corrections = Corrections(
        cards={"Cat": {"front": "Wat is een cat?"}},
        new=[{"after": "Cat", "front": "Nieuw?", "back": "<p>N</p>", "source": ["Dog"]}],
    )

    result = corrected_cards(make_cards("Dog"), corrections, SOURCE)

    assert result.stale == [
        "new card 'Nieuw?' follows 'Cat', which no card asks",
        "no card asks 'Cat'",
    ]


def test_a_missing_corrections_file_corrects_nothing(tmp_path):
    assert load_corrections(tmp_path / "none.corrections.json") == (Corrections(), [])


def test_an_unknown_field_is_an_error_naming_its_entry(tmp_path):
    path = tmp_path / "x.corrections.json"
    path.write_text(json.dumps({"cards": {"Dog": {"fornt": "Wat is een dog?"}}}))

    _, problems = load_corrections(path)

    assert [problem.message for problem in problems] == [
        "x.corrections.json: card 'Dog' has an unknown field 'fornt'"
    ]


def test_a_new_card_must_quote_its_source(tmp_path):
    path = tmp_path / "x.corrections.json"
    path.write_text(json.dumps({"new": [{"front": "Nieuw?", "back": "<p>N</p>"}]}))

    _, problems = load_corrections(path)

    assert [problem.message for problem in problems] == [
        "x.corrections.json: new card 1 quotes no source for its content"
    ]


def test_invalid_json_is_an_error_with_its_line(tmp_path):
    path = tmp_path / "x.corrections.json"
    path.write_text('{\n  "cards": {\n}')

    _, problems = load_corrections(path)

    assert problems[0].line == 3
    assert problems[0].message.startswith("x.corrections.json: not valid JSON")


def test_a_fix_that_is_not_text_is_an_error(tmp_path):
    path = tmp_path / "x.corrections.json"
    path.write_text(json.dumps({"cards": {"Dog": {"fix": {"hond": 3}}}}))

    _, problems = load_corrections(path)

    assert [problem.message for problem in problems] == [
        "x.corrections.json: card 'Dog': 'fix' must hold text only"
    ]


def test_a_replaced_card_names_the_card_asking_its_question_and_its_split_parts_stay():
    entry = {
        "replaced_by": "Partner",
        "split": [{"front": "Wat doe je met een dog?", "back": "<p>Afstoten</p>"}],
    }

    result = corrected_cards(
        make_cards("Dog", "Partner"), Corrections(cards={"Dog": entry}), SOURCE
    )

    assert [(card.identity, card.replaced_by) for card in result.cards] == [
        ("Dog", "Partner"),
        ("Wat doe je met een dog?", ""),
        ("Partner", ""),
    ]


def test_a_replaced_by_that_is_not_text_is_an_error(tmp_path):
    path = tmp_path / "x.corrections.json"
    path.write_text(json.dumps({"cards": {"Dog": {"replaced_by": ["Partner"]}}}), encoding="utf-8")

    _, problems = load_corrections(path)

    assert [problem.message for problem in problems] == [
        "x.corrections.json: card 'Dog': 'replaced_by' must be a str"
    ]
