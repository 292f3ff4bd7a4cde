import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from decks.models import Deck
from decks.services.restore import RestoreRejected, reviews_restore


class Command(BaseCommand):
    help = (
        "Restore a student's schedules in a deck from their account export (JSON): "
        "import the deck export first, then replay the review log into it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("account_export", help="The student's stamp-<user>.json")
        parser.add_argument("--deck", required=True, help="Slug of the re-imported deck")
        parser.add_argument("--from-deck", help="Deck slug in the export (default: --deck)")
        parser.add_argument("--user", required=True, help="Username to restore into")

    def handle(self, *args, account_export: str, deck: str, from_deck: str | None, user: str,
               **options) -> None:  # fmt: skip
        data = json.loads(Path(account_export).read_text(encoding="utf-8"))
        target = Deck.objects.filter(slug=deck).first()
        student = get_user_model().objects.filter(username=user).first()
        if target is None or student is None:
            raise CommandError("No such deck or user.")
        reviews = [r for r in data["reviews"] if r["deck"] == (from_deck or deck)]
        try:
            count = reviews_restore(student=student, deck=target, reviews=reviews)
        except RestoreRejected as rejected:
            raise CommandError(str(rejected)) from None
        self.stdout.write(f"Restored {count} answers of {user} into “{target.title}”.")
