"""From a join link to the first card: the class named on the way in, studying first."""

import pytest
from django.urls import reverse

from tests.conftest import answer_card, make_class, make_deck, make_user

pytestmark = pytest.mark.django_db

CODE = "KLAS4BBB"
JOIN_URL = f"/classes/join/{CODE}/"


@pytest.fixture
def klas_4b():
    return make_class(
        "Klas 4B",
        decks=[make_deck("Begrippen", cards=1), make_deck("Casussen", cards=1)],
        join_code=CODE,
    )


def test_a_join_link_opened_logged_out_names_the_class_on_the_log_in(client, klas_4b):
    page = client.get(JOIN_URL, follow=True).content.decode()
    assert "to join <strong>Klas 4B</strong>" in page


def test_the_log_in_puts_create_an_account_beside_the_log_in_button(client, klas_4b):
    page = client.get(JOIN_URL, follow=True).content.decode()
    actions = page[page.index('<p class="actions">') :]
    actions = actions[: actions.index("</p>")]
    assert "Log in</button>" in actions
    assert "Create an account</a>" in actions


def test_the_sign_up_from_a_join_link_names_the_class_too(client, klas_4b):
    client.get(JOIN_URL)
    page = client.get(reverse("signup"), {"next": JOIN_URL}).content.decode()
    assert "to join <strong>Klas 4B</strong>" in page


def test_a_wrong_code_names_no_class(client, klas_4b):
    page = client.get("/classes/join/NOPENOPE/", follow=True).content.decode()
    assert "to join" not in page


def test_a_closed_class_is_not_named(client, klas_4b):
    klas_4b.join_enabled = False
    klas_4b.save()
    assert "Klas 4B" not in client.get(JOIN_URL, follow=True).content.decode()


def test_after_joining_the_class_page_leads_with_start_studying(client, student, klas_4b):
    client.force_login(student)
    response = client.post(reverse("class_join"), {"code": CODE}, follow=True)
    page = response.content.decode()
    start = reverse("study", args=[klas_4b.decks.get(title="Begrippen").slug])
    assert f'<a class="button primary" href="{start}" data-testid="start-studying">' in page
    assert "button primary" not in page[page.index("Start studying") :]


def test_start_studying_skips_a_deck_done_for_today(client, student, klas_4b):
    klas_4b.students.add(student)
    done = klas_4b.decks.get(title="Begrippen")
    answer_card(student=student, card=done.cards.get(), rating=5, seen_reviews=0)
    client.force_login(student)
    page = client.get(klas_4b.get_absolute_url()).content.decode()
    casussen = reverse("study", args=[klas_4b.decks.get(title="Casussen").slug])
    assert f'href="{casussen}" data-testid="start-studying"' in page


def test_the_class_pages_deck_links_open_the_study_page(client, student, klas_4b):
    klas_4b.students.add(student)
    client.force_login(student)
    page = client.get(klas_4b.get_absolute_url()).content.decode()
    for deck in klas_4b.decks.all():
        assert f'<a href="{reverse("study", args=[deck.slug])}">{deck.title}</a>' in page


def test_a_student_in_two_classes_sees_home_decks_grouped_by_class(client, student, klas_4b):
    klas_4b.students.add(student)
    make_class("Klas 5A", students=[student], decks=[make_deck("Onderhandelen", cards=1)])
    client.force_login(student)
    page = client.get(reverse("home")).content.decode()
    order = [page.index(text) for text in ("Klas 4B</h2>", "Begrippen", "Casussen",
                                            "Klas 5A</h2>", "Onderhandelen")]  # fmt: skip
    assert order == sorted(order)


def test_a_student_in_one_class_sees_one_list(client, student, klas_4b):
    klas_4b.students.add(student)
    client.force_login(student)
    response = client.get(reverse("home"))
    assert response.context["groups"] is None
    assert b'data-testid="deck-group"' not in response.content


def test_a_deck_outside_the_students_classes_is_listed_apart(client, student, klas_4b):
    klas_4b.students.add(student)
    make_class("Klas 5A", students=[student], decks=[make_deck("Onderhandelen", cards=1)])
    make_deck("Eigen deck", cards=1, owner=student)
    client.force_login(student)
    groups = client.get(reverse("home")).context["groups"]
    named = [
        (g.classroom and g.classroom.name, [o.deck.title for o in g.overviews]) for g in groups
    ]
    assert named == [
        ("Klas 4B", ["Begrippen", "Casussen"]),
        ("Klas 5A", ["Onderhandelen"]),
        (None, ["Eigen deck"]),
    ]


def test_a_student_of_the_class_is_offered_the_leaderboard_name_link(client, student, klas_4b):
    klas_4b.students.add(student)
    client.force_login(student)
    page = client.get(reverse("leaderboard", args=[klas_4b.pk])).content.decode()
    assert reverse("profile") in page[page.index("<main") :]


def test_the_teachers_leaderboard_has_no_leaderboard_name_link(client, klas_4b):
    teacher = make_user("tess")
    klas_4b.teachers.add(teacher)
    client.force_login(teacher)
    page = client.get(reverse("leaderboard", args=[klas_4b.pk])).content.decode()
    assert reverse("profile") not in page[page.index("<main") :]
