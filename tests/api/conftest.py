"""A blog with one member of each role, and a way to call the API with a credential of theirs."""

import base64
import json

import pytest

from samizdat.api.models import ALL_SCOPES, Token
from samizdat.api.tokens import create_token
from samizdat.blogs.roles import Role


@pytest.fixture(autouse=True)
def _no_api_rate_limits(settings):
    # Sweeps of bad input send hundreds of writes and wrong credentials from one address in
    # seconds; the limits have their own tests (test_rate_limits.py), which set them again.
    settings.SAMIZDAT_API_WRITES_PER_MINUTE = 0
    settings.SAMIZDAT_API_AUTH_FAILURES_PER_ADDRESS = 0


@pytest.fixture
def team(make_user, make_blog, member):
    owner = make_user("owner")
    blog = make_blog("union", owner=owner, time_zone="Asia/Almaty")

    class Team:
        pass

    t = Team()
    t.blog, t.owner = blog, owner
    t.editor = member(blog, Role.EDITOR, username="editor")
    t.author = member(blog, Role.AUTHOR, username="author")
    t.contributor = member(blog, Role.CONTRIBUTOR, username="contributor")
    t.outsider = make_user("outsider")
    return t


def token_for(user, scopes=None, kind=Token.Kind.PERSONAL):
    return create_token(user, name="test", scopes=scopes or ALL_SCOPES, kind=kind)[1]


class Api:
    """The Django test client speaking JSON with a bearer token."""

    def __init__(self, client, secret=None, basic=None):
        self.client, self.headers = client, {}
        if secret:
            self.headers["Authorization"] = f"Bearer {secret}"
        if basic:
            self.headers["Authorization"] = "Basic " + base64.b64encode(":".join(basic).encode()).decode()

    def call(self, method, url, body=None, **kwargs):
        if kwargs.get("content_type", "") is None:  # multipart, as the test client makes it
            kwargs.pop("content_type")
            kwargs["data"] = body
        elif body is not None and "content_type" not in kwargs:
            kwargs["data"], kwargs["content_type"] = json.dumps(body), "application/json"
        elif body is not None:
            kwargs["data"] = body
        return getattr(self.client, method)(url, headers=self.headers, **kwargs)

    def get(self, url, **kw):
        return self.call("get", url, **kw)

    def post(self, url, body=None, **kw):
        return self.call("post", url, body, **kw)

    def patch(self, url, body=None, **kw):
        return self.call("patch", url, body, **kw)

    def put(self, url, body=None, **kw):
        return self.call("put", url, body, **kw)

    def delete(self, url, **kw):
        return self.call("delete", url, **kw)


@pytest.fixture
def api_as(client):
    def make(user, scopes=None):
        return Api(client, token_for(user, scopes))

    return make


@pytest.fixture
def immediate_tasks(django_capture_on_commit_callbacks):
    """Run queued tasks at once, in this process (Huey's immediate mode): `run(f, ...)` calls f and
    then what it queued on commit."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    yield run
    HUEY.immediate = was


@pytest.fixture
def loopback_site(settings):
    """A real HTTP server on 127.0.0.1 that the SSRF-safe client is allowed to reach."""
    from .loopback import Site

    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    site = Site()
    yield site
    site.close()


@pytest.fixture
def one_of_each(team, make_post):
    """Ids of one post, page, tag, category, file and comment of the blog "union", by their API
    collection's name, for tests that call every operation."""
    from samizdat.comments.models import Comment
    from samizdat.posts.models import Category, Media, Post, Tag

    post = make_post(team.blog, author=team.author)
    ids = {
        "posts": post.pk,
        "pages": make_post(team.blog, author=team.author, kind=Post.Kind.PAGE).pk,
        "tags": Tag.objects.create(blog=team.blog, name="Pay", slug="pay").pk,
        "categories": Category.objects.create(blog=team.blog, name="News", slug="news").pk,
        "media": Media.objects.create(
            blog=team.blog, uploaded_by=team.author, file="uploads/x.png", original_name="x.png",
            content_type="image/png",
        ).pk,
        "comments": Comment.objects.create(
            post=post, author_name="Guest", author_email="g@example.test", body="Hi", html="<p>Hi</p>"
        ).pk,
    }
    return ids
