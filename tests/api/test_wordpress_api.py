"""The WordPress API's answers to bad input: WordPress's error shapes, 4xx, never 500, nothing stored."""

import json

from samizdat.api.models import ALL_SCOPES, Token
from samizdat.api.tokens import create_token
from samizdat.posts.models import Post

from .conftest import Api

WP = "/@union/wp-json/wp/v2"


def _api(client, user):
    return Api(client, basic=(user.username, create_token(user, name="wp", scopes=ALL_SCOPES, kind=Token.Kind.APP_PASSWORD)[1]))


def test_bad_input_is_a_wordpress_error_and_nothing_is_stored(client, team):
    api = _api(client, team.editor)
    cases = [
        (api.post(f"{WP}/posts", "{not json", content_type="application/json"), 400, "rest_invalid_json"),
        (api.post(f"{WP}/posts", {"title": "x", "categories": [2**70]}), 400, "rest_invalid_param"),
        (api.post(f"{WP}/posts", {"title": "x", "tags": "abc"}), 400, "rest_invalid_param"),
        (api.post(f"{WP}/posts", {"title": "x", "password": "secret"}), 400, "rest_invalid_param"),
        (api.post(f"{WP}/posts", {"title": "x", "status": "private"}), 400, "rest_invalid_param"),
        (api.get(f"{WP}/posts", data={"per_page": "1000"}), 400, "rest_invalid_param"),
        (api.get(f"{WP}/posts/{2**70}"), 404, None),
        (api.post(f"{WP}/media"), 400, "rest_upload_no_content_disposition"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.content
        if code:
            assert json.loads(response.content)["code"] == code
    assert not Post.objects.exists()


def test_contributor_cannot_publish_through_wordpress_api(client, team):
    response = _api(client, team.contributor).post(f"{WP}/posts", {"title": "Leak", "status": "publish"})
    assert response.status_code == 403 and not Post.objects.exists()


def test_anonymous_reader_sees_only_published_posts(client, team, make_post):
    live = make_post(team.blog, author=team.author)
    make_post(team.blog, author=team.author, status=Post.Status.DRAFT)
    listed = client.get(f"{WP}/posts")
    assert [p["id"] for p in listed.json()] == [live.pk] and listed["X-WP-Total"] == "1"
    assert "raw" not in listed.json()[0]["content"]
    assert client.get(f"{WP}/posts", data={"status": "draft"}).status_code == 400


def test_custom_domain_answers_at_its_root(client, team):
    team.blog.custom_domain = "news.example.org"
    team.blog.save()
    index = client.get("/wp-json/", HTTP_HOST="news.example.org")
    assert index.status_code == 200 and index.json()["name"] == team.blog.title
