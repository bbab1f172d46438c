"""A small blog with one of everything a page can show, made by people with distinctive emails."""

import io
import os
import types

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from samizdat.accounts.services import create_user
from samizdat.blogs.roles import Role
from samizdat.blogs.services import set_role
from samizdat.comments.models import Comment, CommentSettings, Policy
from samizdat.posts.media import store_upload
from samizdat.posts.models import Category, Post
from samizdat.social.services import follow_blog, like_post

# Every address below contains this marker, so a leak shows wherever it lands.
MARKER = "leakcheck"


def png(width=40, height=20):
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 200)).save(out, format="PNG")
    return out.getvalue()


PASSWORD = "a long security passphrase 9"


def person(username, **kwargs):
    return create_user(username, PASSWORD, email=f"{username}.{MARKER}@mail.example", **kwargs)


@pytest.fixture
def blog_site(db, make_blog, make_post):
    """A blog with a post, a page, a tag, a category, comments, likes, a follower and a picture."""
    owner = person("olga", display_name="Olga")
    blog = make_blog("harbour", title="Harbour", owner=owner)
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    author = person("boris")
    set_role(blog, author, Role.AUTHOR)
    reader = person("rita", display_name="Rita")
    category = Category.objects.create(blog=blog, name="News", slug="news")
    media = store_upload(blog, owner, SimpleUploadedFile("p.png", png(), "image/png"), alt="A blue square")
    post = make_post(
        blog, author=author, title="Cranes", tags=["port"],
        source=f"The cranes moved.\n\n![A blue square]({media.file.url})",
    )
    post.categories.set([category])
    page = make_post(blog, author=owner, title="About", kind=Post.Kind.PAGE, source="We are the harbour.")
    guest = Comment.objects.create(
        post=post, author_name="Guest", author_email=f"guest.{MARKER}@commenter.example",
        author_url="https://guest.example", body="Hello", html="<p>Hello</p>", status=Comment.Status.APPROVED,
        ip="203.0.113.7",
    )
    Comment.objects.create(
        post=post, parent=guest, depth=2, user=reader, author_name=reader.name, author_email=reader.email,
        body="Welcome", html="<p>Welcome</p>", status=Comment.Status.APPROVED, ip="203.0.113.8",
    )
    like_post(reader, post)
    follow_blog(reader, blog)
    return types.SimpleNamespace(
        owner=owner, author=author, reader=reader, blog=blog, post=post, page=page, category=category,
        media=media, guest=guest,
    )


def public_paths(s):
    """(name, path) of every kind of public page and feed, and the status it should answer."""
    blog, post = s.blog, s.post
    day = post.local_date()
    return [
        ("front", "/", 200),
        ("blog home", f"/@{blog.slug}/", 200),
        ("post", post.get_absolute_url(), 200),
        ("page", s.page.get_absolute_url(), 200),
        ("tag", f"/@{blog.slug}/tag/port/", 200),
        ("category", s.category.get_absolute_url(), 200),
        ("author", f"/@{blog.slug}/author/{s.author.username}/", 200),
        ("year archive", f"/@{blog.slug}/{day.year}/", 200),
        ("month archive", f"/@{blog.slug}/{day.year}/{day.month:02d}/", 200),
        ("search", f"/@{blog.slug}/search/?q=cranes", 200),
        ("mirrors", f"/@{blog.slug}/mirrors/", 200),
        ("profile", f"/~{s.reader.username}/", 200),
        ("login", "/accounts/login/", 200),
        ("404", f"/@{blog.slug}/no-such-thing/", 404),
        ("site rss", "/feed/", 200),
        ("site atom", "/feed/atom/", 200),
        ("site json", "/feed.json", 200),
        ("blog rss", f"/@{blog.slug}/feed/", 200),
        ("blog atom", f"/@{blog.slug}/feed/atom/", 200),
        ("blog json", f"/@{blog.slug}/feed.json", 200),
        ("tag rss", f"/@{blog.slug}/tag/port/feed/", 200),
        ("category json", f"/@{blog.slug}/category/news/feed.json", 200),
        ("sitemap", "/sitemap.xml", 200),
        ("sitemap section", "/sitemap-posts.xml", 200),
        ("robots", "/robots.txt", 200),
        ("media file", s.media.file.url, 200),
    ]


def dashboard_paths(s):
    """(name, path) of the owner's dashboard screens."""
    slug = s.blog.slug
    return [
        ("dashboard home", "/dashboard/", 200),
        ("post list", f"/dashboard/{slug}/posts/", 200),
        ("editor", f"/dashboard/{slug}/posts/{s.post.pk}/", 200),
        ("new post", f"/dashboard/{slug}/posts/new/", 200),
        ("revisions", f"/dashboard/{slug}/posts/{s.post.pk}/revisions/", 200),
        ("pages", f"/dashboard/{slug}/pages/", 200),
        ("tags", f"/dashboard/{slug}/tags/", 200),
        ("categories", f"/dashboard/{slug}/categories/", 200),
        ("media", f"/dashboard/{slug}/media/", 200),
        ("media edit", f"/dashboard/{slug}/media/{s.media.pk}/", 200),
        ("settings", f"/dashboard/{slug}/settings/", 200),
        ("members", f"/dashboard/{slug}/members/", 200),
        ("comments queue", f"/dashboard/{slug}/comments/", 200),
        ("comment edit", f"/dashboard/{slug}/comments/{s.guest.pk}/", 200),
        ("comment settings", f"/dashboard/{slug}/comments/settings/", 200),
        ("reader", "/dashboard/reader/", 200),
        ("profile", "/dashboard/profile/", 200),
    ]


# The bounded Hypothesis profiles live beside the strategies; HYPOTHESIS_PROFILE=fuzz runs longer.
from hypothesis import settings as hypothesis_settings  # noqa: E402

from . import fuzz  # noqa: E402,F401  (registers the profiles)

hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
