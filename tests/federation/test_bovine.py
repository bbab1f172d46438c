"""Interoperability with an independent implementation: the bovine peer (bovine-herd from PyPI)
follows a blog served by a real Samizdat process with its worker, receives its posts, replies and
likes, and the replies and likes arrive as a comment and a like."""

import json

import httpx
import pytest

from tests.instances import Instance, free_port, scratch_database, wait_for

from .peers.bovine_peer import Peer

SETUP = """
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import CommentSettings
user = create_user("writer", "a long test passphrase 42", email="writer@example.test")
blog = create_blog("dispatch", "The Dispatch", owner=user, tagline="Tested against bovine")
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=False)
"""
PUBLISH = """
from samizdat.accounts.models import User
from samizdat.blogs.models import Blog
from samizdat.posts.models import Post
from samizdat.posts.services import publish_post
user = User.objects.get(username="writer")
post = publish_post(Post(blog=Blog.objects.get(slug="dispatch"), author=user, title="Heat survey",
                         source="The city measured the heat.", excerpt="What the heat did."), editor=user)
print(post.get_absolute_url())
"""


@pytest.fixture(scope="module")
def peers(tmp_path_factory):
    """A served Samizdat instance with its worker, and a bovine peer, started once for the module."""
    workdir = tmp_path_factory.mktemp("bovine-interop")
    peer = Peer(workdir / "bovine", free_port()).start()
    port = free_port()
    with scratch_database(migrated=True) as database_url:
        instance = Instance(workdir / "samizdat", database_url=database_url)
        instance.data_dir.mkdir()
        instance.env.update(
            SAMIZDAT_SITE_URL=f"http://127.0.0.1:{port}", SAMIZDAT_HTTP_ALLOWED_NETWORKS="127.0.0.1/32",
        )
        try:
            instance.migrate()
            instance.python(SETUP)
            instance.start("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                           "--no-collectstatic", log_name="serve.log")
            instance.start("worker", log_name="worker.log")
            instance.base = f"http://127.0.0.1:{port}"
            instance.actor = f"{instance.base}/@dispatch/"

            def up():
                try:
                    return httpx.get(instance.actor, headers={"Accept": "application/activity+json"}).status_code == 200
                except httpx.HTTPError:
                    return False

            assert wait_for(up, timeout=60), logs(instance, peer)
            yield instance, peer
        finally:
            instance.stop()
            peer.stop()


def logs(instance, peer):
    return "\n".join([
        (instance.data_dir / "serve.log").read_text()[-3000:], (instance.data_dir / "worker.log").read_text()[-3000:],
        peer.log(),
    ])


def query(instance, code):
    return json.loads(instance.python(code))


def test_bovine_follows_the_blog_and_is_accepted(peers):
    instance, peer = peers
    peer.client("follow", instance.actor)
    followers = "import json; from samizdat.federation.models import Follower; print(json.dumps(list(Follower.objects.values_list('actor__ap_id', 'status'))))"
    assert wait_for(lambda: query(instance, followers) == [[peer.actor_id, "accepted"]], timeout=60), logs(instance, peer)
    accepted = lambda: any(item.get("id") == instance.actor or item == instance.actor for item in peer.client("following"))  # noqa: E731
    assert wait_for(accepted, timeout=60), logs(instance, peer)
    # bovine 0.5.19 does not take our RFC 9421 signatures: the draft-cavage fallback took over at
    # once and is remembered for its server.
    styles = "import json; from samizdat.federation.models import Server; print(json.dumps(list(Server.objects.values_list('domain', 'signature_style'))))"
    assert query(instance, styles) == [[f"127.0.0.1:{peer.port}", "cavage"]]


def test_published_post_reaches_bovine(peers):
    instance, peer = peers
    path = instance.python(PUBLISH)
    instance.post_url = instance.base + path

    def arrived():
        for item in peer.client("inbox"):
            obj = item.get("object")
            if isinstance(obj, dict) and obj.get("id") == instance.post_url:
                return obj
        return None

    article = wait_for(arrived, timeout=90)
    assert article, logs(instance, peer)
    assert article["type"] == "Article" and article["name"] == "Heat survey"


def test_bovine_reply_becomes_a_comment(peers):
    instance, peer = peers
    peer.client("reply", instance.post_url, "<p>Hello from bovine</p>", instance.actor)
    code = "import json; from samizdat.comments.models import Comment; print(json.dumps([[c.local, c.status, c.html] for c in Comment.objects.all()]))"
    comments = wait_for(lambda: query(instance, code), timeout=60)
    assert comments, logs(instance, peer)
    [(local, status, html)] = comments
    assert local is False and status == "approved" and "Hello from bovine" in html


def test_bovine_like_is_counted(peers):
    instance, peer = peers
    peer.client("like", instance.post_url, instance.actor)
    code = "import json; from samizdat.social.models import Like; print(json.dumps(list(Like.objects.values_list('local', 'actor_id'))))"
    likes = wait_for(lambda: query(instance, code), timeout=60)
    assert likes == [[False, peer.actor_id]], logs(instance, peer)


FOLLOW_OUT = """
from samizdat.accounts.models import User
from samizdat.federation.following import follow_account
print(follow_account(User.objects.get(username="writer"), "@{handle}").url)
"""


def test_reader_follows_the_bovine_user_and_its_notes_reach_the_reader(peers):
    instance, peer = peers
    source = instance.python(FOLLOW_OUT.replace("{handle}", f"{peer.handle}@127.0.0.1:{peer.port}"))
    assert source == peer.actor_id
    followed = lambda: any(item.get("type") == "Follow" for item in peer.client("inbox"))  # noqa: E731
    assert wait_for(followed, timeout=60), logs(instance, peer)
    peer.client("accept-follows")
    state = "import json; from samizdat.federation.models import Following; print(json.dumps(list(Following.objects.values_list('status', flat=True))))"
    assert wait_for(lambda: query(instance, state) == ["accepted"], timeout=60), logs(instance, peer)
    peer.client("note", "<p>Notes from the herd</p>")
    entries = "import json; from samizdat.reader.models import Entry; print(json.dumps([e.content_html for e in Entry.objects.all()]))"
    arrived = wait_for(lambda: query(instance, entries), timeout=60)
    assert arrived and "Notes from the herd" in arrived[0], logs(instance, peer)
