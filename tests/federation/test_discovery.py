"""Discovery: WebFinger, NodeInfo, the blog actor and objects by content negotiation."""

import json

import pytest

from samizdat.comments.models import Comment
from samizdat.posts.models import Post

AP = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@pytest.fixture
def blog(make_blog):
    return make_blog("dispatch", title="The Dispatch", tagline="News & <views>")


def ap_get(client, path, accept=AP):
    response = client.get(path, HTTP_ACCEPT=accept)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content)


def test_webfinger_finds_the_blog_actor(client, blog):
    response = client.get("/.well-known/webfinger", {"resource": "acct:dispatch@127.0.0.1:8000"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jrd+json")
    links = {link["rel"]: link for link in response.json()["links"]}
    assert links["self"] == {"rel": "self", "type": AP, "href": "http://127.0.0.1:8000/@dispatch/"}
    assert response.json()["subject"] == "acct:dispatch@127.0.0.1:8000"


def test_webfinger_refuses_unknown_blogs_and_other_hosts(client, blog):
    assert client.get("/.well-known/webfinger", {"resource": "acct:nobody@127.0.0.1:8000"}).status_code == 404
    assert client.get("/.well-known/webfinger", {"resource": "acct:dispatch@example.org"}).status_code == 404
    assert client.get("/.well-known/webfinger").status_code == 400


def test_webfinger_answers_for_the_actor_url_and_the_instance_actor(client, blog):
    by_url = client.get("/.well-known/webfinger", {"resource": "http://127.0.0.1:8000/@dispatch/"})
    assert by_url.json()["subject"] == "acct:dispatch@127.0.0.1:8000"
    instance = client.get("/.well-known/webfinger", {"resource": "acct:127.0.0.1:8000@127.0.0.1:8000"})
    assert instance.json()["links"][0]["href"] == "http://127.0.0.1:8000/actor"


@pytest.mark.parametrize("accept", [AP, LD, "application/activity+json, application/ld+json"])
def test_blog_url_answers_activitypub_clients_with_the_actor(client, blog, accept):
    response = client.get("/@dispatch/", HTTP_ACCEPT=accept)
    assert response["Content-Type"].split(";")[0] in ("application/activity+json", "application/ld+json")
    assert "Accept" in response["Vary"]
    actor = json.loads(response.content)
    assert actor["id"] == "http://127.0.0.1:8000/@dispatch/"
    assert actor["type"] == "Person"
    assert actor["preferredUsername"] == "dispatch"
    assert actor["name"] == "The Dispatch"
    assert actor["summary"] == "<p>News &amp; &lt;views&gt;</p>"
    for name in ("inbox", "outbox", "followers", "following", "featured"):
        assert actor[name] == f"http://127.0.0.1:8000/@dispatch/ap/{name}"
    assert actor["endpoints"]["sharedInbox"] == "http://127.0.0.1:8000/inbox"
    assert actor["publicKey"]["id"] == "http://127.0.0.1:8000/@dispatch/#main-key"
    assert actor["publicKey"]["owner"] == actor["id"]
    assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert actor["icon"]["url"] == "http://127.0.0.1:8000/@dispatch/ap/icon.png"


def test_ld_json_request_gets_ld_json(client, blog):
    response = client.get("/@dispatch/", HTTP_ACCEPT=LD)
    assert response["Content-Type"].startswith("application/ld+json")


def test_blog_key_is_made_once_and_kept(client, blog):
    first = ap_get(client, "/@dispatch/")["publicKey"]["publicKeyPem"]
    assert ap_get(client, "/@dispatch/")["publicKey"]["publicKeyPem"] == first


def test_browsers_still_get_the_blog_page(client, blog):
    response = client.get("/@dispatch/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]


def test_blog_icon_is_a_png_on_our_host(client, blog):
    response = client.get("/@dispatch/ap/icon.png")
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_post_url_answers_with_an_article_and_preview(client, blog, make_post):
    post = make_post(blog, title="Heat survey", source="The *long* text, ![a chart](/media/chart.png).",
                     excerpt="What the heat did.", tags=["climate", "city life"])
    article = ap_get(client, post.get_absolute_url())
    url = "http://127.0.0.1:8000" + post.get_absolute_url()
    assert article["type"] == "Article"
    assert article["id"] == article["url"] == url
    assert article["name"] == "Heat survey"
    assert article["summary"] == "What the heat did."
    assert "<em>long</em>" in article["content"]
    assert 'src="http://127.0.0.1:8000/media/chart.png"' in article["content"]
    assert article["contentMap"] == {"en": article["content"]}
    assert article["attributedTo"] == "http://127.0.0.1:8000/@dispatch/"
    assert article["to"] == ["https://www.w3.org/ns/activitystreams#Public"]
    assert article["cc"] == ["http://127.0.0.1:8000/@dispatch/ap/followers"]
    assert {t["name"] for t in article["tag"]} == {"#climate", "#citylife"}
    assert all(t["type"] == "Hashtag" for t in article["tag"])
    preview = article["preview"]
    assert preview["type"] == "Note"
    assert "Heat survey" in preview["content"] and url in preview["content"]


def test_private_and_draft_posts_are_no_objects(client, blog, make_post):
    for status in (Post.Status.PRIVATE, Post.Status.DRAFT):
        post = make_post(blog, status=status)
        response = client.get(f"/@dispatch/2026/01/01/{post.slug}/", HTTP_ACCEPT=AP)
        assert response.status_code == 404


def test_local_comment_is_a_note_replying_to_its_post(client, blog, make_post):
    post = make_post(blog)
    comment = Comment.objects.create(
        post=post, author_name="Guest Reader", body="Well said", html="<p>Well said</p>",
        status=Comment.Status.APPROVED,
    )
    note = ap_get(client, f"/ap/comments/{comment.pk}")
    assert note["type"] == "Note"
    assert note["inReplyTo"] == "http://127.0.0.1:8000" + post.get_absolute_url()
    assert "Guest Reader" in note["content"] and "Well said" in note["content"]
    page = client.get(f"/ap/comments/{comment.pk}", HTTP_ACCEPT="text/html")
    assert page.status_code == 302 and page["Location"].endswith(f"#comment-{comment.pk}")


def test_held_comment_is_not_published(client, blog, make_post):
    comment = Comment.objects.create(post=make_post(blog), author_name="X", body="b", html="b")
    assert client.get(f"/ap/comments/{comment.pk}", HTTP_ACCEPT=AP).status_code == 404


def test_outbox_lists_live_posts_as_creates(client, blog, make_post):
    make_post(blog, title="Out")
    make_post(blog, title="Hidden", status=Post.Status.DRAFT)
    outbox = ap_get(client, "/@dispatch/ap/outbox")
    assert outbox["type"] == "OrderedCollection" and outbox["totalItems"] == 1
    [create] = outbox["orderedItems"]
    assert create["type"] == "Create" and create["object"]["name"] == "Out"


def test_collections_answer(client, blog):
    for name in ("followers", "following", "featured"):
        collection = ap_get(client, f"/@dispatch/ap/{name}")
        assert collection["totalItems"] == 0


def test_nodeinfo(client, blog, make_post):
    make_post(blog)
    links = client.get("/.well-known/nodeinfo").json()["links"]
    rels = {link["rel"]: link["href"] for link in links}
    assert rels["http://nodeinfo.diaspora.software/ns/schema/2.1"] == "http://127.0.0.1:8000/nodeinfo/2.1"
    assert rels["https://www.w3.org/ns/activitystreams#Application"] == "http://127.0.0.1:8000/actor"
    info = client.get("/nodeinfo/2.1").json()
    assert info["version"] == "2.1"
    assert info["software"]["name"] == "samizdat"
    assert info["protocols"] == ["activitypub"]
    assert info["usage"]["localPosts"] == 1


def test_instance_actor(client, db):
    actor = ap_get(client, "/actor")
    assert actor["type"] == "Application"
    assert actor["publicKey"]["id"] == "http://127.0.0.1:8000/actor#main-key"


def test_stored_pages_never_answer_activitypub_clients(blog, make_post):
    """The page store keeps anonymous readers' HTML; an ActivityPub client still gets JSON, in
    Django and in the layer that `samizdat serve` puts before it."""
    from django.test import Client

    from samizdat.pages.wsgi import PageStoreApplication
    from tests.pages.test_wsgi import call, django_must_not_be_called

    post = make_post(blog)
    for path in ("/@dispatch/", post.get_absolute_url()):
        Client().get(path)
        assert getattr(Client().get(path), "samizdat_stored_page", False)  # stored for browsers
        response = Client().get(path, HTTP_ACCEPT=AP)
        assert response["Content-Type"].startswith("application/activity+json")
        status, _headers, _body = call(
            PageStoreApplication(lambda env, start: start("299 Django", []) or [b""]), path, HTTP_ACCEPT=AP
        )
        assert status == "299 Django"
        assert call(PageStoreApplication(django_must_not_be_called), path)[0] == "200 OK"


def test_actor_names_the_blogs_other_addresses_as_profile_fields(client, make_blog):
    from samizdat.blogs.services import set_alternate_addresses

    onion = "a" * 52 + "zyxw.onion"
    blog = make_blog("harbour", title="Harbour News", language="ru")
    blog.custom_domain, blog.onion_address = "news.example.org", onion
    blog.save()
    set_alternate_addresses(blog, ["harbour-mirror.example.net"], ["https://copies.example.com/harbour/"])
    actor = ap_get(client, "/@harbour/")
    assert actor["id"] == "http://127.0.0.1:8000/@harbour/"  # ids never move
    assert actor["url"] == "http://news.example.org/"  # the profile link: the blog's main address
    fields = {field["name"]: field["value"] for field in actor["attachment"]}
    assert all(field["type"] == "PropertyValue" for field in actor["attachment"])
    # In the blog's language, since its readers see them on their servers' profile pages.
    assert fields["Onion-адрес (Tor Browser)"] == (
        f'<a href="http://{onion}/" rel="me nofollow noopener noreferrer" target="_blank">{onion}</a>'
    )
    assert 'href="http://harbour-mirror.example.net/"' in fields["Зеркальный домен"]
    assert 'href="https://copies.example.com/harbour/"' in fields["Статическое зеркало"]


def test_actor_of_a_blog_with_one_address_has_no_profile_fields(client, blog):
    actor = ap_get(client, "/@dispatch/")
    assert actor["url"] == actor["id"] and "attachment" not in actor
