"""The emails the comments app sends, built here from their OutgoingEmail rows when the worker sends
them (samizdat.comments.outbox), so each reflects the comment, post and subscription as they are then."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from samizdat.core.links import absolute_url

from . import services
from .models import Comment, OutgoingEmail


def _message(to, template, context, *, language, unsubscribe_url=None):
    with translation.override(language):
        subject = " ".join(render_to_string(f"comments/email/{template}_subject.txt", context).split())
        body = render_to_string(f"comments/email/{template}.txt", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)


def _unsubscribe_url(subscription):
    return absolute_url(reverse("comments:unsubscribe", args=[services.unsubscribe_token(subscription)]))


def message_for(email):
    """The message an OutgoingEmail row stands for, or None when it is no longer wanted."""
    return _BUILDERS[email.kind](email)


def _confirmation(email):
    """Ask the address to confirm its subscription: the one email an unconfirmed address gets."""
    subscription = email.subscription
    if subscription is None or subscription.confirmed_at:
        return None
    context = {
        "subscription": subscription, "blog": subscription.blog, "post": subscription.post,
        "confirm_url": absolute_url(reverse("comments:confirm", args=[services.confirm_token(subscription)])),
    }
    return _message(subscription.email, "confirm", context, language=subscription.blog.language)


def _author_notice(email):
    """Tell the post's author about a new comment, or one waiting for moderation."""
    comment = email.comment
    if comment is None or comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING):
        return None
    post, author = comment.post, comment.post.author
    if not author.email or author.pk == comment.user_id or not services.settings_for(post.blog).notify_authors:
        return None
    # The commenter's email address is never put in the message.
    context = {
        "comment": comment, "post": post, "blog": post.blog,
        "held": comment.status == Comment.Status.PENDING,
        "reasons": services.reason_labels(comment),
        "comment_url": absolute_url(comment.get_absolute_url()),
        "queue_url": absolute_url(reverse("dashboard:comment_list", args=[post.blog.slug]) + "?status=pending"),
    }
    return _message(author.email, "author_notice", context, language=post.blog.language)


def _follow_up(email):
    """Tell a confirmed follow-up subscriber of the post about an approved comment."""
    comment, subscription = email.comment, email.subscription
    if comment is None or comment.status != Comment.Status.APPROVED or subscription is None or not subscription.confirmed_at:
        return None
    post = comment.post
    unsubscribe_url = _unsubscribe_url(subscription)
    context = {
        "comment": comment, "post": post, "blog": post.blog,
        "comment_url": absolute_url(comment.get_absolute_url()), "unsubscribe_url": unsubscribe_url,
    }
    return _message(subscription.email, "follow_up", context, language=post.blog.language, unsubscribe_url=unsubscribe_url)


def _new_post(email):
    """Tell a confirmed subscriber of the blog about one new post."""
    post, subscription = email.post, email.subscription
    if subscription is None or not subscription.confirmed_at or post is None or not post.is_live:
        return None
    unsubscribe_url = _unsubscribe_url(subscription)
    context = {
        "post": post, "blog": post.blog, "post_url": absolute_url(post.get_absolute_url()),
        "unsubscribe_url": unsubscribe_url,
    }
    return _message(subscription.email, "new_post", context, language=post.blog.language, unsubscribe_url=unsubscribe_url)


_BUILDERS = {
    OutgoingEmail.Kind.CONFIRMATION: _confirmation,
    OutgoingEmail.Kind.AUTHOR_NOTICE: _author_notice,
    OutgoingEmail.Kind.FOLLOW_UP: _follow_up,
    OutgoingEmail.Kind.NEW_POST: _new_post,
}
