from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules
from huey.contrib.djhuey import HUEY


class Command(BaseCommand):
    help = "Run the background worker (scheduled publishing, email, deliveries)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", "-w", type=int, default=2, help="Worker threads (default 2).")
        parser.add_argument(
            "--no-periodic", action="store_true",
            help="Run queued tasks only, no periodic sweeps (another worker on the same Redis runs them).",
        )

    def handle(self, *args, workers, no_periodic, **options):
        if not no_periodic:
            # Periodic tasks are idempotent sweeps. Queuing each once now means work that came
            # due while no worker ran is done at start, not at the sweep's next tick.
            autodiscover_modules("tasks")
            for task in HUEY._registry.periodic_tasks:  # huey has no public accessor for these
                HUEY.enqueue(task)
        call_command("run_huey", workers=workers, periodic=not no_periodic)
