"""What federation does for a blog: followers from other servers, and the activities it sends."""

from django.db import transaction

from samizdat.blogs.models import Blog

from . import blocks, delivery, ids, selectors
from .documents import actor_document
from .ap import render
from .models import BlogFederation, Follower


def blog_for_actor_id(actor_id):
    """Our blog whose actor id is `actor_id`, or None."""
    slug = actor_id.rstrip("/").rpartition("/@")[2]
    blog = Blog.objects.filter(slug=slug).first()
    return blog if blog is not None and ids.actor_id(blog) == actor_id else None


@transaction.atomic
def set_approve_followers(blog, approve):
    """Hold new follow requests for an owner or editor (`approve`), or accept them at once: turning
    it off accepts the requests held so far, as Mastodon does when an account is unlocked."""
    settings, _created = BlogFederation.objects.get_or_create(blog=blog)
    if settings.approve_followers == approve:
        return
    settings.approve_followers = approve
    settings.save(update_fields=["approve_followers"])
    if not approve:
        for follower in selectors.follow_requests(blog):
            accept_follower(follower)
    # Followers' servers show whether the account approves followers: tell them it changed.
    transaction.on_commit(lambda: send_actor_update(blog))


def send_actor_update(blog):
    """Send the blog's actor document, as it is now, to its followers (Update of the Person)."""
    document = actor_document(blog)
    payload = render.activity(
        "Update", activity_id=ids.activity_id(document["id"], "update", ids.stamp()), actor=document["id"],
        obj=document, to=[ids.PUBLIC], cc=[ids.blog_collection(blog, "followers")],
    )
    delivery.queue(blog, payload, follower_inboxes(blog))


@transaction.atomic
def add_follower(blog, remote, follow_id, *, approve):
    """Record `remote` following `blog`: accepted at once (and told so), or held when `approve`."""
    follower, created = Follower.objects.get_or_create(
        blog=blog, actor=remote,
        defaults={"follow_id": follow_id, "status": Follower.Status.PENDING if approve else Follower.Status.ACCEPTED},
    )
    if not created and follower.follow_id != follow_id:
        follower.follow_id = follow_id
        follower.save(update_fields=["follow_id"])
    if follower.status == Follower.Status.ACCEPTED:
        # Also for a repeated Follow: its sender evidently missed our first Accept.
        send_accept(follower)
    return follower


@transaction.atomic
def accept_follower(follower):
    """An owner accepts a held follow request: the follower is told and starts receiving posts."""
    follower.status = Follower.Status.ACCEPTED
    # save(), not update(): the blog's stored pages count its followers and must hear of it.
    follower.save(update_fields=["status"])
    send_accept(follower)


@transaction.atomic
def reject_follower(follower):
    """An owner turns down a follow request (or removes a follower): the follower is told."""
    actor = ids.actor_id(follower.blog)
    payload = render.activity(
        "Reject", activity_id=ids.activity_id(actor, "reject", ids.stamp()), actor=actor,
        obj=_follow_object(follower), to=[follower.actor.ap_id],
    )
    delivery.queue(follower.blog, payload, [follower.actor.inbox])
    follower.delete()


def _follow_object(follower):
    return {"id": follower.follow_id, "type": "Follow", "actor": follower.actor.ap_id, "object": ids.actor_id(follower.blog)}


def send_accept(follower):
    actor = ids.actor_id(follower.blog)
    payload = render.activity(
        "Accept", activity_id=ids.activity_id(actor, "accept", ids.stamp()), actor=actor,
        obj=_follow_object(follower), to=[follower.actor.ap_id],
    )
    # To the follower's own inbox: some servers (bovine) only take an Accept there.
    delivery.queue(follower.blog, payload, [follower.actor.inbox])


def remove_follower(remote, *, follow_id="", blog=None):
    """`remote` stops following (Undo Follow): by the Follow's id, or by the blog it named."""
    followers = Follower.objects.filter(actor=remote)
    if blog is not None:
        followers = followers.filter(blog=blog)
    elif follow_id:
        followers = followers.filter(follow_id=follow_id)
    else:
        return 0
    deleted, _ = followers.delete()
    return deleted


def follower_inboxes(blog):
    """Where the blog's activities go: each accepted follower's server once, by its shared inbox."""
    rows = Follower.objects.filter(blog=blog, status=Follower.Status.ACCEPTED).values_list(
        "actor__ap_id", "actor__shared_inbox", "actor__inbox"
    )
    # Streamed, and the blocks read once: memory and queries grow with servers, not followers.
    blocked = blocks.checker()
    return list(dict.fromkeys(
        shared or own for actor, shared, own in rows.iterator(chunk_size=2000) if not blocked(actor)
    ))


def answer_quote_request(blog, remote, request, reblog):
    """Accept a FEP-044f QuoteRequest with the QuoteAuthorization we serve for `reblog`, or Reject it
    (`reblog` None)."""
    actor = ids.actor_id(blog)
    obj = {key: request[key] for key in ("id", "type", "actor", "object") if key in request}
    instrument = request.get("instrument")
    obj["instrument"] = instrument.get("id") if isinstance(instrument, dict) else instrument
    verb = "Accept" if reblog is not None else "Reject"
    payload = render.activity(
        verb, activity_id=ids.activity_id(actor, f"{verb}-quote", ids.stamp()), actor=actor, obj=obj, to=[remote.ap_id],
    )
    if reblog is not None:
        payload["result"] = ids.quote_authorization_id(reblog)
    delivery.queue(blog, payload, [remote.inbox])
