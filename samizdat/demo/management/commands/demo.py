from django.core.management.base import BaseCommand

from samizdat.demo.services import DEMO_PASSWORD, DEMO_USERNAME, has_content, load_demo


class Command(BaseCommand):
    help = "Load the demo blogs, writers and posts."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any blog exists.")

    def handle(self, *args, if_empty, **options):
        if if_empty and has_content():
            self.stdout.write("Demo content: already there.")
        else:
            summary = load_demo(progress=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {summary}."))
        self.stdout.write(f"Demo sign-in: {DEMO_USERNAME} / {DEMO_PASSWORD}  (at /accounts/login/)")
