"""Nothing public shows an email address, and the logs carry no IP addresses."""

import logging
from unittest import mock

from django.core.management import call_command
from django.test import Client

from .conftest import MARKER, public_paths

VISITOR_IP = "198.51.100.77"


def body_of(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def test_no_public_page_or_feed_shows_an_email_address(blog_site):
    client = Client()
    shown = {}
    for name, path, status in public_paths(blog_site):
        response = client.get(path)
        assert response.status_code == status, (name, path)
        if MARKER in body_of(response):
            shown[name] = path
    assert shown == {}


def test_no_page_shows_an_email_to_another_signed_in_reader(blog_site, make_user):
    client = Client()
    client.force_login(make_user())
    shown = [name for name, path, _ in public_paths(blog_site) if MARKER in body_of(client.get(path))]
    assert shown == []


def test_email_leak_check_sees_an_address_in_a_comment(blog_site, client):
    # The check above is only worth something if it notices an address where one is shown.
    blog_site.guest.html = f"<p>write to me at guest.{MARKER}@commenter.example</p>"
    blog_site.guest.save()
    assert MARKER in client.get(blog_site.post.get_absolute_url()).content.decode()


def log_lines_of(caplog, client, requests):
    caplog.set_level(logging.DEBUG)
    for method, path in requests:
        getattr(client, method)(path, REMOTE_ADDR=VISITOR_IP, HTTP_X_FORWARDED_FOR=VISITOR_IP)
    return [f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records]


def test_not_found_and_refused_requests_log_no_ip_address(blog_site, caplog):
    client = Client(enforce_csrf_checks=True)
    lines = log_lines_of(caplog, client, [
        ("get", "/@harbour/no-such-thing/"),
        ("post", "/accounts/login/"),  # no CSRF token
        ("get", "/dashboard/harbour/posts/"),
    ])
    assert any("Not Found" in line for line in lines) and any("CSRF" in line for line in lines)
    assert [line for line in lines if VISITOR_IP in line] == []


def test_unknown_host_logs_no_ip_address(db, caplog):
    caplog.set_level(logging.DEBUG)
    response = Client(HTTP_HOST="evil.example").get("/", REMOTE_ADDR=VISITOR_IP)
    assert response.status_code == 400 and caplog.records
    assert [r.getMessage() for r in caplog.records if VISITOR_IP in r.getMessage()] == []


def test_comment_logs_no_ip_address(blog_site, caplog):
    from tests.comments.conftest import started

    post = blog_site.post
    data = {"name": "Vera", "email": "v@example.test", "body": "Hi", "nonce": "n9", "started": started(post)}
    caplog.set_level(logging.DEBUG)
    Client().post(f"/@harbour/comments/{post.pk}/", data, REMOTE_ADDR=VISITOR_IP)
    lines = [f"{r.name} {r.getMessage()}" for r in caplog.records]
    assert [line for line in lines if VISITOR_IP in line] == []


def test_serve_starts_granian_without_an_access_log(tmp_path, monkeypatch):
    # Granian logs no requests unless asked (--access-log); serve must not ask.
    monkeypatch.delenv("GRANIAN_LOG_ACCESS_ENABLED", raising=False)
    monkeypatch.setattr("signal.signal", lambda *args: None)  # serve takes over SIGTERM
    started = []

    class FakeProcess:
        def __init__(self, command, env):
            started.append((command, env))

        def wait(self, timeout=None):
            return 0

        def poll(self):
            return 0

    with mock.patch("subprocess.Popen", FakeProcess):
        call_command("serve", "--no-collectstatic")
    (command, env), = started
    assert "granian" in command and "--access-log" not in command
    assert "GRANIAN_LOG_ACCESS_ENABLED" not in env and "GRANIAN_LOG_ACCESS_FMT" not in env


def test_granian_access_log_is_off_unless_asked():
    from granian.cli import cli

    option = next(p for p in cli.params if p.name == "log_access_enabled")
    assert option.default is False
