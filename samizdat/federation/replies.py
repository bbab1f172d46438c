"""Local comments going out: a comment approved on a post our followers have is sent to them as a
reply (a Note from the blog's actor naming its writer, guests included), and to the remote author
it answers; edits send Update, trash, spam and deletion send Delete."""

import hashlib
import json

from django.db import transaction
from django.db.models import Q
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


# The comments app's signals wake the tasks above through the queue, which may lose a write, or a
# worker that had the task in hand may be killed: the sweep finds what followers were never told
# (as far back as delivery.SWEEP_SINCE, leaving alone the last delivery.GRACE).


def unfederated_comments(now=None):
    """Local comments changed in the last day (not the last delivery.GRACE) whose followers were not told:
    approved on a post followers have, never sent; or sent, then trashed, held or sent to spam."""
    now = now or timezone.now()
    live = FederatedPost.State.LIVE
    missing = Q(status=Comment.Status.APPROVED, post__federation__state=live, federation__isnull=True)
    withdrawn = Q(federation__state=live) & ~Q(status=Comment.Status.APPROVED)
    return list(
        Comment.objects.filter(missing | withdrawn, local=True, notices_due=False,
                               updated_at__gte=now - delivery.SWEEP_SINCE, updated_at__lt=now - delivery.GRACE)
        .order_by("pk").values_list("pk", flat=True)[:200]
    )


def deleted_comments():
    """The ids of local comments deleted while followers still have them (the Delete never went)."""
    return list(
        FederatedComment.objects.filter(comment__isnull=True, state=FederatedPost.State.LIVE)
        .order_by("pk").values_list("pk", flat=True)[:200]
    )


@transaction.atomic
def withdraw_deleted(record_id):
    """Send the Delete of a deleted comment's record, unless another worker just did."""
    record = FederatedComment.objects.select_for_update(of=("self",)).select_related("blog").filter(
        pk=record_id, comment__isnull=True, state=FederatedPost.State.LIVE
    ).first()
    if record is not None:
        _send_delete(record)
    return record is not None


def sync_due_comments(now=None):
    """Tell followers what a lost wake-up left untold about local comments; how many comments."""
    done = 0
    for pk in unfederated_comments(now):
        done += sync_comment(pk) is not None
    for pk in deleted_comments():
        done += withdraw_deleted(pk)
    return done
