"""A post page's parts rendered once per change (samizdat.posts.fragments), with the page store off.

Transactions commit here as they do in production (the new fragments token comes on commit), so
the page store's own cases (tests/pages/test_invalidation.py) run again against the fragments:
each reads the post page anonymously twice (the second from its fragments), changes one thing
through the app's services, and reads it again. Every case must have used a fragment at least
once, or it would prove nothing."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from samizdat.comments import services as comments
from samizdat.comments.models import CommentSettings, Policy
from samizdat.posts import fragments, services as posts
from samizdat.posts.models import PostFragment
from samizdat.social import services as social
from tests.pages.test_invalidation import (  # noqa: F401 (collected here, against the fragments)
    test_bulk_update_without_a_signal_removes_every_stored_page,
    test_closing_comments_on_a_post_removes_the_form,
    test_comment_approved_by_a_moderator_shows,
    test_comment_deleted_by_a_moderator_goes,
    test_follow_shows_in_the_follower_count,
    test_like_shows_in_the_count,
    test_raw_sql_write_removes_every_stored_page,
    test_renamed_blog_shows_its_new_title_everywhere,
    test_renamed_tag_shows,
    test_tag_taken_off_a_post_goes,
    test_without_invalidation_a_reader_would_get_the_stale_page,
    test_writer_renamed_shows_in_the_byline,
)

STARTED = re.compile(r'name="started" value="[^"]*"')


@pytest.fixture(autouse=True)
def fragments_used(transactional_db, settings, monkeypatch):
    """The page store off; fails a case in which no page came from a fragment."""
    settings.SAMIZDAT_PAGES = False
    used = []
    fresh = fragments.fresh

    def counted(fragment, post):
        used.append(fresh(fragment, post))
        return used[-1]

    monkeypatch.setattr(fragments, "fresh", counted)
    yield used
    assert any(used), "no page was read from its fragments"


def page(url, **headers):
    return STARTED.sub('name="started" value=""', Client().get(url, **headers).content.decode())


@pytest.fixture
def discussed_post(make_post, make_user):
    post = make_post(tags=["docks"], title="Night shift at the port")
    CommentSettings.objects.create(blog=post.blog, policy=Policy.OPEN)
    submission = comments.Submission(
        body="The cranes stood idle.", name="Vera", email="vera@example.test", elapsed=60.0
    )
    comments.submit_comment(post, submission)
    social.like_post(make_user(display_name="Ivan"), post)
    return post


def test_page_from_fragments_is_the_page_rendered_whole(discussed_post):
    url = discussed_post.get_absolute_url()
    first, second = page(url), page(url)
    # Any cookie but the CSRF one makes the page personal: rendered whole, as before fragments.
    whole = page(url, HTTP_COOKIE="sessionid=none")
    assert first == second == whole
    assert "The cranes stood idle." in second and "Leave a Reply" in second and "#docks" in second


def test_each_reader_gets_a_form_time_stamp_of_their_own(discussed_post):
    url = discussed_post.get_absolute_url()
    Client().get(url)
    stamps = {STARTED.search(Client().get(url).content.decode())[0] for _ in range(2)}
    assert len(stamps) == 2


def test_page_from_fragments_costs_two_queries(discussed_post, django_assert_num_queries):
    url = discussed_post.get_absolute_url()
    Client().get(url)
    # The blog, and the post with its fragments; nothing that grows with comments, likes or terms.
    with django_assert_num_queries(2):
        Client().get(url)


def test_fragments_can_be_turned_off_for_measuring(discussed_post, settings, fragments_used):
    url = discussed_post.get_absolute_url()
    with_fragments = (page(url), page(url))[1]
    settings.SAMIZDAT_POST_FRAGMENTS = False
    fragments_used.clear()
    whole = page(url)
    assert whole == with_fragments and not any(fragments_used)
    fragments_used.append(True)  # this case used them above, with the setting on


def test_signed_in_reader_sees_their_own_like(discussed_post, make_user):
    url = discussed_post.get_absolute_url()
    page(url), page(url)
    reader = make_user()
    social.like_post(reader, discussed_post)
    client = Client()
    client.force_login(reader)
    html = client.get(url).content.decode()
    assert "Unlike" in html and "You are commenting using" in html
    assert "Unlike" not in page(url) and "Sign in to like this" in page(url)


def test_reply_address_shows_who_is_replied_to(discussed_post):
    url = discussed_post.get_absolute_url()
    page(url), page(url)
    comment = comments.approved_comments(discussed_post).get()
    assert "Reply to Vera" in page(f"{url}?replytocom={comment.pk}")


def test_comments_closing_after_some_days_close_on_time(make_post, monkeypatch):
    post = make_post(when=timezone.now() - datetime.timedelta(days=9))
    settings_row = comments.settings_for(post.blog)
    settings_row.close_after_days = 10
    comments.save_settings(settings_row)
    url = post.get_absolute_url()
    assert "Leave a Reply" in page(url) and "Leave a Reply" in page(url)
    later = timezone.now() + datetime.timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = page(url)
    assert "Leave a Reply" not in html and "Comments are closed." in html


def test_edited_post_shows_its_new_text(make_post):
    post = make_post(source="The first *draft*.")
    url = post.get_absolute_url()
    page(url), page(url)
    post.source = "The *corrected* text."
    posts.save_post(post, editor=post.author)
    assert "<em>corrected</em>" in page(url)


def test_another_address_gets_fragments_of_its_own(discussed_post):
    url = discussed_post.get_absolute_url()
    page(url), page(url, HTTP_HOST="127.0.0.1")
    assert PostFragment.objects.filter(post=discussed_post).count() == 2
    assert "http://127.0.0.1/" in page(url, HTTP_HOST="127.0.0.1")


@pytest.fixture
def worker_at_once():
    """Queued tasks run as they are queued (after the commit), as a worker would run them."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was


def test_a_new_comment_is_rendered_into_the_parts_before_the_next_reader_comes(
    discussed_post, worker_at_once, fragments_used, django_assert_num_queries
):
    url = discussed_post.get_absolute_url()
    page(url)
    submission = comments.Submission(body="The night shift walked out.", name="Oleg", email="oleg@example.test", elapsed=60.0)
    comments.submit_comment(discussed_post, submission)
    fragments_used.clear()
    # The next reader's page comes from parts rendered after the comment: the blog, and the post with them.
    with django_assert_num_queries(2):
        html = page(url)
    assert fragments_used == [True] and "The night shift walked out." in html
    assert html == page(url, HTTP_COOKIE="sessionid=none")  # what a whole render gives


def test_every_edit_through_the_same_service_is_rendered_for_the_next_reader(
    make_post, worker_at_once, fragments_used, django_assert_num_queries
):
    # save_post is decorated with @transaction.atomic: each call is another transaction through the
    # same atomic block, and each must give the blog a new token and queue the post's rendering.
    post = make_post(source="The first *draft*.")
    url = post.get_absolute_url()
    page(url)
    for text in ("second", "third"):
        post.source = f"The *{text}* draft."
        posts.save_post(post, editor=post.author)
        fragments_used.clear()
        with django_assert_num_queries(2):  # from the parts the worker rendered
            html = page(url)
        assert fragments_used == [True] and f"<em>{text}</em>" in html


def test_parts_of_each_address_are_rendered_again_after_a_like(discussed_post, make_user, fragments_used):
    url = discussed_post.get_absolute_url()
    page(url), page(url, HTTP_HOST="127.0.0.1")
    social.like_post(make_user(display_name="Pyotr"), discussed_post)
    # What the worker runs once the like commits: both addresses, rendered as their readers would.
    assert fragments.refresh(discussed_post.pk) == 2 and fragments.refresh(discussed_post.pk) == 0
    fragments_used.clear()
    for host in ("testserver", "127.0.0.1"):
        html = page(url, HTTP_HOST=host)
        assert "Pyotr" in html and f"http://{host}/" in html
        assert html == page(url, HTTP_HOST=host, HTTP_COOKIE="sessionid=none")
    assert fragments_used == [True, True]


def test_a_burst_of_comments_queues_one_rendering_at_a_time(discussed_post, monkeypatch):
    from samizdat.posts import tasks

    url = discussed_post.get_absolute_url()
    page(url)
    queued = []
    monkeypatch.setattr(tasks, "render_post_fragments_task", queued.append)  # the worker not running yet

    def comment(body):
        submission = comments.Submission(body=body, name="Oleg", email="oleg@example.test", elapsed=60.0)
        comments.submit_comment(discussed_post, submission)

    for n in range(3):
        comment(f"Shift {n} done.")
    assert queued == [discussed_post.pk]
    assert fragments.refresh(discussed_post.pk) == 1  # what the worker then runs
    comment("Late.")
    assert queued == [discussed_post.pk] * 2
    fragments.refresh(discussed_post.pk)
    html = page(url)
    assert "Shift 2 done." in html and "Late." in html
