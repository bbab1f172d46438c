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


def resolve(address):
    """The public fediverse post at `address` (its id, or a page that answers with it when asked
    for ActivityPub), fetched signed through the SSRF-safe client; QuoteError if there is none."""
    try:
        document = signed_get(address)
    except FederationError as exc:
        raise QuoteError(_("The fediverse post could not be fetched: %(error)s") % {"error": exc}) from exc
    object_id = parse.ref(document.get("id"))
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
    authorization), "" when rejected, None when the activity answers no request of ours."""
    obj = activity.get("object")
    request_id = parse.ref(obj)
    quote = OutgoingQuote.objects.select_for_update().filter(request_id=request_id, actor=remote).first() if request_id else None
    if quote is None:
        return None
    authorization = parse.ref(activity.get("result")) if accepted else ""
    # The stamp must be the quoted author's own: anyone else's would prove nothing.
    if authorization and not actors.same_host(authorization, remote.ap_id):
        authorization = ""
    OutgoingQuote.objects.filter(pk=quote.pk).update(authorization=authorization)
    return quote.post_id if authorization and quote.post_id else ""
