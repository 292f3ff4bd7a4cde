from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from decks.importers.detect import FORMATS
from decks.models import Deck
from decks.services.imports import ImportRejected, deck_import


class Command(BaseCommand):
    help = (
        "Import a deck file (CSV, TSV, Quizlet, text exports, Anki .apkg) into a deck. "
        "All or nothing: on invalid input the database is exactly as before."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--deck", help="Title (or slug) of the deck to import into; created if missing."
        )
        parser.add_argument("--format", choices=FORMATS, help="Skip detection.")
        parser.add_argument("--owner", help="Username that owns a newly created deck.")
        parser.add_argument(
            "--retire-missing", action="store_true", help="Retire cards not in the file."
        )
        parser.add_argument("--dry-run", action="store_true", help="Show the plan; write nothing.")

    def handle(self, *args, path: str, deck: str | None, format: str | None, owner: str | None,
               retire_missing: bool, dry_run: bool, **options) -> None:  # fmt: skip
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file")
        owner_user = None
        if owner:
            owner_user = get_user_model().objects.filter(username=owner).first()
            if owner_user is None:
                raise CommandError(f"--owner {owner}: no such user")
        target = None
        if deck:
            target = (
                Deck.objects.filter(slug=deck).first() or Deck.objects.filter(title=deck).first()
            )
        try:
            plan, result = deck_import(
                data=source.read_bytes(),
                filename=source.name,
                format=format,
                owner=owner_user,
                deck=target,
                new_title=deck or "",
                retire_missing=retire_missing,
                dry_run=dry_run,
            )
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{source.name}: nothing imported.") from None
        for warning in plan.parsed.warnings:
            self.stdout.write(self.style.WARNING(f"warning: {warning}"))
        title = result.deck.title if result else plan.deck_title
        prefix = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{prefix} {source.name} into “{title}”: {len(plan.added)} created, "
            f"{len(plan.updated)} updated, {len(plan.unchanged)} skipped (unchanged), "
            f"{len(plan.missing)} not in the file"
            + (f", {result.retired} retired" if result and retire_missing else "")
            + "."
        )
