from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from decks.models import ImportJob, ImportUpload
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def make_upload(name: str, age: timedelta) -> ImportUpload:
    pending = ImportUpload.objects.create(uploaded_by=make_user(), filename=name, data=b"a;b\n")
    ImportUpload.objects.filter(pk=pending.pk).update(created_at=timezone.now() - age)
    return pending


def test_purge_uploads_deletes_uploads_older_than_their_ttl_and_keeps_fresh_ones(capsys):
    make_upload("vergeten.csv", ImportUpload.TTL + timedelta(minutes=1))
    make_upload("net.csv", ImportUpload.TTL - timedelta(minutes=1))
    call_command("purge_uploads")
    assert list(ImportUpload.objects.values_list("filename", flat=True)) == ["net.csv"]
    assert "Deleted 1 upload(s) never confirmed." in capsys.readouterr().out


def test_purge_uploads_deletes_import_jobs_left_as_long_and_keeps_running_ones():
    old = timezone.now() - ImportUpload.TTL - timedelta(minutes=1)
    teacher = make_user()
    for stage in (ImportJob.Stage.PREVIEW, ImportJob.Stage.DONE, ImportJob.Stage.WRITING):
        job = ImportJob.objects.create(teacher=teacher, filename=f"{stage}.csv", stage=stage)
        ImportJob.objects.filter(pk=job.pk).update(updated_at=old)
    ImportJob.objects.create(teacher=teacher, filename="net.csv", stage=ImportJob.Stage.PREVIEW)

    call_command("purge_uploads")

    assert sorted(ImportJob.objects.values_list("filename", flat=True)) == [
        "net.csv",
        "writing.csv",
    ]
