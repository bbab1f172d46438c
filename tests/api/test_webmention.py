"""Webmention, receiving and sending, against a real HTTP server on loopback.

The sending tests follow webmention.rocks's endpoint discovery tests #1–#23 (their descriptions,
rebuilt as pages here); the receiving tests follow the spec's §3.2 (request checks, verification,
updates and deletes) and webmention.rocks's receiver tests.
"""

import pytest

from samizdat.api import webmention
from samizdat.api.models import SentWebmention, Webmention
from samizdat.comments.models import Comment
from samizdat.core.links import absolute_url
from samizdat.posts.models import Post

ENDPOINT = "/@union/webmention"


@pytest.fixture
def post(team, make_post):
    return make_post(team.blog, author=team.author, title="Heat survey")


def _source_page(target, author="Aigerim", text="Great survey of the heat in the workshops."):
    return f"""<!doctype html><html><body><article class="h-entry">
      <a class="p-author h-card" href="/">{author}</a>
      <div class="e-content"><p>{text} <a href="{target}">via the union</a></p></div>
    </article></body></html>"""


def test_mention_becomes_a_held_comment_then_updates_then_goes(client, post, loopback_site, immediate_tasks):
    target = absolute_url(post.get_absolute_url())
    source = loopback_site.page("/reply", _source_page(target))
    response = immediate_tasks(client.post, ENDPOINT, {"source": source, "target": target})
    assert response.status_code == 202
    mention = Webmention.objects.get()
    assert mention.status == "accepted"
    comment = mention.comment
    # The blog holds a first-time commenter's comment (its default policy): same moderation as the form.
    assert comment.status == Comment.Status.PENDING and comment.post == post
    assert comment.author_name == "Aigerim" and comment.author_url == source
    assert "Great survey" in comment.body and comment.author_email == ""
    # Re-sent after the source changed: the same comment, updated (§3.2.4).
    loopback_site.page("/reply", _source_page(target, text="Edited: even better."))
    immediate_tasks(client.post, ENDPOINT, {"source": source, "target": target})
    comment.refresh_from_db()
    assert "Edited" in comment.body and Comment.objects.count() == 1
    # The source deleted (410): the comment goes.
    loopback_site.page("/reply", "gone", status=410)
    immediate_tasks(client.post, ENDPOINT, {"source": source, "target": target})
    assert not Comment.objects.exists()
    assert Webmention.objects.get().status == "deleted"


@pytest.mark.parametrize("declared", ["header", "meta"])
def test_source_in_a_legacy_encoding_is_read_in_it(client, post, loopback_site, immediate_tasks, declared):
    # Pages in windows-1251 are still common in Russian and Kazakh; the charset may be declared only
    # in the Content-Type header or only in the page.
    target = absolute_url(post.get_absolute_url())
    html = _source_page(target, author="Айгерим", text="Обзор жары в цехах.")
    if declared == "meta":
        html = html.replace("<html>", '<html><head><meta charset="windows-1251"></head>')
    content_type = "text/html; charset=windows-1251" if declared == "header" else "text/html"
    source = loopback_site.page("/cp1251", html, content_type=content_type, encoding="cp1251")
    immediate_tasks(client.post, ENDPOINT, {"source": source, "target": target})
    comment = Webmention.objects.get().comment
    assert comment.author_name == "Айгерим" and "Обзор жары в цехах." in comment.body


def test_source_that_does_not_link_to_target_is_refused(client, post, loopback_site, immediate_tasks):
    target = absolute_url(post.get_absolute_url())
    source = loopback_site.page("/other", _source_page("https://example.org/else"))
    assert immediate_tasks(client.post, ENDPOINT, {"source": source, "target": target}).status_code == 202
    assert Webmention.objects.get().status == "rejected" and not Comment.objects.exists()


def test_source_on_a_private_address_is_never_fetched(client, post, settings, immediate_tasks):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = []
    target = absolute_url(post.get_absolute_url())
    immediate_tasks(client.post, ENDPOINT, {"source": "http://127.0.0.1:9/secret", "target": target})
    mention = Webmention.objects.get()
    assert mention.status == "rejected" and "non-public" in mention.error and not Comment.objects.exists()


@pytest.mark.parametrize(
    "fields, why",
    [
        ({"source": "ftp://example.org/a", "target": "TARGET"}, "source must be an http"),
        ({"source": "https://example.org/a", "target": "https://example.org/not-ours"}, "no published post"),
        ({"source": "TARGET", "target": "TARGET"}, "the same page"),
        ({"target": "TARGET"}, "source must be"),
    ],
)
def test_bad_requests_are_refused_at_once(client, post, fields, why):
    target = absolute_url(post.get_absolute_url())
    fields = {k: v.replace("TARGET", target) for k, v in fields.items()}
    response = client.post(ENDPOINT, fields)
    assert response.status_code == 400 and why in response.content.decode()
    assert not Webmention.objects.exists()


def test_mentions_from_one_address_are_limited_per_hour(client, post, settings):
    # The endpoint takes no credentials and each accepted mention makes the worker fetch a page.
    settings.SAMIZDAT_WEBMENTION_RATE_PER_HOUR = 2
    target = absolute_url(post.get_absolute_url())
    for n in range(2):
        assert client.post(ENDPOINT, {"source": f"https://elsewhere.example/{n}", "target": target}).status_code == 202
    response = client.post(ENDPOINT, {"source": "https://elsewhere.example/3", "target": target})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert Webmention.objects.count() == 2
    # Another address is not held back by this one.
    other = client.post(ENDPOINT, {"source": "https://elsewhere.example/4", "target": target}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 202


def test_draft_is_no_target(client, team, make_post):
    draft = make_post(team.blog, author=team.author, status=Post.Status.DRAFT)
    target = absolute_url(f"/@union/{draft.slug}/")
    assert client.post(ENDPOINT, {"source": "https://example.org/a", "target": target}).status_code == 400


@pytest.fixture
def elsewhere(settings):
    """The instance on a name of its own, so the loopback site (127.0.0.1) counts as another site."""
    settings.SAMIZDAT_HOSTS = ["samizdat.test", "testserver"]
    settings.SITE_URL = "http://samizdat.test"


def _discovery_pages(site):
    """webmention.rocks discovery tests #1–#23 as pages of the loopback site: {test: expected endpoint path}."""
    u = site.url
    link = lambda path: f'<html><head><link rel="webmention" href="{path}"></head><body></body></html>'  # noqa: E731
    html = {
        3: link("/test/3/webmention"),
        4: link(f"{u}/test/4/webmention"),
        5: '<html><body><a rel="webmention" href="/test/5/webmention">endpoint</a></body></html>',
        6: f'<html><body><a rel="webmention" href="{u}/test/6/webmention">endpoint</a></body></html>',
        9: '<html><head><link rel="webmention somethingelse" href="/test/9/webmention"></head></html>',
        12: '<html><head><link rel="not-webmention" href="/test/12/wrong">'
            '<link rel="webmention" href="/test/12/webmention"></head></html>',
        13: '<html><head><!-- <link rel="webmention" href="/test/13/wrong"> -->'
            '<link rel="webmention" href="/test/13/webmention"></head></html>',
        14: '<html><body><code>&lt;a href="/test/14/wrong" rel="webmention"&gt;&lt;/a&gt;</code>'
            '<a href="/test/14/webmention" rel="webmention">endpoint</a></body></html>',
        15: '<html><head><link rel="webmention" href=""></head></html>',
        16: '<html><body><a href="/test/16/webmention" rel="webmention">a</a>'
            '<link rel="webmention" href="/test/16/wrong"></body></html>',
        17: '<html><body><link rel="webmention" href="/test/17/webmention">'
            '<a href="/test/17/wrong" rel="webmention">a</a></body></html>',
        20: '<html><head><link rel="webmention"></head><body>'
            '<a rel="webmention" href="/test/20/webmention">a</a></body></html>',
        21: link("/test/21/webmention?query=yes"),
        22: link("22/webmention"),
    }
    headers = {
        1: {"Link": "</test/1/webmention>; rel=webmention"},
        2: {"Link": f"<{u}/test/2/webmention>; rel=webmention"},
        7: {"LinK": "</test/7/webmention>; REL=webmention"},
        8: {"Link": '</test/8/webmention>; rel="webmention"'},
        10: {"Link": '</test/10/webmention>; rel="webmention somethingelse"'},
        11: {"Link": "</test/11/webmention>; rel=webmention"},
        18: {"Link": ['</test/18/wrong>; rel="other"', '</test/18/webmention>; rel="webmention"']},
        19: {"Link": '</test/19/wrong>; rel="other", </test/19/webmention>; rel="webmention"'},
    }
    html[11] = '<html><head><link rel="webmention" href="/test/11/wrong"></head><body>' \
               '<a rel="webmention" href="/test/11/wrong">a</a></body></html>'
    expected = {}
    for n in range(1, 23):
        site.page(f"/test/{n}", html.get(n, "<html><body>A page.</body></html>"), headers=headers.get(n))
        expected[n] = {15: "/test/15", 21: "/test/21/webmention?query=yes"}.get(n, f"/test/{n}/webmention")
    # #23: the page redirects; a relative endpoint is resolved against where it ends.
    site.page("/test/23", "", status=302, headers={"Location": "/test/23/page/"})
    site.page("/test/23/page/", "", headers={"Link": "<webmention>; rel=webmention"})
    expected[23] = "/test/23/page/webmention"
    return expected


def test_published_post_notifies_each_linked_page_at_its_discovered_endpoint(team, make_post, loopback_site, elsewhere):
    expected = _discovery_pages(loopback_site)
    links = " ".join(f"[test {n}]({loopback_site.url}/test/{n})" for n in expected)
    post = make_post(team.blog, author=team.author, source=f"Links: {links} and [ours](/@union/).")
    assert webmention.send_for_post(post.pk) == 23
    source = absolute_url(post.get_absolute_url())
    for n, path in expected.items():
        assert loopback_site.posts_to(path) == [{"source": source, "target": f"{loopback_site.url}/test/{n}"}], n
    assert not [p for p, _fields in loopback_site.received if "wrong" in p]
    assert SentWebmention.objects.filter(status="sent").count() == 23


def test_page_without_endpoint_is_recorded_and_sweep_sends_once(
    team, make_post, loopback_site, immediate_tasks, elsewhere
):
    target = loopback_site.page("/plain", "<html><body>No endpoint here.</body></html>")
    post = make_post(team.blog, author=team.author, source=f"See [this]({target}).")
    assert immediate_tasks(webmention.queue_due_posts) == 1
    assert SentWebmention.objects.get(post=post).status == "no_endpoint"
    # Sent once: the next sweep finds nothing new until the post changes.
    assert webmention.queue_due_posts() == 0


def test_our_posts_advertise_their_endpoints(client, post):
    response = client.get(post.get_absolute_url())
    link = response["Link"]
    assert '/@union/webmention>; rel="webmention"' in link
    assert '/@union/micropub>; rel="micropub"' in link
    assert '/@union/wp-json/>; rel="https://api.w.org/"' in link


def test_stored_pages_still_name_the_endpoints_in_their_html(client, post):
    # Stored pages lose the Link header: a post names its Webmention endpoint in its HTML, and the
    # blog's home (where writing apps look) its Micropub and WordPress API endpoints too.
    for path in (post.get_absolute_url(), "/@union/"):
        first, again = client.get(path), client.get(path)
        for response in (first, again):
            html = response.content.decode()
            assert '<link rel="webmention" href="http://testserver/@union/webmention">' in html
            home = path == "/@union/"
            assert ('<link rel="micropub" href="http://testserver/@union/micropub">' in html) == home
            assert ('<link rel="https://api.w.org/" href="http://testserver/@union/wp-json/">' in html) == home
