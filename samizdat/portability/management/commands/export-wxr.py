"""`samizdat export-wxr --blog SLUG [-o FILE]`: a blog as a WordPress export file, with progress on stderr."""

import sys

from django.core.management.base import BaseCommand, CommandError

from samizdat.blogs.models import Blog
from samizdat.portability.export import export_wxr
from samizdat.portability.progress import Progress


class _Decoding:
    """A binary file object writing to a text stream (one without a .buffer, as in tests)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, data):
        self.stream.write(data.decode("utf-8"))


class Command(BaseCommand):
    help = (
        "Write a blog as a WordPress export (WXR 1.2) that WordPress (Tools → Import → WordPress) and "
        "“samizdat import-wxr” read: authors, categories, tags, posts, pages, comments and the media posts use. "
        "The file holds no email addresses and no IP addresses (of authors or commenters), since exports get "
        "shared; commenters' emails do not come across."
    )

    def add_arguments(self, parser):
        parser.add_argument("--blog", required=True, help="the blog's address (slug)")
        parser.add_argument("-o", "--output", help="the file to write (default: standard output)")

    def handle(self, *args, blog, output=None, **options):
        blog_obj = Blog.objects.filter(slug=blog).first()
        if blog_obj is None:
            raise CommandError(f"There is no blog “{blog}”.")

        bar = Progress(self.stderr, "Exporting")

        def progress(done, total):
            bar.update(done, total, f"{done:,} of {total:,} items")

        if output:
            try:
                out = open(output, "wb")
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror}")
            with out:
                export_wxr(blog_obj, out, progress=progress)
        else:
            # BaseCommand's stdout is text; the file is UTF-8 bytes.
            stream = getattr(self.stdout, "_out", sys.stdout)
            binary = getattr(stream, "buffer", None)
            if binary is not None:
                export_wxr(blog_obj, binary, progress=progress)
                binary.flush()
            else:
                export_wxr(blog_obj, _Decoding(stream), progress=progress)
        bar.finish()
