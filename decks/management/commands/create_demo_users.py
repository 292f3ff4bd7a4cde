from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from decks.models import Deck
from decks.services.teachers import teachers_group_ensure

DEMO_USERS = [
    # username, password, name, teacher
    ("student", "stamp-student", "Sam Student", False),
    ("teacher", "stamp-teacher", "Tess Teacher", True),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo student and teacher and print their log-ins."

    def handle(self, *args, **options) -> None:
        teachers = teachers_group_ensure()
        for username, password, name, teacher in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = name
            user.is_staff = teacher
            user.set_password(password)
            user.save()
            if teacher:
                user.groups.add(teachers)
                # The seed decks have no owner; share them so the demo teacher can edit them.
                for deck in Deck.objects.filter(owner__isnull=True):
                    deck.editors.add(user)
        self.stdout.write("Demo log-ins (http://127.0.0.1:8000/accounts/login/):")
        for username, password, _, teacher in DEMO_USERS:
            role = "teacher" if teacher else "student"
            self.stdout.write(f"  {role:8}  username: {username:8}  password: {password}")
