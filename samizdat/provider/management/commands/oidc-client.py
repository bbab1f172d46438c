"""`samizdat oidc-client add NAME --redirect-uri URI …` / `list` / `remove CLIENT_ID`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from oauth2_provider.models import Application

from samizdat.provider import services


class Command(BaseCommand):
    help = "Register the applications (other sites, other Samizdat instances) that sign people in with this one."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        add = commands.add_parser("add", help="register a client and print its id and secret")
        add.add_argument("name", help="shown to people on the consent screen")
        add.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris",
                         help="where people come back after signing in (repeat for several)")
        add.add_argument("--public", action="store_true",
                         help="a client that cannot keep a secret (mobile or browser app): no secret, PKCE required")
        add.add_argument("--skip-consent", action="store_true",
                         help="a trusted first-party client: never ask people to agree")
        commands.add_parser("list", help="list the registered clients")
        remove = commands.add_parser("remove", help="remove a client and revoke its tokens")
        remove.add_argument("client_id")

    def handle(self, *args, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_add(self, name, redirect_uris, public, skip_consent, **_options):
        try:
            client = services.register_client(name, redirect_uris, public=public, skip_consent=skip_consent)
        except (ValidationError, ValueError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc
        self.stdout.write(f"client_id: {client.client_id}")
        if client.client_secret:
            self.stdout.write(f"client_secret: {client.client_secret}")
            self.stderr.write("The secret is shown only now: only a hash of it is kept.")

    def handle_list(self, **_options):
        for application in Application.objects.exclude(client_id__startswith="indieauth-").order_by("name"):
            self.stdout.write(f"{application.client_id}\t{application.name}\t{application.redirect_uris}")

    def handle_remove(self, client_id, **_options):
        deleted, _rows = Application.objects.filter(client_id=client_id).delete()
        if not deleted:
            raise CommandError(f"no client with id {client_id}")
        self.stdout.write(f"removed {client_id}")
