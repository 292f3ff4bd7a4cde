"""Imports are read and written by the task worker, never in a thread that serves students;
the teacher follows them on a page of their own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from decks.importers import isolation
from decks.models import Card, ImportJob, ImportUpload
from decks.services.import_jobs import import_job_read, import_job_write
from tests.admin.conftest import CSV
from tests.conftest import make_teacher

pytestmark = pytest.mark.django_db

QUEUED_ONLY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def teacher_client(client):
    client.force_login(make_teacher())
    return client


def post_upload(client, **extra):
    return client.post(
        reverse("admin:decks_deck_import"),
        {"file": SimpleUploadedFile("woorden.csv", CSV), "format": "", **extra},
    )


def test_the_upload_request_only_stores_the_file_and_queues_its_reading(
    teacher_client, settings, monkeypatch
):
    settings.TASKS = QUEUED_ONLY

    def not_here(*args, **kwargs):
        raise AssertionError("the request thread parsed the upload")

    monkeypatch.setattr(isolation, "parse_upload", not_here)

    response = post_upload(teacher_client)

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("admin:decks_deck_import_job", args=[job.pk])
    assert job.stage == ImportJob.Stage.QUEUED
    assert ImportUpload.objects.count() == 1


def test_the_import_page_shows_its_progress_until_the_file_is_read(teacher_client, settings):
    settings.TASKS = QUEUED_ONLY
    post_upload(teacher_client)
    job = ImportJob.objects.get()
    page = reverse("admin:decks_deck_import_job", args=[job.pk])

    waiting = teacher_client.get(page)
    ImportJob.objects.filter(pk=job.pk).update(stage=ImportJob.Stage.PARSING)
    reading = teacher_client.get(page)
    ImportJob.objects.filter(pk=job.pk).update(stage=ImportJob.Stage.QUEUED)
    import_job_read.call(job_id=str(job.pk))
    read = teacher_client.get(page)

    assert b'<progress max="2" value="0"' in waiting.content
    assert b"Waiting for its turn" in waiting.content
    assert "→ Reading the file" in reading.text
    assert read.context["plan"].ok
    assert [card.front for card in read.context["plan"].added] == ["De fiets", "Het ijsje"]


def test_a_confirmed_import_is_written_by_the_task_worker_and_then_offered_to_classes(
    teacher_client, settings
):
    settings.TASKS = QUEUED_ONLY
    post_upload(teacher_client)
    job = ImportJob.objects.get()
    import_job_read.call(job_id=str(job.pk))

    confirmed = teacher_client.post(
        reverse("admin:decks_deck_import_confirm", args=[job.upload_id])
    )
    writing = teacher_client.get(confirmed["Location"])
    assert not Card.objects.exists()
    import_job_write.call(job_id=str(job.pk))
    done = teacher_client.get(confirmed["Location"], follow=True)

    assert b'<progress max="2" value="1"' in writing.content
    assert Card.objects.count() == 2
    assert "2 added" in done.text
    assert done.redirect_chain[-1][0].startswith(
        reverse("admin:decks_deck_import_done", args=[Card.objects.first().deck_id])
    )


def test_a_full_import_queue_says_so_and_stores_nothing(teacher_client, settings):
    settings.TASKS = QUEUED_ONLY
    settings.STAMP_IMPORT_QUEUE_MAX = 2
    for _ in range(2):
        post_upload(teacher_client)

    response = post_upload(teacher_client)

    assert response.status_code == 200
    assert "Too many imports are waiting" in response.text
    assert ImportJob.objects.count() == ImportUpload.objects.count() == 2


def test_another_teachers_import_page_is_not_found(teacher_client, client, settings):
    settings.TASKS = QUEUED_ONLY
    post_upload(teacher_client)
    job = ImportJob.objects.get()
    client.force_login(make_teacher("otto"))

    assert client.get(reverse("admin:decks_deck_import_job", args=[job.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)  # the worker closes its connection as it ends
def test_db_worker_reads_and_writes_an_import_as_production_runs_it(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(make_teacher())
    page = post_upload(client)["Location"]
    call_command("db_worker", "--batch", "--no-startup-delay")
    job = ImportJob.objects.get()
    assert client.get(page).context["plan"].ok

    client.post(reverse("admin:decks_deck_import_confirm", args=[job.upload_id]))
    call_command("db_worker", "--batch", "--no-startup-delay")

    assert Card.objects.count() == 2
    assert ImportJob.objects.get().stage == ImportJob.Stage.DONE
