"""`samizdat restore FILE`: a backup back into a fresh instance, checked first, then migrated."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from samizdat.portability.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by “samizdat backup” into this instance: the database, the media and (if the "
        "backup has it) the secret key, then run the migrations, so a backup from an older version comes up "
        "to date. Every file is checked against the backup's manifest before anything changes. Refuses an "
        "instance that already has content unless --force. Stop the server and worker while it runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file (.tar.gz)")
        parser.add_argument("--force", action="store_true",
                            help="replace the database and media of an instance that already has content")

    def handle(self, *args, file, force=False, **options):
        def progress(message):
            self.stderr.write(message)

        try:
            manifest = restore_backup(file, force=force, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc))
        progress("Running migrations…")
        call_command("migrate", verbosity=0, interactive=False)
        counts = manifest["counts"]
        self.stdout.write(
            f"Restored {file} (made {manifest['created']} by Samizdat {manifest['version']}): "
            f"{counts.get('blogs.Blog', 0)} blogs, {counts.get('posts.Post', 0)} posts, "
            f"{counts.get('comments.Comment', 0)} comments, {counts.get('accounts.User', 0)} users, "
            f"{manifest['media_files']} media files."
        )
