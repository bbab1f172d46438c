"""The "Leave a Reply" form on the post page: labels, guests and readers, bad input, cookies."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from samizdat.comments import services
from samizdat.comments.models import Comment, CommentSettings, Policy, PostDiscussion
from samizdat.posts.models import Post


def test_post_page_shows_leave_a_reply_form_with_familiar_labels(client, make_post):
    html = client.get(make_post().get_absolute_url()).content.decode()
    assert "Leave a Reply" in html
    assert "Fill in your details below or" in html
    for label in ("Name", "Email", "Website", "Comment"):
        assert re.search(rf"<label[^>]*>{label}", html), label
    assert "Post Comment</button>" in html


def test_without_outside_providers_the_form_offers_a_log_in_link_not_icons(client, make_post):
    # No provider is enabled by default: "click an icon" would name icons that are not there.
    post = make_post()
    html = client.get(post.get_absolute_url()).content.decode()
    assert "click an icon" not in html
    assert f'or <a href="/accounts/login/?next={post.get_absolute_url()}#respond">log in</a>' in html


@pytest.mark.parametrize("language, label", [("ru", "Имя"), ("kk", "Аты")])
def test_commenters_name_is_labelled_as_a_persons_name(client, make_post, make_blog, language, label):
    # "Name" of a tag or a token is a title ("Название"); a commenter's is their own name.
    html = client.get(make_post(make_blog(language=language)).get_absolute_url()).content.decode()
    assert re.search(rf'<label for="id_name"[^>]*>{label}', html), html[html.find("id_name") - 200:][:400]


def test_signed_in_reader_sees_their_account_instead_of_the_fields(client, make_post, make_user):
    reader = make_user("reader", display_name="Rosa L.")
    client.force_login(reader)
    html = client.get(make_post().get_absolute_url()).content.decode()
    assert "You are commenting using your Samizdat account (Rosa L.)." in html
    assert "Log Out" in html and "Change" in html
    assert 'name="email"' not in html and 'name="name"' not in html


def test_guest_comment_on_open_blog_appears_under_the_post(client, open_blog, make_post, guest_data, comment_url):
    post = make_post(open_blog())
    response = client.post(comment_url(post), guest_data(post, body="We stand with the *dockers*."))
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    html = Client().get(post.get_absolute_url()).content.decode()
    assert f'id="comment-{comment.pk}"' in html and "<em>dockers</em>" in html and "1 comment" in html


def test_first_time_guest_comment_is_held_and_shown_only_to_its_author(client, make_post, guest_data, comment_url):
    post = make_post()
    client.post(comment_url(post), guest_data(post, body="First time here."))
    assert Comment.objects.get().status == Comment.Status.PENDING
    own = client.get(post.get_absolute_url()).content.decode()
    assert "First time here." in own and "Your comment is awaiting moderation." in own
    assert "First time here." not in Client().get(post.get_absolute_url()).content.decode()


def test_missing_name_is_refused_with_a_message_and_the_text_kept(client, make_post, guest_data, comment_url):
    post = make_post()
    response = client.post(comment_url(post), guest_data(post, name="  ", body="Keep these words"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html or "Please give a name." in html
    assert "Keep these words" in html and not Comment.objects.exists()


def test_overlong_comment_is_refused_with_a_message_and_the_text_kept(client, make_post, guest_data, comment_url):
    post = make_post()
    text = "long " * 1100
    response = client.post(comment_url(post), guest_data(post, body=text))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ensure this value has at most 5000 characters" in html
    assert text.strip()[:200] in html and not Comment.objects.exists()


def test_malformed_email_is_refused_with_a_message(client, make_post, guest_data, comment_url):
    post = make_post()
    response = client.post(comment_url(post), guest_data(post, email="not an address"))
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert 'value="not an address"' in response.content.decode()


def test_double_submission_creates_one_comment(client, open_blog, make_post, guest_data, comment_url):
    post = make_post(open_blog())
    data = guest_data(post)
    first, second = client.post(comment_url(post), data), client.post(comment_url(post), data)
    assert Comment.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_guest_comment_from_a_stored_page_needs_no_csrf_token(open_blog, make_post, guest_data, comment_url):
    post = make_post(open_blog())
    guest = Client(enforce_csrf_checks=True)
    guest.get(post.get_absolute_url())
    html = guest.get(post.get_absolute_url()).content.decode()
    assert 'name="csrfmiddlewaretoken"' not in html and 'name="nonce"' in html
    data = guest_data(post, nonce="", body="From the stored page.")
    assert guest.post(comment_url(post), data).status_code == 303
    assert Comment.objects.get().body == "From the stored page."


def test_signed_in_post_without_csrf_token_counts_as_a_guests(make_post, make_user, guest_data, comment_url):
    # A forged post from another site reaches us with the reader's cookies but no token: it must
    # not speak for the reader. It is handled as a guest's, and the text comes back to finish.
    post, reader = make_post(), make_user(display_name="Rosa L.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post(comment_url(post), {"body": "Words kept", "started": guest_data(post)["started"]})
    html = response.content.decode()
    assert response.status_code == 400 and "Words kept" in html and 'name="email"' in html
    assert not Comment.objects.exists()


def test_signed_in_post_with_its_csrf_token_is_the_readers(make_post, make_user, guest_data, comment_url):
    post, reader = make_post(), make_user(display_name="Rosa L.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    html = client.get(post.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = {"body": "Mine", "started": guest_data(post)["started"], "csrfmiddlewaretoken": token}
    assert client.post(comment_url(post), data).status_code == 303
    assert Comment.objects.get().user == reader


def test_two_guests_sending_the_same_stored_form_leave_two_comments(open_blog, make_post, guest_data, comment_url):
    post = make_post(open_blog())
    form = guest_data(post, nonce="")
    Client().post(comment_url(post), {**form, "name": "Vera", "body": "First"})
    Client().post(comment_url(post), {**form, "name": "Ivan", "email": "ivan@example.test", "body": "Second"})
    Client().post(comment_url(post), {**form, "name": "Ivan", "email": "ivan@example.test", "body": "Second"})
    assert sorted(Comment.objects.values_list("body", flat=True)) == ["First", "Second"]


def test_guest_details_are_remembered_with_the_email_cookie_http_only(client, make_post, guest_data, comment_url):
    post = make_post()
    response = client.post(comment_url(post), guest_data(post, name="Вера", url="https://vera.example"))
    assert response.cookies["comment_author_email"]["httponly"]
    html = client.get(post.get_absolute_url()).content.decode()
    assert 'value="vera@example.test"' in html and 'value="Вера"' in html and 'value="https://vera.example"' in html


def test_guest_who_unticks_remember_gets_no_cookies(client, make_post, guest_data, comment_url):
    post = make_post()
    data = guest_data(post)
    del data["remember"]
    response = client.post(comment_url(post), data)
    assert response.cookies["comment_author_email"].value == ""


def test_commenter_email_is_never_shown_on_the_post_page(client, open_blog, make_post, guest_data, comment_url):
    post = make_post(open_blog())
    client.post(comment_url(post), guest_data(post, email="secret-person@example.test"))
    assert "secret-person" not in Client().get(post.get_absolute_url()).content.decode()


def test_comment_links_are_nofollow_ugc_and_images_are_not_rendered(client, open_blog, make_post, guest_data, comment_url):
    post = make_post(open_blog())
    body = "See [the minutes](https://union.example/m) ![x](https://tracker.example/p.gif) <script>alert(1)</script>"
    client.post(comment_url(post), guest_data(post, body=body))
    html = Comment.objects.get().html
    assert 'rel="nofollow ugc noopener"' in html
    assert "<img" not in html and "<script" not in html


def test_comments_close_after_the_blogs_number_of_days(client, make_post, guest_data, comment_url):
    post = make_post(when=timezone.now() - datetime.timedelta(days=20))
    CommentSettings.objects.create(blog=post.blog, close_after_days=14)
    response = client.post(comment_url(post), guest_data(post))
    assert response.status_code == 400 and not Comment.objects.exists()
    assert "Comments are closed." in client.get(post.get_absolute_url()).content.decode()


def test_post_switch_closes_comments_on_one_post(client, make_post, guest_data, comment_url):
    post = make_post()
    PostDiscussion.objects.create(post=post, open=False)
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Comments are closed on this post." in html and "Post Comment" not in html
    assert client.post(comment_url(post), guest_data(post)).status_code == 400


def test_blog_switch_turns_comments_off(client, make_post):
    post = make_post()
    CommentSettings.objects.create(blog=post.blog, enabled=False)
    assert "Comments are off on this blog." in client.get(post.get_absolute_url()).content.decode()


def test_comments_on_a_draft_are_refused(client, make_post, guest_data, comment_url):
    post = make_post(status=Post.Status.DRAFT)
    assert client.post(comment_url(post), guest_data(post)).status_code == 404


def test_comments_on_a_scheduled_post_a_page_or_through_another_blog_are_refused(
    client, make_post, make_blog, guest_data, comment_url,
):
    scheduled = make_post(when=timezone.now() + datetime.timedelta(hours=1))
    page = make_post(kind=Post.Kind.PAGE)
    assert client.post(comment_url(scheduled), guest_data(scheduled)).status_code == 404
    assert client.post(comment_url(page), guest_data(page)).status_code == 404
    post = make_post()
    elsewhere = f"/@{make_blog().slug}/comments/{post.pk}/"
    assert client.post(elsewhere, guest_data(post)).status_code == 404
    assert not Comment.objects.exists()


def test_reply_nests_under_its_parent_with_a_permalink(client, open_blog, make_post, guest_data, comment_url):
    post = make_post(open_blog())
    client.post(comment_url(post), guest_data(post, body="Top"))
    top = Comment.objects.get()
    client.post(comment_url(post), guest_data(post, body="Under", parent=str(top.pk), email="b@example.test"))
    reply = Comment.objects.get(body="Under")
    assert reply.parent == top and reply.depth == 2
    html = client.get(post.get_absolute_url()).content.decode()
    assert re.search(rf'id="comment-{top.pk}".*<ol class="children">\s*<li[^>]*id="comment-{reply.pk}"', html, re.S)
    assert f'href="?replytocom={top.pk}#respond"' in html


def test_reply_link_prefills_the_parent_and_names_it(client, open_blog, make_post, guest_data, comment_url):
    post = make_post(open_blog())
    client.post(comment_url(post), guest_data(post, name="Olga", body="Top"))
    top = Comment.objects.get()
    html = client.get(f"{post.get_absolute_url()}?replytocom={top.pk}").content.decode()
    assert "Reply to Olga" in html and f'name="parent" value="{top.pk}"' in html


def test_reply_beyond_the_depth_joins_the_deepest_level(open_blog, make_post):
    post = make_post(open_blog())
    post.blog.comment_settings.thread_depth = 2
    post.blog.comment_settings.save()
    parent = None
    for n in range(4):
        sub = services.Submission(body=f"level {n}", name="A", email=f"a{n}@example.test", elapsed=60,
                                  parent_id=parent.pk if parent else None)
        parent, _ = services.submit_comment(post, sub)
    assert sorted(Comment.objects.values_list("depth", flat=True)) == [1, 2, 2, 2]


def test_long_threads_are_paginated_oldest_first(client, open_blog, make_post):
    post = make_post(open_blog())
    CommentSettings.objects.filter(blog=post.blog).update(per_page=2)
    for n in range(5):
        Comment.objects.create(post=post, author_name="A", body=f"c{n}", html=f"<p>number {n}</p>",
                               status=Comment.Status.APPROVED)
    first = client.get(post.get_absolute_url()).content.decode()
    third = client.get(post.get_absolute_url() + "?cpage=3").content.decode()
    assert first.index("number 0") < first.index("number 1") and "number 2" not in first
    assert "number 4" in third and "number 3" not in third and 'href="?cpage=1#comments"' in third


def test_too_many_comments_from_one_address_are_refused_with_429(client, open_blog, make_post, guest_data, comment_url, settings):
    settings.SAMIZDAT_COMMENT_RATE_PER_MINUTE = 2
    post = make_post(open_blog())
    codes = [client.post(comment_url(post), guest_data(post, body=f"n{n}")).status_code for n in range(3)]
    assert codes == [303, 303, 429] and Comment.objects.count() == 2
    response = client.post(comment_url(post), guest_data(post, body="kept text"))
    assert "commenting too fast" in response.content.decode() and "kept text" in response.content.decode()


def test_comment_count_on_listings_costs_one_query(client, open_blog, make_post, django_assert_max_num_queries):
    blog = open_blog()
    posts = [make_post(blog) for _ in range(6)]
    for post in posts:
        for n in range(2):
            Comment.objects.create(post=post, author_name="A", body="x", html="x", status=Comment.Status.APPROVED)
    with django_assert_max_num_queries(8):
        html = client.get(f"/@{blog.slug}/").content.decode()
    assert html.count("2 comments") == 6


@pytest.mark.parametrize("comments", [0, 30])
def test_post_page_query_count_does_not_grow_with_comments(client, open_blog, make_post, comments, django_assert_max_num_queries):
    post = make_post(open_blog())
    parent = None
    for n in range(comments):
        parent = Comment.objects.create(post=post, author_name="A", body="x", html="x", parent=parent if n % 3 else None,
                                        status=Comment.Status.APPROVED)
    # 2 of these are the likes and the blog's followers (social), 1 the reblogs, 1 the sign-in
    # providers the admin enabled in the admin (accounts: the form's icons).
    with django_assert_max_num_queries(6 + 2 + 1 + 1):
        client.get(post.get_absolute_url())


def test_policy_setting_reaches_the_form_page(client, make_post, guest_data, comment_url):
    post = make_post()
    CommentSettings.objects.create(blog=post.blog, policy=Policy.OPEN)
    client.post(comment_url(post), guest_data(post))
    assert Comment.objects.get().status == Comment.Status.APPROVED
