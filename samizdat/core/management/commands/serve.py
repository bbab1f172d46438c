import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class _Stop(Exception):
    """SIGTERM arrived: stop the server and the worker, as Ctrl-C does."""


def _raise_stop(signum, frame):
    raise _Stop


class Command(BaseCommand):
    help = "Serve the site with Granian, a production HTTP server (static files through WhiteNoise)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", "-w", type=int, default=1, help="Worker processes (default 1).")
        # Two: a request waiting on something slow (another server, the database) does not hold up
        # the rest, and fewer threads fight less over the GIL. With 4, a burst of comments took a
        # third more CPU each and was a third slower (docs/performance.md, "Writes").
        parser.add_argument("--threads", type=int, default=2, help="Threads per worker for blocking Django code (default 2).")
        parser.add_argument("--with-worker", action="store_true", help="Also run the background task worker.")
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, workers, threads, with_worker, no_collectstatic, **options):
        env = dict(os.environ, SAMIZDAT_DATA_DIR=str(settings.DATA_DIR))
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
            # Serve the collected files, with their compressed copies, not the apps' originals.
            env["SAMIZDAT_STATIC_FROM_APPS"] = "0"
        env.setdefault("DJANGO_SETTINGS_MODULE", "samizdat.config.settings")
        server_cmd = [
            sys.executable, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
            "--workers", str(workers), "--blocking-threads", str(threads), "--no-ws", "--log-level", "warning",
            "samizdat.config.wsgi:application",
        ]
        children = []
        # A service manager stops us with SIGTERM: pass it on rather than leave Granian orphaned.
        signal.signal(signal.SIGTERM, _raise_stop)
        try:
            if with_worker:
                children.append(subprocess.Popen([sys.executable, "-m", "samizdat", "worker"], env=env))
            shown_host = f"[{host}]" if ":" in host else host
            self.stdout.write(
                self.style.SUCCESS(f"Samizdat is serving http://{shown_host}:{port}/") + "  (Ctrl-C stops it)"
            )
            self.stdout.flush()
            server = subprocess.Popen(server_cmd, env=env)
            children.append(server)
            status = server.wait()
            if status:
                raise CommandError(f"Granian stopped with status {status}", returncode=status)
        except (KeyboardInterrupt, _Stop):
            pass
        finally:
            for process in children:
                if process.poll() is None:
                    process.terminate()
            for process in children:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
