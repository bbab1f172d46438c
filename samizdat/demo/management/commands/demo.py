from django.core.management.base import BaseCommand, CommandError

from samizdat.demo.services import DEMO_PASSWORD, DEMO_USERNAME, has_content, has_other_blogs, load_demo


class Command(BaseCommand):
    help = "Load the demo blogs, writers and posts."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any blog exists.")
        parser.add_argument(
            "--force", action="store_true", help="Load it even beside real blogs (its passwords are public)."
        )

    def handle(self, *args, if_empty, force, **options):
        if if_empty and has_content():
            self.stdout.write("Demo content: already there.")
        elif has_other_blogs() and not force:
            raise CommandError(
                "This instance has blogs of its own. The demo adds accounts whose password is public "
                "(an admin among them); use --force if you really want it here."
            )
        else:
            summary = load_demo(progress=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {summary}."))
        self.stdout.write(f"Demo sign-in: {DEMO_USERNAME} / {DEMO_PASSWORD}  (at /accounts/login/)")
