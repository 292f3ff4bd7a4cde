import os

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from decks.models import Classroom, Deck, StudentProfile
from decks.services.teachers import teachers_group_ensure

DEMO_USERS = [
    # username, password, name, teacher
    ("student", "stamp-student", "Sam Student", False),
    ("teacher", "stamp-teacher", "Tess Teacher", True),
]
DEMO_CLASS = "Accountmanagement 1A"
DEMO_JOIN_CODE = "DEMOKLAS"


class Command(BaseCommand):
    help = (
        "Create (or reset) the demo student and teacher, and a demo class with the seed "
        "decks that both are in; print their log-ins."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--host",
            default=os.environ.get("HOST") or "127.0.0.1:8000",
            help="Where the app is served (host:port), for the printed log-in address; "
            "default $HOST, as `make run` sets it, else 127.0.0.1:8000.",
        )

    def handle(self, *args, **options) -> None:
        teachers = teachers_group_ensure()
        users = {}
        for username, password, name, teacher in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = name
            user.is_staff = teacher
            user.set_password(password)
            user.save()
            StudentProfile.objects.get_or_create(user=user)
            if teacher:
                user.groups.add(teachers)
            users[username] = user
        seed_decks = list(Deck.objects.filter(owner__isnull=True))
        for deck in seed_decks:
            # The seed decks have no owner; share them so the demo teacher can edit them.
            deck.editors.add(users["teacher"])
        classroom, _ = Classroom.objects.get_or_create(
            join_code=DEMO_JOIN_CODE, defaults={"name": DEMO_CLASS}
        )
        classroom.teachers.add(users["teacher"])
        classroom.students.add(users["student"])
        classroom.decks.add(*seed_decks)
        self.stdout.write(f"Demo log-ins (http://{options['host']}/accounts/login/):")
        for username, password, _, teacher in DEMO_USERS:
            role = "teacher" if teacher else "student"
            self.stdout.write(f"  {role:8}  username: {username:8}  password: {password}")
        self.stdout.write(
            f"Both are in the class “{classroom.name}” with {len(seed_decks)} seed decks; "
            f"new students join it with the code {classroom.join_code}."
        )
