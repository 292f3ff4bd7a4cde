"""Imports are read and written by the task worker, never in a thread that serves students;
the teacher follows them on a page of their own."""

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connections
from django.urls import reverse

from decks.importers import isolation
from decks.models import Card, Deck, ImportJob, ImportUpload, Media, media_storage_name
from decks.services import import_jobs, imports
from decks.services.import_jobs import import_job_read, import_job_write
from tests.admin.conftest import CSV
from tests.conftest import make_teacher
from tests.media_samples import anki_package, pyramid

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

    assert b'<progress max="3" value="0"' in waiting.content
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

    assert b'<progress max="3" value="1"' in writing.content
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


PICTURE = pyramid(300, 200, "Piramide")


def confirmed_picture_import(client, tmp_path) -> ImportJob:
    """An Anki deck of one card with a picture, read and confirmed, waiting to be written."""
    package = anki_package(tmp_path, [('Welke? <img src="p.png">', "Deze")], {"p.png": PICTURE})
    post_upload(client, file=SimpleUploadedFile("piramide.apkg", package))
    job = ImportJob.objects.get()
    import_job_read.call(job_id=str(job.pk))
    client.post(reverse("admin:decks_deck_import_confirm", args=[job.upload_id]))
    return job


@pytest.mark.django_db(transaction=True)  # another connection watches the job's row
def test_a_page_polling_an_import_sees_it_parse_then_store_media_then_write_the_cards(
    client, settings, tmp_path, monkeypatch
):
    settings.TASKS = QUEUED_ONLY
    client.force_login(make_teacher())
    # What the progress page would read at each step: the row as committed, not as the
    # worker's own transaction sees it.
    default = connections["default"]
    observer = type(default)({**default.settings_dict}, alias="observer")
    seen = []

    def watched(step):
        def step_watched(*args, **kwargs):
            with observer.cursor() as cursor:
                cursor.execute("SELECT stage FROM decks_importjob")  # the one job
                seen.append(cursor.fetchone()[0])
            return step(*args, **kwargs)

        return step_watched

    monkeypatch.setattr(
        import_jobs, "parse_upload_isolated", watched(isolation.parse_upload_isolated)
    )
    monkeypatch.setattr(imports, "media_files_save", watched(imports.media_files_save))
    monkeypatch.setattr(imports, "_apply", watched(imports._apply))  # the cards' transaction
    try:
        job = confirmed_picture_import(client, tmp_path)
        import_job_write.call(job_id=str(job.pk))
    finally:
        observer.close()

    assert seen == ["parsing", "media", "writing"]
    assert ImportJob.objects.get().stage == ImportJob.Stage.DONE
    assert Card.objects.get().deck.media.count() == 1


def test_the_progress_page_shows_the_media_step_and_then_the_writing_step(teacher_client, settings):
    settings.TASKS = QUEUED_ONLY
    post_upload(teacher_client)
    job = ImportJob.objects.get()
    page = reverse("admin:decks_deck_import_job", args=[job.pk])

    ImportJob.objects.filter(pk=job.pk).update(stage=ImportJob.Stage.MEDIA)
    media = teacher_client.get(page)
    ImportJob.objects.filter(pk=job.pk).update(stage=ImportJob.Stage.WRITING)
    writing = teacher_client.get(page)

    assert b'<progress max="3" value="1"' in media.content
    assert "✓ Reading the file" in media.text
    assert "→ Storing pictures and sound" in media.text
    assert b'<progress max="3" value="2"' in writing.content
    assert "✓ Storing pictures and sound" in writing.text
    assert "→ Writing the cards" in writing.text


def test_a_failure_while_writing_the_cards_leaves_no_card_no_deck_and_no_stored_picture(
    teacher_client, settings, tmp_path, monkeypatch
):
    settings.TASKS = QUEUED_ONLY
    job = confirmed_picture_import(teacher_client, tmp_path)

    def fails_after_the_cards(*args, **kwargs):
        assert Card.objects.exists()  # the cards were written in the transaction...
        raise OSError("disk full")  # ...and then it failed

    monkeypatch.setattr(imports, "_both_directions_apply", fails_after_the_cards)
    with pytest.raises(OSError):
        import_job_write.call(job_id=str(job.pk))

    stored = media_storage_name(hashlib.sha256(PICTURE).hexdigest(), "png")
    assert not Card.objects.exists()
    assert not Deck.objects.exists()
    assert not Media.objects.exists()
    assert not default_storage.exists(stored)
    assert ImportJob.objects.get().stage == ImportJob.Stage.FAILED
