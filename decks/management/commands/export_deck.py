from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from decks.models import Deck
from decks.services.exports import deck_to_apkg, deck_to_csv


class Command(BaseCommand):
    help = "Export a deck (by slug or title) as CSV or as an Anki .apkg."

    def add_arguments(self, parser) -> None:
        parser.add_argument("deck")
        parser.add_argument("--format", choices=["csv", "apkg"], default="csv")
        parser.add_argument("-o", "--output", required=True, help="File to write.")

    def handle(self, *args, deck: str, format: str, output: str, **options) -> None:
        found = Deck.objects.filter(slug=deck).first() or Deck.objects.filter(title=deck).first()
        if found is None:
            raise CommandError(f"{deck}: no such deck")
        data = deck_to_csv(found) if format == "csv" else deck_to_apkg(found)
        Path(output).write_bytes(data)
        cards = found.cards.active().count()
        self.stdout.write(
            f"Wrote {cards} cards of “{found.title}” to {output} ({len(data)} bytes)."
        )
