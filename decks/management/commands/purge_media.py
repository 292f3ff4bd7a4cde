from django.core.management.base import BaseCommand

from decks.services.media import media_files_purge


class Command(BaseCommand):
    help = "Delete stored pictures and sounds that no deck uses any more."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List them, delete nothing.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        unused = media_files_purge(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {len(unused)} stored file(s) no deck uses.")
