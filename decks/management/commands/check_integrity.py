from django.core.management.base import BaseCommand, CommandError

from decks.services.integrity import integrity_mismatches, integrity_repair
from decks.services.study import new_card_cursors_broken, new_card_cursors_repair


class Command(BaseCommand):
    help = (
        "Report card states that differ from their review log and new-card cursors past an "
        "unseen card; --repair rewrites the states from the log and drops those cursors."
    )

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
        if repair and mismatches:
            integrity_repair(mismatches)
            self.stdout.write(f"Repaired {len(mismatches)} card states from their review logs.")
        # After the repair, which may remove states and with them a cursor's promise.
        broken = new_card_cursors_broken()
        for fault in broken[:200]:
            self.stdout.write(str(fault))
        if not broken:
            self.stdout.write("Every new-card cursor is behind the student's unseen cards.")
        if repair and broken:
            new_card_cursors_repair(broken)
            self.stdout.write(f"Dropped {len(broken)} new-card cursors past an unseen card.")
        if not repair and (mismatches or broken):
            raise CommandError(
                f"{len(mismatches)} card states differ from their review logs; "
                f"{len(broken)} new-card cursors are past an unseen card."
            )
