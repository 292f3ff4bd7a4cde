from django.apps import AppConfig


def ensure_teachers_group(sender: AppConfig, **kwargs) -> None:
    """After every migrate, so a fresh database always has the Teachers group."""
    from decks.services.teachers import teachers_group_ensure

    teachers_group_ensure()
