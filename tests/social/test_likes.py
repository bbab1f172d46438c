"""Liking and unliking posts: the services, the plain form posts and the script's JSON answers."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from samizdat.posts.models import Post
from samizdat.social import services
from samizdat.social.models import Like


def like_url(post, name="like"):
    return reverse(f"social:{name}", kwargs={"blog_slug": post.blog.slug, "post_id": post.pk})


def test_like_post_counts_once_per_user(post, reader):
    services.like_post(reader, post)
    services.like_post(reader, post)
    assert Like.objects.filter(post=post).count() == 1


def test_like_post_refuses_a_draft(make_post, reader):
    draft = make_post(status=Post.Status.DRAFT)
    with pytest.raises(ValidationError):
        services.like_post(reader, draft)


def test_unlike_post_takes_the_like_back(post, reader):
    services.like_post(reader, post)
    services.unlike_post(reader, post)
    assert not Like.objects.exists()


def test_like_table_refuses_a_second_like_by_the_same_user(post, reader):
    Like.objects.create(post=post, user=reader)
    with pytest.raises(IntegrityError):
        Like.objects.create(post=post, user=reader)


def test_like_table_refuses_a_local_like_without_user(post):
    with pytest.raises(IntegrityError):
        Like.objects.create(post=post, user=None, local=True)


def test_like_table_takes_remote_likes_by_activity_id(post):
    Like.objects.create(post=post, user=None, local=False, ap_id="https://elsewhere.example/likes/1")
    Like.objects.create(post=post, user=None, local=False, ap_id="https://elsewhere.example/likes/2")
    assert post.likes.count() == 2


def test_like_view_redirects_back_to_the_likes(client, post, reader):
    client.force_login(reader)
    response = client.post(like_url(post))
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url() + "#likes"
    assert post.likes.get().user == reader


def test_like_view_double_submission_keeps_one_like(client, post, reader):
    client.force_login(reader)
    client.post(like_url(post))
    client.post(like_url(post))
    assert post.likes.count() == 1


def test_unlike_view_removes_the_like(client, post, reader):
    services.like_post(reader, post)
    client.force_login(reader)
    response = client.post(like_url(post, "unlike"))
    assert response["Location"] == post.get_absolute_url() + "#likes"
    assert not post.likes.exists()


def test_like_view_refuses_get(client, post, reader):
    client.force_login(reader)
    assert client.get(like_url(post)).status_code == 405
    assert not post.likes.exists()


def test_like_view_refuses_a_post_without_csrf_token(post, reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    assert client.post(like_url(post)).status_code == 403
    assert not post.likes.exists()


def test_like_view_sends_a_guest_to_sign_in_and_back_to_the_post(client, post):
    response = client.post(like_url(post))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=" in response["Location"] and post.slug in response["Location"]
    assert not post.likes.exists()


def test_like_view_hides_unpublished_posts(client, make_post, reader):
    draft = make_post(status=Post.Status.DRAFT)
    client.force_login(reader)
    assert client.post(like_url(draft)).status_code == 404


def test_like_view_hides_a_post_under_another_blogs_address(client, post, make_blog, reader):
    other = make_blog()
    client.force_login(reader)
    url = reverse("social:like", kwargs={"blog_slug": other.slug, "post_id": post.pk})
    assert client.post(url).status_code == 404


def test_like_view_answers_the_script_with_the_new_count_and_html(client, post, reader):
    client.force_login(reader)
    response = client.post(like_url(post), headers={"Accept": "application/json"})
    assert response.status_code == 200
    data = response.json()
    assert data["liked"] is True and data["count"] == 1
    assert "1 blogger likes this." in data["html"]
    assert like_url(post, "unlike") in data["html"]


def test_unlike_view_answers_the_script_with_the_like_button_back(client, post, reader):
    services.like_post(reader, post)
    client.force_login(reader)
    data = client.post(like_url(post, "unlike"), headers={"Accept": "application/json"}).json()
    assert data["liked"] is False and data["count"] == 0
    assert "Be the first to like this." in data["html"]
    assert like_url(post) in data["html"]
