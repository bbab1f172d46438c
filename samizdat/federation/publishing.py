"""Posts going out to followers: Create when published, Update when edited, Delete when
unpublished, made private or deleted. Pages, drafts and private posts never leave."""

import hashlib
import json

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from samizdat.posts.models import Post

from . import delivery, ids, quotes, services
from .ap import render
from .documents import article_document
from .models import FederatedPost, OutgoingQuote


def _digest(article):
    # `updated` changes on every save; only what followers see decides whether to send an Update.
    stable = {k: v for k, v in article.items() if k != "updated"}
    return hashlib.sha256(json.dumps(stable, sort_keys=True).encode()).hexdigest()


def _stamp():
    return int(timezone.now().timestamp() * 1000)


def _send(blog, verb, obj, object_id):
    actor = ids.actor_id(blog)
    payload = render.activity(
        verb, activity_id=ids.activity_id(object_id, verb, _stamp()), actor=actor, obj=obj,
        # Addressed as the object is (a quote also names the quoted author), a Tombstone as a post.
        to=obj.get("to") or [ids.PUBLIC], cc=obj.get("cc") or [ids.blog_collection(blog, "followers")],
        published=timezone.now().isoformat(),
    )
    # A quote goes to the quoted author's server too, so that it counts it (and hears of its end).
    delivery.queue(blog, payload, [*services.follower_inboxes(blog), *quotes.inboxes_for(object_id)])
    return payload


def _send_delete(record):
    tombstone = render.tombstone(record.ap_id, former_type="Article", deleted=timezone.now().isoformat())
    _send(record.blog, "Delete", tombstone, record.ap_id)
    record.state, record.sent_at = FederatedPost.State.DELETED, timezone.now()
    record.save(update_fields=["state", "sent_at"])


@transaction.atomic
def sync_post(post_id):
    """Tell followers what changed about a post since they last heard; the verb sent, or None."""
    post = Post.objects.select_related("blog", "featured_image").filter(pk=post_id).first()
    record = FederatedPost.objects.select_for_update(of=("self",)).select_related("blog").filter(post_id=post_id).first()
    if post is None or post.is_page or not post.is_live:
        if record is not None and record.state == FederatedPost.State.LIVE:
            _send_delete(record)
            return "Delete"
        return None
    article = article_document(post)
    digest = _digest(article)
    if record is not None and record.state == FederatedPost.State.LIVE and record.ap_id != article["id"]:
        # A new slug or date moved the post: its old id is gone, the new one is new to followers.
        _send_delete(record)
        FederatedPost.objects.filter(pk=record.pk).update(post=None)
        record = None
    if record is None:
        record = FederatedPost.objects.filter(ap_id=article["id"]).first()
    if record is not None and record.state == FederatedPost.State.LIVE and record.digest == digest:
        return None
    verb = "Update" if record is not None and record.state == FederatedPost.State.LIVE else "Create"
    quote = OutgoingQuote.objects.select_related("actor").filter(post=post).first()
    if quote is not None and quote.ap_id != article["id"]:
        OutgoingQuote.objects.filter(pk=quote.pk).update(ap_id=article["id"])
    _send(post.blog, verb, article, article["id"])
    if quote is not None:
        quotes.request_approval(quote, post.blog, article)
    FederatedPost.objects.update_or_create(
        ap_id=article["id"],
        defaults={"post": post, "blog": post.blog, "state": FederatedPost.State.LIVE, "digest": digest,
                  "sent_at": timezone.now()},
    )
    return verb


@transaction.atomic
def post_deleted(post_id, url):
    """A post was deleted for good: followers get a Delete, and its URL a Tombstone."""
    record = FederatedPost.objects.select_for_update(of=("self",)).select_related("blog").filter(
        ap_id=ids.absolute(url), state=FederatedPost.State.LIVE
    ).first()
    if record is None:
        return None
    _send_delete(record)
    return "Delete"


def unfederated_posts(since):
    """Live posts published since `since` that followers have not been told of (lost wake-ups)."""
    return list(
        Post.objects.posts().live().filter(published_at__gte=since, federation__isnull=True)
        .values_list("pk", flat=True)[:200]
    )


# A wake-up lost after an edit leaves followers with the old text: the sweep looks for posts saved
# after followers last heard of them (delivery.SWEEP_SINCE, delivery.GRACE). sync_post sends an
# Update only if what followers see changed.


def edited_posts(now=None):
    """Live posts followers have that were saved in the last day after they were last sent."""
    now = now or timezone.now()
    return list(
        Post.objects.posts().live().filter(
            federation__state=FederatedPost.State.LIVE, updated_at__gt=F("federation__sent_at"),
            updated_at__gte=now - delivery.SWEEP_SINCE, updated_at__lt=now - delivery.GRACE,
        ).order_by("pk").values_list("pk", flat=True)[:200]
    )


def withdrawn_posts():
    """Posts followers still have that are no longer here to see (deleted, unpublished, made private)
    though their Delete never went (a lost wake-up): the ids of their records."""
    return list(
        FederatedPost.objects.filter(state=FederatedPost.State.LIVE).exclude(post__in=Post.objects.posts().live())
        .order_by("pk").values_list("pk", flat=True)[:200]
    )


@transaction.atomic
def withdraw(record_id):
    """Send the Delete of a post in `withdrawn_posts`, unless another worker just did (or it is back)."""
    record = FederatedPost.objects.select_for_update(of=("self",)).select_related("blog").filter(
        pk=record_id, state=FederatedPost.State.LIVE
    ).first()
    if record is None or Post.objects.posts().live().filter(pk=record.post_id).exists():
        return False
    _send_delete(record)
    return True
