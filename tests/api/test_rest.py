"""/api/v1/: the dashboard's permissions, problem documents, cursor pages, and nothing half-written."""

import io
import re

from PIL import Image

from samizdat.comments.models import Comment
from samizdat.posts.models import Post, Tag

URL = "/api/v1/blogs/union"


def test_author_writes_a_draft_then_publishes_it(api_as, team):
    api = api_as(team.author)
    response = api.post(f"{URL}/posts", {"title": "Strike vote", "source": "We *vote* today.", "tags": ["strike"]})
    assert response.status_code == 201, response.content
    post = response.json()
    assert post["status"] == "draft" and post["html"] == "<p>We <em>vote</em> today.</p>\n"
    assert [t["name"] for t in post["tags"]] == ["strike"] and post["author"]["username"] == "author"
    published = api.patch(f"{URL}/posts/{post['id']}", {"status": "published"}).json()
    assert published["status"] == "published" and published["published_at"]
    assert Post.objects.get(pk=post["id"]).revisions.count() == 2
    assert api.client.get(published["url"].replace("http://127.0.0.1:8000", "")).status_code == 200


def test_contributor_may_not_publish_and_nothing_is_stored(api_as, team):
    api = api_as(team.contributor)
    response = api.post(f"{URL}/posts", {"title": "Leak", "status": "published", "tags": ["secret"]})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert not Post.objects.filter(title="Leak").exists() and not Tag.objects.filter(name="secret").exists()
    draft = api.post(f"{URL}/posts", {"title": "Draft"}).json()
    assert api.patch(f"{URL}/posts/{draft['id']}", {"status": "published"}).status_code == 403
    assert Post.objects.get(pk=draft["id"]).status == "draft"


def test_contributor_cannot_touch_someone_elses_post(api_as, team, make_post):
    post = make_post(team.blog, author=team.author)
    api = api_as(team.contributor)
    assert api.patch(f"{URL}/posts/{post.pk}", {"title": "Mine now"}).status_code == 403
    assert api.delete(f"{URL}/posts/{post.pk}").status_code == 403
    # Listed, since it is published, as in the dashboard.
    assert [p["id"] for p in api.get(f"{URL}/posts").json()["items"]] == [post.pk]


def test_outsider_gets_404_for_the_blog(api_as, team):
    response = api_as(team.outsider).get(f"{URL}/posts")
    assert response.status_code == 404 and response.json()["status"] == 404


def test_pages_are_for_editors(api_as, team):
    assert api_as(team.author).post(f"{URL}/pages", {"title": "About"}).status_code == 403
    page = api_as(team.editor).post(f"{URL}/pages", {"title": "About", "status": "published"}).json()
    assert page["kind"] == "page" and page["status"] == "published" and "tags" not in page


def test_credential_without_scope_is_refused(api_as, team):
    api = api_as(team.author, scopes=["read"])
    response = api.post(f"{URL}/posts", {"title": "x"})
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert not Post.objects.exists()


def test_no_credentials_is_401_with_challenge(client, team):
    response = client.get(f"{URL}/posts")
    assert response.status_code == 401 and "Bearer" in response["WWW-Authenticate"]
    assert response.json()["title"] == "Not signed in"


def test_unknown_fields_and_wrong_types_get_field_messages(api_as, team):
    api = api_as(team.author)
    response = api.post(f"{URL}/posts", {"title": "x", "colour": "red", "tags": "not a list"})
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"colour", "tags"} <= fields
    assert api.post(f"{URL}/posts", "{not json", content_type="application/json").status_code in (400, 422)
    assert not Post.objects.exists()


def test_taken_slug_is_a_field_error_and_no_tag_is_left_behind(api_as, team):
    api = api_as(team.author)
    api.post(f"{URL}/posts", {"title": "One", "slug": "one"})
    response = api.post(f"{URL}/posts", {"title": "Two", "slug": "one", "tags": ["orphan"]})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["slug"]
    assert not Tag.objects.filter(name="orphan").exists() and Post.objects.count() == 1


def test_schedule_needs_a_future_time(api_as, team):
    api = api_as(team.author)
    response = api.post(f"{URL}/posts", {"title": "Later", "status": "scheduled", "published_at": "2001-01-01T10:00"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "published_at"
    later = api.post(
        f"{URL}/posts", {"title": "Later", "status": "scheduled", "published_at": "2099-01-01T10:00"}
    ).json()
    # A time without an offset is in the blog's time zone (Asia/Almaty, UTC+5).
    assert later["status"] == "scheduled" and later["published_at"].startswith("2099-01-01T05:00")


def test_cursor_pages_walk_every_post_once(api_as, team, make_post):
    ids = {make_post(team.blog, author=team.author).pk for _ in range(5)}
    api, seen, cursor = api_as(team.editor), [], None
    while True:
        page = api.get(f"{URL}/posts", data={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)
    response = api.get(f"{URL}/posts", data={"cursor": "garbage!"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "cursor"


def test_terms_are_for_editors(api_as, team):
    assert api_as(team.author).post(f"{URL}/tags", {"name": "Pay"}).status_code == 403
    api = api_as(team.editor)
    parent = api.post(f"{URL}/categories", {"name": "News"}).json()
    child = api.post(f"{URL}/categories", {"name": "Local", "parent": parent["id"]}).json()
    assert child["parent"] == parent["id"]
    loop = api.patch(f"{URL}/categories/{parent['id']}", {"parent": child["id"]})
    assert loop.status_code == 422 and loop.json()["errors"][0]["field"] == "parent"
    assert api.post(f"{URL}/tags", {"name": "Pay"}).status_code == 201
    dup = api.post(f"{URL}/tags", {"name": "pay"})
    assert dup.status_code == 422 and dup.json()["errors"][0]["field"] == "slug"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(out, format="PNG")
    out.seek(0)
    out.name = "red.png"
    return out


def test_media_upload_and_refusal(api_as, team):
    api = api_as(team.author)
    response = api.post(f"{URL}/media", {"file": _png(), "alt": "Red"}, content_type=None)
    assert response.status_code == 201, response.content
    assert response.json()["width"] == 40 and response.json()["alt"] == "Red"
    bad = io.BytesIO(b"MZ...")
    bad.name = "tool.exe"
    refused = api.post(f"{URL}/media", {"file": bad}, content_type=None)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "file"
    assert api_as(team.contributor).post(f"{URL}/media", {"file": _png()}, content_type=None).status_code == 403


def test_moderation_through_the_api(api_as, team, make_post):
    post = make_post(team.blog, author=team.author)
    held = Comment.objects.create(post=post, author_name="Guest", author_email="g@example.test", body="Hi", html="<p>Hi</p>")
    assert api_as(team.author).get(f"{URL}/comments").status_code == 403
    api = api_as(team.editor)
    queue = api.get(f"{URL}/comments", data={"status": "pending"}).json()["items"]
    assert [c["id"] for c in queue] == [held.pk] and "author_email" not in queue[0]
    assert api.post(f"{URL}/comments/{held.pk}/moderate", {"action": "approve"}).json()["status"] == "approved"
    reply = api.post(f"{URL}/comments/{held.pk}/replies", {"body": "Thanks"}).json()
    assert reply["parent"] == held.pk and reply["status"] == "approved"
    assert api.post(f"{URL}/comments/{held.pk}/moderate", {"action": "explode"}).status_code == 422


def test_likes_and_subscriptions_are_the_callers_own(api_as, team, make_post, make_blog):
    post = make_post(team.blog, author=team.author)
    api = api_as(team.outsider)
    assert api.put(f"{URL}/posts/{post.pk}/like").json() == {"count": 1, "liked": True}
    assert api.put(f"{URL}/posts/{post.pk}/like").json() == {"count": 1, "liked": True}
    assert api.delete(f"{URL}/posts/{post.pk}/like").json() == {"count": 0, "liked": False}
    assert api.put(f"{URL}/subscription").status_code == 200
    assert [b["slug"] for b in api.get("/api/v1/subscriptions").json()["items"]] == ["union"]
    assert api.delete(f"{URL}/subscription").status_code == 204
    assert api.get("/api/v1/subscriptions").json()["items"] == []


def test_openapi_document_and_docs_are_served_from_our_host(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "application/problem+json" in schema["paths"]["/api/v1/blogs/{blog_slug}/posts"]["post"]["responses"]["422"]["content"]
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert client.get(asset).status_code == 200, asset


def test_oversized_body_is_413_and_nothing_is_stored(api_as, team, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = api_as(team.author).post(f"{URL}/posts", {"title": "Big", "source": "x" * 20_000})
    assert response.status_code == 413 and response["Content-Type"] == "application/problem+json"
    assert not Post.objects.exists()


def test_wrong_scheme_and_garbage_credentials_are_401(client, team):
    for header in ("Token abc", "Basic !!!notbase64", "Bearer ", "Basic " + "dXNlcg=="):
        response = client.get(f"{URL}/posts", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response["Content-Type"] == "application/problem+json"
        assert "Basic" not in response.get("WWW-Authenticate", "")


def test_reader_comments_through_the_blogs_moderation(api_as, team, make_user, make_post):
    post = make_post(team.blog, author=team.author)
    reader = make_user("reader")
    response = api_as(reader).post(f"{URL}/posts/{post.pk}/comments", {"body": "Solidarity!"})
    assert response.status_code == 201, response.content
    comment = Comment.objects.get(pk=response.json()["id"])
    assert comment.user == reader and comment.status == "pending" and comment.html == "<p>Solidarity!</p>\n"
    # A held comment cannot be replied to; once approved it can. The post's author is trusted.
    api = api_as(team.author)
    held = api.post(f"{URL}/posts/{post.pk}/comments", {"body": "Thanks", "parent": comment.pk})
    assert held.status_code == 422 and held.json()["errors"][0]["field"] == "parent"
    api_as(team.editor).post(f"{URL}/comments/{comment.pk}/moderate", {"action": "approve"})
    reply = api.post(f"{URL}/posts/{post.pk}/comments", {"body": "Thanks", "parent": comment.pk})
    assert reply.status_code == 201 and reply.json()["status"] == "approved" and reply.json()["parent"] == comment.pk


def test_comment_on_a_closed_or_unpublished_post_is_refused(api_as, team, make_post):
    api = api_as(team.outsider)
    draft = make_post(team.blog, author=team.author, status=Post.Status.DRAFT)
    assert api.post(f"{URL}/posts/{draft.pk}/comments", {"body": "Hi"}).status_code == 404
    post = make_post(team.blog, author=team.author)
    api_as(team.editor).patch(f"{URL}/posts/{post.pk}", {"allow_comments": False})
    closed = api.post(f"{URL}/posts/{post.pk}/comments", {"body": "Hi"})
    assert closed.status_code == 409 and closed.json()["code"] == "closed"
    assert not Comment.objects.exists()


def test_owner_changes_blog_settings_and_others_may_not(api_as, team):
    response = api_as(team.owner).patch(URL, {"title": "Union News", "language": "kk", "time_zone": "Europe/Riga"})
    assert response.status_code == 200, response.content
    team.blog.refresh_from_db()
    assert (team.blog.title, team.blog.language, team.blog.time_zone) == ("Union News", "kk", "Europe/Riga")
    assert api_as(team.editor).patch(URL, {"title": "Mine"}).status_code == 403
    bad = api_as(team.owner).patch(URL, {"time_zone": "Mars/Olympus", "title": "Lost"})
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["time_zone"]
    team.blog.refresh_from_db()
    assert team.blog.title == "Union News"


def test_anyone_starts_a_blog_and_owns_it_but_not_a_taken_or_reserved_address(api_as, team):
    from samizdat.blogs.models import Blog

    api = api_as(team.outsider)
    response = api.post("/api/v1/blogs", {"slug": "strike-fund", "title": "Strike fund", "language": "ru"})
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "owner" and Blog.objects.get(slug="strike-fund").language == "ru"
    assert api.get("/api/v1/blogs/strike-fund").json()["title"] == "Strike fund"
    for slug in ("union", "Not A Slug!"):
        refused = api.post("/api/v1/blogs", {"slug": slug, "title": "Mine"})
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "slug", slug
    assert Blog.objects.count() == 2
