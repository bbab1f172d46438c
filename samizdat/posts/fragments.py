"""The parts of a post's page that are the same for every anonymous reader, rendered once per change.

A reader who is not signed in and sends no query string and no cookie but the CSRF one (the
page store's test, samizdat.pages.serving) sees what every such reader sees: the page's links
and meta tags, the blog's header and footer, the article, its likes, reblogs, follow button,
comment thread and a guest's empty comment form. The first read after a change renders the page
as usual, cuts those parts out (posts/post_detail.html marks them) and keeps them in a
PostFragment row; later reads of the same address in the same language use them, and render only
the rest: the title, the account links, and the comment form's time stamp, each reader's own.
Signed-in readers, readers with cookies of their own (remembered details, held comments, a
draft) and addresses with a query string (a comment page, "reply to") get the page rendered whole.

Computed on write: after a change about a post (the post, its comments, likes, reblogs) commits,
the worker renders that post's parts again for each address they were read at (`refresh`, queued
by samizdat.posts.tasks), so its next reader finds them ready. A change to the blog as a whole
(its name, theme, settings) leaves its other posts' parts stale until their next reader renders
them; so does a lost task: correctness never depends on the worker.

Exact: every change a public page shows gives the blog a new `fragments_token`
(samizdat.pages.invalidation, the rules the page store keeps to), and a fragment rendered under
an older token is rendered again. Comments closing some days after publication is the one change
nobody writes: the fragment expires then. A new release or changed settings make new keys.
The store of pages (SAMIZDAT_PAGES) may be off while this stays on; SAMIZDAT_POST_FRAGMENTS=0
turns this off too (the benchmark's "every cache off"). The tests read the same bytes both ways
(tests/posts/test_fragments.py).
"""

import functools
import hashlib
import io
import logging
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import django
from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import DatabaseError, transaction
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import set_urlconf
from django.utils import timezone

import samizdat
from samizdat.core.callstack import call_with_room
from samizdat.pages.invalidation import fragments_suspended
from samizdat.pages.serving import cookies_allow

from .models import Post, PostFragment

log = logging.getLogger(__name__)
SOURCES = (".py", ".html", ".mo", ".css", ".js", ".svg")
SETTINGS = ("SAMIZDAT_", "SITE_", "STATIC", "MEDIA", "SOCIALACCOUNT")
FIELDS = ("token", "address", "queued", "head", "header", "content", "tail", "footer", "has_form", "expires_at")

# Marks around the shared parts, and in place of the comment form's time stamp, while the
# fragments are rendered; never in a page.
MARK = "\x00samizdat-fragment\x00"
STARTED_MARK = "\x00samizdat-comment-started\x00"


@functools.cache
def _code():
    """A digest of the code, templates, catalogues and static files behind the fragments, and
    Django's version (read once per process)."""
    digest = hashlib.blake2b(django.get_version().encode(), digest_size=8)
    root = Path(samizdat.__file__).parent
    for path in sorted(p for p in root.rglob("*") if p.suffix in SOURCES):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@functools.cache
def release():
    """What outside the database the fragments depend on: this release, and the settings that
    name hosts and files or turn features on (sign-in providers, say). The WSGI application reads
    it at start-up, so no reader waits for the code's digest."""
    names = sorted(n for n in dir(settings) if n.startswith(SETTINGS))
    values = repr([(n, getattr(settings, n)) for n in names])
    return _code() + hashlib.blake2b(values.encode(), digest_size=8).hexdigest()


def applies(request):
    """True when the reader sees what any anonymous reader sees (so the fragments may be used)."""
    meta = request.META
    return (
        settings.SAMIZDAT_POST_FRAGMENTS and request.method in ("GET", "HEAD") and not meta.get("QUERY_STRING")
        and cookies_allow(meta.get("HTTP_COOKIE")) and not request.user.is_authenticated
    )


@receiver(setting_changed)
def _settings_changed(**kwargs):
    release.cache_clear()


def key_for(request):
    """The address and language the fragments are rendered for (absolute links name the host), and
    the release and settings they were rendered with."""
    key = f"{request.scheme}://{request.get_host()}|{request.LANGUAGE_CODE}|{release()}"
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


def find(blog, slug, key):
    """The stored fragment (fresh or not) for `key` of the blog's post `slug`, with the post, in
    one query; or None. No query while this transaction has changed the blog (none could be
    used, nor kept)."""
    if fragments_suspended(blog.pk):
        return None
    found = (
        PostFragment.objects.select_related("post__author", "post__featured_image")
        .filter(post__blog=blog, post__kind=Post.Kind.POST, post__slug=slug, key=key).first()
    )
    if found is not None:
        found.post.blog = blog
    return found


def fresh(fragment, post):
    """True when nothing the fragment shows changed since it was rendered."""
    return (
        fragment is not None and fragment.token == post.blog.fragments_token
        and (fragment.expires_at is None or fragment.expires_at > timezone.now())
        and not fragments_suspended(post.blog_id)
    )


def render(request, post, context, stale=None):
    """Render the post's fragments for `request` (as any anonymous reader) and keep them, in
    place of `stale` (the row found for the same address and language) when there is one.

    The page is rendered once, as it always is, with marks around the parts every anonymous
    reader shares (posts/post_detail.html) and in place of the comment form's time stamp; the
    parts are cut out at the marks. Nothing is kept if a mark is missing or doubled (a writer's
    text cannot hold one: NUL is refused everywhere).
    """
    token = post.blog.fragments_token
    info = {"mark": MARK, "started": STARTED_MARK, "expires_at": None, "form": False}
    page = render_to_string("posts/post_detail.html", {**context, "fragment": info}, request)
    parts = page.split(MARK)
    if len(parts) != 9:
        return None
    head, header, content, footer = parts[1::2]
    tail = ""
    if info["form"]:
        pieces = content.split(STARTED_MARK)
        if len(pieces) != 2:
            return None
        content, tail = pieces
    fragment = PostFragment(
        post=post, key=key_for(request), address=f"{request.scheme}://{request.get_host()}{request.path}", token=token, head=head, header=header, content=content, tail=tail,
        footer=footer, has_form=info["form"], expires_at=info["expires_at"],
    )
    if not fragments_suspended(post.blog_id):
        # Kept under the token read with the blog before rendering: a change committed meanwhile
        # gave the blog a new one, so a fragment of older rows is never used.
        try:
            with transaction.atomic():
                if stale is not None:
                    values = {f: getattr(fragment, f) for f in FIELDS}
                    PostFragment.objects.filter(pk=stale.pk).update(**values)
                else:
                    # Rows rendered before the last change (other addresses, releases) go.
                    PostFragment.objects.filter(post=post).exclude(token=token).delete()
                    fragment.save(force_insert=True)
        except DatabaseError:
            # Another reader stored it at the same moment, or writers keep SQLite busy: this
            # reader has its page all the same, and the next one tries again.
            log.info("post %s: fragments not kept", post.pk, exc_info=True)
    return fragment


def refresh(post_id):
    """Render the post's stale parts again for each address they were read at, as the next anonymous
    reader there would (through the same middleware and view); the number rendered. The worker
    calls this after a change about the post commits (tasks.render_post_fragments_task)."""
    rendered = 0
    for address in PostFragment.objects.filter(post_id=post_id).exclude(address="").values_list("address", flat=True):
        # Again if another change committed while rendering (its writer saw the rendering queued
        # and queued no other): the blog then has a newer token than the one rendered under.
        rendered_under = None
        for _attempt in range(3):
            row = PostFragment.objects.filter(post_id=post_id, address=address).select_related("post__blog").first()
            if row is None or fresh(row, row.post) or row.post.blog.fragments_token == rendered_under:
                break
            rendered_under = row.post.blog.fragments_token
            try:
                # Frames in one chunk, as a server's request's are (samizdat.config.wsgi).
                response = call_with_room(_handler().get_response, _anonymous_request(address))
            finally:
                set_urlconf(None)  # a custom domain's address leaves its URLconf set
            if response.status_code != 200:
                break
            rendered += 1
    return rendered


@functools.cache
def _handler():
    handler = BaseHandler()
    handler.load_middleware()
    return handler


def _anonymous_request(address):
    """A GET of `address` (scheme://host/path) with no cookie, as a WSGI server would pass it on."""
    parts = urlsplit(address)
    https = parts.scheme == "https"
    environ = {
        "REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_PROTOCOL": "HTTP/1.1",
        # WSGI passes the path's UTF-8 bytes as Latin-1 text.
        "PATH_INFO": unquote(parts.path).encode().decode("latin-1"),
        "HTTP_HOST": parts.netloc, "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or (443 if https else 80)), "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": parts.scheme, "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
    }
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if https and proxy:
        environ[proxy[0]] = proxy[1]
    return WSGIRequest(environ)
