"""Security headers on every kind of response, and the cookies' flags."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from samizdat.core.middleware import CONTENT_SECURITY_POLICY

from .conftest import dashboard_paths, public_paths

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def every_path(s):
    return [*public_paths(s), *dashboard_paths(s), ("static file", "/static/samizdat/site.css", 200)]


def headers_of(response):
    return {name: response.headers.get(name) for name in EXPECTED}


def test_content_security_policy_allows_nothing_inline_and_no_other_host():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert "*" not in CONTENT_SECURITY_POLICY and "http" not in CONTENT_SECURITY_POLICY
    assert directives["default-src"] == directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'self'"


def test_every_page_type_sends_the_security_headers(client, blog_site):
    client.force_login(blog_site.owner)
    wrong = {}
    for name, path, status in every_path(blog_site):
        response = client.get(path)
        assert response.status_code == status, (name, path, response.status_code)
        differences = {k: v for k, v in headers_of(response).items() if v != EXPECTED[k]}
        if differences:
            wrong[name] = differences
    assert wrong == {}


def test_every_page_type_sends_a_permissions_policy_denying_camera_microphone_and_location(client, blog_site):
    client.force_login(blog_site.owner)
    for name, path, _ in every_path(blog_site):
        policy = client.get(path).headers.get("Permissions-Policy", "")
        for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
            assert feature in policy, (name, feature)


def test_plain_http_instance_sends_no_hsts(client, db):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_https_instance_sends_hsts_even_behind_a_front_server_that_ends_tls(client, db, settings):
    settings.SITE_URL = "https://samizdat.example"
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.ALLOWED_HOSTS = settings.SAMIZDAT_HOSTS = ["samizdat.example"]
    response = client.get("/", HTTP_HOST="samizdat.example")  # plain HTTP from the front server
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_https_instance_sends_hsts_once_on_a_secure_request(client, db, settings):
    settings.SITE_URL = "https://samizdat.example"
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.ALLOWED_HOSTS = settings.SAMIZDAT_HOSTS = ["samizdat.example"]
    response = client.get("/", HTTP_HOST="samizdat.example", secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def settings_for_site_url(site_url, tmp_path, **extra):
    """Selected settings as computed at start-up with the given site address."""
    names = [
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "CSRF_TRUSTED_ORIGINS",
        "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
        "SECURE_PROXY_SSL_HEADER",
    ]
    code = (
        "import json; from samizdat.config import settings as s; "
        f"print(json.dumps({{k: getattr(s, k, None) for k in {names!r}}}))"
    )
    env = dict(os.environ, SAMIZDAT_SITE_URL=site_url, SAMIZDAT_DATA_DIR=str(tmp_path), **extra)
    if "SAMIZDAT_HSTS_SECONDS" not in extra:
        env.pop("SAMIZDAT_HSTS_SECONDS", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return json.loads(result.stdout)


def test_https_site_url_makes_cookies_secure_and_turns_hsts_on(tmp_path):
    values = settings_for_site_url("https://samizdat.example", tmp_path)
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://samizdat.example"]


def test_http_site_url_keeps_cookies_usable_over_plain_http(tmp_path):
    values = settings_for_site_url("http://127.0.0.1:8000", tmp_path)
    assert not values["SESSION_COOKIE_SECURE"] and values["SECURE_HSTS_SECONDS"] == 0


def test_hsts_seconds_can_be_set_or_turned_off(tmp_path):
    values = settings_for_site_url("https://samizdat.example", tmp_path, SAMIZDAT_HSTS_SECONDS="0")
    assert values["SECURE_HSTS_SECONDS"] == 0


def test_session_and_csrf_cookies_are_http_only_and_same_site(tmp_path):
    values = settings_for_site_url("https://samizdat.example", tmp_path)
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize("secure", [False, True])
def test_sign_in_sets_session_and_csrf_cookies_with_their_flags(db, settings, secure):
    from .conftest import PASSWORD, person

    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = secure
    person("vera")
    client = Client()
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"login": "vera", "password": PASSWORD})
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["httponly"] and cookie["samesite"] == "Lax", name
        assert bool(cookie["secure"]) == secure, name


def test_guest_comment_cookies_are_secure_http_only_and_same_site_on_an_https_instance(
    client, blog_site, settings
):
    from tests.comments.conftest import started

    settings.SESSION_COOKIE_SECURE = True
    post = blog_site.post
    data = {
        "name": "Vera", "email": "vera@example.test", "url": "", "body": "Solidarity.", "homepage": "",
        "parent": "", "nonce": "n1", "started": started(post), "remember": "on",
    }
    response = client.post(f"/@{post.blog.slug}/comments/{post.pk}/", data)
    assert response.status_code == 303
    names = ["comment_author", "comment_author_email", "comment_author_url", "samizdat_own_comments"]
    for name in names:
        cookie = response.cookies[name]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax", name


def test_forwarded_proto_is_not_trusted_by_default(tmp_path):
    assert settings_for_site_url("https://samizdat.example", tmp_path)["SECURE_PROXY_SSL_HEADER"] is None


def test_forwarded_proto_is_trusted_when_the_admin_turns_it_on(tmp_path):
    values = settings_for_site_url("https://samizdat.example", tmp_path, SAMIZDAT_TRUST_FORWARDED_PROTO="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
