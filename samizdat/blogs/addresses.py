"""Every address of a blog: its main one, the ones this instance also answers on, static mirrors.

A blog is served at its custom domain (or /@slug/ on the instance), and also at the onion
address and mirror domains its owners set, so readers keep reaching it when the main domain is
blocked or seized. Pages answered on any of them link only to the host the reader came in on
(links are relative, absolute ones are built from the request). `blog_addresses` lists them all
for the Mirrors page, the feeds and the blog's ActivityPub profile.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Blog, MirrorDomain

MAIN, ONION, DOMAIN, STATIC = "main", "onion", "domain", "static"
LABELS = {
    MAIN: _("Main address"),
    ONION: _("Onion address (Tor Browser)"),
    DOMAIN: _("Mirror domain"),
    STATIC: _("Static mirror"),
}


@dataclass(frozen=True)
class Address:
    """One place the blog can be read: what kind of place, and the URL of the blog's home there."""

    kind: str
    url: str

    @property
    def label(self):
        return LABELS[self.kind]

    @property
    def served_here(self):
        """Whether this instance answers on it (so it is live), rather than a static copy elsewhere."""
        return self.kind != STATIC


def _scheme():
    return urlsplit(settings.SITE_URL).scheme or "http"


def main_url(blog):
    """The blog's home at its main address: its own domain, or /@slug/ on the instance."""
    if blog.custom_domain:
        return f"{_scheme()}://{blog.custom_domain}/"
    return settings.SITE_URL + blog.get_absolute_url()


def onion_url(blog, path="/"):
    """`path` on the blog's onion address (onion services are reached over plain http), or None."""
    if not blog.onion_address:
        return None
    return f"http://{blog.onion_address}{path}"


def onion_location(request, blog):
    """The same page on the blog's onion address (for Onion-Location), or None on the onion itself or without one.

    On the instance's own hosts the blog lives under /@slug/; on its domains, the onion one
    included, at the root. (BlogDomainMiddleware marks requests that came in on a blog's domain.)
    """
    if blog is None or not blog.onion_address:
        return None
    if getattr(request, "blog_host", None) == blog.onion_address:
        return None
    path = request.get_full_path()
    prefix = f"/@{blog.slug}/"
    if getattr(request, "blog_host", None) is None and path.startswith(prefix):
        path = path[len(prefix) - 1:]
    return onion_url(blog, path)


def blog_addresses(blog):
    """Every address of the blog, the main one first, then those served here, then static mirrors."""
    addresses = [Address(MAIN, main_url(blog))]
    if blog.onion_address:
        addresses.append(Address(ONION, onion_url(blog)))
    addresses += [Address(DOMAIN, f"{_scheme()}://{m.domain}/") for m in blog.mirror_domains.all()]
    addresses += [Address(STATIC, m.url) for m in blog.static_mirrors.all()]
    return addresses


def alternate_urls(blog):
    """The URLs of the blog's home at every address but the main one (for feeds and profiles)."""
    return [address.url for address in blog_addresses(blog)[1:]]


def blog_for_host(host):
    """The blog answered at `host` (its custom domain, onion address or a mirror domain), or None."""
    if not host:
        return None
    return (
        Blog.objects.filter(Q(custom_domain=host) | Q(onion_address=host) | Q(mirror_domains__domain=host))
        .only("slug", "onion_address")
        .first()
    )


def hosts_in_use(exclude_blog=None):
    """Hosts some blog already answers on (other than `exclude_blog`): custom, onion and mirror."""
    blogs = Blog.objects.exclude(pk=getattr(exclude_blog, "pk", None))
    used = set(blogs.exclude(custom_domain=None).values_list("custom_domain", flat=True))
    used |= set(blogs.exclude(onion_address=None).values_list("onion_address", flat=True))
    used |= set(MirrorDomain.objects.filter(blog__in=blogs).values_list("domain", flat=True))
    return used
