import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from decks.models import Card
from decks.services.answer_check import answer_key
from decks.services.choices import choice_candidates, choice_candidates_around, choice_options
from tests.conftest import make_card, make_deck

TERMS = ["Klantinzicht", "Klantbewustheid", "Klantgerichtheid", "Klanttevredenheid"]
SENTENCE = "<p>Het nemen van de klant als uitgangspunt bij de inrichting van de organisatie.</p>"
LIST = "<ul><li>Strategie</li><li>Mensen</li><li>Processen</li></ul>"


def test_the_options_are_the_answer_and_three_others_shuffled():
    options = choice_options(answer=TERMS[0], candidates=TERMS[1:], rng=random.Random(1))
    assert sorted(options) == sorted(TERMS)


def test_fewer_than_four_distinct_answers_give_none():
    alike = ["Klantbewustheid", "klantbewustheid.", "KLANT-BEWUSTHEID", "Klantinzicht"]
    rng = random.Random()
    assert choice_options(answer="Klanttevredenheid", candidates=alike, rng=rng) is None
    assert choice_options(answer="Klanttevredenheid", candidates=[*alike, "Markt"], rng=rng)


def test_a_near_copy_of_the_right_answer_is_never_an_option():
    candidates = ["Klanttevredenhied", "Klantinzicht", "Klantbewustheid", "Klantgerichtheid"]
    for seed in range(20):
        options = choice_options(
            answer="Klanttevredenheid", candidates=candidates, rng=random.Random(seed)
        )
        assert "Klanttevredenhied" not in options


def test_an_answer_without_words_gives_none():
    assert choice_options(answer="<p></p>", candidates=TERMS, rng=random.Random()) is None


@pytest.mark.parametrize(
    ("answer", "same_shape", "other_shapes"),
    [
        (LIST, [LIST.replace("Mensen", x) for x in ("Geld", "Tijd", "Markt")], TERMS + [SENTENCE]),
        ("Klantinzicht", TERMS[1:], [LIST, SENTENCE, SENTENCE.replace("de", "het")]),
        (
            SENTENCE,
            [SENTENCE.replace("organisatie", x) for x in ("school", "winkel", "staat")],
            [*TERMS, LIST],
        ),
    ],
)
def test_answers_of_the_same_shape_are_preferred(answer, same_shape, other_shapes):
    for seed in range(20):
        options = choice_options(
            answer=answer, candidates=other_shapes + same_shape, rng=random.Random(seed)
        )
        assert sorted(options) == sorted([answer, *same_shape])


def test_among_answers_of_the_same_kind_those_of_similar_length_are_preferred():
    near = ["Markt en klant", "Klant en markt", "Prijs en product"]
    far = ["Een", "Een twee"]
    for seed in range(20):
        options = choice_options(
            answer="Tijd en geld", candidates=far + near, rng=random.Random(seed)
        )
        assert sorted(options) == sorted(["Tijd en geld", *near])


def test_with_too_few_of_the_same_shape_the_others_fill_up():
    options = choice_options(
        answer="Klantinzicht", candidates=["Klantbewustheid", SENTENCE, LIST], rng=random.Random()
    )
    assert sorted(options) == sorted(["Klantinzicht", "Klantbewustheid", SENTENCE, LIST])


def test_the_right_answer_lands_in_every_place():
    places = {
        choice_options(answer=TERMS[0], candidates=TERMS[1:], rng=random.Random(seed)).index(
            TERMS[0]
        )
        for seed in range(40)
    }
    assert places == {0, 1, 2, 3}


answers = st.one_of(
    st.text(alphabet="abcdeéfgh -.", min_size=1, max_size=10),
    st.lists(st.text(alphabet="abcé", min_size=1, max_size=4), min_size=1, max_size=3).map(
        lambda items: "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"
    ),
)


@given(answers, st.lists(answers, max_size=30), st.integers())
def test_options_are_never_alike(answer, candidates, seed):
    options = choice_options(answer=answer, candidates=candidates, rng=random.Random(seed))
    if options is not None:
        assert len(options) == 4
        assert answer in options
        assert len({answer_key(option) for option in options}) == 4


# --- The read -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_candidates_are_the_cards_on_either_side_in_deck_order():
    deck = make_deck()
    cards = [make_card(deck, back=f"Antwoord {n}", position=n) for n in range(1, 11)]
    make_card(make_deck(), back="Another deck's answer", position=5)
    card = cards[4]
    found = choice_candidates(deck_id=deck.pk, card_id=card.pk, position=5, each_side=2)
    assert sorted(found) == ["Antwoord 3", "Antwoord 4", "Antwoord 6", "Antwoord 7"]


@pytest.mark.django_db
def test_candidates_leave_out_retired_cards_and_can_be_fronts():
    deck = make_deck()
    card = make_card(deck, front="V1", back="A1", position=1)
    make_card(deck, front="V2", back="A2", position=2)
    retired = make_card(deck, front="V3", back="A3", position=3)
    Card.objects.filter(pk=retired.pk).update(retired_at="2099-01-01T00:00:00Z")
    found = choice_candidates(deck_id=deck.pk, card_id=card.pk, position=1, side="front")
    assert found == ["V2"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 2_000])
def test_reading_candidates_is_one_query_of_a_bounded_number_of_rows(size):
    deck = make_deck()
    Card.objects.bulk_create(
        Card(deck=deck, front=f"V{n}", back=f"A{n}", position=n, key=f"k{n}")
        for n in range(1, size + 1)
    )
    card = deck.cards.get(position=size // 2)
    with CaptureQueriesContext(connection) as captured:
        found = choice_candidates(deck_id=deck.pk, card_id=card.pk, position=card.position)
    assert len(captured.captured_queries) == 1
    assert len(found) == min(size - 1, 40)


@pytest.mark.django_db
def test_the_snapshot_reads_the_same_candidates_as_the_query_of_their_own(student):
    from decks.services.clock import today_for_study
    from decks.services.study import study_snapshot
    from tests.conftest import enroll

    deck = make_deck()
    Card.objects.bulk_create(
        Card(deck=deck, front=f"V{n}", back=f"A{n}", position=n, key=f"k{n}") for n in range(1, 60)
    )
    enroll(student, deck)
    snapshot = study_snapshot(student=student, deck=deck, today=today_for_study(), choices=True)
    card = snapshot.item.card
    own = choice_candidates(deck_id=deck.pk, card_id=card.pk, position=card.position)
    if connection.vendor == "sqlite":
        assert sorted(snapshot.choice_candidates) == sorted(own)
    else:
        assert snapshot.choice_candidates is None  # read by a query of its own
    assert len(own) == 20  # the first card: none before it, 20 after


@pytest.mark.django_db
def test_candidates_around_many_cards_are_each_cards_own_in_three_queries():
    deck = make_deck()
    Card.objects.bulk_create(
        Card(deck=deck, front=f"V{n}", back=f"A{n}", position=n // 3, key=f"k{n}")
        for n in range(1, 120)
    )
    retired = deck.cards.get(key="k50")
    Card.objects.filter(pk=retired.pk).update(retired_at="2099-01-01T00:00:00Z")
    picked = list(deck.cards.filter(key__in=["k7", "k8", "k40", "k90"]).order_by("-position"))
    with CaptureQueriesContext(connection) as captured:
        found = choice_candidates_around(
            deck_id=deck.pk, cards=[(c.pk, c.position) for c in picked]
        )
    assert len(captured) == 3
    for card in picked:
        own = choice_candidates(deck_id=deck.pk, card_id=card.pk, position=card.position)
        assert found[card.pk] == own
