"""Rebuild the seed deck fixtures in fixtures/ from the documents in fixtures/sources/.

`--check` writes nothing and fails when a committed fixture differs from a rebuild, so CI
catches a parser or source change whose fixtures were not rebuilt.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from decks.seeds import MOVES_FILE, SEED_DECKS, build_seed_decks


class Command(BaseCommand):
    help = "Rebuild the seed deck fixtures in fixtures/ from the documents in fixtures/sources/."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; exit non-zero if a committed fixture differs from a rebuild.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        fixtures_dir = Path(settings.BASE_DIR) / "fixtures"
        sources_dir = fixtures_dir / "sources"
        stale: list[str] = []
        failed: list[str] = []
        built = build_seed_decks(SEED_DECKS, sources_dir)
        outputs = [(build.deck.fixture_file, build.json(), build) for build in built.decks]
        for name, text, build in [*outputs, (MOVES_FILE, built.moves_json(), None)]:
            path = fixtures_dir / name
            if check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    stale.append(path.name)
            elif build is None or not build.errors:
                # newline="\n" so the bytes are the same on every platform.
                with path.open("w", encoding="utf-8", newline="\n") as fixture:
                    fixture.write(text)
            if build is None:
                self.stdout.write(
                    f"{path.name}: {len(built.moved_decks)} decks and "
                    f"{len(built.moved_cards)} cards moved"
                )
                continue
            self.stdout.write(f"{path.name}: {build.deck.title} ({len(build.cards)} cards)")
            for warning in build.warnings:
                self.stdout.write(self.style.WARNING(f"  warning: {warning}"))
            for error in build.errors:
                self.stderr.write(self.style.ERROR(f"  error: {error}"))
            if build.errors:
                failed += [document.source_file for document in build.deck.documents]
        if failed:
            raise CommandError(f"Could not build {', '.join(failed)}; no fixture written for it.")
        if stale:
            raise CommandError(
                f"Out of date: {', '.join(stale)}. Run `python manage.py build_seed_fixtures`."
            )
