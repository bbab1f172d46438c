"""Every change a reader can see reaches the stored pages, through the one generic mechanism.

Each case reads the public pages anonymously (storing them), makes one change through the app's own
services, and reads them again: the stored pages must show the change. A feature that changes a
public page without reaching the store fails here, or in its own tests, which read pages through
the same store (tests/conftest.py gives every test an empty one)."""

import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from samizdat.comments import services as comments
from samizdat.comments.models import Comment
from samizdat.pages import invalidation
from samizdat.posts import services as posts
from samizdat.posts.models import Post
from samizdat.social import services as social


def pages_of(post):
    blog = post.blog.slug
    return [post.get_absolute_url(), f"/@{blog}/", f"/@{blog}/feed/", f"/@{blog}/feed.json", "/sitemap-posts.xml"]


def stored_then(post, change):
    """The pages' text after `change`, each read twice before it so that they were stored."""
    for url in pages_of(post):
        Client().get(url), Client().get(url)
    change()
    return {url: Client().get(url).content.decode() for url in pages_of(post)}


def held_comment(post, body="Held until a moderator reads it."):
    submission = comments.Submission(body=body, name="Vera", email="vera@example.test", elapsed=60.0)
    return comments.submit_comment(post, submission)[0]


def test_comment_approved_by_a_moderator_shows(make_post):
    post = make_post()
    comment = held_comment(post)
    assert comment.status == Comment.Status.PENDING
    pages = stored_then(post, lambda: comments.moderate(comment, "approve"))
    assert "Held until a moderator reads it." in pages[post.get_absolute_url()]


def test_comment_deleted_by_a_moderator_goes(make_post):
    post = make_post()
    comment = held_comment(post)
    comments.moderate(comment, "approve")
    pages = stored_then(post, lambda: comments.moderate(comment, "delete"))
    assert "Held until a moderator reads it." not in pages[post.get_absolute_url()]


def test_like_shows_in_the_count(make_post, make_user):
    post = make_post()
    reader = make_user(display_name="Ivan")
    pages = stored_then(post, lambda: social.like_post(reader, post))
    assert "1 blogger likes this" in pages[post.get_absolute_url()].replace("bloggers like", "blogger likes")


def test_follow_shows_in_the_follower_count(make_post, make_user):
    post = make_post()
    pages = stored_then(post, lambda: social.follow_blog(make_user(), post.blog))
    assert "1 follower" in pages[post.get_absolute_url()]


def test_closing_comments_on_a_post_removes_the_form(make_post):
    post = make_post()
    pages = stored_then(post, lambda: comments.set_post_open(post, False))
    assert "Leave a Reply" not in pages[post.get_absolute_url()]


def test_renamed_blog_shows_its_new_title_everywhere(make_post):
    post = make_post()

    def rename():
        post.blog.title = "The Night Shift"
        post.blog.save()

    pages = stored_then(post, rename)
    for url in pages_of(post)[:3]:
        assert "The Night Shift" in pages[url], url


def test_writer_renamed_shows_in_the_byline(make_post):
    post = make_post()

    def rename():
        post.author.display_name = "Rosa Luxemburg"
        post.author.save()

    assert "Rosa Luxemburg" in stored_then(post, rename)[post.get_absolute_url()]


def test_renamed_tag_shows(make_post):
    post = make_post(tags=["docks"])

    def rename():
        tag = post.tags.get()
        tag.name = "harbour"
        tag.save()

    assert "#harbour" in stored_then(post, rename)[post.get_absolute_url()]


def test_tag_taken_off_a_post_goes(make_post):
    post = make_post(tags=["docks"])
    assert "#docks" not in stored_then(post, lambda: post.tags.clear())[post.get_absolute_url()]


def test_new_post_shows_on_home_feeds_and_sitemap(make_post):
    post = make_post()
    made = {}
    pages = stored_then(post, lambda: made.setdefault("post", make_post(post.blog, title="Second report")))
    for url in pages_of(post)[1:]:
        assert "Second report" in pages[url] or made["post"].get_absolute_url() in pages[url], url


def test_deleted_post_goes_from_home_and_its_address(make_post):
    post = make_post(title="To be withdrawn")
    url = post.get_absolute_url()
    home = f"/@{post.blog.slug}/"
    Client().get(url), Client().get(home), Client().get(home)
    posts.delete_post(post)
    assert Client().get(url).status_code == 404
    assert "To be withdrawn" not in Client().get(home).content.decode()


def test_scheduled_post_published_by_the_worker_shows(make_post):
    post = make_post()
    soon = timezone.now() + datetime.timedelta(minutes=5)
    scheduled = posts.publish_post(
        Post(blog=post.blog, author=post.author, title="At dawn"), editor=post.author, when=soon
    )
    # Its time comes (the row says so before any page is stored).
    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    # The worker publishes it with an update(), which sends no signal: publish_scheduled_post says so.
    pages = stored_then(post, lambda: posts.publish_scheduled_post(scheduled.pk))
    assert "At dawn" in pages[f"/@{post.blog.slug}/"] and "At dawn" in pages[f"/@{post.blog.slug}/feed/"]


def test_every_public_model_finds_its_blog_or_clears_everything():
    # A model with a foreign-key path to a blog removes that blog's pages; one without (a user,
    # an avatar) removes every page. New models need nothing: this lists what they resolved to.
    paths = {
        model._meta.label_lower: invalidation.path_to_blog(model)
        for model in invalidation.public_models() if not model._meta.proxy
    }
    to_blog = {label: [f.name for f in path] for label, path in paths.items() if path is not None}
    assert to_blog["comments.comment"] == ["post", "blog"]
    assert to_blog["social.like"] == ["post", "blog"]
    assert to_blog["posts.post"] == ["blog"] and to_blog["blogs.blog"] == []
    everything = {label for label, path in paths.items() if path is None}
    assert {"accounts.user", "social.avatar"} <= everything
    assert not everything & invalidation.PRIVATE_MODELS
    assert all(apps.get_model(label) for label in invalidation.PRIVATE_MODELS)


def test_sign_in_does_not_remove_stored_pages(make_post, make_user):
    post = make_post()
    user = make_user()
    Client().get(post.get_absolute_url())
    Client().login(username=user.username, password="a long test passphrase 42")  # saves last_login
    assert Client().get(post.get_absolute_url()).samizdat_stored_page


@pytest.mark.parametrize("kind", ["post", "blog home", "feed", "sitemap"])
def test_stored_pages_are_read_without_a_database_query(make_post, django_assert_num_queries, kind):
    post = make_post()
    url = dict(zip(["post", "blog home", "feed", "sitemap"], [pages_of(post)[i] for i in (0, 1, 2, 4)]))[kind]
    Client().get(url)
    with django_assert_num_queries(0):
        assert Client().get(url).samizdat_stored_page


def test_without_invalidation_a_reader_would_get_the_stale_page(make_post, monkeypatch):
    # The cases above can fail: with the mechanism switched off, the stored page stays as it was.
    post = make_post(title="Before")
    monkeypatch.setattr(invalidation, "_changed", lambda owner: None)

    def rename():
        post.title = "After"
        posts.save_post(post, editor=post.author)

    assert "Before" in stored_then(post, rename)[post.get_absolute_url()]


def test_bulk_update_without_a_signal_removes_every_stored_page(make_post):
    # QuerySet.update() sends no signal; the connection's watch on writes catches it anyway.
    post = make_post(title="Before")
    pages = stored_then(post, lambda: Post.objects.filter(pk=post.pk).update(title="After"))
    assert "After" in pages[post.get_absolute_url()] and "After" in pages[f"/@{post.blog.slug}/"]


def test_raw_sql_write_removes_every_stored_page(make_post):
    from django.db import connection

    post = make_post(title="Before")

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{Post._meta.db_table}" SET "title" = %s WHERE "id" = %s', ["After", post.pk])

    assert "After" in stored_then(post, raw)[post.get_absolute_url()]


def test_writes_to_private_columns_keep_the_stored_pages(make_post):
    post = make_post()
    comment = held_comment(post)
    Client().get(post.get_absolute_url())
    Comment.objects.filter(pk=comment.pk).update(ip=None)  # what the nightly erasure does
    assert Client().get(post.get_absolute_url()).samizdat_stored_page


def test_changes_announced_for_one_blog_keep_other_blogs_pages(make_post):
    post, other = make_post(), make_post()
    Client().get(other.get_absolute_url())
    with invalidation.changing(post.blog_id):
        Post.objects.filter(pk=post.pk).update(title="After")
    assert Client().get(other.get_absolute_url()).samizdat_stored_page
    assert "After" in Client().get(post.get_absolute_url()).content.decode()


def test_rows_saved_while_changing_a_blog_remove_its_pages_once_on_commit(make_post, django_capture_on_commit_callbacks):
    # An import saves thousands of rows of one blog in a transaction: one removal on commit, not one per row.
    post = make_post(title="Before")
    url = post.get_absolute_url()
    with django_capture_on_commit_callbacks() as callbacks:
        with invalidation.changing(post.blog_id):
            for n in range(3):
                post.title = f"After {n}"
                posts.save_post(post, editor=post.author)
        Client().get(url)  # a reader stores the page before the commit
        assert Client().get(url).samizdat_stored_page
    removals = [c for c in callbacks if getattr(c, "func", None) is invalidation._remove_on_commit]
    assert len(removals) == 1
    removals[0]()
    page = Client().get(url)
    assert not getattr(page, "samizdat_stored_page", False) and "After 2" in page.content.decode()
