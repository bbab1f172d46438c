"""Reblogging a post of this instance: the form, the credit line, "Reblogged by", and changes at the source."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samizdat.blogs.roles import Role
from samizdat.posts.models import Post
from samizdat.posts.services import delete_post, publish_scheduled_post, save_post, unpublish_post
from samizdat.reblogs import services
from samizdat.reblogs.models import Reblog


@pytest.fixture
def original(make_blog, make_user, make_post):
    author = make_user("ana", display_name="Ana Petrova")
    blog = make_blog("dockers", title="Dockers' Union", owner=author)
    return make_post(blog, author=author, title="The port strike ends",
                     source="After **nine days**, the dockers voted to return.\n\nThe wage offer was accepted.")


@pytest.fixture
def writer(make_user, make_blog):
    user = make_user("ben", display_name="Ben")
    user.blog = make_blog("harbour", title="Harbour News", owner=user)
    return user


def _reblog(client, writer, original, **data):
    client.force_login(writer)
    payload = {"blog": writer.blog.pk, "title": original.title, "comment": "", "action": "publish", **data}
    return client.post(reverse("dashboard:reblog_post", args=[original.pk]), payload)


def _section(html):
    match = re.search(r'<section class="reblog">.*?</section>', html, re.S)
    assert match, "no reblog section"
    return match[0]


def test_reblog_form_offers_the_writers_blogs(client, writer, original):
    client.force_login(writer)
    response = client.get(reverse("dashboard:reblog_post", args=[original.pk]))
    assert response.status_code == 200
    assert list(response.context["form"].fields["blog"].queryset) == [writer.blog]


def test_reblog_publishes_a_post_with_the_attribution_line(client, writer, original):
    response = _reblog(client, writer, original, comment="Good news from the *docks*.")
    reblog_post = Post.objects.get(blog=writer.blog)
    assert response.status_code == 302 and reblog_post.is_live
    page = client.get(reblog_post.get_absolute_url()).content.decode()
    section = _section(page)
    assert (
        '<p>From <a href="/@dockers/" rel="noopener">Dockers\' Union</a> via '
        f'<a href="{original.get_absolute_url()}" rel="noopener">The port strike ends</a>'
        ", by Ana Petrova</p>"
    ).replace("'", "&#x27;") in section.replace("'", "&#x27;")
    assert "<blockquote>" in section and "<strong>nine days</strong>" in section
    # The comment comes first, above the credited quotation.
    assert page.index("Good news from the <em>docks</em>") < page.index('<section class="reblog">')


def test_original_shows_reblogged_by_with_links(client, writer, original, make_blog, make_user):
    _reblog(client, writer, original)
    second = make_user()
    second.blog = make_blog("coast", title="Coast Weekly", owner=second)
    _reblog(client, second, original)
    client.logout()
    page = client.get(original.get_absolute_url()).content.decode()
    line = re.search(r'<p class="reblogged-by">(.*?)</p>', page, re.S)[1]
    coast, harbour = (Post.objects.get(blog=b) for b in (second.blog, writer.blog))
    assert "Reblogged 2 times:" in line
    assert f'<a href="{coast.get_absolute_url()}">Coast Weekly</a>, <a href="{harbour.get_absolute_url()}">Harbour News</a>' in line


def test_draft_reblog_is_not_counted_on_the_original(client, writer, original):
    response = _reblog(client, writer, original, action="draft")
    assert response.status_code == 302
    assert Post.objects.get(blog=writer.blog).status == Post.Status.DRAFT
    assert "reblogged-by" not in client.get(original.get_absolute_url()).content.decode()


def test_contributor_may_save_a_draft_but_not_publish(client, original, make_blog, member):
    blog = make_blog("coast")
    contributor = member(blog, Role.CONTRIBUTOR)
    client.force_login(contributor)
    url = reverse("dashboard:reblog_post", args=[original.pk])
    data = {"blog": blog.pk, "title": "Passed on", "comment": "Mine", "action": "publish"}
    refused = client.post(url, data)
    assert refused.status_code == 200 and "not publish" in refused.content.decode()
    assert 'value="Passed on"' in refused.content.decode() and ">\nMine</textarea>" in refused.content.decode()
    assert client.post(url, {**data, "action": "draft"}).status_code == 302
    assert Post.objects.get(blog=blog).status == Post.Status.DRAFT


def test_reblog_into_a_blog_of_someone_else_is_refused(client, writer, original, make_blog):
    foreign = make_blog("foreign")
    client.force_login(writer)
    response = client.post(reverse("dashboard:reblog_post", args=[original.pk]),
                           {"blog": foreign.pk, "title": "x", "action": "publish"})
    assert response.status_code == 200 and not Post.objects.filter(blog=foreign).exists()


def test_reblog_button_shows_for_bloggers_only(client, writer, original, make_user):
    url = original.get_absolute_url()
    button = reverse("dashboard:reblog_post", args=[original.pk])
    assert button not in client.get(url).content.decode()
    client.force_login(make_user())  # signed in, but no blog
    assert button not in client.get(url).content.decode()
    client.force_login(writer)
    assert button in client.get(url).content.decode()


def test_excerpt_only_blog_is_reblogged_as_an_excerpt(client, writer, make_post, original):
    long_text = " ".join(f"word{n}" for n in range(200))
    post = make_post(original.blog, author=original.author, title="Long", source=long_text)
    services.set_excerpt_only(original.blog, True)
    _reblog(client, writer, post)
    section = _section(client.get(Post.objects.get(blog=writer.blog).get_absolute_url()).content.decode())
    assert "word54…" in section and "word55" not in section


def test_reblog_of_a_reblog_credits_the_original_and_the_blog_it_came_via(client, writer, original, make_user, make_blog):
    _reblog(client, writer, original, comment="First pass")
    first = Post.objects.get(blog=writer.blog)
    third = make_user()
    third.blog = make_blog("coast", title="Coast Weekly", owner=third)
    _reblog(client, third, first)
    second_row = Reblog.objects.get(blog=third.blog)
    assert second_row.original == original
    section = _section(client.get(second_row.post.get_absolute_url()).content.decode())
    assert f'via <a href="{original.get_absolute_url()}"' in section
    assert ", by Ana Petrova; passed on by " in section
    assert f'<a href="{first.get_absolute_url()}" rel="noopener">Harbour News</a>' in section
    # Both reblogs count on the original.
    assert "Reblogged 2 times" in client.get(original.get_absolute_url()).content.decode()


def test_edited_original_gives_the_reblog_a_note(client, writer, original):
    _reblog(client, writer, original)
    url = Post.objects.get(blog=writer.blog).get_absolute_url()
    assert "reblog-note" not in client.get(url).content.decode()
    original.source = "The vote was close."
    save_post(original, editor=original.author)
    page = client.get(url).content.decode()
    assert "The original was updated since this was reblogged." in page
    assert f'<a href="{original.get_absolute_url()}">Read the current version</a>' in page
    assert "nine days" in page  # the snapshot stays


@pytest.mark.parametrize("how", ["deleted", "unpublished"])
def test_removed_original_gives_the_reblog_a_note(client, writer, original, how):
    _reblog(client, writer, original)
    url = Post.objects.get(blog=writer.blog).get_absolute_url()
    if how == "deleted":
        delete_post(original)
    else:
        unpublish_post(original, editor=original.author)
    page = client.get(url).content.decode()
    assert "The original of this reblog was removed since." in page and "nine days" in page


def test_remote_reblog_counts_on_the_original_once(client, original):
    for _ in range(2):  # the same Announce delivered twice
        services.record_remote_reblog(
            original, actor_url="https://social.example/users/zoe", actor_name="Zoe",
            activity_id="https://social.example/users/zoe/statuses/1/activity",
        )
    page = client.get(original.get_absolute_url()).content.decode()
    assert "Reblogged 1 time:" in page and '<a href="https://social.example/users/zoe">Zoe</a>' in page
    assert services.remove_remote_reblog("https://social.example/users/zoe/statuses/1/activity",
                                         actor_url="https://social.example/users/zoe")
    assert "reblogged-by" not in client.get(original.get_absolute_url()).content.decode()


def test_remote_reblog_undo_by_another_actor_is_ignored(original):
    services.record_remote_reblog(original, actor_url="https://a.example/u", activity_id="https://a.example/1")
    assert not services.remove_remote_reblog("https://a.example/1", actor_url="https://b.example/u")
    assert Reblog.objects.filter(original=original).count() == 1


def test_draft_original_cannot_be_reblogged(client, writer, make_post, original):
    draft = make_post(original.blog, author=original.author, status=Post.Status.DRAFT)
    client.force_login(writer)
    assert client.get(reverse("dashboard:reblog_post", args=[draft.pk])).status_code == 404


def test_stored_page_of_the_original_shows_a_new_reblog_to_anonymous_readers(client, writer, original):
    anonymous = Client()
    anonymous.get(original.get_absolute_url())
    assert anonymous.get(original.get_absolute_url()).samizdat_stored_page
    _reblog(client, writer, original)
    assert "Reblogged 1 time" in anonymous.get(original.get_absolute_url()).content.decode()


def test_stored_page_of_a_reblog_shows_the_note_once_the_original_changes(client, writer, original):
    _reblog(client, writer, original)
    url = Post.objects.get(blog=writer.blog).get_absolute_url()
    anonymous = Client()
    anonymous.get(url)
    assert anonymous.get(url).samizdat_stored_page
    original.source = "The vote was close."
    save_post(original, editor=original.author)
    assert "The original was updated since" in anonymous.get(url).content.decode()
    delete_post(original)
    assert "The original of this reblog was removed since." in anonymous.get(url).content.decode()


def test_stored_page_of_the_original_drops_a_deleted_reblog(client, writer, original):
    _reblog(client, writer, original)
    anonymous = Client()
    anonymous.get(original.get_absolute_url())
    assert "Reblogged 1 time" in anonymous.get(original.get_absolute_url()).content.decode()
    delete_post(Post.objects.get(blog=writer.blog))
    assert "reblogged-by" not in anonymous.get(original.get_absolute_url()).content.decode()


def test_scheduled_reblog_going_live_shows_on_the_original_and_keeps_other_blogs_pages(
    writer, original, make_post, django_capture_on_commit_callbacks
):
    soon = timezone.now() + datetime.timedelta(minutes=5)
    scheduled = services.reblog(services.source_from_post(original), blog=writer.blog, editor=writer, when=soon)
    Post.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    bystander = make_post(title="Tram timetable")
    anonymous = Client()
    for url in (original.get_absolute_url(), bystander.get_absolute_url()):
        anonymous.get(url)
        assert anonymous.get(url).samizdat_stored_page
    assert "reblogged-by" not in anonymous.get(original.get_absolute_url()).content.decode()
    # The worker's publication: one bulk update(), committed, then the posts app's signal.
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_scheduled_post(scheduled.pk)
    assert "Reblogged 1 time" in anonymous.get(original.get_absolute_url()).content.decode()
    # A blog that has nothing to do with the reblog keeps its stored pages.
    assert anonymous.get(bystander.get_absolute_url()).samizdat_stored_page
