"""The class form in the admin: the join code a teacher may set."""

import pytest

from tests.admin.conftest import save_join_code
from tests.conftest import make_class, make_teacher

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["Q", "abcd2345", "ABCD0123", "ABCD23456"])
def test_a_join_code_nobody_could_type_or_that_is_quickly_guessed_is_refused(client, code):
    classroom = make_class("Klas 1A", teachers=[make_teacher()], join_code="ABCD2345")
    response = save_join_code(client, classroom, code)
    assert response.status_code == 200
    assert "A join code is 8 characters from" in response.content.decode()
    classroom.refresh_from_db()
    assert classroom.join_code == "ABCD2345"


def test_a_join_code_of_the_generated_alphabet_and_length_is_saved(client):
    classroom = make_class("Klas 1A", teachers=[make_teacher()], join_code="ABCD2345")
    response = save_join_code(client, classroom, "KLASZZ99")
    assert response.status_code == 302
    classroom.refresh_from_db()
    assert classroom.join_code == "KLASZZ99"
