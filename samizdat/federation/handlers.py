"""What each incoming activity does: one dispatch table from (activity type, object type) to a
handler, each calling a service. Handlers run in the worker, inside a transaction."""

from . import conversations, following, publishing, quotes, services
from .ap import parse
from .client import FederationError, signed_get
from .selectors import approves_followers


class Ignored(Exception):
    """The activity is understood but asks nothing of us (or nothing we do yet)."""


def _object(activity, remote):
    """The activity's object, fetched when only its id was sent (JSON-LD compaction, bovine)."""
    obj = activity.get("object")
    if isinstance(obj, dict):
        return obj
    object_id = parse.ref(obj)
    if not object_id:
        raise Ignored("the activity has no object")
    try:
        return signed_get(object_id)
    except FederationError as exc:
        raise Ignored(f"the object could not be fetched: {exc}")


def handle_follow(activity, remote, blog):
    """Follow of one of our blogs → a follower, accepted at once or held for the owner."""
    target = services.blog_for_actor_id(parse.ref(activity.get("object")))
    if target is None:
        raise Ignored("the Follow is not for one of our blogs")
    follower = services.add_follower(target, remote, parse.ref(activity.get("id")), approve=approves_followers(target))
    return f"{remote} follows {target.slug} ({follower.status})"


def handle_undo(activity, remote, blog):
    """Undo of a Follow → the follower is removed; of a Like → the like is taken back; of an
    Announce → the boost is no longer listed as a reblog."""
    obj = activity.get("object")
    object_id = parse.ref(obj)
    kind = parse.type_of(obj) if isinstance(obj, dict) else ""
    if kind in ("", "Follow"):
        target = services.blog_for_actor_id(parse.ref(obj.get("object"))) if isinstance(obj, dict) else None
        if services.remove_follower(remote, follow_id=object_id, blog=target):
            return f"{remote} stopped following"
    if kind in ("", "Like") and conversations.remove_like(object_id, remote):
        return f"{remote} took back a like"
    if kind in ("", "Announce") and conversations.remove_reblog(object_id, remote):
        return f"{remote} took back a boost"
    if kind in ("", "Announce") and following.remove_boost(object_id, remote):
        return f"{remote} took back a boost: its Reader entry removed"
    raise Ignored("nothing to undo")


def handle_create_note(activity, remote, blog):
    """A public reply to a post or comment of ours → a comment, moderated like a local one; a quote
    post of one of our posts → a reblog with commentary; a post of an account readers here follow
    → an entry in their Reader (a note may be all three)."""
    note = _object(activity, remote)
    if parse.type_of(note) not in POST_TYPES:
        raise Ignored(f"a {parse.type_of(note) or 'nameless'} object is no post")
    outcomes, reasons = [], []
    if following.receive_post(note, remote):
        outcomes.append("an entry in the Reader")
        if not parse.ref(note.get("inReplyTo")) and not conversations.quoted(note):
            return outcomes[0]
    if conversations.quoted(note):
        try:
            outcomes.append(f"reblog {conversations.receive_quote(note, remote).pk} (a quote)")
        except (conversations.NotOurs, ValueError) as exc:
            reasons.append(str(exc))
    if parse.ref(note.get("inReplyTo")) or not outcomes:
        try:
            comment, created = conversations.receive_reply(note, remote)
            outcomes.append(f"comment {comment.pk} ({comment.status})" if created else f"comment {comment.pk} already here")
        except (conversations.NotOurs, ValueError) as exc:
            reasons.append(str(exc))
    if not outcomes:
        raise Ignored("; ".join(reasons))
    return "; ".join(outcomes)


def handle_update_note(activity, remote, blog):
    """An edited reply → the comment's text changes; an edited post of an account readers here
    follow → its Reader entry changes."""
    note = _object(activity, remote)
    if parse.type_of(note) not in POST_TYPES:
        raise Ignored(f"{parse.type_of(note) or 'nameless'} updates are not handled")
    entry = following.receive_post(note, remote)
    try:
        changed = conversations.edit_reply(note, remote)
    except ValueError as exc:
        if entry:
            return "Reader entry edited"
        raise Ignored(str(exc))
    if not changed:
        if entry:
            return "Reader entry edited"
        raise Ignored("no such comment")
    return "comment edited"


def handle_delete(activity, remote, blog):
    """A deleted reply (the object's id, or a Tombstone) → the comment is removed; a deleted quote
    post → its reblog is no longer listed."""
    object_id = parse.ref(activity.get("object"))
    if conversations.remove_reply(object_id, remote):
        return "comment removed"
    if conversations.remove_reblog(object_id, remote):
        return "quote removed"
    if following.remove_post(object_id, remote):
        return "Reader entry removed"
    raise Ignored("nothing of ours to delete")


def handle_like(activity, remote, blog):
    """Like of one of our posts → counted in "N bloggers like this", the liker listed."""
    try:
        like, created = conversations.receive_like(activity, remote)
    except conversations.NotOurs as exc:
        raise Ignored(str(exc))
    return f"like {like.pk}" if created else "like already counted"


def handle_announce(activity, remote, blog):
    """A public boost of one of our posts → a reblog, listed under "Reblogged by"; a boost by an
    account readers here follow → the boosted post in their Reader, "boosted by" it."""
    try:
        row, created = conversations.receive_announce(activity, remote)
    except conversations.NotOurs as exc:
        if following.receive_boost(activity, remote):
            return "a boosted post in the Reader"
        raise Ignored(str(exc))
    return f"reblog {row.pk}" if created else "boost already counted"


def handle_quote_request(activity, remote, blog):
    """FEP-044f QuoteRequest (Mastodon 4.5) for one of our posts → accepted with a QuoteAuthorization
    we serve, without which Mastodon shows the quote as pending; the quote counts as a reblog."""
    try:
        post, parent = conversations.local_target(parse.ref(activity.get("object")))
    except conversations.NotOurs as exc:
        raise Ignored(str(exc))
    if parent is not None:
        raise Ignored("comments are not quoted")
    instrument = activity.get("instrument")
    note = instrument if isinstance(instrument, dict) else _object({"object": instrument}, remote)
    if conversations.quoted(note) != parse.ref(activity.get("object")):
        raise Ignored("the quote does not quote what the request names")
    try:
        row = conversations.receive_quote(note, remote)
    except (conversations.NotOurs, ValueError) as exc:
        # A quote addressed to a few would be listed publicly here, and its authorization too.
        services.answer_quote_request(post.blog, remote, activity, None)
        return f"quote refused: {exc}"
    services.answer_quote_request(post.blog, remote, activity, row)
    return f"quote {row.pk} accepted"


def handle_accept(activity, remote, blog):
    """Accept of the instance actor's Follow: the account's posts now come to the Reader. Accept of
    a blog's QuoteRequest: the quote, approved, is sent again with its QuoteAuthorization."""
    post_id = quotes.answered(activity, remote, accepted=True)
    if post_id is not None:
        if post_id:
            publishing.sync_post(post_id)
        return f"{remote} approved our quote"
    if following.follow_answered(activity, remote, accepted=True):
        return f"{remote} accepted our follow"
    raise Ignored("no follow of ours to accept")


def handle_reject(activity, remote, blog):
    """Reject of the instance actor's Follow (or a removal): its readers see it in their list.
    Reject of a blog's QuoteRequest: the writer is told on the dashboard, and the post, sent again,
    names the quoted post by a plain link only, as Mastodon keeps a refused quote."""
    post_id = quotes.answered(activity, remote, accepted=False)
    if post_id is not None:
        if post_id:
            publishing.sync_post(post_id)  # sent again, naming the post by a plain link
        return f"{remote} did not approve our quote"
    if following.follow_answered(activity, remote, accepted=False):
        return f"{remote} rejected our follow"
    raise Ignored("no follow of ours to reject")


POST_TYPES = parse.POST_TYPES

# (activity type, object type or None for any) → handler. FEDERATION.md lists each one.
HANDLERS = {
    ("Follow", None): handle_follow,
    ("Undo", None): handle_undo,
    ("Create", "Note"): handle_create_note,
    ("Create", "Article"): handle_create_note,
    ("Create", "Page"): handle_create_note,
    ("Create", "Question"): handle_create_note,
    # Pleroma/Akkoma and bovine may send the object by id only; it is fetched and must be a post.
    ("Create", ""): handle_create_note,
    ("Update", "Note"): handle_update_note,
    ("Update", "Article"): handle_update_note,
    ("Update", "Page"): handle_update_note,
    ("Update", "Question"): handle_update_note,
    ("Accept", None): handle_accept,
    ("Reject", None): handle_reject,
    ("Delete", None): handle_delete,
    ("Like", None): handle_like,
    ("Announce", None): handle_announce,
    ("QuoteRequest", None): handle_quote_request,
    # Misskey sends its reactions as Like with `_misskey_reaction` (and EmojiReact from Pleroma).
    ("EmojiReact", None): handle_like,
}


def _object_type(activity):
    obj = activity.get("object")
    if isinstance(obj, dict):
        return parse.type_of(obj)
    return ""


def dispatch(activity, remote, blog):
    """Run the handler for `activity`; its outcome as text. Ignored when none applies."""
    kind = parse.type_of(activity)
    handler = HANDLERS.get((kind, _object_type(activity))) or HANDLERS.get((kind, None))
    if handler is None:
        raise Ignored(f"{kind} {_object_type(activity)} activities are not handled".replace("  ", " "))
    return handler(activity, remote, blog)
