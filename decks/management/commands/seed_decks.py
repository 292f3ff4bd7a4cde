import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from decks.models import Card, Deck
from decks.services.cursors import new_card_cursors_invalidate


def seed_fixture_paths() -> list[Path]:
    return sorted(Path(settings.BASE_DIR, "fixtures").glob("seed_*.json"))


def _deck_slugs(paths: list[Path]) -> set[str]:
    return {
        entry["fields"]["slug"]
        for path in paths
        for entry in json.loads(path.read_text(encoding="utf-8"))
        if entry["model"] == "decks.deck"
    }


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
            # Loading may re-order the seed decks' cards or bring retired ones back.
            seeded = Deck.objects.filter(slug__in=_deck_slugs(paths))
            new_card_cursors_invalidate(deck_ids=seeded.values_list("pk", flat=True))
        self.stdout.write(
            f"Seeded {len(paths)} fixture files: {Deck.objects.count()} decks, "
            f"{Card.objects.count()} cards in the database."
        )
