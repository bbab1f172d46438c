"""Outgoing activities: one Delivery row per inbox, tried by the worker with back-off until it
arrives or its time runs out, with a circuit breaker per server."""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from samizdat.core.batching import chunks
from samizdat.core.http import FetchError

from . import blocks, client, ids, keys, tasks
from .models import Delivery, OutgoingActivity, Server

logger = logging.getLogger(__name__)

# Back-off: 1 min, 2, 4, … doubling up to 6 hours between tries; a delivery is given up only
# once it has been failing for more than GIVE_UP_AFTER (a server down for a day still gets it).
FIRST_DELAY = datetime.timedelta(minutes=1)
LONGEST_DELAY = datetime.timedelta(hours=6)
GIVE_UP_AFTER = datetime.timedelta(hours=36)
# The breaker opens after this many failures in a row: no server gets hammered while down.
BREAKER_THRESHOLD = 5
BREAKER_LONGEST = datetime.timedelta(hours=12)


def backoff(attempts):
    """How long to wait after the `attempts`-th failed try."""
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), LONGEST_DELAY)


# A delivery task takes this many inboxes: a fan-out to 2,000 servers is 40 tasks, shared out
# among the workers, not 2,000 (each a round trip to the queue) nor one (on one worker only).
TASK_SIZE = 50
# Rows are written this many at a time.
INSERT_BATCH = 500
# A worker sending a delivery holds it this long (the next try is put off by it): another worker,
# or the sweep, finding it due meanwhile leaves it alone. Longer than a send can take (two
# signature styles, each within SEND_TIMEOUT); a worker that dies mid-send frees it when it runs out.
SEND_TIMEOUT = 10.0
CLAIM = datetime.timedelta(seconds=30)
# The sweeps for lost wake-ups (a process killed after its commit, a failed queue write) of posts
# and comments (samizdat.federation.publishing, .replies) look this far back, and leave alone what
# changed in the last GRACE: its own task is likely still queued, and the sweep would send it twice.
SWEEP_SINCE = datetime.timedelta(days=1)
GRACE = datetime.timedelta(minutes=2)


def queue(blog, payload, inboxes, *, to_blocked=False):
    """Store one Delivery of `payload` per distinct inbox and wake the worker once they are committed;
    the ids of the activity's pending deliveries.

    `blog`: whose actor signs it; None for the instance actor. `to_blocked`: send it to a blocked
    server too (only the Undo of our follow, which stops it sending what we would drop)."""
    blocked = blocks.checker()
    wanted = dict.fromkeys(i for i in inboxes if i and (to_blocked or not blocked(i)))
    # Stored once, whatever the number of inboxes; a repeated call finds it stored.
    outgoing = OutgoingActivity.objects.get_or_create(activity_id=payload["id"], defaults={"payload": payload})[0] if wanted else None
    for chunk in chunks(wanted, INSERT_BATCH):
        servers = client.servers_for(chunk)
        # An inbox that has this activity already (a repeated call) keeps its row: it is on its way.
        Delivery.objects.bulk_create([
            Delivery(blog=blog, activity_id=payload["id"], activity_type=payload["type"], outgoing=outgoing,
                     inbox=inbox, server=servers[client.domain_for(inbox)])
            for inbox in chunk
        ], ignore_conflicts=True)
    ids_ = list(
        Delivery.objects.filter(activity_id=payload["id"], state=Delivery.State.PENDING)
        .order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)
    )
    transaction.on_commit(lambda: _wake(ids_))
    return ids_


def _wake(delivery_ids):
    _wake_batches(chunks(delivery_ids, TASK_SIZE))


def _wake_batches(batches):
    for chunk in batches:
        try:
            tasks.deliver_many_task(chunk)
        except Exception:
            # The sweep (retry_deliveries_task) sends them all the same.
            logger.exception("Could not queue deliveries %s…", chunk[0])


def deliver_many(delivery_ids):
    """Try each of these deliveries (see `deliver`); how many arrived."""
    return sum(deliver(pk) for pk in delivery_ids)


def deliver(delivery_id, *, now=None):
    """Try one delivery if it is due and its server's breaker is closed; True when it arrived."""
    now = now or timezone.now()
    delivery = Delivery.objects.select_related("server", "blog", "outgoing").filter(
        pk=delivery_id, state=Delivery.State.PENDING
    ).first()
    if delivery is None or delivery.next_attempt_at > now:
        return False
    server = delivery.server
    if server.resume_at and server.resume_at > now:
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=server.resume_at)
        return False
    # Claim it, compare-and-set: of several workers (or a task and the sweep) finding it due, one sends it.
    claimed = Delivery.objects.filter(
        pk=delivery.pk, state=Delivery.State.PENDING, next_attempt_at=delivery.next_attempt_at
    ).update(next_attempt_at=now + CLAIM)
    if not claimed:
        return False
    if delivery.blog is None:
        key, key_id = keys.instance_key(), ids.instance_key_id()
    else:
        key, key_id = keys.blog_key(delivery.blog), ids.key_id(delivery.blog)
    try:
        response = client.signed_post(
            delivery.inbox, delivery.payload, key=key, key_id=key_id, server=server, timeout=SEND_TIMEOUT
        )
        status, error = response.status, ("" if response.status < 300 else response.content[:500].decode(errors="replace"))
    except FetchError as exc:
        status, error = None, str(exc)
    attempts = delivery.attempts + 1
    if status is not None and status < 300:
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.DELIVERED, attempts=attempts, last_status=status, last_error="", delivered_at=now
        )
        Server.objects.filter(pk=server.pk).update(failures=0, resume_at=None, last_error="")
        return True
    # 4xx other than 408/429 will not get better by trying again (except that the server may be
    # confused for a while, so these too get a few tries before being given up).
    give_up = now - delivery.created_at > GIVE_UP_AFTER or (
        status is not None and 400 <= status < 500 and status not in (408, 429) and attempts >= 3
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.State.FAILED if give_up else Delivery.State.PENDING,
        attempts=attempts, last_status=status, last_error=error[:2000],
        next_attempt_at=now + backoff(attempts),
    )
    failures = server.failures + 1
    resume_at = None
    if failures >= BREAKER_THRESHOLD:
        resume_at = now + min(backoff(failures - BREAKER_THRESHOLD + 1), BREAKER_LONGEST)
    Server.objects.filter(pk=server.pk).update(failures=failures, resume_at=resume_at, last_error=error[:2000])
    return False


def due_deliveries(now=None):
    """Pending deliveries whose next try is due, oldest first, as (id, server id)."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at").values_list("pk", "server_id")[:500]
    )


def due_batches(now=None):
    """The due deliveries as batches of one server's each (up to TASK_SIZE): each a task of its own,
    the worker threads and processes try servers side by side, and a slow or dead server (each
    try up to SEND_TIMEOUT) holds up only its own deliveries, not every other server's."""
    by_server = {}
    for pk, server_id in due_deliveries(now):
        by_server.setdefault(server_id, []).append(pk)
    return [chunk for pks in by_server.values() for chunk in chunks(pks, TASK_SIZE)]


def wake_due(now=None):
    """Queue the due deliveries (the minute's sweep), a task per server's batch; how many."""
    batches = due_batches(now)
    _wake_batches(batches)
    return sum(map(len, batches))
