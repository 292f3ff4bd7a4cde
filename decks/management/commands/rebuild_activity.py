from django.core.management.base import BaseCommand

from decks.services.activity import activity_rebuild


class Command(BaseCommand):
    help = "Recompute the daily activity rows behind leaderboards from the review log."

    def handle(self, *args, **options) -> None:
        rows = activity_rebuild()
        self.stdout.write(f"Rebuilt {rows} daily activity rows from the review log.")
