"""`samizdat backup FILE`: the database and media in one .tar.gz, taken while the site runs."""

from django.core.management.base import BaseCommand, CommandError

from samizdat.portability.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a backup of this instance to FILE (a .tar.gz): a consistent copy of the database, taken while "
        "the site runs (SQLite's online backup, or pg_dump for PostgreSQL), the uploaded media and a manifest "
        "with the SHA-256 of each file. The file holds password hashes and email addresses: keep it safe. "
        "Restore it with “samizdat restore FILE”."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write (.tar.gz)")
        parser.add_argument(
            "--with-secret-key", action="store_true",
            help="also include the instance's keys (the secret key file and the OpenID Connect signing key), so "
                 "sessions, signed links and ID tokens stay valid after a restore. Off by default: whoever holds a "
                 "backup with the keys could forge sessions (sign in as anyone) on the running site.",
        )

    def handle(self, *args, file, with_secret_key=False, **options):
        def progress(message):
            self.stderr.write(message)

        try:
            manifest = create_backup(file, with_secret_key=with_secret_key, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc))
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror or exc}")
        counts = manifest["counts"]
        self.stdout.write(
            f"Backed up to {file}: {counts.get('blogs.Blog', 0)} blogs, {counts.get('posts.Post', 0)} posts, "
            f"{counts.get('comments.Comment', 0)} comments, {counts.get('accounts.User', 0)} users, "
            f"{manifest['media_files']} media files ({manifest['engine']}, Samizdat {manifest['version']})"
            + ("; includes the instance's keys." if "secret_key" in manifest["sha256"] else ".")
        )
