import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "On a database with no users, create a local superuser with a random password and "
        "print it once. Does nothing when any user exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.exists():
            self.stdout.write("Users exist already; no account created. Log in at /admin/.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=options["username"], email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "\nCreated a local superuser for /admin/ (shown this once only):\n"
                f"  username: {options['username']}\n"
                f"  password: {password}\n"
                "Change it with: .venv/bin/python manage.py changepassword "
                f"{options['username']}\n"
            )
        )
