"""Bad input everywhere the APIs listen (/api/v1/, /wp-json/, Micropub, Webmention): wrong types,
unknown fields, bodies that are no JSON object, invalid UTF-8, deep nesting, oversized bodies and
bad credentials get a 4xx in the surface's own error shape, never a 500, and store nothing.

The requests are made from the OpenAPI document's operations and the WordPress routes, so a new
operation is swept too. Run on SQLite and on PostgreSQL (which refuses NUL characters and
out-of-range numbers that SQLite lets through).
"""

import base64
import json

import pytest

from samizdat.api.models import ALL_SCOPES, Token
from samizdat.api.tokens import create_token, revoke_token
from samizdat.api.v1.api import api as v1
from samizdat.comments.models import Comment
from samizdat.posts.models import Category, Post, Tag
from samizdat.reblogs.models import Reblog

# Bodies that no operation accepts as they are, each in every field's way.
WRONG_TYPES = {
    "title": ["a list"], "source": {"an": "object"}, "body": 12, "action": 5, "name": False,
    "post": "abc", "url": 12, "alt": None, "status": 3, "parent": "x", "tags": "not a list",
    "categories": [True], "published_at": "yesterday-ish", "menu_order": 1.5, "language": "xx",
}
BODIES = [
    b"[1, 2]",
    b'"a string"',
    b"null",
    json.dumps(WRONG_TYPES).encode(),
    b'{"zzz_unknown_field": 1}',
    b"\xff\xfe not utf-8",
    b"{not json",
    b"[" * 50_000,
    b'{"title": NaN, "post": 1e999}',
    json.dumps({"title": "a\x00b", "body": "\x00", "comment": "x\x00", "name": "\x00"}).encode(),
    json.dumps({"post": 10**30, "parent": -(10**30), "featured_image": 2**63, "categories": [10**40]}).encode(),
]
CREDENTIALS = [
    "Bearer ", "Bearer smz_" + "x" * 5000, "Bearer \u00e9\u00e9", "Basic !!!", "Basic " + base64.b64encode(b"no colon").decode(),
    "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode(), "Digest username=x", "bearer", "Basic",
]
NO_WRITES = (Post, Tag, Category, Comment, Reblog)


@pytest.fixture
def things(one_of_each):
    counts = {model: model.objects.count() for model in NO_WRITES}
    return one_of_each, counts


def _v1_operations(ids):
    schema = v1.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method in operations:
            url = path.replace("{blog_slug}", "union")
            if "{pk}" in url:
                url = url.replace("{pk}", str(ids[path.split("/")[5]]))
            yield method, url, "requestBody" in operations[method]


def _assert_problem(response, what):
    assert 400 <= response.status_code < 500, (what, response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/problem+json", what
    assert json.loads(response.content)["status"] == response.status_code, what


def test_rest_api_answers_every_bad_body_with_a_problem_and_stores_nothing(client, team, things):
    ids, counts = things
    token = create_token(team.owner, name="bad", scopes=ALL_SCOPES)[1]
    headers = {"Authorization": f"Bearer {token}"}
    swept = 0
    for method, url, takes_body in _v1_operations(ids):
        if not takes_body or method not in ("post", "patch", "put"):
            continue
        for body in BODIES:
            response = getattr(client, method)(url, body, content_type="application/json", headers=headers)
            _assert_problem(response, (method, url, body[:40]))
            swept += 1
        # A JSON body sent as something else is refused, not guessed at.
        for content_type in ("text/plain", "application/x-www-form-urlencoded"):
            response = getattr(client, method)(url, b'{"title": "x"}', content_type=content_type, headers=headers)
            assert response.status_code == 415, (method, url, content_type)
            _assert_problem(response, (method, url))
    assert swept > 100
    assert {model: model.objects.count() for model in NO_WRITES} == counts


def test_rest_api_refuses_bad_query_parameters_with_problems(client, team, things):
    ids, _counts = things
    token = create_token(team.owner, name="bad", scopes=ALL_SCOPES)[1]
    headers = {"Authorization": f"Bearer {token}"}
    for method, url, _takes_body in _v1_operations(ids):
        if method != "get":
            continue
        for query in ("limit=abc", f"limit={10**30}", "limit=-1", "cursor=%00%ff", "cursor=" + "A" * 500,
                      "status=sideways", f"post={10**30}", "post=x"):
            response = client.get(f"{url}?{query}", headers=headers)
            assert response.status_code < 500, (url, query)
            if response.status_code >= 400:
                _assert_problem(response, (url, query))


def test_every_operation_refuses_bad_and_revoked_credentials_with_401(client, team, things):
    ids, counts = things
    token = create_token(team.owner, name="gone", scopes=ALL_SCOPES)
    revoke_token(token[0])
    for method, url, _takes_body in _v1_operations(ids):
        for header in [*CREDENTIALS, f"Bearer {token[1]}"]:
            response = getattr(client, method)(url, headers={"Authorization": header})
            assert response.status_code == 401, (method, url, header)
            _assert_problem(response, (method, url, header))
    assert {model: model.objects.count() for model in NO_WRITES} == counts


def test_rest_api_refuses_oversized_bodies_everywhere(client, team, things, settings):
    ids, counts = things
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    token = create_token(team.owner, name="bad", scopes=ALL_SCOPES)[1]
    big = json.dumps({"title": "x", "source": "y" * 5_000, "body": "z" * 5_000}).encode()
    for method, url, takes_body in _v1_operations(ids):
        if takes_body and method in ("post", "patch", "put"):
            response = getattr(client, method)(url, big, content_type="application/json",
                                               headers={"Authorization": f"Bearer {token}"})
            # The upload takes multipart only; its file's size has its own limit (test_rest.py).
            assert response.status_code == (422 if url.endswith("/media") else 413), (method, url)
            _assert_problem(response, url)
    assert {model: model.objects.count() for model in NO_WRITES} == counts


WP_ROUTES = ["posts", "pages", "media", "tags", "categories", "comments"]


def _wp_auth(user):
    password = create_token(user, name="wp", scopes=ALL_SCOPES, kind=Token.Kind.APP_PASSWORD)[1]
    return {"Authorization": "Basic " + base64.b64encode(f"{user.username}:{password}".encode()).decode()}


def _assert_wp_error(response, what):
    assert 400 <= response.status_code < 500, (what, response.status_code, response.content[:300])
    body = json.loads(response.content)
    assert body["code"] and body["data"]["status"] == response.status_code, what


def test_wordpress_api_answers_bad_bodies_with_wordpress_errors(client, team, things):
    ids, counts = things
    headers = _wp_auth(team.owner)
    for route in WP_ROUTES:
        for url in (f"/@union/wp-json/wp/v2/{route}", f"/@union/wp-json/wp/v2/{route}/{ids[route]}"):
            for body in BODIES:
                response = client.post(url, body, content_type="application/json", headers=headers)
                assert response.status_code < 500, (url, body[:40], response.content[:300])
                if response.status_code >= 400:
                    _assert_wp_error(response, (url, body[:40]))
            for query in ("per_page=abc", f"page={10**30}", f"post={10**30}", "status=%00", "_fields=%00",
                          "_embed=%ff", "search=%00"):
                response = client.get(f"{url}?{query}", headers=headers)
                assert response.status_code < 500, (url, query, response.content[:300])
            for header in CREDENTIALS:
                response = client.post(url, b"{}", content_type="application/json", headers={"Authorization": header})
                assert response.status_code == 401, (url, header)
                _assert_wp_error(response, (url, header))
    # The sweep may have made well-formed posts (a JSON object with only wrong-typed extras); none
    # of the malformed ones.
    assert not any("\x00" in title for title in Post.objects.values_list("title", flat=True))
    assert Comment.objects.count() == counts[Comment]


def test_micropub_and_webmention_answer_bad_input_with_4xx(client, team, things):
    _ids, counts = things
    token = create_token(team.owner, name="mp", scopes=ALL_SCOPES)[1]
    headers = {"Authorization": f"Bearer {token}"}
    for body in BODIES:
        response = client.post("/@union/micropub", body, content_type="application/json", headers=headers)
        assert 400 <= response.status_code < 500, (body[:40], response.status_code, response.content[:300])
        assert json.loads(response.content)["error"]
    for form in ({"h": "entry", "content": "\x00"}, {"h": ["entry", "card"]}, {"h": "nonsense"},
                 {"h": "entry", "published": "not a date"}, {"action": "update", "url": "\x00"},
                 {"action": "delete", "url": "http://127.0.0.1:8000/@union/9999999999999999999999/"}):
        response = client.post("/@union/micropub", form, headers=headers)
        assert 400 <= response.status_code < 500, (form, response.status_code, response.content[:300])
    for query in ("q=source&url=%00", "q=nonsense", "q=source&url=" + "x" * 5000):
        assert 400 <= client.get(f"/@union/micropub?{query}", headers=headers).status_code < 500, query
    for header in CREDENTIALS:
        response = client.post("/@union/micropub", {"h": "entry", "content": "x"}, headers={"Authorization": header})
        assert response.status_code == 401, header
    for form in ({}, {"source": "\x00", "target": "x"}, {"source": "http://a.example/", "target": "http://a.example/"},
                 {"source": "http://a.example/" + "x" * 5000, "target": "http://127.0.0.1:8000/@union/"},
                 {"source": "javascript:alert(1)", "target": "http://127.0.0.1:8000/@union/"}):
        response = client.post("/@union/webmention", form)
        assert 400 <= response.status_code < 500, (form, response.status_code)
    assert {model: model.objects.count() for model in NO_WRITES} == counts
