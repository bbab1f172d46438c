"""Comments in Debian's Chromium: a guest's comment through moderation, a reply, and email follow-ups."""

import pytest
from playwright.sync_api import expect

from samizdat.comments import services
from samizdat.comments.models import Comment, CommentSettings, Policy
from tests.comments.conftest import immediate_tasks, link_in, smtp  # noqa: F401

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase 7"


def leave_comment(page, body, *, name="Vera", email="vera@example.test"):
    page.get_by_label("Name:", exact=True).fill(name)
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Comment:", exact=True).fill(body)
    page.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state()


def test_guest_comment_is_held_then_approved_then_visible(
    new_context, live_server, make_user, make_blog, make_post, sign_in
):
    owner = make_user("ana", password=PASSWORD)
    post = make_post(make_blog("dockers", owner=owner), title="The port strike ends")
    url = live_server.url + post.get_absolute_url()

    guest = new_context(java_script_enabled=False).new_page()
    guest.goto(url)
    leave_comment(guest, "Solidarity from the print shop.")
    held = guest.locator("li.comment.held")
    assert "Solidarity from the print shop." in held.inner_text()
    assert held.get_by_text("Your comment is awaiting moderation.").is_visible()

    stranger = new_context().new_page()
    stranger.goto(url)
    assert "Solidarity from the print shop." not in stranger.content()

    moderator = new_context().new_page()
    sign_in(moderator, "ana", PASSWORD)
    moderator.goto(f"{live_server.url}/dashboard/dockers/comments/")
    row = moderator.locator("tr", has_text="Solidarity from the print shop.")
    assert "First comment from this commenter on this blog." in row.inner_text()
    row.get_by_role("button", name="Approve").click()
    moderator.wait_for_load_state()

    stranger.goto(url)
    comment = stranger.locator("li.comment")
    assert "Solidarity from the print shop." in comment.inner_text() and "Vera" in comment.inner_text()
    assert "awaiting moderation" not in stranger.content()
    assert "vera@example.test" not in stranger.content()


def test_reader_replies_in_a_thread(new_context, live_server, make_blog, make_post, settings):
    settings.SAMIZDAT_COMMENT_MIN_SECONDS = 0
    blog = make_blog("dockers")
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN)
    post = make_post(blog, title="Ballot results")
    top, _ = services.submit_comment(post, services.Submission(body="Who counted?", name="Olga", email="o@example.test", elapsed=60))

    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.url + post.get_absolute_url())
    page.locator(f"#comment-{top.pk}").get_by_role("link", name="Reply").click()
    expect(page.get_by_role("heading", name="Reply to Olga")).to_be_visible()
    leave_comment(page, "The branch secretaries did.", name="Ivan", email="ivan@example.test")

    reply = page.locator(f"#comment-{top.pk} ol.children > li.comment")
    assert "The branch secretaries did." in reply.inner_text() and "Ivan" in reply.inner_text()
    assert Comment.objects.get(body="The branch secretaries did.").parent_id == top.pk


def test_subscriber_confirms_by_email_link_gets_a_follow_up_and_unsubscribes(
    new_context, live_server, make_blog, make_post, settings, smtp, immediate_tasks  # noqa: F811
):
    settings.SAMIZDAT_COMMENT_MIN_SECONDS = 0
    settings.SITE_URL = live_server.url
    blog = make_blog("dockers")
    CommentSettings.objects.create(blog=blog, policy=Policy.OPEN, notify_authors=False)
    post = make_post(blog, title="Strike fund")

    page = new_context().new_page()
    page.goto(live_server.url + post.get_absolute_url())
    page.get_by_label("Notify me of follow-up comments by email.").check()
    leave_comment(page, "Count me in.")
    [confirmation] = smtp.wait(1)
    assert confirmation.envelope_to == ["vera@example.test"]

    page.goto(link_in(confirmation, "/confirm/"))
    page.get_by_role("button", name="Confirm subscription").click()
    expect(page.get_by_text("your subscription is confirmed")).to_be_visible()

    services.submit_comment(post, services.Submission(body="Me too.", name="Olga", email="o@example.test", elapsed=60))
    follow_up = smtp.wait(2)[1]
    assert follow_up.envelope_to == ["vera@example.test"] and "Me too." in follow_up.get_content()

    page.goto(link_in(follow_up, "/unsubscribe/"))
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_text("You are unsubscribed")).to_be_visible()
    services.submit_comment(post, services.Submission(body="Still here.", name="Olga", email="o@example.test", elapsed=60))
    assert len(smtp.wait(3, timeout=2)) == 2
