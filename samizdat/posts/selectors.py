"""Read-only queries for the public site, shared with feeds and other apps."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from samizdat.blogs.models import Blog

from .models import Category, Post


def get_blog(request, blog_slug):
    """The blog named in the URL (already found by the middleware when it could be)."""
    blog = getattr(request, "blog", None)
    if blog is not None and blog.slug == blog_slug:
        return blog
    return get_object_or_404(Blog, slug=blog_slug)


def live_posts(blog=None):
    """Published posts, newest first, ready for listing without further queries."""
    qs = Post.objects.posts().live().for_listing()
    return qs.filter(blog=blog) if blog is not None else qs


def live_posts_in_category(blog, category):
    """Live posts of the category and of its sub-categories, at any depth, as on WordPress."""
    ids, frontier = {category.pk}, [category.pk]
    while frontier:
        frontier = list(
            Category.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return live_posts(blog).filter(categories__in=ids).distinct()


def blogs_with_counts():
    return Blog.objects.annotate(
        post_count=Count("posts", filter=Q(posts__kind=Post.Kind.POST, posts__status=Post.Status.PUBLISHED))
    )


def menu_pages(blog):
    """Top-level published pages, in menu order, for the blog's navigation."""
    return list(
        Post.objects.pages().live().filter(blog=blog, parent__isnull=True)
        .select_related("blog").order_by("menu_order", "title")
    )


def descendant_pks(page):
    """The page and every page below it: none of them can become its parent."""
    found, frontier = {page.pk}, [page.pk]
    while frontier:
        frontier = list(
            Post.objects.filter(parent_id__in=frontier).exclude(pk__in=found).values_list("pk", flat=True)
        )
        found.update(frontier)
    return found
