"""The emails the comments app sends: built here, sent by the tasks through Django's email backend."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from samizdat.core.links import absolute_url
from samizdat.posts.models import Post

from . import services
from .models import Comment, Subscription


def _send(to, template, context, *, language, unsubscribe_url=None):
    with translation.override(language):
        subject = " ".join(render_to_string(f"comments/email/{template}_subject.txt", context).split())
        body = render_to_string(f"comments/email/{template}.txt", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url:
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], headers=headers)
    message.send()


def _unsubscribe_url(subscription):
    return absolute_url(reverse("comments:unsubscribe", args=[services.unsubscribe_token(subscription)]))


def send_confirmation(subscription_id):
    """Ask the address to confirm its subscription: the one email an unconfirmed address gets."""
    subscription = Subscription.objects.select_related("blog", "post").filter(pk=subscription_id).first()
    if subscription is None or subscription.confirmed_at:
        return False
    context = {
        "subscription": subscription, "blog": subscription.blog, "post": subscription.post,
        "confirm_url": absolute_url(reverse("comments:confirm", args=[services.confirm_token(subscription)])),
    }
    _send(subscription.email, "confirm", context, language=subscription.blog.language)
    return True


def notify_author(comment_id):
    """Tell the post's author about a new comment, or one waiting for moderation."""
    comment = Comment.objects.select_related("post__blog", "post__author").filter(pk=comment_id).first()
    if comment is None or comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING):
        return False
    post, author = comment.post, comment.post.author
    if not author.email or author.pk == comment.user_id:
        return False
    if not services.settings_for(post.blog).notify_authors:
        return False
    # The commenter's email address is never put in the message.
    context = {
        "comment": comment, "post": post, "blog": post.blog,
        "held": comment.status == Comment.Status.PENDING,
        "reasons": services.reason_labels(comment),
        "comment_url": absolute_url(comment.get_absolute_url()),
        "queue_url": absolute_url(reverse("dashboard:comment_list", args=[post.blog.slug]) + "?status=pending"),
    }
    _send(author.email, "author_notice", context, language=post.blog.language)
    return True


def notify_subscribers(comment_id):
    """Email each confirmed follow-up subscriber of the post about an approved comment, once."""
    comment = Comment.objects.select_related("post__blog").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.APPROVED:
        return 0
    claimed = Comment.objects.filter(pk=comment.pk, subscribers_notified_at__isnull=True).update(
        subscribers_notified_at=timezone.now()
    )
    if not claimed:
        return 0
    post = comment.post
    subscriptions = Subscription.objects.filter(post=post, kind=Subscription.Kind.REPLIES, confirmed_at__isnull=False)
    if comment.author_email:
        subscriptions = subscriptions.exclude(email__iexact=comment.author_email)
    sent = 0
    for subscription in subscriptions:
        context = {
            "comment": comment, "post": post, "blog": post.blog,
            "comment_url": absolute_url(comment.get_absolute_url()),
            "unsubscribe_url": _unsubscribe_url(subscription),
        }
        _send(subscription.email, "follow_up", context, language=post.blog.language,
              unsubscribe_url=context["unsubscribe_url"])
        sent += 1
    return sent


def send_new_post(post_id, subscription_id):
    """Email one confirmed subscriber about one new post."""
    subscription = Subscription.objects.filter(pk=subscription_id, confirmed_at__isnull=False).first()
    post = Post.objects.select_related("blog").filter(pk=post_id).first()
    if subscription is None or post is None or not post.is_live:
        return False
    context = {
        "post": post, "blog": post.blog, "post_url": absolute_url(post.get_absolute_url()),
        "unsubscribe_url": _unsubscribe_url(subscription),
    }
    _send(subscription.email, "new_post", context, language=post.blog.language,
          unsubscribe_url=context["unsubscribe_url"])
    return True
