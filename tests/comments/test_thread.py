"""The comment thread on the post page, written by `{% comment_thread %}` without a template per comment."""

import datetime
import re

from django.test import Client

from samizdat.comments.models import Comment, CommentSettings, PostDiscussion


def _comment(post, **fields):
    fields.setdefault("author_name", "A")
    fields.setdefault("body", "x")
    fields.setdefault("html", "<p>x</p>")
    fields.setdefault("status", Comment.Status.APPROVED)
    return Comment.objects.create(post=post, **fields)


def test_thread_escapes_the_commenters_name_and_website(client, open_blog, make_post):
    post = make_post(open_blog())
    _comment(post, author_name='<b>Bo</b> "&', author_url='https://example.org/?a=1&b="2"')
    html = client.get(post.get_absolute_url()).content.decode()
    assert '<a class="u-url p-name" href="https://example.org/?a=1&amp;b=&quot;2&quot;" rel="nofollow ugc noopener">' in html
    assert "&lt;b&gt;Bo&lt;/b&gt; &quot;&amp;" in html and "<b>Bo</b>" not in html
    assert 'aria-label="Reply to &lt;b&gt;Bo&lt;/b&gt; &quot;&amp;"' in html


def test_thread_shows_the_stored_html_as_it_is(client, open_blog, make_post):
    post = make_post(open_blog())
    _comment(post, body="*hi*", html="<p><em>stored</em> at save</p>")
    assert '<div class="e-content"><p><em>stored</em> at save</p></div>' in client.get(post.get_absolute_url()).content.decode()


def test_thread_marks_the_post_authors_own_comments(client, open_blog, make_post, make_user):
    post = make_post(open_blog())
    mine = _comment(post, user=post.author, author_name=post.author.name)
    theirs = _comment(post, user=make_user(), author_name="Reader")
    html = client.get(post.get_absolute_url()).content.decode()
    def byline(comment):
        return re.search(rf'id="comment-{comment.pk}">.*?</footer>', html).group(0)

    assert '<span class="badge">Author</span>' in byline(mine)
    assert 'class="badge"' not in byline(theirs)


def test_held_comment_shows_its_notice_and_no_reply_link_to_its_author(open_blog, make_post, guest_data, comment_url):
    post = make_post()  # holds a first comment
    author = Client()
    author.post(comment_url(post), guest_data(post, body="Held words"))
    held = Comment.objects.get()
    html = author.get(post.get_absolute_url()).content.decode()
    assert f'<li class="comment depth-1 held" id="comment-{held.pk}">' in html
    assert '<p class="notice" role="status">Your comment is awaiting moderation.</p>' in html
    assert f"replytocom={held.pk}" not in html


def test_reply_links_stop_at_the_blogs_thread_depth(client, open_blog, make_post):
    post = make_post(open_blog())
    CommentSettings.objects.filter(blog=post.blog).update(thread_depth=2)
    top = _comment(post)
    reply = _comment(post, parent=top, depth=2)
    html = client.get(post.get_absolute_url()).content.decode()
    assert f"replytocom={top.pk}#respond" in html and f"replytocom={reply.pk}#respond" not in html
    assert re.search(rf'id="comment-{top.pk}".*<ol class="children"><li class="comment depth-2" id="comment-{reply.pk}"', html, re.S)


def test_closed_discussion_keeps_the_thread_without_reply_links(client, open_blog, make_post):
    post = make_post(open_blog())
    comment = _comment(post)
    PostDiscussion.objects.create(post=post, open=False)
    html = client.get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in html and "replytocom=" not in html


def test_comment_dates_follow_the_blogs_language_and_time_zone(client, open_blog, make_post):
    post = make_post(open_blog(language="ru", time_zone="Asia/Almaty"))
    comment = _comment(post)
    Comment.objects.filter(pk=comment.pk).update(created_at=datetime.datetime(2026, 3, 4, 23, 5, tzinfo=datetime.UTC))
    html = client.get(post.get_absolute_url()).content.decode()
    # The date shown is Almaty's (the next day); the machine-readable one is the same instant in UTC.
    assert '<time class="dt-published" datetime="2026-03-04T23:05:00Z">' in html
    assert "5 марта 2026" in html and "Ответить" in html


def test_held_comment_notice_speaks_the_blogs_language(make_blog, make_post, guest_data, comment_url):
    post = make_post(make_blog(language="ru"))  # holds a first comment
    author = Client()
    author.post(comment_url(post), guest_data(post, body="Слова"))
    html = author.get(post.get_absolute_url()).content.decode()
    assert '<p class="notice" role="status">Ваш комментарий ожидает модерации.</p>' in html
