from django.core.management.base import BaseCommand

from decks.services.reminders import reminders_send


class Command(BaseCommand):
    help = (
        "Send the daily reminders whose hour has come (cron: every quarter hour). "
        "Running it again sends nothing twice."
    )

    def handle(self, *args, **options):
        run = reminders_send()
        self.stdout.write(
            f"{run.emails} e-mails, {run.pushes} notifications sent; {run.skipped} students "
            f"with nothing waiting or already studied; {run.expired_subscriptions} expired "
            f"devices removed; {len(run.failed)} pushes failed."
        )
