"""`samizdat import-wxr FILE --blog SLUG`: import a WordPress export, with a progress bar and a summary."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from samizdat.portability.progress import Progress
from samizdat.portability.wordpress import ImportStopped, import_wxr


class Command(BaseCommand):
    help = (
        "Import a WordPress export (WXR file: Tools → Export in WordPress) into a blog, creating the blog "
        "from the file when it does not exist. Running it again updates what it imported before."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--blog", required=True, help="the blog's address (slug)")
        parser.add_argument("--owner", help="username of the owner of a blog created by the import")
        parser.add_argument("--no-media", action="store_true", help="keep media at their original addresses")

    def handle(self, *args, file, blog, owner=None, no_media=False, **options):
        owner_user = None
        if owner:
            owner_user = get_user_model().objects.filter(username=owner).first()
            if owner_user is None:
                raise CommandError(f"There is no user “{owner}”.")
        try:
            size = os.path.getsize(file)
            stream = open(file, "rb")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}")
        bar = Progress(self.stderr, "Importing")

        def progress(position):
            bar.update(position, size, f"{min(position, size) / 1e6:,.1f} of {max(size / 1e6, 0.1):,.1f} MB")

        with stream:
            try:
                _blog, summary = import_wxr(stream, blog, owner=owner_user, fetch_media=not no_media,
                                            progress=progress)
            except ImportStopped as exc:
                bar.finish()
                self.stdout.write("\n".join(exc.summary.lines()))
                where = f"line {exc.summary.stopped_line}" if exc.summary.stopped_line else "the start"
                raise CommandError(
                    f"The import stopped at {where} of {file}: {exc.summary.stopped}. "
                    "Everything before that line is imported; nothing of the item there is."
                )
        progress(size)
        bar.finish()
        self.stdout.write("\n".join(summary.lines()))
