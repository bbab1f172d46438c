"""/api/v1/ reblogs: the dashboard's Reblog rules, the credit in the reblog, and who reblogged a post."""

import pytest

from samizdat.posts.models import Post
from samizdat.reblogs.models import Reblog
from tests.posts.test_media import jpeg_with_gps

URL = "/api/v1/blogs/union"


@pytest.fixture
def original(make_blog, make_post):
    other = make_blog("press", title="Press Room")
    return make_post(other, title="Strike called", source="The union *calls* a strike.")


def test_author_reblogs_a_post_with_a_comment_and_it_is_credited(api_as, team, original):
    api = api_as(team.author)
    response = api.post(f"{URL}/reblogs", {"post": original.pk, "comment": "Read this.", "status": "published"})
    assert response.status_code == 201, response.content
    body = response.json()
    post = Post.objects.get(pk=body["post"]["id"])
    assert post.blog == team.blog and post.status == Post.Status.PUBLISHED and post.author == team.author
    assert "<p>Read this.</p>" in post.html and "Press Room" in post.html and "<em>calls</em>" in post.html
    assert body["source"]["origin"] == "local" and body["source"]["original"] == original.pk
    assert body["source"]["original_blog"] == "press" and body["source"]["url"].endswith(original.get_absolute_url())
    assert body["already_reblogged"] is False and body["original_change"] is None
    # The original's page and the API both say who passed it on.
    who = api.get(f"/api/v1/blogs/press/posts/{original.pk}/reblogs").json()
    assert who["count"] == 1 and who["shown"][0]["name"] == team.blog.title
    assert who["shown"][0]["url"].endswith(post.get_absolute_url())
    listed = api.get(f"{URL}/reblogs").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]] and listed["next_cursor"] is None


def test_reblog_is_a_draft_unless_status_says_otherwise(api_as, team, original):
    body = api_as(team.author).post(f"{URL}/reblogs", {"post": original.pk}).json()
    assert body["post"]["status"] == "draft" and body["post"]["title"] == "Strike called"


def test_contributor_may_save_a_draft_reblog_but_not_publish(api_as, team, original):
    api = api_as(team.contributor)
    refused = api.post(f"{URL}/reblogs", {"post": original.pk, "status": "published"})
    assert refused.status_code == 403 and refused["Content-Type"] == "application/problem+json"
    assert not Reblog.objects.exists() and not Post.objects.filter(blog=team.blog).exists()
    assert api.post(f"{URL}/reblogs", {"post": original.pk}).status_code == 201


def test_outsider_and_read_only_credentials_cannot_reblog(api_as, team, original):
    assert api_as(team.outsider).post(f"{URL}/reblogs", {"post": original.pk}).status_code == 404
    response = api_as(team.author, scopes=["read"]).post(f"{URL}/reblogs", {"post": original.pk})
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert not Reblog.objects.exists()


def test_unpublished_or_missing_originals_are_field_errors(api_as, team, make_post):
    api = api_as(team.author)
    draft = make_post(team.blog, author=team.editor, status=Post.Status.DRAFT)
    for body in ({"post": draft.pk}, {"post": 2**40}, {}, {"post": draft.pk, "url": "https://example.test/"}):
        response = api.post(f"{URL}/reblogs", body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == "post"
    assert api.post(f"{URL}/reblogs", {"url": "ftp://example.test/x"}).status_code == 422
    assert not Reblog.objects.exists()


def test_address_of_a_local_post_is_reblogged_as_that_post(api_as, team, original):
    api = api_as(team.editor)
    address = f"http://127.0.0.1:8000{original.get_absolute_url()}"
    first = api.post(f"{URL}/reblogs", {"url": address}).json()
    assert first["source"]["origin"] == "local" and first["source"]["original"] == original.pk
    again = api.post(f"{URL}/reblogs", {"post": original.pk})
    assert again.status_code == 201 and again.json()["already_reblogged"] is True


def test_page_on_the_web_is_fetched_and_credited_with_its_lead_image(api_as, team, loopback_site):
    loopback_site.pages["/lead.jpg"] = (200, {"Content-Type": "image/jpeg"}, jpeg_with_gps(800, 400))
    url = loopback_site.page("/story", (
        "<html><head><title>Dock strike</title><meta property='og:site_name' content='Harbour News'>"
        "<meta property='og:image' content='/lead.jpg'>"
        "<meta name='author' content='A. Writer'></head><body><article><h1>Dock strike</h1>"
        "<p>The dockers stopped work at dawn and held the gates until noon, the whole port quiet.</p>"
        "<p>Their demands are simple: safe cranes, fair shifts, and a contract in writing.</p>"
        "<script>alert(1)</script></article></body></html>"
    ))
    response = api_as(team.editor).post(f"{URL}/reblogs", {"url": url, "status": "published"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"]["origin"] == "web" and body["source"]["url"] == url
    assert body["source"]["title"] == "Dock strike" and body["source"]["original"] is None
    post = Post.objects.get(pk=body["post"]["id"])
    assert "dockers stopped work" in post.html and "<script" not in post.html and "Harbour News" in post.html
    # The lead image is the blog's media now, shown as the reblog's picture.
    assert body["lead_image_error"] == "" and body["post"]["featured_image"] == post.featured_image_id
    assert post.featured_image.blog == team.blog and post.featured_image.width == 800


def test_lead_image_that_cannot_be_fetched_is_reported_and_the_reblog_still_made(api_as, team, loopback_site):
    url = loopback_site.page("/story", (
        "<html><head><title>Ferry fares</title><meta property='og:image' content='/missing.jpg'></head>"
        "<body><article><p>Fares go up next week, the operator told passengers on Monday morning.</p>"
        "<p>Season tickets stay as they are until the spring, it said.</p></article></body></html>"
    ))
    body = api_as(team.editor).post(f"{URL}/reblogs", {"url": url}).json()
    assert body["lead_image_error"] and body["post"]["featured_image"] is None
    assert Reblog.objects.get().source_image_url == loopback_site.url + "/missing.jpg"


def test_address_that_cannot_be_fetched_is_a_url_error_and_nothing_is_stored(api_as, team, loopback_site):
    missing = loopback_site.url + "/gone"
    response = api_as(team.editor).post(f"{URL}/reblogs", {"url": missing, "comment": "Look"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "url"
    assert not Reblog.objects.exists() and not Post.objects.exists()


def test_contributor_lists_only_own_and_published_reblogs(api_as, team, original):
    api_as(team.author).post(f"{URL}/reblogs", {"post": original.pk})  # the author's draft
    mine = api_as(team.contributor).post(f"{URL}/reblogs", {"post": original.pk}).json()
    listed = api_as(team.contributor).get(f"{URL}/reblogs").json()["items"]
    assert [item["id"] for item in listed] == [mine["id"]]
    assert len(api_as(team.editor).get(f"{URL}/reblogs").json()["items"]) == 2


def test_rebloggers_of_a_draft_are_not_found(api_as, team, make_post):
    draft = make_post(team.blog, author=team.author, status=Post.Status.DRAFT)
    assert api_as(team.author).get(f"{URL}/posts/{draft.pk}/reblogs").status_code == 404
