"""The NUL character never reaches the database: PostgreSQL refuses it (a 500 for the client, a task
retried for ever), SQLite would keep it. Requests carrying one get a clear 400; text from other
servers loses it on save. These run on both databases, so behaviour is the same on each."""

import json

import pytest

from samizdat.comments.models import Comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(team):
    from samizdat.api.models import ALL_SCOPES
    from samizdat.api.tokens import create_token

    return create_token(team.author, name="nul", scopes=ALL_SCOPES)[1]


def assert_refused(response):
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/@union/a%00b/", "/api/v1/blogs/a%00/posts"])
def test_an_address_with_a_nul_is_refused_with_a_message(client, team, path):
    assert_refused(client.get(path))


def test_a_nul_in_a_search_is_dropped_and_the_search_goes_on(client, team, make_post):
    make_post(team.blog, title="Strike ballot", source="The strike ballot opens.")
    response = client.get("/@union/search/?q=str%00ike")
    assert response.status_code == 200
    assert "Strike ballot" in response.content.decode()


def test_an_api_post_with_a_nul_in_its_text_is_refused_and_nothing_is_written(client, team, token):
    before = team.blog.posts.count()
    body = json.dumps({"title": "Strike\u0000", "source": "Vote."})
    response = client.post(f"/api/v1/blogs/{team.blog.slug}/posts", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_refused(response)
    assert team.blog.posts.count() == before


def test_a_backslash_before_u0000_is_text_not_a_nul(client, team, token):
    # JSON "a\\u0000" is the six characters \u0000 after an "a": a writer may well type that.
    body = '{"title": "About \\\\u0000 in JSON", "source": "Vote."}'
    response = client.post(f"/api/v1/blogs/{team.blog.slug}/posts", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "About \\u0000 in JSON"


def test_a_form_post_with_a_nul_is_refused(client, team):
    response = client.post("/@union/micropub", "h=entry&content=strike%00vote",
                           content_type="application/x-www-form-urlencoded")
    assert_refused(response)


def test_text_from_another_server_loses_its_nuls_when_saved(make_post):
    # What a feed, an activity or an import brings is saved by code, not typed into a form.
    post = make_post(title="Strike\x00 vote", source="Text\x00 here.")
    comment = Comment.objects.create(post=post, author_name="Re\x00mote", body="Hi\x00", html="<p>Hi\x00</p>")
    post.refresh_from_db()
    comment.refresh_from_db()
    assert (post.title, post.source) == ("Strike vote", "Text here.")
    assert (comment.author_name, comment.body, comment.html) == ("Remote", "Hi", "<p>Hi</p>")
