"""A blog with one member of each role, another blog, and what they work on."""

import types

import pytest

from samizdat.blogs.roles import Role
from samizdat.blogs.services import invite
from samizdat.posts.models import Category, Media, Post, Tag


@pytest.fixture
def world(make_user, make_blog, member, make_post):
    owner = make_user()
    blog = make_blog(owner=owner, time_zone="Asia/Almaty")
    other_owner = make_user()
    w = types.SimpleNamespace(
        blog=blog,
        owner=owner,
        contributor=member(blog, Role.CONTRIBUTOR),
        author=member(blog, Role.AUTHOR),
        editor=member(blog, Role.EDITOR),
        outsider=make_user(),
        other_owner=other_owner,
        other_blog=make_blog(owner=other_owner),
        admin=make_user(is_superuser=True),
        anonymous=None,
    )
    w.post = make_post(blog, author=w.author, title="Author's post")
    w.page = make_post(blog, author=w.editor, title="About", kind=Post.Kind.PAGE)
    w.tag = Tag.objects.create(blog=blog, name="Strike", slug="strike")
    w.category = Category.objects.create(blog=blog, name="News", slug="news")
    w.media = Media.objects.create(
        blog=blog, uploaded_by=w.author, file="uploads/x.png", original_name="x.png", content_type="image/png"
    )
    w.invitation = invite(blog, "new@example.test", Role.AUTHOR, owner)
    return w


@pytest.fixture
def login(client):
    """Sign the test client in as `user` (or stay anonymous for None) and return it."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
