"""Following blogs: the services, the buttons, and the follower counts shown."""

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from samizdat.social import services
from samizdat.social.models import Follow


def follow_url(blog, name="follow"):
    return reverse(f"social:{name}", kwargs={"blog_slug": blog.slug})


def test_follow_blog_counts_once_per_user(make_blog, reader):
    blog = make_blog()
    services.follow_blog(reader, blog)
    services.follow_blog(reader, blog)
    assert Follow.objects.filter(blog=blog).count() == 1


def test_unfollow_blog_ends_the_follow(make_blog, reader):
    blog = make_blog()
    services.follow_blog(reader, blog)
    services.unfollow_blog(reader, blog)
    assert not Follow.objects.exists()


def test_follow_table_refuses_a_second_follow_by_the_same_user(make_blog, reader):
    blog = make_blog()
    Follow.objects.create(blog=blog, user=reader)
    with pytest.raises(IntegrityError):
        Follow.objects.create(blog=blog, user=reader)


def test_follow_table_takes_remote_follows_by_activity_id(make_blog):
    blog = make_blog()
    Follow.objects.create(blog=blog, local=False, ap_id="https://elsewhere.example/follows/1")
    assert blog.follows.count() == 1


def test_follow_view_returns_to_the_page_it_was_pressed_on(client, post, reader):
    client.force_login(reader)
    response = client.post(follow_url(post.blog), {"next": post.get_absolute_url()})
    assert response["Location"] == post.get_absolute_url()
    assert post.blog.follows.get().user == reader


def test_follow_view_ignores_a_next_address_on_another_host(client, make_blog, reader):
    blog = make_blog()
    client.force_login(reader)
    response = client.post(follow_url(blog), {"next": "https://evil.example/"})
    assert response["Location"] == blog.get_absolute_url()


def test_follow_view_says_where_the_posts_will_appear(client, make_blog, reader):
    blog = make_blog(title="Dockers")
    client.force_login(reader)
    response = client.post(follow_url(blog), follow=True)
    assert "You follow Dockers: its new posts appear in your Reader." in response.content.decode()


def test_unfollow_view_ends_the_follow(client, make_blog, reader):
    blog = make_blog()
    services.follow_blog(reader, blog)
    client.force_login(reader)
    client.post(follow_url(blog, "unfollow"))
    assert not blog.follows.exists()


def test_follow_view_refuses_a_post_without_csrf_token(make_blog, reader):
    blog = make_blog()
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(follow_url(blog)).status_code == 403
    assert not blog.follows.exists()


def test_follow_view_sends_a_guest_to_sign_in(client, make_blog):
    blog = make_blog()
    response = client.post(follow_url(blog))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not blog.follows.exists()


def test_blog_home_shows_the_follower_count(client, make_blog, make_user):
    blog = make_blog()
    for _ in range(2):
        services.follow_blog(make_user(), blog)
    assert "2 followers" in client.get(blog.get_absolute_url()).content.decode()


def test_blog_home_offers_unfollow_to_a_follower(client, make_blog, reader):
    blog = make_blog()
    services.follow_blog(reader, blog)
    client.force_login(reader)
    html = client.get(blog.get_absolute_url()).content.decode()
    assert follow_url(blog, "unfollow") in html and 'name="csrfmiddlewaretoken"' in html


def test_blog_home_asks_a_guest_to_sign_in_to_follow(client, make_blog):
    blog = make_blog()
    html = client.get(blog.get_absolute_url()).content.decode()
    assert "Sign in to follow" in html and follow_url(blog) not in html


def test_post_page_has_a_follow_button(client, post, reader):
    client.force_login(reader)
    assert follow_url(post.blog) in client.get(post.get_absolute_url()).content.decode()


def test_blog_settings_show_the_follower_count(client, make_blog, make_user):
    owner = make_user()
    blog = make_blog(owner=owner)
    for _ in range(3):
        services.follow_blog(make_user(), blog)
    client.force_login(owner)
    html = client.get(reverse("dashboard:settings", args=[blog.slug])).content.decode()
    assert "3 people follow this blog." in html
