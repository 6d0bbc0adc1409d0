"""Creates the demo's users, or sets their password again: running it twice changes nothing else."""
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERS = ("alice", "bob", "carol", "dave")


class Command(BaseCommand):
    help = f"Creates the demo users ({', '.join(USERS)}) with one password, from --password or DEMO_PASSWORD."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="every demo user's password (default: the environment's DEMO_PASSWORD)")

    def handle(self, *args, **options):
        password = options["password"] or os.environ.get("DEMO_PASSWORD", "")
        if not password:
            raise CommandError("Give the demo users' password with --password or the environment variable DEMO_PASSWORD.")
        users = get_user_model()
        for name in USERS:
            user, created = users.objects.get_or_create(username=name)
            user.set_password(password)
            user.save()
            self.stdout.write(f"{'Created' if created else 'Updated'} {name}")
