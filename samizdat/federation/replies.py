"""Local comments going out: a comment approved on a post our followers have is sent to them as a
reply (a Note from the blog's actor naming its writer, guests included), and to the remote author
it answers; edits send Update, trash, spam and deletion send Delete."""

import hashlib
import json

from django.db import transaction
from django.utils import timezone

from samizdat.comments.models import Comment

from . import delivery, ids, services
from .ap import render
from .models import FederatedComment, FederatedPost, RemoteActor


def _stamp():
    return int(timezone.now().timestamp() * 1000)


def _digest(note):
    return hashlib.sha256(json.dumps(note, sort_keys=True).encode()).hexdigest()


def _replied_actor(parent):
    """The remote actor a comment answers, when its parent came from another server."""
    if parent is None or parent.local:
        return None
    return RemoteActor.objects.filter(url=parent.author_url).first() or RemoteActor.objects.filter(
        ap_id=parent.author_url
    ).first()


def note_document(comment):
    """The Note for a local approved comment, with the remote author it answers mentioned."""
    parent = comment.parent
    in_reply_to = ids.post_id(comment.post) if parent is None else (parent.ap_id or ids.comment_id(parent))
    actor = _replied_actor(parent)
    mention = (actor.ap_id, actor.handle) if actor is not None else None
    return render.comment_note(comment, in_reply_to=in_reply_to, blog=comment.post.blog, mention=mention), actor


def _send(blog, verb, obj, object_id, extra_inboxes=()):
    actor = ids.actor_id(blog)
    payload = render.activity(
        verb, activity_id=ids.activity_id(object_id, verb, _stamp()), actor=actor, obj=obj,
        to=obj.get("to") or [ids.PUBLIC], cc=obj.get("cc") or [ids.blog_collection(blog, "followers")],
        published=timezone.now().isoformat(),
    )
    delivery.queue(blog, payload, [*services.follower_inboxes(blog), *extra_inboxes])


def _send_delete(record):
    tombstone = render.tombstone(record.ap_id, former_type="Note", deleted=timezone.now().isoformat())
    _send(record.blog, "Delete", tombstone, record.ap_id)
    FederatedComment.objects.filter(pk=record.pk).update(state=FederatedPost.State.DELETED, sent_at=timezone.now())


@transaction.atomic
def sync_comment(comment_id):
    """Tell followers what changed about a local comment; the verb sent, or None."""
    comment = Comment.objects.select_related("post__blog", "parent").filter(pk=comment_id, local=True).first()
    record = FederatedComment.objects.select_for_update(of=("self",)).select_related("blog").filter(
        ap_id=ids.comment_id(comment_id)
    ).first()
    federated_post = comment is not None and FederatedPost.objects.filter(
        post_id=comment.post_id, state=FederatedPost.State.LIVE
    ).exists()
    if comment is None or comment.status != Comment.Status.APPROVED or not federated_post:
        if record is not None and record.state == FederatedPost.State.LIVE:
            _send_delete(record)
            return "Delete"
        return None
    note, replied = note_document(comment)
    digest = _digest(note)
    if record is not None and record.state == FederatedPost.State.LIVE and record.digest == digest:
        return None
    verb = "Update" if record is not None and record.state == FederatedPost.State.LIVE else "Create"
    extra = [replied.delivery_inbox] if replied is not None else []
    _send(comment.post.blog, verb, note, note["id"], extra)
    FederatedComment.objects.update_or_create(
        ap_id=note["id"],
        defaults={"comment": comment, "blog": comment.post.blog, "state": FederatedPost.State.LIVE,
                  "digest": digest, "sent_at": timezone.now()},
    )
    return verb


@transaction.atomic
def comment_deleted(comment_id):
    """A local comment was deleted for good: followers get a Delete."""
    record = FederatedComment.objects.select_for_update(of=("self",)).select_related("blog").filter(
        ap_id=ids.comment_id(comment_id), state=FederatedPost.State.LIVE
    ).first()
    if record is None:
        return None
    _send_delete(record)
    return "Delete"
