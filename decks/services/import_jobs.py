"""Imports in the task worker: an upload is read, and once confirmed written, by
`manage.py db_worker`, never by a thread that serves students.

`import_job_start` queues the reading (the preview), `import_job_confirm` the writing;
the teacher's page follows the job's stage (`ImportJob.Stage`) until it is done. The
queue has a cap (`STAMP_IMPORT_QUEUE_MAX` jobs waiting or running): past it a teacher is
told so at once, instead of waiting behind everyone. Reading keeps its limits on CPU
(`decks.importers.isolation`); the time a job waits in the queue counts against nothing.
"""

import logging
import pickle
from typing import cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.tasks import task
from django.utils.translation import gettext

from decks.importers.base import Problem
from decks.importers.isolation import parse_upload_isolated
from decks.models import ImportJob, ImportUpload
from decks.selectors import decks_editable_by
from decks.services.imports import (
    ImportPlan,
    ImportRejected,
    ImportResult,
    import_limits,
    import_media_save,
    import_parse,
    import_plan,
    import_write,
)
from decks.services.media import files_removed_on_failure

logger = logging.getLogger(__name__)


class ImportQueueFull(Exception):
    """As many imports as the worker may have are waiting or running already."""


def import_queue_full() -> bool:
    waiting = ImportJob.objects.filter(stage__in=ImportJob.ACTIVE).count()
    return waiting >= settings.STAMP_IMPORT_QUEUE_MAX


def import_job_start(*, teacher: AbstractBaseUser, upload: ImportUpload) -> ImportJob:
    """Queue `upload` to be read for its preview; ImportQueueFull when the queue is full."""
    if import_queue_full():
        raise ImportQueueFull
    job = ImportJob.objects.create(teacher_id=teacher.pk, upload=upload, filename=upload.filename)
    import_job_read.enqueue(job_id=str(job.pk))
    return job


def import_job_preview(job: ImportJob) -> ImportPlan:
    """The plan the worker made for the preview (`job.stage` is PREVIEW)."""
    return pickle.loads(bytes(job.plan or b""))


def import_job_confirm(*, job: ImportJob, retire_missing: bool) -> bool:
    """Queue the confirmed preview to be written; False when it was confirmed already (a
    double click, a second tab). ImportQueueFull when the queue is full."""
    if import_queue_full():
        raise ImportQueueFull
    confirmed = ImportJob.objects.filter(pk=job.pk, stage=ImportJob.Stage.PREVIEW).update(
        stage=ImportJob.Stage.WRITING_QUEUED, retire_missing=retire_missing, plan=None
    )
    if confirmed:
        import_job_write.enqueue(job_id=str(job.pk))
    return bool(confirmed)


def _moved_on(job_id: str, *, before: str, to: str) -> bool:
    """Move the job from stage `before` to `to`, once: a task enqueued twice runs once."""
    return bool(ImportJob.objects.filter(pk=job_id, stage=before).update(stage=to))


def _failed(job_id: str, problems: list[str]) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        stage=ImportJob.Stage.FAILED, result={"problems": problems}, plan=None
    )


@task
def import_job_read(*, job_id: str) -> None:
    """Read the upload in a child process under its CPU limit and keep the preview."""
    if not _moved_on(job_id, before=ImportJob.Stage.QUEUED, to=ImportJob.Stage.PARSING):
        return
    try:
        job = ImportJob.objects.select_related("upload__deck").get(pk=job_id)
        upload = job.upload
        if upload is None:
            _failed(job_id, [gettext("The upload is gone; upload the file again.")])
            return
        parsed = parse_upload_isolated(
            bytes(upload.data or b""),
            filename=upload.filename,
            format=upload.format or None,
            limits=import_limits(),
        )
        plan = import_plan(parsed=parsed, deck=upload.deck, new_title=upload.new_deck_title)
        if plan.ok:
            upload.media_members = {sha: media.member for sha, media in parsed.media.items()}
            upload.new_deck_title = plan.deck_title if upload.deck is None else ""
            upload.save(update_fields=["media_members", "new_deck_title"])
        else:
            upload.delete()  # nothing to confirm: the preview only shows the problems
        ImportJob.objects.filter(pk=job_id).update(
            stage=ImportJob.Stage.PREVIEW, plan=pickle.dumps(plan)
        )
    except Exception:
        _failed(job_id, [gettext("Reading the file failed unexpectedly; try again.")])
        raise


def _pending_upload(job: ImportJob, *, lock: bool) -> ImportUpload:
    """The job's upload, if it is still there and its deck still the teacher's to change."""
    uploads = ImportUpload.objects.select_for_update() if lock else ImportUpload.objects
    pending = uploads.filter(pk=job.upload_id).first() if job.upload_id else None
    if pending is None:
        raise ImportRejected([Problem(gettext("The upload is gone; upload the file again."))])
    if pending.deck_id and not decks_editable_by(job.teacher).filter(pk=pending.deck_id).exists():
        raise ImportRejected([Problem(gettext("You may not change that deck."))])
    return pending


@task
def import_job_write(*, job_id: str) -> None:
    """Write the confirmed upload, all or nothing, and say how it went.

    Two steps the teacher's page shows, each stage committed as it begins: the pictures
    and sound are stored first (MEDIA), then the cards are written in one transaction
    (WRITING). A stage set inside that transaction would be seen by no one until the end.
    """
    if not _moved_on(job_id, before=ImportJob.Stage.WRITING_QUEUED, to=ImportJob.Stage.MEDIA):
        return
    job = ImportJob.objects.select_related("teacher").get(pk=job_id)
    try:
        # If anything below fails, the files the import stored go too.
        with files_removed_on_failure() as stored:
            pending = _pending_upload(job, lock=False)
            parsed = import_parse(
                data=bytes(pending.data), filename=pending.filename, format=pending.format
            )
            import_media_save(
                parsed=parsed, deck=pending.deck, new_title=pending.new_deck_title, written=stored
            )
            _moved_on(job_id, before=ImportJob.Stage.MEDIA, to=ImportJob.Stage.WRITING)
            # The upload is locked and deleted in the cards' transaction: written once.
            with transaction.atomic():
                pending = _pending_upload(job, lock=True)
                _, written = import_write(
                    parsed=parsed,
                    filename=pending.filename,
                    owner=job.teacher,
                    deck=pending.deck,
                    new_title=pending.new_deck_title,
                    retire_missing=job.retire_missing,
                )
                pending.delete()
    except ImportRejected as rejected:
        _failed(job_id, [str(problem) for problem in rejected.problems])
        return
    except Exception:
        _failed(job_id, [gettext("Writing the import failed unexpectedly; nothing was written.")])
        raise
    result = cast(ImportResult, written)  # not a dry run: it wrote
    ImportJob.objects.filter(pk=job_id).update(
        stage=ImportJob.Stage.DONE,
        result={
            "deck": result.deck.pk,
            "deck_title": result.deck.title,
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "retired": result.retired,
        },
    )
