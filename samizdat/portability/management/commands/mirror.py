"""`samizdat mirror --blog SLUG OUTDIR` (or `--all OUTDIR`): the public site as signed static files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samizdat.blogs.models import Blog
from samizdat.portability.mirror import MirrorError, build_mirror
from samizdat.portability.progress import Progress
from samizdat.portability.signing import signer_for


class Command(BaseCommand):
    help = (
        "Write a blog's public site as static files with relative links, to serve from any static host or "
        "open from disk: posts, pages, archives, tags, categories, authors, comments (read-only), feeds, "
        "sitemap, media and the stylesheet, with a signed manifest (mirror-manifest.json). Re-running "
        "rewrites only what changed. With --all, each blog goes in OUTDIR/<slug>/."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--blog", help="the blog's address (slug)")
        group.add_argument("--all", action="store_true", help="mirror every blog, each in its own folder")
        parser.add_argument("outdir", help="the folder to write (empty, or a previous mirror)")

    def handle(self, *args, blog=None, all=False, outdir, **options):
        if all:
            targets = [(b, Path(outdir) / b.slug) for b in Blog.objects.order_by("slug")]
        else:
            blog_obj = Blog.objects.filter(slug=blog).first()
            if blog_obj is None:
                raise CommandError(f"There is no blog “{blog}”.")
            targets = [(blog_obj, Path(outdir))]
        for blog_obj, folder in targets:
            bar = Progress(self.stderr, f"Mirroring {blog_obj.slug}")

            def progress(done, known):
                bar.update(done, known, f"{done:,} of {known:,} addresses")

            try:
                result = build_mirror(blog_obj, folder, sign=signer_for(blog_obj), progress=progress)
            except MirrorError as exc:
                raise CommandError(str(exc))
            finally:
                bar.finish()
            self.stdout.write(
                f"{blog_obj.slug}: {result.written} written, {result.unchanged} unchanged, "
                f"{result.removed} removed ({len(result.files)} files) in {folder}"
            )
