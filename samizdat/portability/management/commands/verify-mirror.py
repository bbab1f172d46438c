"""`samizdat verify-mirror DIR`: is this mirror what the blog signed, file for file?"""

from django.core.management.base import BaseCommand, CommandError

from samizdat.portability.mirror import MANIFEST, check_files, read_manifest
from samizdat.portability.signing import signature_is_valid


class Command(BaseCommand):
    help = (
        "Check a static mirror: the manifest's Ed25519 signature and the SHA-256 of every file; lists files "
        "changed, missing or added and exits non-zero if anything is wrong. The manifest carries its public "
        "key: compare it with the one the blog publishes, or pass it with --key."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--key", help="the blog's public key (base64) to trust instead of the manifest's")

    def handle(self, *args, directory, key=None, **options):
        manifest = read_manifest(directory)
        if manifest is None:
            raise CommandError(f"{directory} has no readable {MANIFEST}.")
        problems = []
        if not signature_is_valid(manifest, key):
            problems.append(f"signature: {MANIFEST} is not signed by "
                            f"{'that key' if key else 'the key it names'}")
        problems += check_files(directory, manifest)
        for problem in problems:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"The mirror does not match its signed manifest ({len(problems)} problems).")
        self.stdout.write(f"OK: {len(manifest['files'])} files signed by key {manifest.get('public_key')}")
