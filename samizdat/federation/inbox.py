"""The inbox: size limit → rate limit → parse → verify signature → store → 202; the worker then
processes each stored activity once, through the dispatch table in `handlers`."""

import datetime
import json
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from samizdat.accounts import ratelimit
from samizdat.core.clients import client_address

from . import actors, blocks, handlers, signatures, tasks
from .ap import parse
from .models import InboxItem

logger = logging.getLogger(__name__)
INBOX = "ap-inbox"


class Refused(Exception):
    """The request is not taken; `status` and the message say why."""

    def __init__(self, status, message, retry_after=None):
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


def _request_url(request):
    # The URL the sender signed: our public scheme, even behind a front server that ends TLS.
    scheme = "https" if settings.SERVED_OVER_HTTPS or request.is_secure() else "http"
    return f"{scheme}://{request.get_host()}{request.get_full_path()}"


def _check_rate(request):
    limit = settings.SAMIZDAT_AP_INBOX_RATE_PER_MINUTE
    if limit <= 0:
        return
    key = ratelimit.address_key(client_address(request))
    limits = [ratelimit.Limit("address", key, limit, datetime.timedelta(minutes=1))]
    wait = ratelimit.retry_after(INBOX, limits)
    if wait:
        raise Refused(429, "too many requests", retry_after=wait)
    ratelimit.record_failure(INBOX, address=key)


def receive(request, blog=None):
    """Take a POSTed activity: verified and stored (or already known); Refused otherwise."""
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > settings.SAMIZDAT_AP_MAX_BODY_BYTES:
        raise Refused(413, "the body is too large")
    _check_rate(request)
    body = request.body
    if len(body) > settings.SAMIZDAT_AP_MAX_BODY_BYTES:
        raise Refused(413, "the body is too large")
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise Refused(400, "the body is not JSON")
    if not isinstance(activity, dict) or not parse.ref(activity.get("actor")) or not parse.type_of(activity):
        raise Refused(400, "the body is not an activity")
    if len(parse.text(activity.get("id"))) > parse.MAX_ID:
        raise Refused(400, "the activity's id is too long")
    actor_id = parse.ref(activity["actor"])
    activity_id = parse.ref(activity.get("id")) or ""
    if blocks.is_blocked(actor_id):
        # Dropped before any key is fetched; the sender is not told (202), so it does not retry.
        return None
    headers = dict(request.headers)
    headers.setdefault("Host", request.get_host())
    message = signatures.Message(request.method, _request_url(request), headers, body)
    try:
        key_id = signatures.verify(message, lambda key, refresh: actors.public_key_pem(key, refresh=refresh))
    except signatures.SignatureError as exc:
        if parse.type_of(activity) == "Delete" and parse.ref(activity.get("object")) == actor_id:
            # Mastodon announces a deleted account to every server it knew, signed by a key that
            # is gone by now: nothing to verify and, for an actor unknown here, nothing to do.
            return None
        raise Refused(401, f"signature refused: {exc}")
    remote = actors.actor_for_key(key_id)
    if remote is None or remote.ap_id != actor_id:
        raise Refused(401, "the key does not belong to the activity's actor")
    if activity_id and not actors.same_host(activity_id, actor_id):
        raise Refused(400, "the activity's id is not on its actor's server")
    return store(activity, remote, blog)


def store(activity, remote, blog=None):
    """Keep a verified activity for the worker; an activity already received is not stored twice."""
    activity_id = parse.ref(activity.get("id")) or f"{remote.ap_id}#anonymous-{timezone.now().timestamp()}"
    try:
        with transaction.atomic():
            item = InboxItem.objects.create(
                activity_id=activity_id, type=parse.type_of(activity)[:40], actor=remote, blog=blog, payload=activity
            )
    except IntegrityError:
        return InboxItem.objects.get(activity_id=activity_id)
    transaction.on_commit(lambda: _wake(item.pk))
    return item


def _wake(item_id):
    try:
        tasks.process_inbox_item_task(item_id)
    except Exception:
        logger.exception("Could not queue inbox item %s; the sweep will process it", item_id)


def process(item_id):
    """Process one stored activity once; its row records what came of it."""
    with transaction.atomic():
        item = InboxItem.objects.select_for_update(of=("self",)).select_related("actor", "blog").filter(
            pk=item_id, state=InboxItem.State.QUEUED
        ).first()
        if item is None:
            return None
        try:
            with transaction.atomic():
                outcome = handlers.dispatch(item.payload, item.actor, item.blog)
            state = InboxItem.State.DONE if outcome else InboxItem.State.IGNORED
            note = outcome or ""
        except handlers.Ignored as exc:
            state, note = InboxItem.State.IGNORED, str(exc)
        except Exception as exc:
            logger.exception("Inbox item %s failed", item_id)
            state, note = InboxItem.State.FAILED, f"{exc.__class__.__name__}: {exc}"
        InboxItem.objects.filter(pk=item.pk).update(state=state, note=str(note)[:2000], processed_at=timezone.now())
    return state


def queued_items(older_than=datetime.timedelta(minutes=2)):
    cutoff = timezone.now() - older_than
    return list(
        InboxItem.objects.filter(state=InboxItem.State.QUEUED, received_at__lt=cutoff).values_list("pk", flat=True)[:500]
    )
