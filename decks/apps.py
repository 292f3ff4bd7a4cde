from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DecksConfig(AppConfig):
    name = "decks"
    verbose_name = "Decks"

    def ready(self) -> None:
        from decks import checks, throttles  # noqa: F401  (registers the checks and a receiver)
        from decks.signals import ensure_teachers_group

        post_migrate.connect(ensure_teachers_group, sender=self)
