"""With a bucket configured, media go to S3-compatible object storage and nothing to disk."""

import boto3
import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from moto import mock_aws

from tests.conftest import enroll, make_deck, make_media, make_user
from tests.media_samples import png

pytestmark = pytest.mark.django_db

S3 = {
    "BACKEND": "storages.backends.s3.S3Storage",
    "OPTIONS": {
        "bucket_name": "stamp-media",
        "region_name": "eu-west-1",
        "access_key": "test",
        "secret_key": "test",
        "default_acl": None,
        "querystring_auth": True,
        "signature_version": "s3v4",
        "querystring_expire": 300,
        "file_overwrite": True,
    },
}


@pytest.fixture
def bucket(settings, media_root):
    with mock_aws():
        boto3.client("s3", region_name="eu-west-1").create_bucket(
            Bucket="stamp-media", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        settings.STORAGES = {**settings.STORAGES, "default": S3}
        yield boto3.client("s3", region_name="eu-west-1")


def test_a_stored_picture_is_an_object_in_the_bucket(bucket, media_root):
    media = make_media(make_deck(), data=png(40, 30))
    stored = bucket.get_object(Bucket="stamp-media", Key=media.file.name)["Body"].read()
    assert stored == png(40, 30)
    assert not any(media_root.iterdir())  # no app machine keeps a copy on its disk


def test_the_media_view_sends_a_student_to_a_signed_short_lived_url(bucket, client, settings):
    settings.STAMP_MEDIA_DELIVERY = "redirect"
    deck = make_deck()
    media = make_media(deck, data=png())
    student = make_user()
    enroll(student, deck)
    client.force_login(student)
    response = client.get(reverse("media_file", args=[media.sha256, "png"]))
    assert response.status_code == 302
    assert (
        "X-Amz-Signature=" in response["Location"] and "X-Amz-Expires=300" in response["Location"]
    )
    assert response["Cache-Control"] == "private, max-age=60"  # a fifth of the URL's 300 s
    assert default_storage.exists(media.file.name)
