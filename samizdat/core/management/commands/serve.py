import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site with Granian, a production HTTP server (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", "-w", type=int, default=1, help="Worker processes (default 1).")
        parser.add_argument("--threads", type=int, default=4, help="Threads per worker for blocking Django code.")
        parser.add_argument("--with-worker", action="store_true", help="Also run the background task worker.")
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, workers, threads, with_worker, no_collectstatic, **options):
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        env = dict(os.environ, SAMIZDAT_DATA_DIR=str(settings.DATA_DIR))
        env.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.config.settings")
        server_cmd = [
            sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
            "--workers", str(workers), "--blocking-threads", str(threads), "--no-ws", "--log-level", "warning",
            "samizdat.config.wsgi:application",
        ]
        background = []
        if with_worker:
            background.append(subprocess.Popen([sys.executable, "-m", "samizdat", "worker"], env=env))
        self.stdout.write(self.style.SUCCESS(f"Samizdat is serving http://{host}:{port}/") + "  (Ctrl-C stops it)")
        self.stdout.flush()
        server = subprocess.Popen(server_cmd, env=env)
        try:
            server.wait()
        except KeyboardInterrupt:
            server.wait()
        finally:
            for process in background:
                process.terminate()
                process.wait(timeout=10)
