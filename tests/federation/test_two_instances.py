"""Two Samizdat instances on loopback, each a real server with its worker: a reader on B follows a
blog on A from the Reader, A's posts and edits reach B's Reader, and a reply written on B arrives on
A as a comment under the post."""

import json
import re

import httpx
import lxml.html
import pytest

from tests.instances import Instance, free_port, scratch_database, wait_for

PASSWORD = "a long test passphrase 42"
SETUP_A = f"""
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
from samizdat.comments.models import CommentSettings
user = create_user("writer", "{PASSWORD}", email="writer@example.test")
blog = create_blog("dispatch", "The Dispatch", owner=user)
CommentSettings.objects.create(blog=blog, policy="open", notify_authors=False)
"""
SETUP_B = f"""
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
user = create_user("vera", "{PASSWORD}", email="vera@example.test", display_name="Vera Z.")
create_blog("harbour", "Harbour News", owner=user)
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
EDIT = """
from samizdat.accounts.models import User
from samizdat.posts.models import Post
from samizdat.posts.services import save_post
post = Post.objects.get(slug="heat-survey")
post.title, post.source = "Heat survey, corrected", "The city measured the heat twice."
save_post(post, editor=User.objects.get(username="writer"))
"""


def _serve(instance, port, setup):
    instance.env.update(SAMIZDAT_SITE_URL=f"http://127.0.0.1:{port}", SAMIZDAT_HTTP_ALLOWED_NETWORKS="127.0.0.1/32")
    instance.migrate()
    instance.python(setup)
    instance.start("serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--no-collectstatic",
                   log_name="serve.log")
    instance.start("worker", log_name="worker.log")
    instance.base = f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Instances A (a blog, dispatch) and B (a reader, vera, with a blog), started once for the module."""
    workdir = tmp_path_factory.mktemp("two-instances")
    with scratch_database(migrated=True) as url_a, scratch_database(migrated=True) as url_b:
        a = Instance(workdir / "a", database_url=url_a)
        b = Instance(workdir / "b", database_url=url_b)
        try:
            for instance, setup in ((a, SETUP_A), (b, SETUP_B)):
                instance.data_dir.mkdir()
                _serve(instance, free_port(), setup)
            for instance in (a, b):
                assert wait_for(lambda: _up(instance), timeout=60), logs(a, b)
            yield a, b
        finally:
            a.stop()
            b.stop()


def _up(instance):
    try:
        return httpx.get(instance.base + "/", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def logs(*instances):
    return "\n".join(
        f"--- {path.name} of {instance.data_dir.name}\n" + path.read_text()[-3000:]
        for instance in instances for path in (instance.data_dir / "serve.log", instance.data_dir / "worker.log")
    )


def query(instance, code):
    return json.loads(instance.python(code))


@pytest.fixture(scope="module")
def vera(sites):
    """Vera signed in on B, in a browser-like client keeping cookies."""
    _a, b = sites
    client = httpx.Client(base_url=b.base, timeout=30)
    response = client.post("/accounts/login/", data={"login": "vera", "password": PASSWORD,
                                                     "csrfmiddlewaretoken": token(client, "/accounts/login/")})
    assert response.status_code == 302, response.text[:2000]
    yield client
    client.close()


def token(client, path):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(path).text).group(1)


def test_reader_on_b_follows_a_blog_on_a(sites, vera):
    a, b = sites
    handle = f"@dispatch@{a.base.split('://')[1]}"
    response = vera.post("/dashboard/reader/sources/", data={
        "handle": handle, "csrfmiddlewaretoken": token(vera, "/dashboard/reader/sources/"),
    })
    assert response.status_code == 302, response.text[:3000]
    followers = "import json; from samizdat.federation.models import Follower; print(json.dumps(list(Follower.objects.values_list('actor__ap_id', 'status'))))"
    assert wait_for(lambda: query(a, followers) == [[f"{b.base}/actor", "accepted"]], timeout=60), logs(a, b)
    following = "import json; from samizdat.federation.models import Following; print(json.dumps(list(Following.objects.values_list('status', flat=True))))"
    assert wait_for(lambda: query(b, following) == ["accepted"], timeout=60), logs(a, b)
    assert "The Dispatch" in vera.get("/dashboard/reader/sources/").text
    # A counts B among the blog's followers.
    assert "1 follower" in httpx.get(f"{a.base}/@dispatch/").text


def test_post_published_on_a_arrives_in_the_reader_on_b(sites, vera):
    a, b = sites
    a.post_url = a.base + a.python(PUBLISH)
    arrived = wait_for(lambda: "Heat survey" in vera.get("/dashboard/reader/").text, timeout=90)
    assert arrived, logs(a, b)
    page = vera.get("/dashboard/reader/").text
    assert f'href="{a.post_url}"' in page and "The city measured the heat." in page


def test_edit_on_a_updates_the_entry_on_b(sites, vera):
    a, b = sites
    a.python(EDIT)
    assert wait_for(lambda: "Heat survey, corrected" in vera.get("/dashboard/reader/").text, timeout=90), logs(a, b)
    assert "measured the heat twice" in vera.get("/dashboard/reader/").text


def test_reply_from_b_arrives_as_a_comment_on_a(sites, vera):
    a, b = sites
    reply_path = re.search(r'href="(/dashboard/reader/entries/\d+/reply/)"', vera.get("/dashboard/reader/").text).group(1)
    form = vera.get(reply_path).text
    blog_id = re.search(r'<option value="(\d+)"[^>]*>Harbour News</option>', form).group(1)
    response = vera.post(reply_path, data={
        "blog": blog_id, "text": "We measured it on *our* street too.", "csrfmiddlewaretoken": token(vera, reply_path),
    })
    assert response.status_code == 302, response.text[:3000]
    code = "import json; from samizdat.comments.models import Comment; print(json.dumps([[c.local, c.status, c.author_name, c.author_url, c.html] for c in Comment.objects.all()]))"
    comments = wait_for(lambda: query(a, code), timeout=90)
    assert comments, logs(a, b)
    [(local, status, name, url, html)] = comments
    assert local is False and status == "approved"
    assert name == "Harbour News" and url == f"{b.base}/@harbour/"
    assert "Vera Z." in html and "<em>our</em> street" in html
    page = httpx.get(a.post_url).text
    assert "<em>our</em> street" in page and f'href="{b.base}/@harbour/"' in page


def reader_entry_form(vera, action):
    """The fields of the Reader's form posting to `action` (a path ending as given), as a browser sends them."""
    page = lxml.html.fromstring(vera.get("/dashboard/reader/").text)
    [form] = [f for f in page.forms if (f.action or "").endswith(action)]
    return form.action, dict(form.form_values())


def on_post_page(a, text):
    return text in httpx.get(a.post_url).text


def test_like_and_boost_from_b_show_on_a_and_undo_takes_them_back(sites, vera):
    a, b = sites
    action, fields = reader_entry_form(vera, "/interact/")
    assert "blog" in fields  # vera has one blog: it is chosen for her
    for kind in ("Like", "Announce"):
        assert vera.post(action, data={**fields, "kind": kind}).status_code == 302
    assert wait_for(lambda: on_post_page(a, "1 blogger likes this."), timeout=90), logs(a, b)
    assert wait_for(lambda: on_post_page(a, "Reblogged 1 time"), timeout=90), logs(a, b)
    page = vera.get("/dashboard/reader/").text
    assert "Liked as Harbour News" in page and "Boosted as Harbour News" in page
    for undo in re.findall(r'action="(/dashboard/reader/actions/\d+/undo/)"', page):
        assert vera.post(undo, data={"csrfmiddlewaretoken": token(vera, "/dashboard/reader/")}).status_code == 302
    assert wait_for(lambda: on_post_page(a, "Be the first to like this."), timeout=90), logs(a, b)
    assert wait_for(lambda: not on_post_page(a, 'class="reblogged-by"'), timeout=90), logs(a, b)
    assert "Liked as Harbour News" not in vera.get("/dashboard/reader/").text


def test_reblog_on_b_goes_to_a_as_a_quote(sites, vera):
    a, b = sites
    path = re.search(r'href="(/dashboard/reblog/entry/\d+/)"', vera.get("/dashboard/reader/").text).group(1)
    form = lxml.html.fromstring(vera.get(path).text).forms[-1]
    fields = {**dict(form.form_values()), "comment": "Our street was hotter still.", "action": "publish"}
    assert fields["source_fediverse_id"] == a.post_url
    response = vera.post(form.action, data=fields)
    assert response.status_code == 302, response.text[:3000]
    # B sent a Note quoting A's post, each way servers read a quote, with a fallback line.
    sent = ("import json; from samizdat.federation.models import Delivery; print(json.dumps("
            "[d.payload['object'] for d in Delivery.objects.filter(activity_type='Create')]))")
    [note] = [o for o in query(b, sent) if o.get("quote")]
    assert note["type"] == "Note"
    assert note["quote"] == note["_misskey_quote"] == note["quoteUrl"] == note["quoteUri"] == a.post_url
    assert f'RE: <a href="{a.post_url}">' in note["content"] and "hotter still" in note["content"]
    assert f"{a.base}/@dispatch/" in note["cc"]
    assert {"type": "Mention", "href": f"{a.base}/@dispatch/", "name": f"@dispatch@{a.base.split('://')[1]}"} in note["tag"]
    # A counts it as a reblog with commentary, and approves it: B sends it again with the stamp.
    quotes = ("import json; from samizdat.reblogs.models import Reblog; print(json.dumps("
              "[[r.actor_url, r.is_quote] for r in Reblog.objects.filter(local=False)]))")
    assert wait_for(lambda: query(a, quotes) == [[f"{b.base}/@harbour/", True]], timeout=90), logs(a, b)
    assert wait_for(lambda: on_post_page(a, "Reblogged 1 time"), timeout=30)
    stamp = "from samizdat.federation.models import OutgoingQuote; print(OutgoingQuote.objects.get().authorization)"
    assert wait_for(lambda: b.python(stamp).startswith(f"{a.base}/ap/quote-authorizations/"), timeout=90), logs(a, b)
    authorization = b.python(stamp)
    assert httpx.get(authorization, headers={"Accept": "application/activity+json"}).json()["interactingObject"] == note["id"]
    updated = ("import json; from samizdat.federation.models import Delivery; print(json.dumps("
               "[d.payload['object'].get('quoteAuthorization') for d in Delivery.objects.filter(activity_type='Update')]))")
    assert authorization in query(b, updated)


def test_reblog_by_address_on_b_goes_to_a_as_a_quote(sites, vera):
    a, b = sites
    # "Reblog from the web" with the post's address: A's page links no ActivityPub object, its
    # address answers with one when asked.
    response = vera.post("/dashboard/reblog/", data={
        "step": "fetch", "url": a.post_url, "csrfmiddlewaretoken": token(vera, "/dashboard/reblog/"),
    })
    assert "a quote of it" in response.text, response.text[:3000]
    form = lxml.html.fromstring(response.text).forms[-1]
    fields = {**dict(form.form_values()), "comment": "Seen from the harbour.", "action": "publish"}
    assert fields["source_fediverse_id"] == a.post_url
    assert vera.post(form.action, data=fields).status_code == 302
    quotes = ("import json; from samizdat.reblogs.models import Reblog; print(json.dumps("
              "sorted(r.remote_url for r in Reblog.objects.filter(local=False, is_quote=True))))")
    assert wait_for(lambda: len(query(a, quotes)) == 2, timeout=90), logs(a, b)
    assert wait_for(lambda: on_post_page(a, "Reblogged 2 times"), timeout=30)
    stamps = ("import json; from samizdat.federation.models import OutgoingQuote; print(json.dumps("
              "[q.authorization for q in OutgoingQuote.objects.all()]))")
    assert wait_for(lambda: all(query(b, stamps)) and len(query(b, stamps)) == 2, timeout=90), logs(a, b)


def test_reply_deleted_on_b_leaves_a(sites, vera):
    a, b = sites
    page = vera.get("/dashboard/reader/").text
    delete = re.search(r'action="(/dashboard/reader/replies/\d+/delete/)"', page).group(1)
    assert vera.post(delete, data={"csrfmiddlewaretoken": token(vera, "/dashboard/reader/")}).status_code == 302
    assert wait_for(lambda: not on_post_page(a, "<em>our</em> street"), timeout=90), logs(a, b)
    assert "Replied as Harbour News" not in vera.get("/dashboard/reader/").text


def test_post_deleted_on_a_leaves_the_reader_on_b(sites, vera):
    a, b = sites
    a.python("from samizdat.posts.models import Post; from samizdat.posts.services import delete_post; "
             "delete_post(Post.objects.get(slug='heat-survey'))")
    assert wait_for(lambda: "Heat survey" not in vera.get("/dashboard/reader/?all=1").text, timeout=90), logs(a, b)
