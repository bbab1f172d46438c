import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from samizdat.accounts.services import create_user


class Command(BaseCommand):
    help = "Create a local account."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="Display name.")
        parser.add_argument("--password", help="Asked for when not given.")
        parser.add_argument("--admin", action="store_true", help="Make this account an instance admin.")

    def handle(self, *args, username, email, name, password, admin, **options):
        if password is None:
            password = getpass.getpass("Password: ")
        try:
            user = create_user(username, password, email=email, display_name=name, is_superuser=admin)
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()))
        self.stdout.write(self.style.SUCCESS(f"Created {'admin ' if admin else ''}account {user.username}."))
