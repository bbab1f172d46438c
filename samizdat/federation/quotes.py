"""A blog's reblog of a fediverse post goes out as a quote of it.

The reblog (a post of ours) is sent as a `Note` naming the quoted post the ways servers read it:
FEP-044f's `quote` (Mastodon 4.5, GoToSocial), `_misskey_quote` (Misskey), `quoteUrl` (Pleroma,
Akkoma) and `quoteUri` (Fedibird), with a "RE: <link>" line for servers that show none. The quoted
author is addressed and tagged so their server counts it. Mastodon 4.5 shows a quote only once the
quoted author's server has approved it: we send that server a `QuoteRequest` after the `Create`,
and its `Accept` names a `QuoteAuthorization`, which we add to the note (`Update`).
"""

import dataclasses

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import actors, delivery, ids
from .ap import parse, render
from .client import FederationError, signed_get
from .conversations import is_public
from .models import OutgoingQuote, RemoteActor



class QuoteError(Exception):
    """The address names no public fediverse post; the message is for the writer."""


@dataclasses.dataclass
class Quoted:
    object_id: str
    url: str
    actor: RemoteActor


def _fetch(address):
    try:
        return signed_get(address)
    except FederationError as exc:
        raise QuoteError(_("The fediverse post could not be fetched: %(error)s") % {"error": exc}) from exc


def resolve(address):
    """The public fediverse post at `address` (its id, or a page that answers with it when asked
    for ActivityPub), fetched signed through the SSRF-safe client; QuoteError if there is none."""
    document = _fetch(address)
    object_id = parse.ref(document.get("id"))
    if object_id and object_id != address:
        # What a page answers names a post; only the post's own id, fetched, speaks for it.
        document = _fetch(object_id)
        if parse.ref(document.get("id")) != object_id:
            raise QuoteError(_("That address is no fediverse post."))
    author = parse.ref(document.get("attributedTo"))
    if parse.type_of(document) not in parse.POST_TYPES or not object_id or not actors.same_host(object_id, author):
        raise QuoteError(_("That address is no fediverse post."))
    if not is_public(document):
        raise QuoteError(_("That fediverse post is not public: it is passed on without naming it."))
    try:
        remote = actors.fetch_actor(author)
    except (FederationError, parse.ParseError) as exc:
        raise QuoteError(_("The fediverse post could not be fetched: %(error)s") % {"error": exc}) from exc
    url = parse.ref(document.get("url"))
    return Quoted(object_id, url if actors.same_host(url, object_id) else object_id, remote)


def find(address):
    """The id of the fediverse post whose web page `address` is, or "" when it names none.

    Asks the address itself for ActivityPub (content negotiation: Mastodon's and our post pages
    answer with the post), as the page may not link its object. The post must be that site's own:
    its id on the address's host, or, by the id's own server, its `url` there (a blog on its own
    domain). A page of any other kind answers HTML, and is quietly no fediverse post.
    """
    try:
        document = signed_get(address)
    except FederationError:
        return ""
    object_id = parse.ref(document.get("id"))
    if parse.type_of(document) not in parse.POST_TYPES or not object_id.startswith(("https://", "http://")):
        return ""
    if actors.same_host(object_id, address):
        return object_id
    try:
        owned = signed_get(object_id)
    except FederationError:
        return ""
    if parse.ref(owned.get("id")) == object_id and actors.same_host(parse.ref(owned.get("url")), address):
        return object_id
    return ""


def attach(post, quoted):
    """Send `post` (a reblog of the fediverse post `quoted`) as a quote of it."""
    OutgoingQuote.objects.update_or_create(
        post=post, defaults={"object_id": quoted.object_id, "object_url": quoted.url, "actor": quoted.actor},
    )


def inboxes_for(ap_id):
    """Where our post `ap_id` goes besides the followers: the quoted author's server."""
    quote = OutgoingQuote.objects.select_related("actor").filter(ap_id=ap_id).first()
    return [quote.actor.delivery_inbox] if quote is not None else []


def request_approval(quote, blog, note):
    """`note` (our post) went out quoting: ask the quoted author's server to approve, once (FEP-044f)."""
    if quote.request_id:
        return
    request_id = ids.activity_id(note["id"], "quote-request", ids.stamp())
    payload = render.activity(
        "QuoteRequest", activity_id=request_id, actor=note["attributedTo"], obj=quote.object_id,
        to=[quote.actor.ap_id],
    )
    payload["instrument"] = {k: v for k, v in note.items() if k != "@context"}
    OutgoingQuote.objects.filter(pk=quote.pk).update(request_id=request_id)
    delivery.queue(blog, payload, [quote.actor.inbox])


@transaction.atomic
def answered(activity, remote, accepted):
    """An Accept or Reject of one of our QuoteRequests: the post id to send again (with its
    authorization, or, refused, naming the quoted post by a plain link), "" when there is nothing
    to send again, None when the activity answers no request of ours."""
    obj = activity.get("object")
    request_id = parse.ref(obj)
    quote = OutgoingQuote.objects.select_for_update().filter(request_id=request_id, actor=remote).first() if request_id else None
    if quote is None:
        return None
    authorization = parse.ref(activity.get("result")) if accepted else ""
    # The stamp must be the quoted author's own: anyone else's would prove nothing.
    if authorization and not actors.same_host(authorization, remote.ap_id):
        authorization = ""
    if not accepted:
        OutgoingQuote.objects.filter(pk=quote.pk).update(authorization="", rejected_at=timezone.now())
        return quote.post_id or ""
    OutgoingQuote.objects.filter(pk=quote.pk).update(authorization=authorization, rejected_at=None)
    return quote.post_id if authorization and quote.post_id else ""
