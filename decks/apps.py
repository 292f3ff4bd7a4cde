from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, pre_delete


class DecksConfig(AppConfig):
    name = "decks"
    verbose_name = "Decks"

    def ready(self) -> None:
        from decks import checks, throttles  # noqa: F401  (registers the checks and a receiver)
        from decks.signals import (
            close_classes_of_deleted_teacher,
            ensure_teachers_group,
            remember_classes_of_deleted_teacher,
        )

        post_migrate.connect(ensure_teachers_group, sender=self)
        user = settings.AUTH_USER_MODEL
        pre_delete.connect(remember_classes_of_deleted_teacher, sender=user)
        post_delete.connect(close_classes_of_deleted_teacher, sender=user)
