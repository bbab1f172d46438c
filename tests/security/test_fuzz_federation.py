"""Property tests for what other servers send: activities, actor documents and HTTP signatures.

A hostile or broken server may send any JSON and any header. Whatever it sends, the inbox answers
with a 4xx or takes the activity; the worker then does something with it or ignores it, and never
fails (a failed item is an exception: on PostgreSQL, often a value the database refuses).
"""

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from samizdat.federation import actors, inbox, signatures
from samizdat.federation.ap import parse
from samizdat.federation.models import InboxItem, RemoteActor
from tests.federation.conftest import AS, remote, signed_post  # noqa: F401  (remote is a fixture)

from .fuzz import bounded, hostile_text

pytestmark = pytest.mark.django_db
SITE = "http://127.0.0.1:8000"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def scene(remote, make_blog, make_post):
    """A blog with a post, the remote actor known with its key, and the addresses worth aiming at."""
    blog = make_blog("wire", title="Wire")
    post = make_post(blog, title="Strike", source="The strike goes on.")
    actor = RemoteActor.objects.create(
        ap_id=remote.actor_id, name="Alice", inbox=f"{remote.actor_id}/inbox", key_id=remote.key_id,
        public_key_pem=remote.public_pem,
    )
    day = post.local_date()
    post_url = SITE + post.get_absolute_url()
    remote.targets = [
        f"{SITE}/@wire/", post_url, f"{SITE}/@wire/{day.year}/13/45/{post.slug}/",
        f"{SITE}/@wire/{day.year}/00/01/{post.slug}/", f"{SITE}/comments/1/", f"{SITE}/comments/99999999999999999999/",
        f"{SITE}/@nobody/", f"{SITE}/", f"{remote.actor_id}/notes/1", f"{remote.actor_id}/notes/2",
        f"{remote.actor_id}/likes/1", f"{remote.actor_id}#follows/1", f"{remote.base}/{'n' * 600}",
        "https://elsewhere.example/notes/1", remote.actor_id, "", "not a url", "javascript:alert(1)",
    ]
    return remote, actor, blog, post


def refs(targets):
    """A reference as servers send them: an id, an object with an id, a list, or something else."""
    url = st.sampled_from(targets)
    plain = st.one_of(url, hostile_text, st.none(), st.integers(), st.booleans())
    return st.one_of(plain, st.builds(lambda u: {"id": u}, url), st.lists(plain, max_size=2))


DATES = ["2024-05-01T12:00:00Z", "2024-13-45T99:99:99Z", "yesterday", "", "9999-12-31T23:59:59+23:00", "0000-00-00"]
TYPES = ["Follow", "Undo", "Create", "Update", "Delete", "Like", "EmojiReact", "Announce", "Accept", ["Create"],
         "Note", "Article", "Tombstone", "Person", "", None, 7]


def objects(targets):
    ref = refs(targets)
    note = st.fixed_dictionaries(
        {"id": ref, "type": st.sampled_from(TYPES)},
        optional={
            "attributedTo": ref, "inReplyTo": ref, "object": ref, "content": st.one_of(hostile_text, st.none()),
            "contentMap": st.one_of(st.dictionaries(st.text(max_size=3), hostile_text, max_size=2), hostile_text),
            "published": st.one_of(st.sampled_from(DATES), hostile_text, st.integers()),
            "to": st.one_of(st.just([PUBLIC]), ref), "cc": ref, "url": ref, "name": hostile_text,
        },
    )
    return st.one_of(ref, note, st.builds(lambda n, t: {**n, "object": t}, note, note))


def activities(remote):
    targets = remote.targets
    return st.fixed_dictionaries(
        {"type": st.sampled_from(TYPES), "actor": st.just(remote.actor_id)},
        optional={"id": refs(targets), "object": objects(targets), "to": refs(targets), "@context": st.just(AS)},
    )


def take(activity, actor, blog=None):
    item = inbox.store(activity, actor, blog)
    return inbox.process(item.pk), InboxItem.objects.get(pk=item.pk)


@bounded(120)
@given(data=st.data())
def test_any_activity_from_a_known_actor_is_done_or_ignored_never_failed(scene, data):
    remote, actor, blog, post = scene
    activity = data.draw(activities(remote))
    state, item = take(activity, actor, data.draw(st.sampled_from([None, blog])))
    assert state in (InboxItem.State.DONE, InboxItem.State.IGNORED, None), item.note


@bounded(60)
@given(body=st.one_of(
    st.binary(max_size=200), hostile_text.map(str.encode),
    st.recursive(st.none() | st.booleans() | st.integers() | hostile_text,
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
                 max_leaves=10).map(lambda v: json.dumps(v).encode()),
))
@example(body=b'{"actor": "x", "type": "Follow", "id": "' + b"x" * 700 + b'"}')
def test_any_signed_body_gets_an_answer_below_500(client, scene, body):
    remote, actor, blog, post = scene
    response = signed_post(client, "/inbox", None, key=remote.key, key_id=remote.key_id, body=body)
    assert response.status_code in (202, 400, 401), response.content[:300]


def test_activity_with_an_overlong_id_is_refused_with_400(client, scene):
    # Found by the property above on PostgreSQL: an id longer than the column (500) was a 500 there.
    remote, actor, blog, post = scene
    follow = {"@context": AS, "id": f"{remote.actor_id}/{'f' * 600}", "type": "Follow",
              "actor": remote.actor_id, "object": f"{SITE}/@wire/"}
    response = signed_post(client, "/inbox", follow, key=remote.key, key_id=remote.key_id)
    assert response.status_code == 400
    assert b"too long" in response.content
    assert not InboxItem.objects.exists()


@pytest.mark.parametrize("month_day", ["13/45", "00/01", "02/30"])
def test_like_of_a_post_address_with_an_impossible_date_is_ignored(scene, month_day):
    # Found by the property above: datetime.date() raised, and the item failed.
    remote, actor, blog, post = scene
    target = f"{SITE}/@wire/{post.local_date().year}/{month_day}/{post.slug}/"
    state, item = take({"id": f"{remote.actor_id}/likes/9", "type": "Like", "actor": remote.actor_id,
                        "object": target}, actor)
    assert state == InboxItem.State.IGNORED, item.note
    assert post.likes.count() == 0


@pytest.mark.parametrize("month_day", ["13/45", "02/30"])
def test_post_address_with_an_impossible_date_is_not_found(client, scene, month_day):
    # Found with the Like above: the public post page raised too (a 500) for an existing slug.
    remote, actor, blog, post = scene
    response = client.get(f"/@wire/{post.local_date().year}/{month_day}/{post.slug}/")
    assert response.status_code == 404


def test_reply_with_an_overlong_id_is_ignored(scene):
    remote, actor, blog, post = scene
    note = {"id": f"{remote.actor_id}/{'n' * 600}", "type": "Note", "attributedTo": remote.actor_id,
            "inReplyTo": SITE + post.get_absolute_url(), "to": [PUBLIC], "content": "<p>Solidarity</p>"}
    state, item = take({"id": f"{remote.actor_id}/c/1", "type": "Create", "actor": remote.actor_id, "object": note},
                       actor)
    assert state == InboxItem.State.IGNORED, item.note
    assert not post.comments.exists()


# Actor documents, as fetched for a key.

actor_documents = st.fixed_dictionaries(
    {"id": st.sampled_from(["https://far.example/users/a", "https://far.example/" + "u" * 600, 5, None]),
     "inbox": st.sampled_from(["https://far.example/users/a/inbox", "https://far.example/" + "i" * 600, [], {}])},
    optional={
        "type": st.sampled_from(TYPES), "preferredUsername": st.one_of(hostile_text, st.lists(hostile_text)),
        "name": hostile_text, "url": st.one_of(st.sampled_from(["https://far.example/@a", "https://far.example/" + "p" * 600]),
                                              hostile_text, st.lists(hostile_text, max_size=2)),
        "publicKey": st.one_of(st.dictionaries(st.sampled_from(["id", "owner", "publicKeyPem"]), hostile_text),
                               st.lists(st.dictionaries(st.sampled_from(["id", "owner"]), hostile_text), max_size=2)),
        "icon": st.one_of(hostile_text, st.fixed_dictionaries({"url": st.sampled_from(
            ["https://far.example/a.png", "https://far.example/" + "a" * 600])}), st.lists(hostile_text, max_size=2)),
        "endpoints": st.one_of(st.dictionaries(st.just("sharedInbox"), hostile_text), hostile_text),
    },
)


@bounded(100)
@given(actor_documents)
def test_any_actor_document_is_stored_or_refused_as_unreadable(document):
    try:
        stored = actors.store_actor(document)
    except parse.ParseError:
        return
    assert stored.ap_id == document["id"] and len(stored.ap_id) <= 500


def test_actor_with_overlong_addresses_keeps_only_what_fits():
    # Found by the property above on PostgreSQL (columns of 500 characters refused the value).
    long = "https://far.example/" + "x" * 600
    with pytest.raises(parse.ParseError):
        actors.store_actor({"id": long, "inbox": "https://far.example/inbox"})
    stored = actors.store_actor({"id": "https://far.example/users/a", "inbox": "https://far.example/inbox",
                                 "url": long, "icon": {"url": long}, "endpoints": {"sharedInbox": long}})
    assert (stored.url, stored.icon_url, stored.shared_inbox) == ("https://far.example/users/a", "", "")


# HTTP signatures: any header a server may send is verified or refused with SignatureError.

header_values = st.one_of(
    hostile_text, st.text(max_size=60),
    st.lists(st.sampled_from([
        'keyId="k"', "keyId=k", 'algorithm="rsa-sha256"', 'algorithm="hs2019"', 'algorithm="ed25519"',
        'headers="(request-target) host date digest"', 'headers="(request-target) (created)"', 'headers=""',
        'signature="AAAA"', 'signature="!!"', "created=1", "created=99999999999999999999", "created=x",
        'sig1=("@method" "@target-uri");keyid="k";created=1', 'sig1=("@method");keyid=k', "sig1=:AAAA:",
        'sig1=("content-digest");created=9999999999999;keyid="k"', "sig1=?1", "=", '"', ",", ";", "(", ")",
    ]), max_size=6).map(",".join),
)
DATE_HEADERS = st.one_of(st.just(signatures.http_date()), st.sampled_from(
    ["", "yesterday", "Mon, 01 Jan 2024 00:00:00 -0000", "Thu, 31 Dec 9999 23:59:59 GMT", "Fri, 32 Jan 2025 99:00:00"]
), hostile_text)


@bounded(200)
@given(signature=header_values, signature_input=st.one_of(st.none(), header_values), date=DATE_HEADERS,
       digest=st.one_of(st.none(), st.just(signatures.sha256_digest(b"{}")), hostile_text),
       method=st.sampled_from(["POST", "GET", "post", ""]))
@example(signature='keyId="k",headers="(request-target) (created)",created=99999999999999999999,signature="AA"',
         signature_input=None, date="", digest=None, method="GET")
def test_any_signature_headers_are_verified_or_refused(remote, signature, signature_input, date, digest, method):
    headers = {"Host": "testserver", "Date": date, "Signature": signature}
    if signature_input is not None:
        headers["Signature-Input"] = signature_input
    if digest is not None:
        headers["Digest"] = digest
        headers["Content-Digest"] = digest
    message = signatures.Message(method, "http://testserver/inbox", headers, b"{}")
    try:
        signatures.verify(message, lambda key, refresh: remote.public_pem)
    except signatures.SignatureError:
        return
    raise AssertionError("an unsigned message was accepted")
