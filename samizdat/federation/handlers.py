"""What each incoming activity does: one dispatch table from (activity type, object type) to a
handler, each calling a service. Handlers run in the worker, inside a transaction."""

from . import services
from .ap import parse
from .selectors import approves_followers


class Ignored(Exception):
    """The activity is understood but asks nothing of us (or nothing we do yet)."""


def handle_follow(activity, remote, blog):
    """Follow of one of our blogs → a follower, accepted at once or held for the owner."""
    target = services.blog_for_actor_id(parse.ref(activity.get("object")))
    if target is None:
        raise Ignored("the Follow is not for one of our blogs")
    follower = services.add_follower(target, remote, parse.ref(activity.get("id")), approve=approves_followers(target))
    return f"{remote} follows {target.slug} ({follower.status})"


def handle_undo_follow(activity, remote, blog):
    """Undo of a Follow → the follower is removed."""
    follow = activity.get("object")
    target = services.blog_for_actor_id(parse.ref(follow.get("object"))) if isinstance(follow, dict) else None
    removed = services.remove_follower(remote, follow_id=parse.ref(follow), blog=target)
    if not removed:
        raise Ignored("no such follower")
    return f"{remote} stopped following"


# (activity type, object type or None for any) → handler. FEDERATION.md lists each one.
HANDLERS = {
    ("Follow", None): handle_follow,
    ("Undo", "Follow"): handle_undo_follow,
    # An Undo naming its Follow only by id (JSON-LD compaction, bovine).
    ("Undo", None): handle_undo_follow,
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
        raise Ignored(f"{kind} activities are not handled")
    return handler(activity, remote, blog)
