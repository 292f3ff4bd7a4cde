from django.apps import AppConfig


def ensure_teachers_group(sender: AppConfig, **kwargs) -> None:
    """After every migrate, so a fresh database always has the Teachers group."""
    from decks.services.teachers import teachers_group_ensure

    teachers_group_ensure()


def remember_classes_of_deleted_teacher(sender, instance, **kwargs) -> None:
    """Before a user is deleted: which classes they teach, for the check after the delete
    (users deleted together each still see the others as teachers until then)."""
    from decks.models import Classroom

    instance._stamp_taught_class_ids = list(
        Classroom.objects.filter(teachers=instance).values_list("pk", flat=True)
    )


def close_classes_of_deleted_teacher(sender, instance, **kwargs) -> None:
    """Whatever deleted a user (the admin, account deletion, a script), their classes left
    without any teacher stop taking students."""
    from decks.services.classes import classes_without_teachers_close

    classes_without_teachers_close(getattr(instance, "_stamp_taught_class_ids", []))
