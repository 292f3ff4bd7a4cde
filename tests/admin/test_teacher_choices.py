"""Who a teacher can pick as co-teacher or deck editor in the admin, and who stays unlisted."""

import pytest
from django.urls import reverse

from tests.admin.conftest import save_join_code
from tests.conftest import make_class, make_deck, make_teacher, make_user

pytestmark = pytest.mark.django_db


def choices(client, url: str, field: str) -> set[str]:
    form = client.get(url).context["adminform"].form
    return {user.username for user in form.fields[field].queryset}


@pytest.fixture
def staff():
    """Tess teaches a class with Kim; Ravi teaches elsewhere; root is a superuser."""
    tess, kim, ravi = make_teacher("tess"), make_teacher("kim"), make_teacher("ravi")
    make_user("root", is_staff=True, is_superuser=True)
    make_class("Klas 1A", teachers=[tess, kim])
    make_class("Klas 2B", teachers=[ravi])
    return tess


def test_the_co_teacher_list_offers_only_the_teachers_one_works_with(client, staff):
    client.force_login(staff)
    assert choices(client, reverse("admin:decks_classroom_add"), "teachers") == {"tess", "kim"}


def test_the_deck_editor_list_offers_editors_of_ones_decks_but_no_stranger(client, staff):
    deck = make_deck(owner=staff)
    deck.editors.add(make_teacher("lotte"))
    client.force_login(staff)
    url = reverse("admin:decks_deck_change", args=[deck.pk])
    assert choices(client, url, "editors") == {"tess", "kim", "lotte"}


def test_a_superuser_picks_from_every_teacher(client, staff):
    client.force_login(make_user("admin2", is_staff=True, is_superuser=True))
    listed = choices(client, reverse("admin:decks_classroom_add"), "teachers")
    assert {"tess", "kim", "ravi", "root"} <= listed


def test_a_teacher_outside_the_list_is_added_by_their_exact_username(client, staff):
    classroom = make_class("Klas 3C", teachers=[staff], join_code="ABCD2345")
    response = save_join_code(client, classroom, "ABCD2345", add_teacher="ravi")
    assert response.status_code == 302
    assert set(classroom.teachers.values_list("username", flat=True)) == {"tess", "ravi"}


def test_an_unknown_username_is_refused_by_name_and_nothing_is_saved(client, staff):
    classroom = make_class("Klas 3C", teachers=[staff], join_code="ABCD2345")
    response = save_join_code(client, classroom, "KLASZZ99", add_teacher="nobody")
    assert "No teacher has the username “nobody”." in response.content.decode()
    classroom.refresh_from_db()
    assert classroom.join_code == "ABCD2345"
    assert list(classroom.teachers.all()) == [staff]


def test_a_student_cannot_be_added_as_a_teacher_by_username(client, staff):
    make_user("pupil")
    classroom = make_class("Klas 3C", teachers=[staff], join_code="ABCD2345")
    response = save_join_code(client, classroom, "ABCD2345", add_teacher="pupil")
    assert "No teacher has the username “pupil”." in response.content.decode()
