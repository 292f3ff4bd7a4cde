from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from decks.models import Card, Deck


def seed_fixture_paths() -> list[Path]:
    return sorted(Path(settings.BASE_DIR, "fixtures").glob("seed_*.json"))


class Command(BaseCommand):
    help = (
        "Load the seed decks from fixtures/seed_*.json. Idempotent: cards are matched by "
        "their natural key (deck slug, card key), so nothing doubles and progress stays."
    )

    def handle(self, *args, **options) -> None:
        paths = seed_fixture_paths()
        if not paths:
            self.stderr.write("No fixtures/seed_*.json found; run build_seed_fixtures first.")
            return
        with transaction.atomic():
            call_command("loaddata", *[str(p) for p in paths], verbosity=0)
        self.stdout.write(
            f"Seeded {len(paths)} fixture files: {Deck.objects.count()} decks, "
            f"{Card.objects.count()} cards in the database."
        )
