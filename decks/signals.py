from django.apps import AppConfig


def ensure_teachers_group(sender: AppConfig, **kwargs) -> None:
    """After every migrate, so a fresh database always has the Teachers group."""
    from decks.services.teachers import teachers_group_ensure

    teachers_group_ensure()


def close_classes_of_deleted_teacher(sender, instance, **kwargs) -> None:
    """Whatever deletes a user (the admin, account deletion, a script), their classes
    without another teacher stop taking students."""
    from decks.services.classes import classes_orphaned_close

    classes_orphaned_close(teacher=instance)
