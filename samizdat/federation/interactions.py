"""Likes, boosts and replies of fediverse posts from the Reader, and taking them back.

People here have no actor of their own: a writer acts as one of their blogs, as a reply from the
Reader does. A like goes to the post's author alone (as Mastodon sends it); a boost is public, to
the author and the blog's followers. Each is kept (`ReaderAction`) so that its Undo names it.
"""

import secrets

from django.db import transaction
from django.utils import timezone

from . import delivery, ids, services
from .ap import render
from .following import entry_author
from .models import ReaderAction, ReaderReply

LIKE, BOOST = ReaderAction.Kind.LIKE, ReaderAction.Kind.BOOST


def _audience(action):
    """(to, cc, inboxes) of a like or a boost, and of its Undo."""
    author = action.recipient
    if action.kind == LIKE:
        return [author.ap_id], [], [author.inbox]
    followers = ids.blog_collection(action.blog, "followers")
    return [ids.PUBLIC], [author.ap_id, followers], [author.delivery_inbox, *services.follower_inboxes(action.blog)]


def _activity(action):
    return {"id": action.activity_id, "type": str(action.kind), "actor": ids.actor_id(action.blog),
            "object": action.object_id}


@transaction.atomic
def act(entry, *, blog, kind):
    """`blog` likes or boosts the fediverse post of Reader `entry`; the ReaderAction (once per blog)."""
    recipient = entry_author(entry)
    action, created = ReaderAction.objects.get_or_create(
        blog=blog, kind=kind, object_id=entry.guid,
        defaults={
            "recipient": recipient,
            "activity_id": f"{ids.actor_id(blog)}#{kind.lower()}-{ids.stamp()}-{secrets.token_hex(4)}",
        },
    )
    if created:
        to, cc, inboxes = _audience(action)
        payload = render.activity(kind, activity_id=action.activity_id, actor=ids.actor_id(blog),
                                  obj=action.object_id, to=to, cc=cc, published=timezone.now().isoformat())
        delivery.queue(blog, payload, inboxes)
    return action


@transaction.atomic
def undo(action):
    """Take back a like or a boost: an Undo naming it goes where it went."""
    to, cc, inboxes = _audience(action)
    actor = ids.actor_id(action.blog)
    payload = render.activity("Undo", activity_id=ids.activity_id(action.activity_id, "undo", ids.stamp()),
                              actor=actor, obj=_activity(action), to=to, cc=cc)
    delivery.queue(action.blog, payload, inboxes)
    action.delete()


@transaction.atomic
def delete_reply(reply):
    """Delete a reply written in the Reader: a Delete (Tombstone) goes where the reply went."""
    note_id = ids.reader_reply_id(reply)
    tombstone = render.tombstone(note_id, former_type="Note", deleted=timezone.now().isoformat())
    actor = ids.actor_id(reply.blog)
    payload = render.activity(
        "Delete", activity_id=ids.activity_id(note_id, "delete", ids.stamp()), actor=actor, obj=tombstone,
        to=[ids.PUBLIC], cc=[ids.blog_collection(reply.blog, "followers"), reply.recipient.ap_id],
    )
    delivery.queue(reply.blog, payload, [reply.recipient.delivery_inbox, *services.follower_inboxes(reply.blog)])
    reply.delete()


def done_by(blogs, object_ids):
    """{object id: ([ReaderAction], [ReaderReply])}: what `blogs` did to these fediverse posts."""
    done = {object_id: ([], []) for object_id in object_ids}
    for action in ReaderAction.objects.filter(blog__in=blogs, object_id__in=object_ids).select_related("blog"):
        done[action.object_id][0].append(action)
    for reply in ReaderReply.objects.filter(blog__in=blogs, in_reply_to__in=object_ids).select_related("blog"):
        done[reply.in_reply_to][1].append(reply)
    return done
