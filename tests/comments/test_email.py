"""Email through the task runner to a real SMTP server on loopback."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from samizdat.comments import outbox, services, tasks
from samizdat.comments.models import Comment, CommentSettings, OutgoingEmail, Policy, Subscription
from tests.comments.conftest import Inbox, body_of, link_in
from tests.instances import free_port

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def post(make_post):
    return make_post()


@pytest.fixture
def send(client, guest_data, comment_url, django_capture_on_commit_callbacks):
    """Post the comment form as a guest, running on-commit work (the task queueing)."""

    def post_form(post, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(comment_url(post), guest_data(post, **fields))

    return post_form


def confirm(link):
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    assert client.get(f"/{path}").status_code == 200
    return client.post(f"/{path}")


def test_author_is_told_about_a_held_comment_without_the_commenters_email(smtp, send, post):
    send(post, email="quiet@example.test", body="Is the picket on?")
    [message] = smtp.wait(1)
    assert message.envelope_to == [post.author.email]
    assert "Please moderate" in message["Subject"]
    text = body_of(message)
    assert "Is the picket on?" in text and "First comment from this commenter" in text
    assert "quiet@example.test" not in message.as_string()


def test_notices_another_sweep_has_in_hand_go_once_and_are_taken_over_only_after_its_lease(smtp, post):
    CommentSettings.objects.create(blog=post.blog, policy=Policy.OPEN)
    minute_ago = timezone.now() - datetime.timedelta(minutes=1)
    comment = Comment.objects.create(
        post=post, depth=1, author_name="Vera", body="Is the picket on?", html="<p>Is the picket on?</p>",
        status=Comment.Status.APPROVED, notices_due=True, notices_claimed_at=minute_ago,
    )
    assert services.send_due_notices() == 0  # that sweep is still queueing them
    assert smtp.wait(1, timeout=1) == []
    # Its process died: once the lease runs out, the next sweep sends them.
    Comment.objects.filter(pk=comment.pk).update(notices_claimed_at=minute_ago - services.NOTICE_LEASE)
    assert services.send_due_notices() == 1
    [message] = smtp.wait(1)
    assert message.envelope_to == [post.author.email] and "Is the picket on?" in body_of(message)
    assert services.send_due_notices() == 0
    assert smtp.wait(2, timeout=1) == [message]


def test_author_hears_nothing_about_spam(smtp, send, post):
    send(post, homepage="http://bot.example")
    assert smtp.wait(1, timeout=1) == []


def test_author_notices_can_be_turned_off(smtp, send, post):
    CommentSettings.objects.create(blog=post.blog, notify_authors=False)
    send(post)
    assert smtp.wait(1, timeout=1) == []


def test_follow_up_subscription_sends_only_a_confirmation_first(smtp, send, post):
    CommentSettings.objects.create(blog=post.blog, notify_authors=False, policy=Policy.OPEN)
    send(post, notify_replies="on")
    send(post, body="Another one", email="other@example.test")
    messages = smtp.wait(1)
    assert [m.envelope_to for m in messages] == [["vera@example.test"]]
    assert "Confirm" in messages[0]["Subject"] and "List-Unsubscribe" not in messages[0]


def test_confirmation_is_not_resent_within_minutes(smtp, send, post):
    CommentSettings.objects.create(blog=post.blog, notify_authors=False, policy=Policy.OPEN)
    send(post, notify_replies="on", body="one")
    send(post, notify_replies="on", body="two")
    assert len(smtp.wait(2, timeout=1)) == 1


def test_confirmed_subscriber_gets_follow_ups_with_one_click_unsubscribe(smtp, send, post):
    CommentSettings.objects.create(blog=post.blog, notify_authors=False, policy=Policy.OPEN)
    send(post, notify_replies="on")
    confirm(link_in(smtp.wait(1)[0], "/confirm/"))
    assert Subscription.objects.get().confirmed_at is not None
    send(post, body="A follow-up", email="other@example.test")
    follow_up = smtp.wait(2)[1]
    assert follow_up.envelope_to == ["vera@example.test"] and "A follow-up" in body_of(follow_up)
    assert follow_up["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = follow_up["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe_url == link_in(follow_up, "/unsubscribe/")
    # The mail client's one-click POST: no CSRF token, no cookies.
    path = "/" + unsubscribe_url.split("://", 1)[1].split("/", 1)[1]
    assert Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.exists()


def test_subscriber_is_not_emailed_about_their_own_comment(smtp, send, post):
    CommentSettings.objects.create(blog=post.blog, notify_authors=False, policy=Policy.OPEN)
    send(post, notify_replies="on")
    confirm(link_in(smtp.wait(1)[0], "/confirm/"))
    send(post, body="Me again")
    assert len(smtp.wait(2, timeout=1)) == 1


def test_held_comment_reaches_subscribers_only_once_approved(smtp, send, post, django_capture_on_commit_callbacks):
    CommentSettings.objects.create(blog=post.blog, notify_authors=False)
    sub = Subscription.objects.create(email="s@example.test", kind="replies", blog=post.blog, post=post)
    Subscription.objects.filter(pk=sub.pk).update(confirmed_at="2026-01-01T00:00Z")
    send(post, body="Held first")
    assert smtp.wait(1, timeout=1) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(Comment.objects.get(), "approve")
    assert smtp.wait(1)[0].envelope_to == ["s@example.test"]


def test_new_post_subscriber_gets_new_posts_once_after_confirming(smtp, send, post, make_post, django_capture_on_commit_callbacks):
    CommentSettings.objects.create(blog=post.blog, notify_authors=False, policy=Policy.OPEN)
    send(post, notify_posts="on")
    confirm(link_in(smtp.wait(1)[0], "/confirm/"))
    make_post(post.blog, title="Strike fund opens")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue_new_post_emails() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.queue_new_post_emails() == 0
    messages = smtp.wait(2)
    assert len(messages) == 2 and "Strike fund opens" in messages[1]["Subject"]
    assert messages[1]["List-Unsubscribe"]


def test_unconfirmed_address_gets_no_new_posts(smtp, send, post, make_post, django_capture_on_commit_callbacks):
    CommentSettings.objects.create(blog=post.blog, notify_authors=False, policy=Policy.OPEN)
    send(post, notify_posts="on")
    make_post(post.blog)
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_new_post_emails()
    assert len(smtp.wait(2, timeout=1)) == 1


def test_forged_confirmation_link_is_refused(client):
    assert client.get("/comments/subscriptions/confirm/not-a-token/").status_code == 404


def test_email_the_smtp_server_could_not_take_goes_on_a_later_try_once(smtp, settings, post, django_capture_on_commit_callbacks):
    live_port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # the SMTP server is down
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe("reader@example.test", Subscription.Kind.POSTS, post.blog)
    email = OutgoingEmail.objects.get()
    assert (email.state, email.attempts) == (OutgoingEmail.State.PENDING, 1) and email.last_error
    settings.EMAIL_PORT = live_port  # back up
    assert outbox.wake_due() == 0  # the next try waits a minute
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())  # a minute later
    assert outbox.wake_due() == 1
    [message] = smtp.wait(1)
    assert message.envelope_to == ["reader@example.test"] and "Confirm" in message["Subject"]
    assert outbox.wake_due() == 0
    assert smtp.wait(2, timeout=1) == [message]
    assert OutgoingEmail.objects.get().state == OutgoingEmail.State.SENT


class RefusingInbox(Inbox):
    """An SMTP server that knows no mailbox called gone@."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_address_refused_for_good_is_not_tried_again_and_keeps_no_one_else_waiting(
    settings, post, django_capture_on_commit_callbacks,
):
    from aiosmtpd.controller import Controller

    inbox, port = RefusingInbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        for address in ("gone@example.test", "here@example.test"):
            Subscription.objects.create(email=address, kind="posts", blog=post.blog, confirmed_at=post.published_at)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.queue_new_post_emails() == 2
        [message] = inbox.wait(1)
        assert message.envelope_to == ["here@example.test"]
        states = dict(OutgoingEmail.objects.values_list("subscription__email", "state"))
        assert states == {"gone@example.test": OutgoingEmail.State.FAILED, "here@example.test": OutgoingEmail.State.SENT}
    finally:
        controller.stop()


def test_email_task_queued_before_emails_were_rows_still_sends_its_email_once(smtp, post):
    CommentSettings.objects.create(blog=post.blog, policy=Policy.OPEN)
    comment = Comment.objects.create(
        post=post, depth=1, author_name="Vera", body="Is the picket on?", html="<p>Is the picket on?</p>",
        status=Comment.Status.APPROVED,
    )
    tasks.notify_author_task(comment.pk)
    tasks.notify_author_task(comment.pk)  # the old tasks were retried: the email goes once all the same
    [message] = smtp.wait(2, timeout=2)
    assert message.envelope_to == [post.author.email] and "Is the picket on?" in body_of(message)
