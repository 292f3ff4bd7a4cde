"""The Teachers group and what its members may do in the admin.

Who is a teacher and which decks, classes and colleagues a teacher sees are reads, in
`decks.selectors` (`is_teacher`, `decks_editable_by`, `classes_taught_by`, `colleagues_of`).
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from decks.models import TEACHERS_GROUP

# (app_label, model) pairs whose add/change/delete/view permissions teachers hold.
TEACHER_MODELS = [
    ("decks", "deck"),
    ("decks", "card"),
    ("decks", "classroom"),
    ("decks", "membership"),
]


def teachers_group_ensure() -> Group:
    """Create the Teachers group, or bring its permissions up to date; safe to repeat."""
    group, _ = Group.objects.get_or_create(name=TEACHERS_GROUP)
    wanted = Q()
    for app_label, model in TEACHER_MODELS:
        wanted |= Q(content_type__app_label=app_label, content_type__model=model)
    group.permissions.set(Permission.objects.filter(wanted))
    return group
