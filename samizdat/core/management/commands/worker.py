from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker (scheduled publishing, email, deliveries)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", "-w", type=int, default=2, help="Worker threads (default 2).")

    def handle(self, *args, workers, **options):
        call_command("run_huey", workers=workers)
