from django.core.management.base import BaseCommand
from django.utils import timezone

from decks.services.imports import import_uploads_purge


class Command(BaseCommand):
    help = "Delete uploads whose preview was never confirmed within ImportUpload.TTL."

    def handle(self, *args, **options) -> None:
        deleted = import_uploads_purge(now=timezone.now())
        self.stdout.write(f"Deleted {deleted} upload(s) never confirmed.")
