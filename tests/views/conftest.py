"""Test data the class pages' tests share."""

import pytest

from tests.conftest import make_class, make_deck, make_user


@pytest.fixture
def classroom(student):
    teacher = make_user("tess", first_name="Tess")
    deck = make_deck("Klant centraal", cards=2, owner=teacher)
    return make_class(
        "Klas 1A", students=[student], decks=[deck], teachers=[teacher], join_code="KLAS1AAA"
    )
