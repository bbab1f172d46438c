"""Blogs of this instance in the reader: new posts listed unread, marked read, reblogged in one click."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samizdat.reader.models import PostReadMark
from samizdat.social.services import follow_blog

READER = reverse("dashboard:reader")


@pytest.fixture
def reader(make_user, make_blog, client):
    user = make_user("rita")
    user.blog = make_blog("rita", title="Rita's Notes", owner=user)
    client.force_login(user)
    return user


@pytest.fixture
def dockers(make_blog, make_post, reader):
    blog = make_blog("dockers", title="Dockers' Union")
    follow_blog(reader, blog)
    blog.strike = make_post(blog, title="The port strike ends")
    blog.ballot = make_post(blog, title="Ballot on the new rota")
    return blog


def _post_block(page, title):
    blocks = re.findall(r'<div class="entry(?: read)?">.*?</article>.*?</div>\s*</div>', page, re.S)
    return next((b for b in blocks if title in b), None)


def test_followed_blogs_new_posts_show_unread_with_reblog_and_mark_read(client, reader, dockers):
    page = client.get(READER).content.decode()
    block = _post_block(page, "The port strike ends")
    assert block is not None and "Mark read" in block
    assert f'href="{reverse("dashboard:reblog_post", args=[dockers.strike.pk])}"' in block


def test_marking_a_post_read_takes_it_off_the_unread_list(client, reader, dockers):
    client.post(reverse("dashboard:reader_mark_post_read", args=[dockers.strike.pk]))
    page = client.get(READER).content.decode()
    assert "The port strike ends" not in page and "Ballot on the new rota" in page
    everything = client.get(READER + "?all=1").content.decode()
    block = _post_block(everything, "The port strike ends")
    assert block.startswith('<div class="entry read">') and "Mark read" not in block


def test_mark_all_read_covers_posts_and_feed_entries(client, reader, dockers, web):
    from samizdat.reader import services

    services.subscribe(reader, web.url("/rss.xml"))
    client.post(reverse("dashboard:reader_mark_all_read"))
    page = client.get(READER).content.decode()
    assert "Nothing new from the blogs you follow." in page and "Nothing new from the feeds you follow." in page
    assert PostReadMark.objects.filter(user=reader).count() == 2


def test_read_marks_of_posts_are_per_person(client, reader, dockers, make_user):
    client.post(reverse("dashboard:reader_mark_post_read", args=[dockers.strike.pk]))
    other = make_user()
    follow_blog(other, dockers)
    client.force_login(other)
    assert "The port strike ends" in client.get(READER).content.decode()


def test_a_post_of_a_blog_one_does_not_follow_cannot_be_marked(client, reader, make_post):
    stranger = make_post(title="Elsewhere")
    assert client.post(reverse("dashboard:reader_mark_post_read", args=[stranger.pk])).status_code == 404
    assert not PostReadMark.objects.exists()


def test_posts_past_the_readers_horizon_are_not_listed(client, reader, dockers, make_post, settings):
    settings.SAMIZDAT_READER_KEEP_UNREAD_DAYS = 180
    make_post(dockers, title="The lockout of last year", when=timezone.now() - datetime.timedelta(days=200))
    assert "The lockout of last year" not in client.get(READER + "?all=1").content.decode()


def test_reader_without_a_blog_sees_no_reblog_button(client, make_user, dockers):
    outsider = make_user()
    follow_blog(outsider, dockers)
    client.force_login(outsider)
    page = client.get(READER).content.decode()
    assert "The port strike ends" in page and "Mark read" in page and "/dashboard/reblog/" not in page
