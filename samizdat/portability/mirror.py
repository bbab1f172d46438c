"""Static mirrors: a blog's public site as plain files with relative links, and its signed manifest.

The pages are the real ones: each is rendered by the public views through Django's test client as an
anonymous reader, then forms, scripts and the account links are taken out, a notice naming the
original is put at the top, and every link to the blog, its stylesheet and its media is made relative
(directories end in `index.html`), so the copy works from any static host and from `file://`.
"""

import collections
import hashlib
import json
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from samizdat.blogs.addresses import main_url
from samizdat.posts.models import Category, Post, Tag
from samizdat.posts.selectors import live_posts

MANIFEST = "mirror-manifest.json"
# Query parameters that page through a listing or a comment thread, and the folder each page goes in.
_PAGING = {"page": "page", "cpage": "comments"}


def _classed(name):
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# What a mirror cannot do: forms, scripts, signing in, liking, following, replying, receiving
# Webmentions or answering the APIs; and the links that name the original's address as this page's own.
_READ_ONLY = " | ".join([
    "//form", "//script", f"//nav[{_classed('account')}]", f"//*[{_classed('like-button')}]",
    f"//*[{_classed('follow')}]", f"//*[{_classed('reply')}]", "//*[@id='respond']",
    "//link[@rel='canonical']", "//meta[starts-with(@property, 'og:')]",
    "//link[@rel='webmention' or @rel='micropub' or @rel='https://api.w.org/']",
])


MEDIA_PATH = "/media/"


def _absolute_media_url():
    return settings.MEDIA_URL.startswith(("http://", "https://"))


def _media_path():
    """Where uploads sit in the mirror: at MEDIA_URL, or at /media/ when that is another host's address."""
    return MEDIA_PATH if _absolute_media_url() else settings.MEDIA_URL


class MirrorError(Exception):
    """The mirror cannot be written where asked."""


@dataclass
class MirrorResult:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    files: dict = field(default_factory=dict)


def _file_for(path, query=""):
    """The mirror file (relative to the mirror's root) for a blog-relative URL path and query."""
    rel = path.lstrip("/")
    for name, value in parse_qs(query).items():
        if name in _PAGING and value and value[0].isdigit() and int(value[0]) > 1:
            rel = posixpath.join(rel, _PAGING[name], value[0]) + "/"
            break
    if rel == "" or rel.endswith("/"):
        feed = rel.endswith(("feed/", "feed/atom/"))
        return rel + ("index.xml" if feed else "index.html")
    return rel


class _Crawler:
    def __init__(self, blog, origin):
        self.blog = blog
        self.origin = origin
        self.prefix = blog.get_absolute_url()  # /@slug/
        self.hosts = {urlsplit(settings.SITE_URL).netloc, "testserver", *settings.SAMIZDAT_HOSTS}
        self.client = Client()
        self.queue = collections.deque()
        self.seen = set()

    # -- what to fetch -------------------------------------------------------------------------
    def enqueue(self, url):
        if url not in self.seen:
            self.seen.add(url)
            self.queue.append(url)

    def seed(self):
        blog = self.blog
        self.enqueue(self.prefix)
        for name in ("blog_rss", "blog_atom", "blog_json"):
            self.enqueue(reverse(f"feeds:{name}", args=[blog.slug]))
        months = set()
        # Only what a post's address needs, streamed: whole posts with their terms would hold the
        # blog's every body in memory at once (30 MB per 2,000 posts).
        addressed = live_posts(blog).prefetch_related(None).select_related(None).only(
            "pk", "slug", "kind", "published_at", "created_at", "blog_id",
        )
        for post in addressed.iterator(chunk_size=1000):
            post.blog = blog
            self.enqueue(post.get_absolute_url())
            day = post.local_date()
            months.add((day.year, day.month))
        for year, month in sorted(months):
            self.enqueue(reverse("posts:year", args=[blog.slug, year]))
            self.enqueue(reverse("posts:month", args=[blog.slug, year, month]))
        for page in Post.objects.pages().live().filter(blog=blog).select_related("blog"):
            self.enqueue(page.get_absolute_url())
        for model, kind in ((Tag, "tag"), (Category, "category")):
            for term in model.objects.filter(blog=blog).select_related("blog"):
                self.enqueue(term.get_absolute_url())
                for fmt in ("rss", "atom", "json"):
                    self.enqueue(reverse(f"feeds:{kind}_{fmt}", args=[blog.slug, term.slug]))

    def local(self, url, base):
        """(path, query, fragment) of `url` on this instance, resolved against `base`, or None."""
        url = url.strip()
        if not url or url.startswith(("mailto:", "tel:", "data:", "javascript:")):
            return None
        full = urljoin(base, url)
        if _absolute_media_url() and full.startswith(settings.MEDIA_URL):
            # Uploads at the public address the admin declared for the bucket: copied into the
            # mirror's media/ folder like uploads linked at /media/.
            parts = urlsplit(full)
            return MEDIA_PATH + parts.path[len(urlsplit(settings.MEDIA_URL).path):], "", parts.fragment
        parts = urlsplit(full)
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc not in self.hosts):
            return None
        return parts.path, parts.query, parts.fragment

    def target(self, path, query):
        """The mirror file for a local path and query (queuing it), or None when it is not mirrored."""
        if path == "/":
            path = self.prefix
        if path.startswith(self.prefix):
            rest = path[len(self.prefix) - 1:]
            if rest.startswith("/search/"):
                return None
            paging = {k: v for k, v in parse_qs(query).items() if k in _PAGING}
            if query and not paging:
                return None
            target = _file_for(rest, query)
            self.enqueue(path + (f"?{query}" if target != _file_for(rest) else ""))
            return target
        for base_url in (settings.STATIC_URL, _media_path()):
            if base_url and path.startswith(base_url):
                self.enqueue(path)
                return path.lstrip("/")
        return None

    # -- rendering -------------------------------------------------------------------------------
    def fetch(self, url):
        """(mirror file, bytes) for one queued URL, or None when there is nothing to write."""
        parts = urlsplit(url)
        for base_url, storages in (
            (settings.STATIC_URL, "static"), (_media_path(), "media"),
        ):
            if base_url and parts.path.startswith(base_url):
                name = parts.path[len(base_url):]
                return parts.path.lstrip("/"), self._file_bytes(storages, name)
        response = self.client.get(url, HTTP_HOST=self._host())
        if response.status_code != 200:
            return None
        rest = parts.path[len(self.prefix) - 1:]
        rel = _file_for(rest, parts.query)
        body = b"".join(response) if response.streaming else response.content
        if response.get("Content-Type", "").startswith("text/html"):
            body = self.transform(body, parts.path + (f"?{parts.query}" if parts.query else ""), rel)
        return rel, body

    def _host(self):
        return next(iter(settings.SAMIZDAT_HOSTS), "localhost")

    def _file_bytes(self, kind, name):
        if kind == "media":
            if not default_storage.exists(name):
                return None
            with default_storage.open(name, "rb") as f:
                return f.read()
        found = finders.find(name)
        if found:
            return Path(found).read_bytes()
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name, "rb") as f:
                return f.read()
        return None

    def transform(self, body, url, rel):
        """A rendered page made read-only, relative and labelled as a mirror."""
        doc = lxml.html.document_fromstring(body)
        for el in doc.xpath(_READ_ONLY):
            el.drop_tree()
        here = posixpath.dirname(rel)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in list(el.attrib):
                if attr.startswith("on"):
                    del el.attrib[attr]
            if el.get("data-address") is not None:
                continue  # the Mirrors page's list of addresses: the real ones, not this copy's files
            for attr in ("href", "src", "poster", "data"):
                value = el.get(attr)
                if value is not None:
                    self._rewrite(el, attr, value, url, here)
            if el.get("srcset") is not None:
                candidates = []
                for candidate in el.get("srcset").split(","):
                    bits = candidate.split()
                    if not bits:
                        continue
                    new = self._relative(bits[0], url, here)
                    if new is not None:
                        candidates.append(" ".join([new, *bits[1:]]))
                if candidates:
                    el.set("srcset", ", ".join(candidates))
                else:
                    del el.attrib["srcset"]
        body_el = doc.find("body")
        notice = lxml.html.fragment_fromstring(
            '<p class="mirror-notice" role="note">'
            + escape(_("This is a mirror of %(blog)s; the original is at %(url)s.")
                     % {"blog": self.blog.title, "url": self.origin})
            + "</p>"
        )
        body_el.insert(0, notice)
        return lxml.html.tostring(doc, doctype="<!doctype html>", encoding="utf-8", method="html")

    def _relative(self, value, url, here):
        found = self.local(value, url)
        if found is None:
            return None
        path, query, fragment = found
        target = self.target(path, query)
        if target is None:
            return None
        rel = posixpath.relpath(target, here or ".")
        return rel + (f"#{fragment}" if fragment else "")

    def _rewrite(self, el, attr, value, url, here):
        if value.startswith("#"):
            return
        new = self._relative(value, url, here)
        if new is not None:
            el.set(attr, new)
            return
        external = urlsplit(value).netloc and urlsplit(value).netloc not in self.hosts
        if el.tag == "a" and external:
            return  # a link to another site is followed only if the reader chooses to
        if el.tag == "a":
            # A page of this instance that the mirror does not hold (sign-in, another blog).
            del el.attrib[attr]
        elif el.tag == "link":
            el.drop_tree()
        else:
            del el.attrib[attr]


def _sitemap(origin_root, pages):
    """A sitemap of the original's addresses for the mirrored pages (sitemaps need absolute URLs)."""
    locs = (origin_root + p.removesuffix("index.html") for p in sorted(pages))
    urls = "".join(f"<url><loc>{escape(loc)}</loc></url>\n" for loc in locs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
    ).encode()


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def read_manifest(outdir):
    """The manifest of a previous mirror in `outdir`, or None."""
    path = Path(outdir) / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def build_mirror(blog, outdir, *, sign=None, progress=None):
    """Write the blog's public site into `outdir` as static files, rewriting only what changed.

    `sign(bytes) -> dict` adds a signature to the manifest (see `signing.sign_manifest`).
    `progress(done, known)` hears of each address done, of those known so far (the crawl finds
    later pages of lists, media and styles as it goes).
    """
    outdir = Path(outdir)
    previous = read_manifest(outdir)
    if outdir.exists() and any(outdir.iterdir()) and previous is None:
        raise MirrorError(f"{outdir} is not empty and holds no previous mirror; choose an empty folder.")
    if previous is not None and previous.get("blog") != blog.slug:
        raise MirrorError(f"{outdir} holds a mirror of another blog ({previous.get('blog')}).")
    outdir.mkdir(parents=True, exist_ok=True)

    origin = main_url(blog)  # its own domain when it has one
    crawler = _Crawler(blog, origin)
    crawler.seed()
    result = MirrorResult()

    def put(rel, data):
        path = outdir / rel
        if path.is_file() and path.read_bytes() == data:
            result.unchanged += 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            result.written += 1
        result.files[rel] = _sha256(data)

    done = 0
    while crawler.queue:
        fetched = crawler.fetch(crawler.queue.popleft())
        done += 1
        if progress is not None:
            progress(done, done + len(crawler.queue))
        if fetched is None or fetched[1] is None:
            continue
        put(*fetched)
    put("sitemap.xml", _sitemap(origin, [p for p in result.files if p.endswith(".html")]))

    for rel in sorted(set((previous or {}).get("files", {})) - set(result.files)):
        path = outdir / rel
        if path.is_file() and path.resolve().is_relative_to(outdir.resolve()):
            path.unlink()
            result.removed += 1
            for parent in path.parents:
                if parent == outdir or any(parent.iterdir()):
                    break
                parent.rmdir()

    manifest = {"blog": blog.slug, "title": blog.title, "origin": origin,
                "files": dict(sorted(result.files.items()))}
    if sign is not None:
        manifest.update(sign(canonical(manifest)))
    data = (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode()
    manifest_path = outdir / MANIFEST
    if not (manifest_path.is_file() and manifest_path.read_bytes() == data):
        manifest_path.write_bytes(data)
    return result


def canonical(manifest):
    """The bytes a manifest's signature covers: everything but the signature, as sorted compact JSON."""
    signed = {k: v for k, v in manifest.items() if k not in ("signature", "public_key")}
    return json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def check_files(outdir, manifest):
    """Problems found comparing the files in `outdir` with the manifest: a list of sentences."""
    outdir = Path(outdir)
    problems = []
    listed = manifest.get("files", {})
    for rel, digest in sorted(listed.items()):
        path = outdir / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif _sha256(path.read_bytes()) != digest:
            problems.append(f"changed: {rel}")
    for path in sorted(outdir.rglob("*")):
        rel = path.relative_to(outdir).as_posix()
        if path.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(f"added: {rel}")
    return problems

