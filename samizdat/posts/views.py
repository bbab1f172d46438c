"""The public site: thin views over the selectors."""

import datetime
import functools

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samizdat.blogs.roles import Cap
from samizdat.blogs.services import membership_for
from samizdat.pages.decorators import public_page

from . import fragments
from . import search as search_index
from .models import Category, Post, Tag
from .selectors import blogs_with_counts, get_blog, live_posts, live_posts_in_category, menu_pages


def _page(request, queryset, per_page):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def _blog_context(blog, **extra):
    # Read when the header is rendered: a post page's header may come as a fragment.
    return {"blog": blog, "menu_pages": functools.partial(menu_pages, blog), **extra}


def front(request):
    return render(
        request,
        "posts/front.html",
        {"page_obj": _page(request, live_posts(), 20), "blogs": blogs_with_counts()},
    )


@public_page
def blog_home(request, blog_slug):
    blog = get_blog(request, blog_slug)
    page_obj = _page(request, live_posts(blog), blog.posts_per_page)
    return render(request, "posts/blog_home.html", _blog_context(blog, page_obj=page_obj))


def _listing_feeds(kind, blog_slug, slug):
    """The RSS, Atom and JSON feeds of a tag or category listing, for autodiscovery links."""
    args = (blog_slug, slug)
    return {
        "rss": reverse(f"feeds:{kind}_rss", args=args),
        "atom": reverse(f"feeds:{kind}_atom", args=args),
        "json": reverse(f"feeds:{kind}_json", args=args),
    }


def _listing(request, blog, queryset, heading, feeds=None):
    page_obj = _page(request, queryset, blog.posts_per_page)
    return render(
        request,
        "posts/listing.html",
        _blog_context(
            blog, page_obj=page_obj, heading=heading,
            listing_feed_url=feeds["rss"] if feeds else None, listing_feeds=feeds,
        ),
    )


@public_page
def tag(request, blog_slug, slug):
    blog = get_blog(request, blog_slug)
    tag = get_object_or_404(Tag, blog=blog, slug=slug)
    feeds = _listing_feeds("tag", blog.slug, tag.slug)
    return _listing(request, blog, live_posts(blog).filter(tags=tag), _("Tag: %s") % tag.name, feeds)


@public_page
def category(request, blog_slug, slug):
    blog = get_blog(request, blog_slug)
    category = get_object_or_404(Category, blog=blog, slug=slug)
    posts = live_posts_in_category(blog, category)
    feeds = _listing_feeds("category", blog.slug, category.slug)
    return _listing(request, blog, posts, _("Category: %s") % category.name, feeds)


@public_page
def author(request, blog_slug, username):
    blog = get_blog(request, blog_slug)
    user = get_object_or_404(get_user_model().objects.filter(posts__blog=blog).distinct(), username=username)
    return _listing(request, blog, live_posts(blog).filter(author=user), _("Author: %s") % user.name)


@public_page
def archive(request, blog_slug, year, month=None):
    blog = get_blog(request, blog_slug)
    try:
        start = datetime.datetime(year, month or 1, 1, tzinfo=blog.tzinfo)
    except ValueError:
        raise Http404
    if month:
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        heading = _("Archive: %s") % date_format(start, "YEAR_MONTH_FORMAT")
    else:
        end = start.replace(year=year + 1)
        heading = _("Archive: %s") % year
    posts = live_posts(blog).filter(published_at__gte=start, published_at__lt=end)
    return _listing(request, blog, posts, heading)


def _visible_or_404(request, post):
    """Live posts for everyone; drafts, private and scheduled ones for members who may edit them."""
    if post.is_live:
        return False
    membership = membership_for(request.user, post.blog)
    if membership is not None and (
        post.author_id == request.user.pk or membership.can(Cap.EDIT_OTHERS_POSTS)
    ):
        return True
    raise Http404


def _private_if_preview(response, preview):
    """A preview is for its writers only: never stored, nor kept by any cache on the way."""
    if preview:
        patch_cache_control(response, private=True, no_store=True)
    return response


@public_page
def post(request, blog_slug, year, month, day, slug):
    blog = get_blog(request, blog_slug)
    # What every anonymous reader sees comes rendered once per change (samizdat.posts.fragments),
    # read with the post in one query.
    shared = fragments.applies(request)
    found = fragments.find(blog, slug, fragments.key_for(request)) if shared else None
    if found is not None:
        post = found.post
    else:
        post = get_object_or_404(
            Post.objects.posts().select_related("author", "featured_image", "blog"), blog=blog, slug=slug
        )
    preview = _visible_or_404(request, post)
    try:
        day = datetime.date(year, month, day)
    except ValueError:  # the address has the pattern's digits, but no calendar has that day
        raise Http404
    if post.local_date() != day:
        raise Http404
    context = _blog_context(blog, post=post, preview=preview)
    if shared and not preview:
        if fragments.fresh(found, post):
            context["fragment"] = found
        else:
            context["fragment"] = fragments.render(request, post, _with_terms(context, post), stale=found)
    else:
        _with_terms(context, post)
    response = render(request, "posts/post_detail.html", context)
    return _private_if_preview(response, preview)


def _with_terms(context, post):
    context["tags"] = list(post.tags.select_related("blog"))
    context["categories"] = list(post.categories.select_related("blog"))
    return context


@public_page
def page(request, blog_slug, slug):
    blog = get_blog(request, blog_slug)
    page = get_object_or_404(Post.objects.pages().select_related("author", "blog"), blog=blog, slug=slug)
    preview = _visible_or_404(request, page)
    response = render(request, "posts/page_detail.html", _blog_context(blog, post=page, preview=preview))
    return _private_if_preview(response, preview)


def search(request, blog_slug):
    blog = get_blog(request, blog_slug)
    query = request.GET.get("q", "").strip()[:200]
    results = search_index.search_posts(blog, query) if query else []
    page_obj = _page(request, results, blog.posts_per_page)
    return render(request, "posts/search.html", _blog_context(blog, query=query, page_obj=page_obj))
