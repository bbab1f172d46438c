"""Micropub against the spec's requirements, in the order of micropub.rocks's server tests:
creating (form, multipart, JSON), updating, deleting, querying, the media endpoint, and tokens."""

import io
import json

import pytest
from PIL import Image

from samizdat.api.models import ALL_SCOPES
from samizdat.api.tokens import create_token
from samizdat.posts.models import Media, Post

ENDPOINT = "/@union/micropub"


@pytest.fixture
def token(team):
    return create_token(team.author, name="quill", scopes=ALL_SCOPES)[1]


@pytest.fixture
def mp(client, token):
    def call(method="post", data=None, *, json_body=None, token_value=None, **extra):
        headers = {"Authorization": f"Bearer {token_value or token}"} if token_value != "" else {}
        if json_body is not None:
            return client.post(ENDPOINT, json.dumps(json_body), content_type="application/json", headers=headers)
        return getattr(client, method)(ENDPOINT, data or {}, headers=headers, **extra)

    return call


def _post_at(response):
    assert response.status_code == 201, response.content
    path = response["Location"].split("://", 1)[1].split("/", 1)[1]
    return Post.objects.get(slug=path.rstrip("/").rsplit("/", 1)[1])


def _png(name="photo.png"):
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(out, format="PNG")
    out.seek(0)
    out.name = name
    return out


def test_form_encoded_note_is_published_with_a_title_from_its_text(mp, team):
    post = _post_at(mp(data={"h": "entry", "content": "Micropub test of creating a basic h-entry"}))
    assert post.status == Post.Status.PUBLISHED and post.author == team.author
    assert post.title == "Micropub test of creating a basic h-entry" and post.is_live


def test_form_encoded_categories_become_tags(mp):
    post = _post_at(mp(data={"h": "entry", "content": "Tags", "category[]": ["test1", "test2"]}))
    assert sorted(post.tags.values_list("name", flat=True)) == ["test1", "test2"]


def test_multipart_photo_is_stored_and_shown(mp):
    post = _post_at(mp(data={"h": "entry", "content": "A photo", "photo": _png()}))
    media = Media.objects.get()
    assert media.width == 20 and media.file.url in post.source and "<img" in post.html


def test_json_entry_with_html_content_name_and_draft_status(mp):
    post = _post_at(mp(json_body={"type": ["h-entry"], "properties": {
        "name": ["Union statement"], "content": [{"html": "<p>We <b>stand</b> together.</p>"}],
        "category": ["statement"], "post-status": ["draft"], "mp-slug": ["statement-1"],
    }}))
    assert post.status == Post.Status.DRAFT and post.slug == "statement-1" and post.title == "Union statement"
    assert "<b>stand</b>" in post.html


def test_unknown_property_is_refused_and_nothing_is_stored(mp):
    response = mp(json_body={"type": ["h-entry"], "properties": {"content": ["x"], "location": ["geo:1,2"]}})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert not Post.objects.exists()


def test_contributor_may_only_make_drafts(client, team):
    token = create_token(team.contributor, name="app", scopes=ALL_SCOPES)[1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post(ENDPOINT, {"content": "Publish me"}, headers=headers).status_code == 403
    assert not Post.objects.exists()
    draft = client.post(ENDPOINT, {"content": "Draft", "post-status": "draft"}, headers=headers)
    assert draft.status_code == 201 and Post.objects.get().status == Post.Status.DRAFT


def test_update_replace_add_and_delete(mp):
    post = _post_at(mp(data={"h": "entry", "name": "Old", "content": "Old text", "category[]": ["a", "b"]}))
    url = f"http://testserver{post.get_absolute_url()}"
    response = mp(json_body={"action": "update", "url": url, "replace": {"content": ["New text"]},
                             "add": {"category": ["c"]}, "delete": {"category": ["a"]}})
    assert response.status_code == 204, response.content
    post.refresh_from_db()
    assert post.source == "New text" and sorted(post.tags.values_list("name", flat=True)) == ["b", "c"]
    assert mp(json_body={"action": "update", "url": url, "delete": ["category"]}).status_code == 204
    assert not post.tags.exists()
    bad = mp(json_body={"action": "update", "url": url, "replace": {"content": "not a list"}})
    assert bad.status_code == 400
    post.refresh_from_db()
    assert post.source == "New text" and post.revisions.count() == 3


def test_delete_by_url(mp):
    post = _post_at(mp(data={"h": "entry", "content": "Going"}))
    response = mp(data={"action": "delete", "url": f"http://testserver{post.get_absolute_url()}"})
    assert response.status_code == 204 and not Post.objects.exists()
    assert mp(data={"action": "undelete", "url": "http://testserver/"}).status_code == 400


def test_q_config_names_the_media_endpoint(mp):
    config = mp("get", {"q": "config"}).json()
    assert config["media-endpoint"] == "http://testserver/@union/micropub/media"
    assert mp("get", {"q": "syndicate-to"}).json() == {"syndicate-to": []}
    assert mp("get", {"q": "unknown"}).status_code == 400


def test_q_source_gives_all_or_asked_properties(mp):
    post = _post_at(mp(data={"h": "entry", "name": "Title", "content": "Body", "category": "one"}))
    url = f"http://testserver{post.get_absolute_url()}"
    source = mp("get", {"q": "source", "url": url}).json()
    assert source["type"] == ["h-entry"] and source["properties"]["content"] == ["Body"]
    assert source["properties"]["category"] == ["one"] and source["properties"]["name"] == ["Title"]
    only = mp("get", {"q": "source", "url": url, "properties[]": ["content", "category"]}).json()
    assert only == {"properties": {"content": ["Body"], "category": ["one"]}}


def test_media_endpoint_answers_201_with_the_file_url(client, token):
    response = client.post(f"{ENDPOINT}/media", {"file": _png()}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201 and response["Location"].endswith(Media.objects.get().file.url)
    refused = client.post(f"{ENDPOINT}/media", {"file": io.BytesIO(b"MZ")}, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 400 and Media.objects.count() == 1


def test_token_in_form_body_is_accepted_but_not_in_both_places(client, token):
    assert client.post(ENDPOINT, {"content": "Body token", "access_token": token}).status_code == 201
    both = client.post(ENDPOINT, {"content": "x", "access_token": token}, headers={"Authorization": f"Bearer {token}"})
    assert both.status_code == 400


def test_missing_bad_and_narrow_tokens(mp, client, team):
    assert mp(data={"content": "x"}, token_value="").status_code == 401
    assert mp(data={"content": "x"}, token_value="smz_nonsense").json()["error"] == "unauthorized"
    narrow = create_token(team.author, name="reader", scopes=["read"])[1]
    response = mp(data={"content": "x"}, token_value=narrow)
    assert response.status_code == 403 and response.json() == {
        "error": "insufficient_scope", "error_description": "This token lacks the “create” scope.", "scope": "create",
    }
    assert not Post.objects.exists()
