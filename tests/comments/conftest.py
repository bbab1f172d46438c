"""Comment fixtures: a guest's form data, a real SMTP server on loopback, tasks run at once."""

import contextlib
import time

import pytest
from django.core import signing

from samizdat.comments.forms import STARTED_SALT
from samizdat.comments.models import CommentSettings, Policy

from tests.instances import free_port


def started(post, seconds_ago=60):
    """A form token as if the page had been loaded `seconds_ago`."""
    return signing.dumps([post.pk, time.time() - seconds_ago], salt=STARTED_SALT)


_nonce = iter(range(1, 10**9))


@pytest.fixture
def guest_data():
    """POST data of a guest's comment form for `post`, with any field overridden."""

    def make(post, **fields):
        data = {
            "name": "Vera", "email": "vera@example.test", "url": "", "body": "Solidarity from the print shop.",
            "homepage": "", "parent": "", "nonce": f"n{next(_nonce)}", "started": started(post), "remember": "on",
        }
        data.update(fields)
        return {k: v for k, v in data.items() if v is not None}

    return make


@pytest.fixture
def open_blog(make_blog):
    """A blog whose comments are published at once (policy open)."""

    def make(**kwargs):
        blog = make_blog(**kwargs)
        CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
        return blog

    return make


@pytest.fixture
def comment_url():
    def url(post):
        return f"/@{post.blog.slug}/comments/{post.pk}/"

    return url


class Inbox:
    """Messages an aiosmtpd server on loopback received, as email.message.Message objects."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m.envelope_to]

    def wait(self, count, timeout=10):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@contextlib.contextmanager
def smtp_server(inbox):
    """A real SMTP server (aiosmtpd) on a free loopback port, handing messages to `inbox`, whose
    `port` is set; a `release` event the inbox has is set before the server stops."""
    from aiosmtpd.controller import Controller

    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        if hasattr(inbox, "release"):
            inbox.release.set()
        controller.stop()


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free loopback port, with Django's SMTP backend pointed at it."""
    with smtp_server(Inbox()) as inbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", inbox.port
        yield inbox


@pytest.fixture
def immediate_tasks():
    """Run queued tasks at once, in this process (Huey's immediate mode)."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = was


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, marker):
    """The first URL in the message's text containing `marker`."""
    for word in body_of(message).split():
        if word.startswith("http") and marker in word:
            return word
    raise AssertionError(f"no link with {marker!r} in:\n{body_of(message)}")
