"""The dashboard's Reader: new posts of the blogs one follows."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samizdat.posts.models import Post
from samizdat.social import services

READER = "/dashboard/reader/"


def at(day):
    # Recent days: the reader lists posts from SAMIZDAT_READER_KEEP_UNREAD_DAYS back.
    return timezone.now().replace(hour=12) - datetime.timedelta(days=40 - day)


def titles(response):
    return [post.title for post in response.context["page_obj"]]


def test_reader_address_is_dashboard_reader():
    assert reverse("dashboard:reader") == READER


def test_reader_lists_followed_blogs_posts_newest_first(client, make_blog, make_post, reader):
    a, b = make_blog(), make_blog()
    make_post(a, title="Older", when=at(1))
    make_post(b, title="Newer", when=at(3))
    make_post(a, title="Middle", when=at(2))
    services.follow_blog(reader, a)
    services.follow_blog(reader, b)
    client.force_login(reader)
    assert titles(client.get(READER)) == ["Newer", "Middle", "Older"]


def test_reader_leaves_out_blogs_not_followed(client, make_blog, make_post, reader):
    followed, other = make_blog(), make_blog()
    make_post(followed, title="Mine")
    make_post(other, title="Not mine")
    services.follow_blog(reader, followed)
    client.force_login(reader)
    assert titles(client.get(READER)) == ["Mine"]


def test_reader_leaves_out_drafts_and_scheduled_posts(client, make_blog, make_post, reader):
    blog = make_blog()
    make_post(blog, title="Draft", status=Post.Status.DRAFT)
    make_post(blog, title="Out")
    services.follow_blog(reader, blog)
    client.force_login(reader)
    assert titles(client.get(READER)) == ["Out"]


def test_reader_shows_each_posts_blog(client, make_blog, make_post, reader):
    blog = make_blog(title="Dockers' Union")
    make_post(blog)
    services.follow_blog(reader, blog)
    client.force_login(reader)
    assert "Dockers&#x27; Union" in client.get(READER).content.decode()


def test_reader_pages_through_twenty_posts_at_a_time(client, make_blog, make_post, reader):
    blog = make_blog()
    for day in range(1, 23):
        make_post(blog, title=f"Day {day}", when=at(day))
    services.follow_blog(reader, blog)
    client.force_login(reader)
    assert len(titles(client.get(READER))) == 20
    assert titles(client.get(READER + "?page=2")) == ["Day 2", "Day 1"]


def test_reader_invites_following_when_nothing_is_followed(client, reader):
    client.force_login(reader)
    assert "Follow blogs with the Follow button" in client.get(READER).content.decode()


def test_reader_query_count_does_not_grow_with_posts_or_blogs(client, make_blog, make_post, reader):
    client.force_login(reader)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(READER).status_code == 200
        return len(captured)

    blog = make_blog()
    make_post(blog, tags=["a"])
    services.follow_blog(reader, blog)
    with_one = count()
    for _ in range(5):
        blog = make_blog()
        services.follow_blog(reader, blog)
        for _ in range(3):
            make_post(blog, tags=["a", "b"])
    assert count() == with_one
