import json
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from decks.models import Card, Deck
from decks.seeds import MOVES_FILE
from decks.services.seed_moves import seed_moves_apply


def seed_fixture_paths() -> list[Path]:
    return sorted(Path(settings.BASE_DIR, "fixtures").glob("seed_*.json"))


class Command(BaseCommand):
    help = (
        "Load the seed decks from fixtures/seed_*.json. Idempotent: cards are matched by "
        "their natural key (deck slug, card key), so nothing doubles and progress stays; "
        "decks and cards that moved (fixtures/moved_seed_cards.json) take their history along."
    )

    def handle(self, *args, **options) -> None:
        paths = seed_fixture_paths()
        if not paths:
            self.stderr.write("No fixtures/seed_*.json found; run build_seed_fixtures first.")
            return
        moves_path = Path(settings.BASE_DIR, "fixtures", MOVES_FILE)
        moves = json.loads(moves_path.read_text(encoding="utf-8")) if moves_path.exists() else {}
        with transaction.atomic():
            # First, so the fixtures find the old decks' cards (and students' history)
            # where they now belong instead of making new ones beside them.
            seed_moves_apply(
                decks=[(move["from"], move["to"]) for move in moves.get("decks", [])],
                cards=[(tuple(move["from"]), tuple(move["to"])) for move in moves.get("cards", [])],
            )
            call_command("loaddata", *[str(p) for p in paths], verbosity=0)
        self.stdout.write(
            f"Seeded {len(paths)} fixture files: {Deck.objects.count()} decks, "
            f"{Card.objects.count()} cards in the database."
        )
