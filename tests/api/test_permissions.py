"""Every API URL and method against every kind of caller, each with a full-scope credential of theirs.

The matrix must name every operation of /api/v1/ and every URL of the WordPress API, Micropub
and Webmention, so a new endpoint cannot ship without saying who may use it. (The dashboard's
token pages are in tests/dashboard/test_permissions.py.) Allowed: a 2xx answer. Denied: 401
without a credential, 403 or 404 with one; never a 2xx, never a 5xx.
"""

import io
import json

import pytest
from django.db import transaction
from django.urls import get_resolver
from PIL import Image

from samizdat.api.models import ALL_SCOPES
from samizdat.api.tokens import create_token
from samizdat.api.v1.api import api
from tests.dashboard.conftest import world  # noqa: F401  (the fixture)
from tests.dashboard.test_permissions import (
    AUTHORS, EDITORS, MEMBERS, OWNERS, ROLES, SIGNED_IN, comment,
)

EVERYONE = set(ROLES)


def png():
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="PNG")
    out.seek(0)
    out.name = "red.png"
    return out


def post(w):
    return f"/api/v1/blogs/{w.blog.slug}/posts/{w.post.pk}"


def item(kind, attribute):
    return lambda w: f"/api/v1/blogs/{w.blog.slug}/{kind}/{getattr(w, attribute).pk}"


def collection(kind):
    return lambda w: f"/api/v1/blogs/{w.blog.slug}/{kind}"


def wp(path, attribute=None):
    return lambda w: f"/@{w.blog.slug}/wp-json/wp/v2/{path}" + (f"/{getattr(w, attribute).pk}" if attribute else "")


def other_post(w):
    """A published post of the other owner's blog, made on first use."""
    from samizdat.posts.models import Post
    from samizdat.posts.services import publish_post

    if not hasattr(w, "other_post"):
        w.other_post = publish_post(Post(blog=w.other_blog, author=w.other_owner, title="Elsewhere", source="Hi."),
                                    editor=w.other_owner)
    return w.other_post


def comment_url(prefix, suffix=""):
    return lambda w: f"{prefix(w)}/{comment(w)['pk']}{suffix}"


v1_comments = collection("comments")
wp_comments = wp("comments")

# (method, path) of each /api/v1/ operation as django-ninja names it, or (URL name, method) for
# the Django-routed APIs → (URL for the world, JSON body or form data, who is allowed).
# The post is the author's own, published; the page the editor's; the file uploaded by the author.
V1 = {
    ("GET", "/me"): (lambda w: "/api/v1/me", None, SIGNED_IN),
    ("GET", "/blogs"): (lambda w: "/api/v1/blogs", None, SIGNED_IN),
    ("POST", "/blogs"): (lambda w: "/api/v1/blogs", {"slug": "fresh", "title": "Fresh"}, SIGNED_IN),
    ("GET", "/blogs/{blog_slug}"): (lambda w: f"/api/v1/blogs/{w.blog.slug}", None, MEMBERS),
    ("PATCH", "/blogs/{blog_slug}"): (lambda w: f"/api/v1/blogs/{w.blog.slug}", {"tagline": "New"}, OWNERS),
    ("POST", "/blogs/{blog_slug}/posts/{pk}/comments"): (lambda w: post(w) + "/comments", {"body": "Solidarity"},
                                                          SIGNED_IN),
    ("GET", "/blogs/{blog_slug}/posts/{pk}/reblogs"): (lambda w: post(w) + "/reblogs", None, SIGNED_IN),
    ("GET", "/blogs/{blog_slug}/reblogs"): (collection("reblogs"), None, MEMBERS),
    # A draft reblog of another blog's post.
    ("POST", "/blogs/{blog_slug}/reblogs"): (collection("reblogs"), lambda w: {"post": other_post(w).pk}, MEMBERS),
    ("GET", "/blogs/{blog_slug}/posts/{pk}/likes"): (lambda w: post(w) + "/likes", None, SIGNED_IN),
    ("PUT", "/blogs/{blog_slug}/posts/{pk}/like"): (lambda w: post(w) + "/like", None, SIGNED_IN),
    ("DELETE", "/blogs/{blog_slug}/posts/{pk}/like"): (lambda w: post(w) + "/like", None, SIGNED_IN),
    ("GET", "/subscriptions"): (lambda w: "/api/v1/subscriptions", None, SIGNED_IN),
    ("PUT", "/blogs/{blog_slug}/subscription"): (lambda w: f"/api/v1/blogs/{w.blog.slug}/subscription", None, SIGNED_IN),
    ("DELETE", "/blogs/{blog_slug}/subscription"): (
        lambda w: f"/api/v1/blogs/{w.blog.slug}/subscription", None, SIGNED_IN),
    ("GET", "/blogs/{blog_slug}/posts"): (collection("posts"), None, MEMBERS),
    ("POST", "/blogs/{blog_slug}/posts"): (collection("posts"), {"title": "New"}, MEMBERS),
    ("GET", "/blogs/{blog_slug}/posts/{pk}"): (post, None, AUTHORS),
    ("PATCH", "/blogs/{blog_slug}/posts/{pk}"): (post, {"title": "Changed"}, AUTHORS),
    ("DELETE", "/blogs/{blog_slug}/posts/{pk}"): (post, None, AUTHORS),
    ("GET", "/blogs/{blog_slug}/pages"): (collection("pages"), None, EDITORS),
    ("POST", "/blogs/{blog_slug}/pages"): (collection("pages"), {"title": "New"}, EDITORS),
    ("GET", "/blogs/{blog_slug}/pages/{pk}"): (item("pages", "page"), None, EDITORS),
    ("PATCH", "/blogs/{blog_slug}/pages/{pk}"): (item("pages", "page"), {"title": "Changed"}, EDITORS),
    ("DELETE", "/blogs/{blog_slug}/pages/{pk}"): (item("pages", "page"), None, EDITORS),
    ("GET", "/blogs/{blog_slug}/tags"): (collection("tags"), None, EDITORS),
    ("POST", "/blogs/{blog_slug}/tags"): (collection("tags"), {"name": "Fresh"}, EDITORS),
    ("GET", "/blogs/{blog_slug}/tags/{pk}"): (item("tags", "tag"), None, EDITORS),
    ("PATCH", "/blogs/{blog_slug}/tags/{pk}"): (item("tags", "tag"), {"name": "Renamed"}, EDITORS),
    ("DELETE", "/blogs/{blog_slug}/tags/{pk}"): (item("tags", "tag"), None, EDITORS),
    ("GET", "/blogs/{blog_slug}/categories"): (collection("categories"), None, EDITORS),
    ("POST", "/blogs/{blog_slug}/categories"): (collection("categories"), {"name": "Fresh"}, EDITORS),
    ("GET", "/blogs/{blog_slug}/categories/{pk}"): (item("categories", "category"), None, EDITORS),
    ("PATCH", "/blogs/{blog_slug}/categories/{pk}"): (item("categories", "category"), {"name": "Renamed"}, EDITORS),
    ("DELETE", "/blogs/{blog_slug}/categories/{pk}"): (item("categories", "category"), None, EDITORS),
    ("GET", "/blogs/{blog_slug}/media"): (collection("media"), None, AUTHORS),
    ("POST", "/blogs/{blog_slug}/media"): (collection("media"), lambda w: {"file": png()}, AUTHORS),
    ("GET", "/blogs/{blog_slug}/media/{pk}"): (item("media", "media"), None, AUTHORS),
    ("PATCH", "/blogs/{blog_slug}/media/{pk}"): (item("media", "media"), {"alt": "Red"}, AUTHORS),
    ("DELETE", "/blogs/{blog_slug}/media/{pk}"): (item("media", "media"), None, AUTHORS),
    ("GET", "/blogs/{blog_slug}/comments"): (v1_comments, None, EDITORS),
    ("GET", "/blogs/{blog_slug}/comments/{pk}"): (comment_url(v1_comments), None, EDITORS),
    ("PATCH", "/blogs/{blog_slug}/comments/{pk}"): (comment_url(v1_comments), {"body": "Edited"}, EDITORS),
    ("DELETE", "/blogs/{blog_slug}/comments/{pk}"): (comment_url(v1_comments), None, EDITORS),
    ("POST", "/blogs/{blog_slug}/comments/{pk}/moderate"): (
        comment_url(v1_comments, "/moderate"), {"action": "approve"}, EDITORS),
    ("POST", "/blogs/{blog_slug}/comments/{pk}/replies"): (
        comment_url(v1_comments, "/replies"), {"body": "Thanks"}, EDITORS),
}
# Published posts, pages and terms are readable by anyone, as on the blog itself; the media
# library, held comments and drafts are not. Through /api/v1/ only the blog's team reads, with
# the dashboard's rules (a contributor sees neither terms nor others' published posts).
OTHERS = {
    ("wordpress:index", "GET"): (lambda w: f"/@{w.blog.slug}/wp-json/", None, EVERYONE),
    ("wordpress:posts", "GET"): (wp("posts"), None, EVERYONE),
    ("wordpress:posts", "POST"): (wp("posts"), {"title": "New"}, MEMBERS),
    ("wordpress:post", "GET"): (wp("posts", "post"), None, EVERYONE),
    ("wordpress:post", "POST"): (wp("posts", "post"), {"title": "Changed"}, AUTHORS),
    ("wordpress:post", "DELETE"): (wp("posts", "post"), None, AUTHORS),
    ("wordpress:pages", "GET"): (wp("pages"), None, EVERYONE),
    ("wordpress:pages", "POST"): (wp("pages"), {"title": "New"}, EDITORS),
    ("wordpress:page", "GET"): (wp("pages", "page"), None, EVERYONE),
    ("wordpress:page", "POST"): (wp("pages", "page"), {"title": "Changed"}, EDITORS),
    ("wordpress:page", "DELETE"): (wp("pages", "page"), None, EDITORS),
    ("wordpress:media", "GET"): (wp("media"), None, AUTHORS),
    ("wordpress:media", "POST"): (wp("media"), lambda w: {"file": png()}, AUTHORS),
    ("wordpress:media_item", "GET"): (wp("media", "media"), None, AUTHORS),
    ("wordpress:media_item", "POST"): (wp("media", "media"), {"alt_text": "Red"}, AUTHORS),
    ("wordpress:media_item", "DELETE"): (wp("media", "media"), None, AUTHORS),
    ("wordpress:tags", "GET"): (wp("tags"), None, EVERYONE),
    ("wordpress:tags", "POST"): (wp("tags"), {"name": "Fresh"}, EDITORS),
    ("wordpress:tag", "GET"): (wp("tags", "tag"), None, EVERYONE),
    ("wordpress:tag", "POST"): (wp("tags", "tag"), {"name": "Renamed"}, EDITORS),
    ("wordpress:tag", "DELETE"): (wp("tags", "tag"), None, EDITORS),
    ("wordpress:categories", "GET"): (wp("categories"), None, EVERYONE),
    ("wordpress:categories", "POST"): (wp("categories"), {"name": "Fresh"}, EDITORS),
    ("wordpress:category", "GET"): (wp("categories", "category"), None, EVERYONE),
    ("wordpress:category", "POST"): (wp("categories", "category"), {"name": "Renamed"}, EDITORS),
    ("wordpress:category", "DELETE"): (wp("categories", "category"), None, EDITORS),
    ("wordpress:comments", "GET"): (wp_comments, None, EVERYONE),
    ("wordpress:comment", "GET"): (comment_url(wp_comments), None, EDITORS),  # held: not public
    ("wordpress:comment", "POST"): (comment_url(wp_comments), {"content": "Edited"}, EDITORS),
    ("wordpress:comment", "DELETE"): (comment_url(wp_comments), None, EDITORS),
    ("wordpress:comments", "POST"): (wp_comments, lambda w: {"post": w.post.pk, "content": "Solidarity"}, SIGNED_IN),
    ("wordpress:user", "GET"): (lambda w: f"/@{w.blog.slug}/wp-json/wp/v2/users/{w.author.pk}", None, EVERYONE),
    ("wordpress:users_me", "GET"): (lambda w: f"/@{w.blog.slug}/wp-json/wp/v2/users/me", None, SIGNED_IN),
    ("micropub:endpoint", "GET"): (lambda w: f"/@{w.blog.slug}/micropub?q=config", None, SIGNED_IN),
    ("micropub:endpoint", "POST"): (lambda w: f"/@{w.blog.slug}/micropub",
                                    {"type": ["h-entry"], "properties": {"content": ["Hello"],
                                                                         "post-status": ["draft"]}}, MEMBERS),
    ("micropub:media", "POST"): (lambda w: f"/@{w.blog.slug}/micropub/media", lambda w: {"file": png()}, AUTHORS),
    # Anyone may tell a blog it was mentioned; the source is checked later by the worker.
    ("webmention:endpoint", "POST"): (
        lambda w: f"/@{w.blog.slug}/webmention",
        lambda w: {"source": "https://elsewhere.example/reply", "target": "http://testserver" + w.post.get_absolute_url()},
        EVERYONE),
}
MATRIX = {**{("v1", *key): value for key, value in V1.items()}, **{("django", *key): value for key, value in OTHERS.items()}}


def v1_operations():
    found = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                found |= {(method, prefix + path) for method in operation.methods}
    return found


def django_routes():
    names = set()
    for namespace in ("wordpress", "micropub", "webmention"):
        _prefix, resolver = get_resolver().namespace_dict[namespace]
        names |= {f"{namespace}:{pattern.name}" for pattern in resolver.url_patterns}
    return names


def test_api_matrix_names_every_operation_and_url():
    assert v1_operations() == set(V1)
    assert django_routes() == {name for name, _method in OTHERS}


def _call(client, method, url, data, secret):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    if isinstance(data, dict) and ("webmention" in url or any(hasattr(v, "read") for v in data.values())):
        return getattr(client, method.lower())(url, data, headers=headers)  # a form, or multipart
    if data is None:
        return client.generic(method, url, headers=headers)
    return client.generic(method, url, json.dumps(data), content_type="application/json", headers=headers)


@pytest.mark.parametrize("key", sorted(MATRIX, key=str), ids=lambda key: " ".join(key[1:]))
def test_api_url_allows_only_its_roles(key, world, client):
    url_for, data, allowed = MATRIX[key]
    method = key[1] if key[0] == "v1" else key[2]
    url = url_for(world)  # objects made on first use are made before the first role's savepoint
    if callable(data):
        data(world)
    if key[0] == "django" and method == "DELETE":
        url += "?force=true"  # WordPress trashes without it; there is no trash here (docs/api.md)
    wrong = {}
    for role in ROLES:
        with transaction.atomic():  # each role meets the same world: what one changes is undone
            user = getattr(world, role)
            secret = create_token(user, name="matrix", scopes=ALL_SCOPES)[1] if user else None
            body = data(world) if callable(data) else data
            response = _call(client, method, url, body, secret)
            status = response.status_code
            if role in allowed:
                ok = 200 <= status < 300
            elif role == "anonymous":
                ok = status == 401
            else:
                ok = status in (403, 404)
            if not ok:
                wrong[role] = (status, response.content[:160])
            transaction.set_rollback(True)
    assert not wrong, wrong
