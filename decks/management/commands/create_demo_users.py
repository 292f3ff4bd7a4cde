from django.contrib.auth.models import Permission, User
from django.core.management.base import BaseCommand

DEMO_USERS = [
    # username, password, first name, staff
    ("student", "stamp-student", "Sam Student", False),
    ("teacher", "stamp-teacher", "Tess Teacher", True),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo student and teacher and print their log-ins."

    def handle(self, *args, **options) -> None:
        for username, password, name, staff in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = name
            user.is_staff = staff
            user.set_password(password)
            user.save()
            if staff:
                # Until the Teachers group exists, the demo teacher gets deck and card rights.
                user.user_permissions.set(
                    Permission.objects.filter(
                        content_type__app_label="decks", content_type__model__in=["deck", "card"]
                    )
                )
        self.stdout.write("Demo log-ins (http://127.0.0.1:8000/accounts/login/):")
        for username, password, _, staff in DEMO_USERS:
            role = "teacher" if staff else "student"
            self.stdout.write(f"  {role:8}  username: {username:8}  password: {password}")
