from django.core.management.base import BaseCommand
from django.db import transaction

from samizdat.posts import search


class Command(BaseCommand):
    help = "Index every published post and page again, e.g. after an import, a restore or a blog's language change."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = search.rebuild_index()
        self.stdout.write(f"Indexed {count} posts and pages.")
