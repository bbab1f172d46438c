"""RSS 2.0, Atom and JSON Feed 1.1 of a blog, a tag, a category or the whole instance; robots.txt.

Every feed is made from a `Channel`: what it is called, where its page is and which posts it
holds. Each URL builds its channel, then renders it in the format asked for. Links and the
HTML of posts carry absolute URLs, since feed readers show them away from our pages; authors
appear by name only, never with an email address.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from samizdat.blogs.addresses import blog_addresses
from samizdat.core.html import sanitize_html, xml_text
from samizdat.core.links import absolute_url
from samizdat.pages.decorators import public_page
from samizdat.posts.models import Category, Tag
from samizdat.posts.selectors import get_blog, live_posts, live_posts_in_category

FEED_LENGTH = 20


@dataclass
class Channel:
    """What one feed shows: its title, the page it stands for, and its posts (newest first)."""

    title: str
    link: str
    description: str
    language: str
    posts: QuerySet
    # The blog's other addresses (blogs.addresses.Address), announced so that a reader whose
    # copy of the feed came from one address learns the others before that one is blocked.
    addresses: list = field(default_factory=list)

    def items(self):
        return self.posts[:FEED_LENGTH]


def _other_addresses(request, blog):
    """The blog's addresses but the one this request came in on."""
    here = request.get_host()
    return [a for a in blog_addresses(blog) if urlsplit(a.url).netloc != here or a.kind == "static"]


def blog_channel(request, blog_slug):
    blog = get_blog(request, blog_slug)
    return Channel(
        blog.title, blog.get_absolute_url(), blog.tagline or blog.title, blog.language, live_posts(blog),
        _other_addresses(request, blog),
    )


def tag_channel(request, blog_slug, slug):
    blog = get_blog(request, blog_slug)
    tag = get_object_or_404(Tag, blog=blog, slug=slug)
    title = f"{_('Tag: %s') % tag.name} · {blog.title}"
    return Channel(
        title, tag.get_absolute_url(), title, blog.language, live_posts(blog).filter(tags=tag),
        _other_addresses(request, blog),
    )


def category_channel(request, blog_slug, slug):
    blog = get_blog(request, blog_slug)
    category = get_object_or_404(Category, blog=blog, slug=slug)
    title = f"{_('Category: %s') % category.name} · {blog.title}"
    return Channel(
        title, category.get_absolute_url(), category.description or title, blog.language,
        live_posts_in_category(blog, category), _other_addresses(request, blog),
    )


def site_channel(request):
    return Channel(
        settings.SITE_NAME, reverse("posts:front"), settings.SITE_NAME, settings.LANGUAGE_CODE, live_posts()
    )


def _content_html(post, request):
    """The post's HTML with its links and images made absolute."""
    return xml_text(sanitize_html(post.html, base_url=absolute_url(post.get_absolute_url(), request)))


def _add_address_links(handler, feed, tag):
    """<link rel="related"> to the blog's home at each of its other addresses (RFC 4287 4.2.7.2)."""
    for address in feed.get("addresses", ()):
        handler.addQuickElement(
            tag, None, {"rel": "related", "type": "text/html", "href": address.url, "title": str(address.label)}
        )


class Rss201rev2FeedWithAddresses(Rss201rev2Feed):
    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        _add_address_links(handler, self.feed, "atom:link")


class RssFeed(Feed):
    """One channel as RSS 2.0; made afresh for each request, so it may keep the request."""

    feed_type = Rss201rev2FeedWithAddresses

    def __init__(self, channel, request):
        super().__init__()
        self.channel, self.request = channel, request
        self.language = channel.language  # Django reads this one as a plain attribute

    def get_object(self, request, *args, **kwargs):
        return self.channel

    def title(self, channel):
        return xml_text(channel.title)

    def link(self, channel):
        return channel.link

    def description(self, channel):
        return xml_text(channel.description)

    def items(self, channel):
        return channel.items()

    def feed_extra_kwargs(self, channel):
        return {"addresses": channel.addresses}

    def item_title(self, post):
        return xml_text(post.title)

    def item_description(self, post):
        return _content_html(post, self.request)

    def item_link(self, post):
        return post.get_absolute_url()

    def item_author_name(self, post):
        return xml_text(post.author.name)

    # No item_author_email, on purpose: feeds never publish writers' addresses.

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_categories(self, post):
        return [xml_text(t.name) for t in post.tags.all()] + [xml_text(c.name) for c in post.categories.all()]

    def item_enclosures(self, post):
        image = post.featured_image
        if image is None:
            return []
        return [Enclosure(absolute_url(image.file.url, self.request), str(image.size), image.content_type)]


class Atom1FeedWithContent(Atom1Feed):
    """Django's Atom writer puts an item's description in <summary>; this adds the whole
    post as <content type="html"> (RFC 4287 section 4.1.3), which readers show in full."""

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        _add_address_links(handler, self.feed, "link")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class AtomFeed(RssFeed):
    """One channel as Atom 1.0 (RFC 4287): a plain-text summary and the full content of each post."""

    feed_type = Atom1FeedWithContent

    def subtitle(self, channel):
        return xml_text(channel.description)

    def item_description(self, post):
        # Django marks <summary> as type="html", so the plain-text summary is escaped into HTML.
        return escape(xml_text(post.summary))

    def item_extra_kwargs(self, post):
        return {"content_html": _content_html(post, self.request)}


def json_feed(request, channel):
    """One channel as JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    items = []
    for post in channel.items():
        url = absolute_url(post.get_absolute_url(), request)
        item = {
            "id": url,
            "url": url,
            "title": post.title,
            "content_html": _content_html(post, request),
            "summary": post.summary,
            "date_published": post.published_at.isoformat(),
            "date_modified": post.updated_at.isoformat(),
            "authors": [{"name": post.author.name}],
            "tags": [t.name for t in post.tags.all()] + [c.name for c in post.categories.all()],
            "language": post.blog.language,
        }
        if post.featured_image is not None:
            item["image"] = absolute_url(post.featured_image.file.url, request)
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": channel.title,
        "home_page_url": absolute_url(channel.link, request),
        "feed_url": absolute_url(request.path, request),
        "description": channel.description,
        "language": channel.language,
        "items": items,
    }
    if channel.addresses:
        # JSON Feed 1.1 has no field for this; keys starting with "_" are its extensions.
        feed["_samizdat"] = {"addresses": [{"url": a.url, "kind": a.kind} for a in channel.addresses]}
    return JsonResponse(feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})


def _formats(make_channel):
    """The RSS, Atom and JSON views of one kind of channel."""

    @public_page
    def rss(request, **kwargs):
        return RssFeed(make_channel(request, **kwargs), request)(request)

    @public_page
    def atom(request, **kwargs):
        return AtomFeed(make_channel(request, **kwargs), request)(request)

    @public_page
    def json(request, **kwargs):
        return json_feed(request, make_channel(request, **kwargs))

    return rss, atom, json


site_rss, site_atom, site_json = _formats(site_channel)
blog_rss, blog_atom, blog_json = _formats(blog_channel)
tag_rss, tag_atom, tag_json = _formats(tag_channel)
category_rss, category_atom, category_json = _formats(category_channel)


def robots_txt(request):
    """Crawlers may read everything public; the writers' screens and sign-in are off limits."""
    lines = [
        "User-agent: *",
        "Disallow: /dashboard/",
        "Disallow: /accounts/",
        "Disallow: /admin/",
        "Allow: /",
        "",
        f"Sitemap: {absolute_url(reverse('feeds:sitemap'), request)}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
