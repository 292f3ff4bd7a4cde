"""The class form in the admin: the join code a teacher may set."""

import pytest
from django.urls import reverse

from decks.models import Classroom
from tests.admin.test_deck_import import make_teacher
from tests.conftest import make_class

pytestmark = pytest.mark.django_db


def save_join_code(client, classroom: Classroom, code: str, **extra):
    client.force_login(classroom.teachers.get())
    page = client.get(reverse("admin:decks_classroom_change", args=[classroom.pk]))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in ("name", "exam_date")}
    data.update(join_code=code, join_enabled="on", teachers=[classroom.teachers.get().pk], **extra)
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    return client.post(reverse("admin:decks_classroom_change", args=[classroom.pk]), data)


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
