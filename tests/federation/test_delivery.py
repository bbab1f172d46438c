"""Deliveries share one stored copy of their activity, queued deliveries survive the migration
that made it so, and the minute's sweep sends each server's due deliveries as a task of its own."""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samizdat.federation import delivery, tasks
from samizdat.federation.models import Delivery, OutgoingActivity

from tests.comments.conftest import immediate_tasks  # noqa: F401

ACTOR = "http://127.0.0.1:8000/@dispatch/"


@pytest.fixture
def blog(make_blog):
    return make_blog("dispatch", title="The Dispatch")


def test_an_activity_is_stored_once_and_reaches_every_inbox_whole(blog, remote):
    payload = {"id": f"{ACTOR}#create-1", "type": "Create", "object": {"content": "<p>Heat survey</p>" * 50}}
    inboxes = [f"{remote.base}/users/u{n}/inbox" for n in range(3)]
    made = delivery.queue(blog, payload, inboxes)
    assert len(made) == 3 and OutgoingActivity.objects.count() == 1
    delivery.queue(blog, payload, inboxes)  # queued again: still one copy, still three rows
    assert OutgoingActivity.objects.count() == 1 and Delivery.objects.count() == 3
    assert delivery.deliver_many(made) == 3
    assert sorted(path for path, _headers, _body in remote.received) == [f"/users/u{n}/inbox" for n in range(3)]
    assert all(json.loads(body) == payload for _path, _headers, body in remote.received)


@pytest.mark.usefixtures("immediate_tasks")
def test_the_sweep_sends_each_servers_due_deliveries_as_a_task_of_its_own(blog, remote, settings):
    # Two servers: the same loopback server by two names, so each has its own row and breaker.
    other = remote.base.replace("127.0.0.1", "localhost")
    made = delivery.queue(blog, {"id": f"{ACTOR}#create-2", "type": "Create"},
                          [f"{remote.base}/inbox", f"{remote.base}/users/u1/inbox", f"{other}/inbox"])
    batches = delivery.due_batches()
    assert sorted(map(sorted, batches)) == sorted([sorted(made[:2]), [made[2]]])
    tasks.retry_deliveries_task.call_local()
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.DELIVERED}
    assert len(remote.received) == 3


@pytest.mark.django_db(transaction=True)
def test_queued_deliveries_keep_their_activity_through_the_migration(make_blog):
    blog = make_blog("dispatch", title="The Dispatch")
    executor = MigrationExecutor(connection)
    before, after = [("federation", "0006_quote_rejected")], [("federation", "0007_deliveries_share_activity")]
    executor.migrate(before)
    try:
        apps = executor.loader.project_state(before).apps
        OldDelivery, OldServer = apps.get_model("federation", "Delivery"), apps.get_model("federation", "Server")
        server = OldServer.objects.create(domain="social.example")
        payloads = [{"id": f"{ACTOR}#create-{n}", "type": "Create", "object": {"content": f"<p>post {n}</p>"}} for n in range(2)]
        for payload in payloads:
            for n in range(3):
                OldDelivery.objects.create(blog_id=blog.pk, activity_id=payload["id"], activity_type="Create",
                                           payload=payload, inbox=f"https://social.example/users/u{n}/inbox",
                                           server=server)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
    assert OutgoingActivity.objects.count() == 2
    rows = Delivery.objects.select_related("outgoing").order_by("pk")
    assert len(rows) == 6 and {row.state for row in rows} == {Delivery.State.PENDING}
    assert [row.payload for row in rows] == [payloads[0]] * 3 + [payloads[1]] * 3
