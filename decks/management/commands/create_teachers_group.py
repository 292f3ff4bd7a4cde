from django.core.management.base import BaseCommand

from decks.services.teachers import teachers_group_ensure


class Command(BaseCommand):
    help = "Create the Teachers group with its admin permissions (migrate also does this)."

    def handle(self, *args, **options) -> None:
        group = teachers_group_ensure()
        self.stdout.write(f"Group {group.name!r} has {group.permissions.count()} permissions.")
