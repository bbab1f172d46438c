"""RSS 2.0, Atom and JSON Feed 1.1 for each blog and for the whole instance."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.utils.feedgenerator import Atom1Feed

from samizdat.core.links import absolute_url
from samizdat.posts.selectors import get_blog, live_posts

FEED_LENGTH = 20


class BlogFeed(Feed):
    """RSS 2.0 feed of a blog's latest posts."""

    def get_object(self, request, blog_slug):
        self.request = request
        return get_blog(request, blog_slug)

    def title(self, blog):
        return blog.title

    def link(self, blog):
        return blog.get_absolute_url()

    def description(self, blog):
        return blog.tagline or blog.title

    def items(self, blog):
        return live_posts(blog)[:FEED_LENGTH]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return post.html

    def item_link(self, post):
        return post.get_absolute_url()

    def item_author_name(self, post):
        return post.author.name

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_categories(self, post):
        return [t.name for t in post.tags.all()] + [c.name for c in post.categories.all()]


class BlogAtomFeed(BlogFeed):
    feed_type = Atom1Feed
    subtitle = BlogFeed.description


def blog_json_feed(request, blog_slug):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) of a blog."""
    blog = get_blog(request, blog_slug)
    items = [
        {
            "id": absolute_url(post.get_absolute_url(), request),
            "url": absolute_url(post.get_absolute_url(), request),
            "title": post.title,
            "content_html": post.html,
            "summary": post.summary,
            "date_published": post.published_at.isoformat(),
            "date_modified": post.updated_at.isoformat(),
            "authors": [{"name": post.author.name}],
            "tags": [t.name for t in post.tags.all()],
        }
        for post in live_posts(blog)[:FEED_LENGTH]
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": blog.title,
        "home_page_url": absolute_url(blog.get_absolute_url(), request),
        "feed_url": request.build_absolute_uri(),
        "description": blog.tagline,
        "language": blog.language,
        "items": items,
    }
    return JsonResponse(feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})


class SiteFeed(BlogFeed):
    """RSS 2.0 feed of the latest posts of every blog on the instance."""

    def get_object(self, request):
        self.request = request
        return None

    def title(self):
        return settings.SITE_NAME

    def link(self):
        return "/"

    def description(self):
        return self.title()

    def items(self):
        return live_posts()[:FEED_LENGTH]
