"""The dashboard's Webmention screen: what a blog received and what its posts sent, and who sees which."""

from django.utils import timezone

from samizdat.api.models import SentWebmention, Webmention
from samizdat.comments.models import Comment

URL = "/dashboard/union/webmentions/"


def _received(post, source, **kwargs):
    return Webmention.objects.create(source=source, target=f"http://127.0.0.1:8000{post.get_absolute_url()}",
                                     post=post, **kwargs)


def test_editor_sees_received_mentions_their_state_and_comment(client, team, make_post):
    post = make_post(team.blog, author=team.author, title="Strike day")
    comment = Comment.objects.create(post=post, author_name="Ana", author_url="https://ana.example/",
                                     body="Yes", html="<p>Yes</p>", status=Comment.Status.PENDING)
    _received(post, "https://ana.example/reply", comment=comment, status=Webmention.Status.ACCEPTED,
              verified_at=timezone.now())
    _received(post, "https://spam.example/x", status=Webmention.Status.REJECTED,
              error="the source does not link to the target")
    client.force_login(team.editor)
    page = client.get(URL).content.decode()
    assert "https://ana.example/reply" in page and "Strike day" in page
    assert "Verified: a comment" in page and "Pending" in page
    assert f"/dashboard/union/comments/{comment.pk}/" in page
    assert "Refused" in page and "the source does not link to the target" in page
    # The dashboard's nav leads here.
    assert 'href="/dashboard/union/webmentions/"' in client.get("/dashboard/union/posts/").content.decode()


def test_sent_tab_shows_each_target_and_what_happened(client, team, make_post):
    post = make_post(team.blog, author=team.author, title="Solidarity")
    SentWebmention.objects.create(post=post, target="https://a.example/1", endpoint="https://a.example/wm",
                                  status="sent", sent_at=timezone.now())
    SentWebmention.objects.create(post=post, target="https://b.example/2", status="failed",
                                  error="the endpoint answered HTTP 500")
    SentWebmention.objects.create(post=post, target="https://c.example/3", status="no_endpoint")
    client.force_login(team.author)
    page = client.get(URL + "?show=sent").content.decode()
    assert "https://a.example/1" in page and "Endpoint: https://a.example/wm" in page and "Sent" in page
    assert "Failed" in page and "the endpoint answered HTTP 500" in page
    assert "The page takes no webmentions" in page


def test_authors_see_only_their_own_posts_mentions(client, team, make_post):
    _received(make_post(team.blog, author=team.author, title="Mine"), "https://x.example/mine")
    _received(make_post(team.blog, author=team.editor, title="Theirs"), "https://x.example/theirs")
    client.force_login(team.author)
    page = client.get(URL).content.decode()
    assert "https://x.example/mine" in page and "https://x.example/theirs" not in page
    # Without the right to moderate, no link into the comment queue.
    assert "/comments/" not in page.split("<table", 1)[-1]
    client.force_login(team.editor)
    page = client.get(URL).content.decode()
    assert "https://x.example/mine" in page and "https://x.example/theirs" in page


def test_screen_speaks_the_readers_language(client, team, make_post):
    _received(make_post(team.blog, author=team.author), "https://x.example/a", status=Webmention.Status.REJECTED)
    client.force_login(team.editor)
    page = client.get(URL, headers={"Accept-Language": "ru"}).content.decode()
    assert "Вебменшены" in page or "Упоминания" in page


def test_screen_has_the_dashboards_stylesheet(client, team):
    client.force_login(team.editor)
    assert "dashboard/dashboard." in client.get(URL).content.decode()
