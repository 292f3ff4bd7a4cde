from django.core.management.base import BaseCommand, CommandError

from decks.services.integrity import integrity_mismatches, integrity_repair


class Command(BaseCommand):
    help = "Report card states that differ from their review log; --repair rewrites them from it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--repair", action="store_true", help="Rewrite them from the log.")

    def handle(self, *args, repair: bool = False, **options) -> None:
        mismatches = list(integrity_mismatches())
        for mismatch in mismatches[:200]:
            self.stdout.write(str(mismatch))
        if len(mismatches) > 200:
            self.stdout.write(f"… and {len(mismatches) - 200} more")
        if not mismatches:
            self.stdout.write("All card states match their review logs.")
            return
        if repair:
            integrity_repair(mismatches)
            self.stdout.write(f"Repaired {len(mismatches)} card states from their review logs.")
            return
        raise CommandError(f"{len(mismatches)} card states differ from their review logs.")
