"""Factories shared by every test: plain functions that make real rows."""

import itertools

import pytest
from django.test import override_settings
from django.utils import timezone

from samizdat.accounts.services import create_user
from samizdat.blogs.roles import Role
from samizdat.blogs.services import create_blog, set_role
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post, save_post, terms_from_names
from tests.instances import drop_templates

_counter = itertools.count(1)
PASSWORD = "a long test passphrase 42"


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords():
    # Argon2 is slow on purpose (about a quarter of a second a hash) and the suite makes thousands
    # of users. The product's hashers have their own test (tests/accounts/test_passwords.py).
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _pages_in_tmp(settings, tmp_path):
    # Every test starts with an empty page store: stored pages are answered from the second
    # anonymous read on, so a change that does not reach them shows as a stale page in any test.
    settings.SAMIZDAT_PAGES_DIR = tmp_path / "pages"


@pytest.fixture(autouse=True)
def _test_client_host(settings):
    # Django's test client calls itself "testserver"; the instance answers only its own hosts.
    settings.SAMIZDAT_HOSTS = [*settings.SAMIZDAT_HOSTS, "testserver"]


@pytest.fixture
def make_user(db):
    def make(username=None, **kwargs):
        username = username or f"user{next(_counter)}"
        return create_user(username, kwargs.pop("password", PASSWORD), email=f"{username}@example.test", **kwargs)

    return make


@pytest.fixture
def make_blog(db, make_user):
    def make(slug=None, *, owner=None, **kwargs):
        slug = slug or f"blog{next(_counter)}"
        return create_blog(slug, kwargs.pop("title", slug.title()), owner=owner or make_user(), **kwargs)

    return make


@pytest.fixture
def member(make_user):
    """A new user with `role` on `blog`."""

    def make(blog, role=Role.AUTHOR, **kwargs):
        user = make_user(**kwargs)
        set_role(blog, user, role)
        return user

    return make


@pytest.fixture
def make_post(db, make_blog):
    def make(blog=None, *, author=None, status=Post.Status.PUBLISHED, when=None, tags=None, **kwargs):
        blog = blog or make_blog()
        author = author or blog.memberships.first().user
        kwargs.setdefault("title", f"Post {next(_counter)}")
        kwargs.setdefault("source", "Some *text*.")
        post = Post(blog=blog, author=author, **kwargs)
        if status == Post.Status.PUBLISHED:
            post = publish_post(post, editor=author, when=when or timezone.now())
        else:
            post.status = status
            if when:
                post.published_at = when
            post = save_post(post, editor=author)
        if tags:
            post.tags.set(terms_from_names(blog, tags))
        return post

    return make


@pytest.fixture(scope="session", autouse=True)
def _drop_migrated_templates():
    yield
    drop_templates()
