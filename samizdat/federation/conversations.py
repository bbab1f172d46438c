"""Replies, likes, boosts and quotes from other servers, turned into comments, likes and reblogs of
our posts."""

import datetime

from django.conf import settings
from django.urls import Resolver404, resolve

from samizdat.comments import services as comments
from samizdat.comments.models import Comment
from samizdat.core.dates import read_datetime
from samizdat.posts.models import Post
from samizdat.reblogs import services as reblogs
from samizdat.reblogs.models import Reblog
from samizdat.social import services as social

from .actors import same_host
from .ap import parse
from .avatars import cached_avatar

PUBLIC = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
# Where a quote post names what it quotes: FEP-044f's `quote` (Mastodon 4.5, GoToSocial), Misskey's
# `_misskey_quote` and `quoteUrl` (as:quoteUrl, also Pleroma/Akkoma), Fedibird's `quoteUri`.
QUOTE_KEYS = ("quote", "quoteUrl", "_misskey_quote", "quoteUri")


class NotOurs(Exception):
    """The object is not about anything here."""


def local_target(url):
    """(post, parent comment or None) that `url` names on this instance; NotOurs otherwise."""
    if not url:
        raise NotOurs("no target")
    if not url.startswith(settings.SITE_URL + "/"):
        comment = Comment.objects.select_related("post").filter(ap_id=url).first()
        if comment is None:
            raise NotOurs(f"{url} is not ours")
        return comment.post, comment
    try:
        match = resolve(url[len(settings.SITE_URL):].split("#")[0].split("?")[0])
    except Resolver404:
        raise NotOurs(f"{url} names nothing here")
    if match.view_name == "posts:post":
        kw = match.kwargs
        post = Post.objects.posts().live().select_related("blog").filter(
            blog__slug=kw["blog_slug"], slug=kw["slug"]
        ).first()
        try:
            day = datetime.date(kw["year"], kw["month"], kw["day"])
        except ValueError:  # the address matches the pattern, but no calendar has that day
            raise NotOurs(f"{url} is no live post")
        if post is None or post.local_date() != day:
            raise NotOurs(f"{url} is no live post")
        return post, None
    if match.view_name == "federation:comment":
        comment = Comment.objects.select_related("post").filter(
            pk=match.kwargs["pk"], status=Comment.Status.APPROVED
        ).first()
        if comment is None:
            raise NotOurs(f"{url} is no comment here")
        return comment.post, comment
    raise NotOurs(f"{url} is no post or comment")


def is_public(obj):
    audience = parse.as_list(obj.get("to")) + parse.as_list(obj.get("cc"))
    return any(parse.ref(a) in PUBLIC for a in audience)


def note_html(note):
    content = parse.text(note.get("content"))
    if not content and isinstance(note.get("contentMap"), dict):
        content = next((v for v in note["contentMap"].values() if isinstance(v, str)), "")
    return content


def check_note(note, remote):
    """The note is the remote actor's own, hosted on its server; ValueError otherwise."""
    if not same_host(parse.ref(note.get("id")), remote.ap_id):
        raise ValueError("the note is not on its author's server")
    if parse.ref(note.get("attributedTo")) != remote.ap_id:
        raise ValueError("the note is not the sender's")


def author_fields(remote):
    return {
        "author_name": (remote.name or remote.handle or remote.ap_id)[:100],
        "author_url": (remote.url or remote.ap_id)[:200],
        "author_avatar": cached_avatar(remote),
    }


def receive_reply(note, remote):
    """A public reply to one of our posts or comments → a comment under the blog's moderation."""
    check_note(note, remote)
    post, parent = local_target(parse.ref(note.get("inReplyTo")))
    if not is_public(note):
        raise NotOurs("a private message is no comment")
    published = read_datetime(parse.text(note.get("published"))) if note.get("published") else None
    try:
        return comments.receive_remote_comment(
            post, parent=parent, ap_id=parse.ref(note["id"]), html=note_html(note), created_at=published,
            **author_fields(remote),
        )
    except comments.CommentRefused as exc:  # closed, or a parent no longer there
        raise NotOurs(" ".join(exc.messages))


def edit_reply(note, remote):
    check_note(note, remote)
    return comments.edit_remote_comment(parse.ref(note["id"]), html=note_html(note))


def remove_reply(object_id, remote):
    if not same_host(object_id, remote.ap_id):
        return 0
    return comments.remove_remote_comment(object_id)


def receive_like(activity, remote):
    post, parent = local_target(parse.ref(activity.get("object")))
    if parent is not None:
        raise NotOurs("likes of comments are not counted")
    return social.receive_remote_like(
        post, ap_id=parse.ref(activity.get("id")), actor_id=remote.ap_id, **author_fields(remote)
    )


def remove_like(like_id, remote):
    if not same_host(like_id, remote.ap_id):
        return 0
    return social.remove_remote_like(like_id, actor_id=remote.ap_id)


def quoted(note):
    """The address a note quotes, or ""."""
    for key in QUOTE_KEYS:
        target = parse.ref(note.get(key))
        if target:
            return target
    return ""


def _reblogged_post(url):
    post, parent = local_target(url)
    if parent is not None:
        raise NotOurs("boosts and quotes of comments are not counted")
    return post


def receive_announce(activity, remote):
    """A public boost (Announce) of one of our posts → a reblog, listed under the post."""
    post = _reblogged_post(parse.ref(activity.get("object")))
    if not is_public(activity):
        # "Reblogged by" is public: a boost its author addressed to a few stays unlisted here.
        raise NotOurs("a boost that is not public is not listed")
    earlier = Reblog.objects.filter(local=False, actor_url=remote.ap_id, original=post, is_quote=False).first()
    if earlier is not None:  # one boost per person, as on Mastodon, whatever ids they send
        return earlier, False
    row = reblogs.record_remote_reblog(
        post, actor_url=remote.ap_id, activity_id=parse.ref(activity.get("id")),
        actor_name=author_fields(remote)["author_name"], url=remote.url or remote.ap_id,
    )
    return row, True


def receive_quote(note, remote):
    """A public quote post of one of our posts → a reblog with commentary, linking to the quote."""
    check_note(note, remote)
    post = _reblogged_post(quoted(note))
    if not is_public(note):
        raise NotOurs("a quote that is not public is not listed")
    url = parse.ref(note.get("url"))
    note_id = parse.ref(note["id"])
    row = reblogs.record_remote_reblog(
        post, actor_url=remote.ap_id, activity_id=note_id, actor_name=author_fields(remote)["author_name"],
        url=url if same_host(url, remote.ap_id) else note_id, quote=True,
    )
    return row


def remove_reblog(object_id, remote):
    """An Undo of a boost, or a deleted quote post: the reblog is no longer listed."""
    if not same_host(object_id, remote.ap_id):
        return False
    return reblogs.remove_remote_reblog(object_id, actor_url=remote.ap_id)
