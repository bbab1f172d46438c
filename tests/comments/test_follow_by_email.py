"""Guests follow a blog by email: a small form on the blog's pages, double opt-in through real SMTP."""

import pytest
from django.test import Client
from django.urls import reverse

from samizdat.comments.models import Subscription
from tests.comments.conftest import link_in


def follow_url(blog):
    return reverse("comments:follow_by_email", kwargs={"blog_slug": blog.slug})


@pytest.fixture
def post(make_post):
    return make_post()


@pytest.fixture
def follow(client, django_capture_on_commit_callbacks):
    """Send the follow-by-email form as a guest, running on-commit work (the task queueing)."""

    def send(blog, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(follow_url(blog), {"email": "reader@example.test", "homepage": "", **fields})

    return send


def test_follow_by_email_form_is_on_the_blog_home_for_guests(client, post):
    html = client.get(post.blog.get_absolute_url()).content.decode()
    assert f'action="{follow_url(post.blog)}"' in html and 'id="follow-home-email"' in html


def test_follow_by_email_form_has_a_label_and_no_per_reader_token(client, post):
    # Guests' pages are stored and shared: nothing in them may belong to one reader.
    html = client.get(post.blog.get_absolute_url()).content.decode()
    assert '<label for="follow-home-email">' in html and 'name="csrfmiddlewaretoken"' not in html


def test_follow_by_email_form_is_in_the_footer_of_a_post_page(client, post):
    html = client.get(post.get_absolute_url()).content.decode()
    footer = html[html.index("<footer"):]
    assert f'action="{follow_url(post.blog)}"' in footer


def test_follow_by_email_form_appears_once_on_the_blog_home(client, post):
    html = client.get(post.blog.get_absolute_url()).content.decode()
    assert html.count(f'action="{follow_url(post.blog)}"') == 1


def test_follow_by_email_form_is_not_shown_to_signed_in_readers(client, post, make_user):
    client.force_login(make_user())
    html = client.get(post.blog.get_absolute_url()).content.decode()
    assert follow_url(post.blog) not in html


def test_follow_by_email_from_a_stored_page_works_without_csrf_token(post):
    client = Client(enforce_csrf_checks=True)
    client.get(post.blog.get_absolute_url())
    response = client.post(follow_url(post.blog), {"email": "reader@example.test"})
    assert response.status_code == 303 and Subscription.objects.get().email == "reader@example.test"


def test_follow_by_email_stores_an_unconfirmed_subscription_to_new_posts(follow, post):
    follow(post.blog)
    subscription = Subscription.objects.get()
    assert (subscription.kind, subscription.blog, subscription.confirmed_at) == ("posts", post.blog, None)


def test_follow_by_email_redirects_to_a_page_asking_to_check_the_inbox(follow, client, post):
    response = follow(post.blog)
    assert response.status_code == 303 and response["Location"] == follow_url(post.blog) + "?sent=1"
    assert "Look in your inbox" in client.get(response["Location"]).content.decode()


def test_follow_by_email_with_a_bad_address_is_refused_and_keeps_the_text(follow, post):
    response = follow(post.blog, email="not an address")
    assert response.status_code == 400 and 'value="not an address"' in response.content.decode()
    assert not Subscription.objects.exists()


def test_follow_by_email_with_the_hidden_field_filled_subscribes_nobody(follow, post):
    response = follow(post.blog, homepage="http://bot.example")
    assert response.status_code == 303 and not Subscription.objects.exists()


def test_follow_by_email_page_shows_the_form_without_scripts(client, post):
    html = client.get(follow_url(post.blog)).content.decode()
    assert '<form method="post"' in html and 'name="email"' in html


def test_follow_by_email_for_an_unknown_blog_is_not_found(client, db):
    assert client.post("/@nowhere/follow-by-email/", {"email": "reader@example.test"}).status_code == 404


@pytest.mark.usefixtures("immediate_tasks")
def test_follow_by_email_sends_a_confirmation_that_confirms_the_subscription(smtp, follow, post):
    follow(post.blog)
    [message] = smtp.wait(1)
    assert message.envelope_to == ["reader@example.test"] and "Confirm" in message["Subject"]
    path = "/" + link_in(message, "/confirm/").split("://", 1)[1].split("/", 1)[1]
    Client().post(path)
    assert Subscription.objects.get().confirmed_at is not None


@pytest.mark.usefixtures("immediate_tasks")
def test_follow_by_email_sent_twice_sends_one_confirmation(smtp, follow, post):
    follow(post.blog)
    follow(post.blog)
    assert len(smtp.wait(2, timeout=1)) == 1
