"""What a writer does from the Reader to posts of fediverse accounts, as one of their blogs: a
reblog goes out as a quote (FEP-044f and the other servers' quote properties), likes and boosts
go out and can be undone, a reply can be deleted."""

import json

import pytest
from django.test import Client

from samizdat.federation.models import OutgoingQuote, ReaderAction
from samizdat.posts.models import Post
from samizdat.reader.models import Entry

from tests.comments.conftest import immediate_tasks  # noqa: F401

from .conftest import AS
from .test_following import PUBLIC, accept_follow, create, delivered, note, send

OUR_BLOG = "http://127.0.0.1:8000/@dispatch/"

pytestmark = pytest.mark.usefixtures("immediate_tasks")


@pytest.fixture
def writer(client, remote, make_blog):
    """A writer with a blog who follows alice, whose post is in the Reader."""
    blog = make_blog("dispatch", title="The Dispatch")
    writer = Client()
    writer.force_login(blog.memberships.get().user)
    accept_follow(client, writer, remote)
    send(client, remote, create(remote, note(remote)))
    remote.documents["/users/alice/statuses/1"] = {"@context": AS, **note(remote)}
    writer.blog = blog
    writer.entry = Entry.objects.get()
    return writer


def reblog_fields(page_form):
    """The reblog form's fields as the browser would send them (lxml reads the page)."""
    import lxml.html

    form = lxml.html.fromstring(page_form).forms[-1]
    return dict(form.form_values())


def test_reblog_of_a_reader_entry_goes_out_as_a_quote_and_asks_approval(
    writer, remote, client, django_capture_on_commit_callbacks
):
    fields = reblog_fields(writer.get(f"/dashboard/reblog/entry/{writer.entry.pk}/").content.decode())
    assert fields["source_fediverse_id"] == note(remote)["id"]
    assert fields["title"] == "Strike vote tonight"  # a fediverse post has no title: its first words
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post("/dashboard/reblog/", {**fields, "comment": "Be there.", "action": "publish"})
    assert response.status_code == 302, response.context["form"].errors
    sent = {activity["type"]: (path, activity) for path, _headers, activity in delivered(remote)}
    path, create_ = sent["Create"]
    quote = create_["object"]
    assert path == "/inbox"  # alice's server, by its shared inbox: she is no follower of the blog
    assert quote["type"] == "Note" and quote["attributedTo"] == OUR_BLOG
    for key in ("quote", "_misskey_quote", "quoteUrl", "quoteUri"):
        assert quote[key] == note(remote)["id"]
    assert "Be there." in quote["content"] and "Strike vote" not in quote["content"]  # the quoted text is theirs to show
    assert f'<p class="quote-inline">RE: <a href="{remote.base}/@alice/1">' in quote["content"]
    assert PUBLIC in quote["to"] and remote.actor_id in quote["cc"]
    assert {"type": "Mention", "href": remote.actor_id, "name": f"@alice@{remote.base.split('://')[1]}"} in quote["tag"]
    assert "quoteAuthorization" not in quote
    # Mastodon 4.5 shows the quote once alice's server approves: asked by a QuoteRequest.
    path, request = sent["QuoteRequest"]
    assert path == "/users/alice/inbox" and request["object"] == note(remote)["id"]
    assert request["instrument"]["id"] == quote["id"]
    accept = {"@context": AS, "id": f"{remote.actor_id}#accepts/quote", "type": "Accept", "actor": remote.actor_id,
              "object": {"id": request["id"], "type": "QuoteRequest"},
              "result": f"{remote.actor_id}/quote_authorizations/7"}
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, remote, accept).note.endswith("approved our quote")
    [(_path, _headers, update)] = delivered(remote)
    assert update["type"] == "Update" and update["object"]["quoteAuthorization"] == accept["result"]
    # The post's own address answers ActivityPub clients with the same Note.
    post = Post.objects.get(blog=writer.blog)
    fetched = Client().get(post.get_absolute_url(), HTTP_ACCEPT="application/activity+json")
    assert json.loads(fetched.content)["quoteAuthorization"] == accept["result"]


def test_reblog_by_address_of_a_fediverse_post_quotes_it(writer, remote):
    page = (f'<html><head><title>Alice</title><link rel="alternate" type="application/activity+json" '
            f'href="{remote.actor_id}/statuses/1"></head><body><article><p>Strike vote tonight, everyone.'
            f'</p></article></body></html>')
    remote.documents["/@alice/1"] = page
    response = writer.post("/dashboard/reblog/", {"step": "fetch", "url": f"{remote.base}/@alice/1"})
    fields = reblog_fields(response.content.decode())
    assert fields["source_fediverse_id"] == note(remote)["id"]
    assert "a quote of it" in response.content.decode()
    writer.post("/dashboard/reblog/", {**fields, "action": "publish"})
    assert OutgoingQuote.objects.get().object_id == note(remote)["id"]


def test_refused_quote_is_told_to_the_writer_and_goes_out_as_a_plain_link(
    writer, remote, client, django_capture_on_commit_callbacks
):
    fields = reblog_fields(writer.get(f"/dashboard/reblog/entry/{writer.entry.pk}/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        writer.post("/dashboard/reblog/", {**fields, "comment": "Be there.", "action": "publish"})
    sent = {activity["type"]: activity for _path, _headers, activity in delivered(remote)}
    post = Post.objects.get(blog=writer.blog)
    editor = f"/dashboard/{writer.blog.slug}/posts/{post.pk}/"
    assert "declined the quote" not in writer.get(editor).content.decode()
    reject = {"@context": AS, "id": f"{remote.actor_id}#rejects/quote", "type": "Reject", "actor": remote.actor_id,
              "object": {"id": sent["QuoteRequest"]["id"], "type": "QuoteRequest"}}
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, remote, reject).note.endswith("did not approve our quote")
    # Sent again as Mastodon keeps a refused quote: no quote claimed, the link a plain one.
    [(_path, _headers, update)] = delivered(remote)
    assert update["type"] == "Update"
    assert not {"quote", "_misskey_quote", "quoteUrl", "quoteUri", "quoteAuthorization"} & set(update["object"])
    link = f"{remote.base}/@alice/1"
    assert f'<p>RE: <a href="{link}">{link}</a></p>' in update["object"]["content"] and "quote-inline" not in update["object"]["content"]
    assert "Be there." in update["object"]["content"]
    assert "declined the quote" in writer.get(editor).content.decode()
    assert "declined the quote" in writer.get(f"/dashboard/{writer.blog.slug}/posts/").content.decode()
    assert Post.objects.get(pk=post.pk).is_live  # the reblog stays


PAGE = ('<html><head><title>Alice</title></head><body><article><p>Strike vote tonight, everyone.'
        '</p></article></body></html>')


def test_reblog_by_address_of_a_post_page_that_links_no_object_asks_the_address_and_quotes_it(writer, remote):
    # Samizdat's post pages (and others') name no ActivityPub object; the address answers with it when asked.
    remote.documents["/@alice/1"] = (PAGE, {"@context": AS, **note(remote)})
    response = writer.post("/dashboard/reblog/", {"step": "fetch", "url": f"{remote.base}/@alice/1"})
    fields = reblog_fields(response.content.decode())
    assert fields["source_fediverse_id"] == note(remote)["id"]
    assert "a quote of it" in response.content.decode()
    asked = [headers for path, headers in remote.gets if path == "/@alice/1" and "activity+json" in headers.get("Accept", "")]
    assert asked and ("Signature-Input" in asked[0] or "Signature" in asked[0])  # signed, for authorized fetch
    assert writer.post("/dashboard/reblog/", {**fields, "action": "publish"}).status_code == 302
    assert OutgoingQuote.objects.get().object_id == note(remote)["id"]


def test_reblog_by_address_of_a_plain_web_page_is_a_web_reblog_without_a_warning(writer, remote):
    remote.documents["/@alice/1"] = PAGE  # HTML whatever the request asks for
    response = writer.post("/dashboard/reblog/", {"step": "fetch", "url": f"{remote.base}/@alice/1"})
    fields = reblog_fields(response.content.decode())
    assert fields["title"] == "Alice" and not fields.get("source_fediverse_id")
    assert "a quote of it" not in response.content.decode()
    response = writer.post("/dashboard/reblog/", {**fields, "action": "publish"}, follow=True)
    assert "Reblogged to The Dispatch" in response.content.decode()
    assert "as a quote" not in response.content.decode() and not OutgoingQuote.objects.exists()


def other_host(remote, path, page_url):
    """A post served on another host (localhost, not 127.0.0.1) whose own server says its page is `page_url`."""
    other = remote.base.replace("127.0.0.1", "localhost")
    remote.documents[path] = {"@context": AS, **note(remote), "id": other + path, "url": page_url,
                              "attributedTo": f"{other}/users/alice"}
    return other + path


def test_reblog_by_address_quotes_a_post_on_another_host_that_owns_the_page(writer, remote):
    # A blog on its own domain: the page is there, the post's id on the instance's main address.
    object_id = other_host(remote, "/objects/1", f"{remote.base}/@alice/1")
    remote.documents["/@alice/1"] = (PAGE, remote.documents["/objects/1"])
    response = writer.post("/dashboard/reblog/", {"step": "fetch", "url": f"{remote.base}/@alice/1"})
    assert reblog_fields(response.content.decode())["source_fediverse_id"] == object_id


def test_reblog_by_address_does_not_quote_another_servers_post_a_page_names(writer, remote):
    object_id = other_host(remote, "/objects/1", f"{remote.base.replace('127.0.0.1', 'localhost')}/@alice/1")
    remote.documents["/@alice/1"] = (PAGE, remote.documents["/objects/1"])
    response = writer.post("/dashboard/reblog/", {"step": "fetch", "url": f"{remote.base}/@alice/1"})
    assert not reblog_fields(response.content.decode()).get("source_fediverse_id")
    assert any(path == "/objects/1" for path, _headers in remote.gets), object_id  # asked its own server


def test_reblog_of_a_post_that_is_not_public_is_no_quote(writer, remote, django_capture_on_commit_callbacks):
    remote.documents["/users/alice/statuses/1"] |= {"to": [f"{remote.actor_id}/followers"], "cc": []}
    fields = reblog_fields(writer.get(f"/dashboard/reblog/entry/{writer.entry.pk}/").content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.post("/dashboard/reblog/", {**fields, "action": "publish"}, follow=True)
    assert "not sent to the fediverse as a quote" in response.content.decode()
    assert Post.objects.filter(blog=writer.blog).exists() and not OutgoingQuote.objects.exists()
    assert delivered(remote) == []  # the blog has no followers, and alice is not told


def test_like_and_boost_go_out_as_the_blog_and_undo_takes_them_back(writer, remote):
    entry = writer.entry
    for kind in ("Like", "Announce", "Like"):  # a second Like of the same post sends nothing
        assert writer.post(f"/dashboard/reader/entries/{entry.pk}/interact/", {"blog": writer.blog.pk, "kind": kind}).status_code == 302
    sent = sorted(delivered(remote), key=lambda row: row[2]["type"], reverse=True)
    assert [(path, a["type"]) for path, _h, a in sent] == [("/users/alice/inbox", "Like"), ("/inbox", "Announce")]
    like, boost = sent[0][2], sent[1][2]
    assert like["actor"] == boost["actor"] == OUR_BLOG and like["object"] == boost["object"] == note(remote)["id"]
    assert PUBLIC in boost["to"] and remote.actor_id in boost["cc"]
    page = writer.get("/dashboard/reader/").content.decode()
    assert "Liked as The Dispatch" in page and "Boosted as The Dispatch" in page
    for action in ReaderAction.objects.all():
        writer.post(f"/dashboard/reader/actions/{action.pk}/undo/")
    undos = [a for _p, _h, a in delivered(remote)]
    assert {(u["type"], u["object"]["type"], u["object"]["id"]) for u in undos} == {
        ("Undo", "Like", like["id"]), ("Undo", "Announce", boost["id"])}
    assert not ReaderAction.objects.exists()


def test_acting_without_a_blog_to_act_as_is_refused(writer, remote, make_user, make_blog):
    stranger = Client()
    stranger.force_login(make_blog("other").memberships.get().user)
    response = writer.post(f"/dashboard/reader/entries/{writer.entry.pk}/interact/", {"kind": "Like"}, follow=True)
    assert "Choose a blog to act as" in response.content.decode()
    other = make_blog("elsewhere")
    assert writer.post(f"/dashboard/reader/entries/{writer.entry.pk}/interact/",
                       {"blog": other.pk, "kind": "Like"}, follow=True).status_code == 200
    assert not ReaderAction.objects.exists() and delivered(remote) == []
    assert stranger.post(f"/dashboard/reader/entries/{writer.entry.pk}/interact/",
                         {"blog": other.pk, "kind": "Like"}).status_code == 404


def test_deleting_a_reply_sends_a_delete(writer, remote):
    writer.post(f"/dashboard/reader/entries/{writer.entry.pk}/reply/", {"blog": writer.blog.pk, "text": "Yes."})
    [(_p, _h, create_)] = delivered(remote)
    page = writer.get("/dashboard/reader/").content.decode()
    assert "Replied as The Dispatch" in page
    reply_id = create_["object"]["id"].rstrip("/").rsplit("/", 1)[1]
    writer.post(f"/dashboard/reader/replies/{reply_id}/delete/")
    [(_p, _h, delete)] = delivered(remote)
    assert delete["type"] == "Delete" and delete["object"]["id"] == create_["object"]["id"]
    assert "Replied as" not in writer.get("/dashboard/reader/").content.decode()
    assert Client().get(f"/ap/notes/{reply_id}", HTTP_ACCEPT="application/activity+json").status_code == 404
