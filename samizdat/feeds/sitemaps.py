"""sitemap.xml: the front page, every blog's home, and every live post and page."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from samizdat.blogs.models import Blog
from samizdat.posts.models import Post

# Well under the protocol's 50,000, so one section page stays quick to build.
PAGE_SIZE = 10_000


class FrontSitemap(Sitemap):
    def items(self):
        return ["posts:front"]

    def location(self, name):
        return reverse(name)


class BlogSitemap(Sitemap):
    """Blog home pages, last modified when their newest live post changed."""

    limit = PAGE_SIZE

    def items(self):
        live = Q(posts__status=Post.Status.PUBLISHED, posts__published_at__lte=timezone.now())
        return Blog.objects.annotate(last_change=Max("posts__updated_at", filter=live)).order_by("pk")

    def lastmod(self, blog):
        return blog.last_change

    def get_latest_lastmod(self):
        return _latest(Post.objects.live())


class _LivePostSitemap(Sitemap):
    limit = PAGE_SIZE

    def queryset(self):
        raise NotImplementedError

    def items(self):
        # Just what the URL needs: the slug, the date in the blog's time zone, the blog's slug.
        return (
            self.queryset().select_related("blog")
            .only("kind", "slug", "published_at", "created_at", "updated_at", "blog__slug", "blog__time_zone")
            .order_by("pk")
        )

    def lastmod(self, post):
        return post.updated_at

    def get_latest_lastmod(self):
        return _latest(self.queryset())


class PostSitemap(_LivePostSitemap):
    def queryset(self):
        return Post.objects.posts().live()


class PageSitemap(_LivePostSitemap):
    def queryset(self):
        return Post.objects.pages().live()


def _latest(posts):
    return posts.aggregate(latest=Max("updated_at"))["latest"]


SITEMAPS = {"site": FrontSitemap, "blogs": BlogSitemap, "posts": PostSitemap, "pages": PageSitemap}
