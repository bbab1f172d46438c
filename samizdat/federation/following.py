"""Following out: readers here follow fediverse accounts from the Reader, and what those accounts
post lands there beside feeds.

The instance actor (FEP-2677) sends one Follow per account, however many readers follow it (a
reader here has no actor of their own, and the Reader stores entries once for everyone): the
account's server then delivers its posts to our shared inbox.
"""

import ipaddress
import json
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from samizdat.core import http
from samizdat.core.html import render_markdown, sanitize_html
from samizdat.reader import services as reader

from . import actors, blocks, delivery, ids, services
from .ap import parse, render
from .client import FederationError, signed_get
from .conversations import is_public
from .models import Following, ReaderReply, RemoteActor


WEBFINGER_MAX_BYTES = 64 * 1024


class FollowError(Exception):
    """The account cannot be followed; the message is for the reader."""


def _plain_http_allowed(host):
    # Plain http only for a server in a network the admin allowed (a test instance on loopback).
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(n.strip(), strict=False) for n in settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS
    )


def actor_id_for(handle):
    """The actor id that `handle` (@name@server, name@server, or the account's address) names."""
    text = (handle or "").strip()
    if text.startswith(("https://", "http://")):
        return text
    name, _sep, host = text.lstrip("@").partition("@")
    if not name or not host or "/" in host or " " in text:
        raise FollowError(_("That does not look like a fediverse account: try @name@example.social."))
    scheme = "http" if _plain_http_allowed(host.rsplit(":", 1)[0].strip("[]")) else "https"
    url = f"{scheme}://{host}/.well-known/webfinger?resource={quote(f'acct:{name}@{host}')}"
    try:
        response = http.fetch(url, headers={"Accept": "application/jrd+json"}, max_bytes=WEBFINGER_MAX_BYTES)
        links = json.loads(response.content).get("links") or []
    except (http.FetchError, ValueError, AttributeError) as exc:
        raise FollowError(_("%(server)s did not say who %(account)s is: %(error)s")
                          % {"server": host, "account": text, "error": exc}) from exc
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("rel") == "self" and "json" in str(link.get("type", "")):
            return str(link.get("href") or "")
    raise FollowError(_("%(server)s knows no fediverse account %(account)s.") % {"server": host, "account": text})


def follow_account(user, handle):
    """`user` follows the fediverse account `handle` in their Reader; its Source."""
    actor_id = actor_id_for(handle)
    if actor_id.startswith(settings.SITE_URL + "/"):
        raise FollowError(_("That account is on this site: follow the blog itself."))
    try:
        remote = actors.fetch_actor(actor_id, refresh=True)
    except (FederationError, parse.ParseError) as exc:
        raise FollowError(_("That account could not be fetched: %(error)s") % {"error": exc}) from exc
    with transaction.atomic():
        source, _created = reader.follow_pushed_source(
            user, url=remote.ap_id, site_url=remote.url, title=remote.name or remote.handle,
        )
        if not Following.objects.filter(actor=remote).exists():
            _send_follow(remote)
    return source


def _send_follow(remote):
    actor = ids.instance_actor_id()
    follow_id = ids.activity_id(actor, "follow", ids.stamp())
    Following.objects.create(actor=remote, follow_id=follow_id)
    payload = render.activity("Follow", activity_id=follow_id, actor=actor, obj=remote.ap_id, to=[remote.ap_id])
    delivery.queue(None, payload, [remote.inbox])


def stop_following(source_url):
    """Nobody here follows the account any more (or it is blocked): Undo the instance actor's Follow."""
    following = Following.objects.select_related("actor").filter(actor__ap_id=source_url).first()
    if following is None:
        return
    _undo_follow(following)


def _undo_follow(following):
    actor = ids.instance_actor_id()
    follow = {"id": following.follow_id, "type": "Follow", "actor": actor, "object": following.actor.ap_id}
    payload = render.activity(
        "Undo", activity_id=ids.activity_id(actor, "undo", ids.stamp()), actor=actor, obj=follow,
        to=[following.actor.ap_id],
    )
    delivery.queue(None, payload, [following.actor.inbox], to_blocked=True)
    following.delete()


@transaction.atomic
def end_follows():
    """Undo our follow of each account nobody here follows any more (its last reader deleted their
    account) or that an admin blocked, so that its server stops sending its posts; a blocked
    account's readers see why in their list of sources. How many follows ended."""
    reader.drop_unread_pushed_sources()
    followed = set(reader.pushed_source_urls())
    ended = 0
    for following in Following.objects.select_related("actor"):
        blocked = blocks.is_blocked(following.actor.ap_id)
        if following.actor.ap_id in followed and not blocked:
            continue
        _undo_follow(following)
        ended += 1
        source = reader.pushed_source(following.actor.ap_id) if blocked else None
        if source is not None:
            reader.record_source_error(source, _("This site's admin blocked %(account)s: its posts no longer arrive.")
                                       % {"account": following.actor})
    return ended


def unfollow_account(user, source):
    """`user` stops following the account of `source`; the last reader to go ends our follow."""
    reader.unsubscribe(user, source)
    if reader.pushed_source(source.url) is None:
        stop_following(source.url)


def follow_answered(activity, remote, accepted):
    """An Accept or Reject of our Follow; whether it was one."""
    obj = activity.get("object")
    follow_id = parse.ref(obj)
    following = Following.objects.filter(actor=remote).first()
    if following is None:
        return False
    if follow_id and follow_id != following.follow_id and follow_id != remote.ap_id:
        # Some servers (Mastodon) answer with the Follow by id; some name only the followed actor.
        if not (isinstance(obj, dict) and parse.ref(obj.get("object")) == remote.ap_id):
            return False
    if accepted:
        Following.objects.filter(pk=following.pk).update(status=Following.Status.ACCEPTED)
        return True
    following.delete()
    source = reader.pushed_source(remote.ap_id)
    if source is not None:
        reader.record_source_error(source, _("%(account)s did not accept the follow.") % {"account": remote})
    return True


def followed_source(remote):
    """The Reader's source of `remote` when we follow it, else None."""
    if not Following.objects.filter(actor=remote).exists():
        return None
    return reader.pushed_source(remote.ap_id)


def _entry_fields(obj, author):
    """What the Reader keeps of a post (Note, Article, …) by `author`, its HTML sanitized."""
    url = parse.ref(obj.get("url"))
    content = parse.text(obj.get("content"))
    if not content and isinstance(obj.get("contentMap"), dict):
        content = next((v for v in obj["contentMap"].values() if isinstance(v, str)), "")
    published = parse_datetime(parse.text(obj.get("published"))) if obj.get("published") else None
    object_id = parse.ref(obj.get("id"))
    return {
        "guid": object_id, "link": url if url.startswith(("https://", "http://")) else object_id,
        "title": parse.text(obj.get("name")), "author": author.name or author.handle, "published_at": published,
        "content_html": sanitize_html(content),
    }


def receive_post(obj, remote):
    """A post (Note, Article, …) of an account we follow → an entry in the Reader; whether it was."""
    source = followed_source(remote)
    if source is None:
        return False
    object_id = parse.ref(obj.get("id"))
    if not object_id or not actors.same_host(object_id, remote.ap_id) or parse.ref(obj.get("attributedTo")) != remote.ap_id:
        return False
    reader.store_pushed_entry(source, **_entry_fields(obj, remote))
    return True


def receive_boost(activity, remote):
    """A public boost by an account we follow → the boosted post in the Reader, marked "boosted by"
    it; whether it was. The post is read from its own server (through the SSRF-safe client),
    never from the booster's word, unless the booster's server hosts it."""
    source = followed_source(remote)
    obj = activity.get("object")
    object_id = parse.ref(obj)
    if source is None or not object_id or not is_public(activity):
        return False
    if not (isinstance(obj, dict) and actors.same_host(object_id, remote.ap_id)):
        try:
            obj = signed_get(object_id)
        except FederationError:
            return False
    author_id = parse.ref(obj.get("attributedTo"))
    if parse.ref(obj.get("id")) != object_id or not actors.same_host(object_id, author_id):
        return False
    if parse.type_of(obj) not in parse.POST_TYPES or not is_public(obj):
        return False
    try:
        author = actors.fetch_actor(author_id)
    except (FederationError, parse.ParseError):
        return False
    reader.store_pushed_entry(
        source, **_entry_fields(obj, author), boosted_by=remote.name or remote.handle,
        boost_id=parse.ref(activity.get("id")), author_url=author.ap_id,
    )
    return True


def remove_boost(boost_id, remote):
    """A followed account took back its boost: the entry it brought goes; whether there was one."""
    source = followed_source(remote)
    return source is not None and actors.same_host(boost_id, remote.ap_id) and reader.remove_boosted_entry(source, boost_id)


def remove_post(object_id, remote):
    """Its author deleted a post: its entry goes, and the entries boosts of it brought, though we
    need not follow the author (whose Delete reaches us when a reader here acted on the post);
    whether there was any."""
    if not actors.same_host(object_id, remote.ap_id):
        return False
    source = followed_source(remote)
    own = source is not None and reader.remove_pushed_entry(source, object_id)
    # Only the author's own Delete counts: the booster, or anyone on the author's server, is not the author.
    boosted = reader.remove_boosted_post(object_id, author_url=remote.ap_id)
    return own or boosted


def entry_author(entry):
    """The remote actor who wrote a Reader entry: the followed account, or whom it boosted."""
    recipient = RemoteActor.objects.filter(ap_id=entry.author_url or entry.source.url).first()
    if recipient is None:
        raise FollowError(_("That account is not followed any more."))
    return recipient


def reply_note(reply):
    return render.reader_reply_note(
        reply, note_id=ids.reader_reply_id(reply), url=ids.reader_reply_id(reply),
        recipient=(reply.recipient.ap_id, reply.recipient.handle),
    )


@transaction.atomic
def reply_to_entry(entry, *, blog, author_name, text):
    """Answer a post of a followed account from the Reader: a public Note from `blog`'s actor, to
    the post's author and the blog's followers; it arrives there as a reply (a comment, on a blog)."""
    recipient = entry_author(entry)
    reply = ReaderReply.objects.create(
        blog=blog, author_name=author_name[:200], in_reply_to=entry.guid, recipient=recipient,
        html=render_markdown(text),
    )
    note = reply_note(reply)
    payload = render.activity(
        "Create", activity_id=ids.activity_id(note["id"], "create", ids.stamp()), actor=note["attributedTo"],
        obj=note, published=note["published"],
    )
    delivery.queue(blog, payload, [recipient.delivery_inbox, *services.follower_inboxes(blog)])
    return reply
