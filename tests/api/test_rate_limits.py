"""Rate limits of the APIs: wrong credentials per address, writes per account; 429 with Retry-After."""

import base64

import pytest

from samizdat.posts.models import Post

from .conftest import token_for


@pytest.fixture
def limits(settings):
    settings.SAMIZDAT_API_AUTH_FAILURES_PER_ADDRESS = 3
    settings.SAMIZDAT_API_WRITES_PER_MINUTE = 2
    return settings


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("path", ["/api/v1/me", "/@union/wp-json/wp/v2/users/me", "/@union/micropub?q=config"])
def test_guessing_tokens_is_refused_with_429_even_for_the_right_one(client, team, limits, path):
    for n in range(3):
        assert client.get(path, headers=bearer(f"smz_guess{n}")).status_code == 401
    refused = client.get(path, headers=bearer(token_for(team.author)))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 15 * 60
    # Without credentials the public reads still answer: only credentials are held back.
    assert client.get("/@union/wp-json/wp/v2/posts").status_code == 200


def test_guessing_application_passwords_counts_per_address(client, team, limits):
    basic = "Basic " + base64.b64encode(b"author:wrong-password").decode()
    for _ in range(3):
        assert client.get("/@union/wp-json/wp/v2/users/me", headers={"Authorization": basic}).status_code == 401
    assert client.get("/@union/wp-json/wp/v2/users/me", headers={"Authorization": basic}).status_code == 429
    elsewhere = client.get("/api/v1/me", headers=bearer(token_for(team.author)), REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 200


def test_writes_past_the_limit_get_429_and_nothing_is_written(client, team, limits):
    headers = bearer(token_for(team.author))
    for n in range(2):
        made = client.post("/api/v1/blogs/union/posts", {"title": f"Bulletin {n}"}, content_type="application/json",
                           headers=headers)
        assert made.status_code == 201
    refused = client.post("/api/v1/blogs/union/posts", {"title": "One too many"}, content_type="application/json",
                          headers=headers)
    assert refused.status_code == 429 and refused["Content-Type"] == "application/problem+json"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert not Post.objects.filter(title="One too many").exists()
    # Reads go on; another token of the same account is held back all the same.
    assert client.get("/api/v1/blogs/union/posts", headers=headers).status_code == 200
    micropub = client.post("/@union/micropub", {"h": "entry", "content": "x"}, headers=bearer(token_for(team.author)))
    assert micropub.status_code == 429 and micropub.json()["error"] == "too_many_requests"
    wordpress = client.post("/@union/wp-json/wp/v2/posts", {"title": "x"}, content_type="application/json",
                            headers=headers)
    assert wordpress.status_code == 429 and wordpress.json()["code"] == "rest_too_many_requests"
    # Another account is not held back by this one's writes.
    other = client.post("/api/v1/blogs/union/posts", {"title": "Editor's"}, content_type="application/json",
                        headers=bearer(token_for(team.editor)))
    assert other.status_code == 201
