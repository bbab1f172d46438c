"""What a post page shows of its likes: the count, avatars, the button, and a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from samizdat.posts.models import Post
from samizdat.social import services
from samizdat.social.selectors import LIKERS_SHOWN


def likes_html(response):
    html = response.content.decode()
    start = html.index('id="likes"')
    return html[start:html.index("</ul>", start)]


def test_post_page_invites_the_first_like(client, post):
    assert "Be the first to like this." in likes_html(client.get(post.get_absolute_url()))


def test_post_page_counts_one_liker_in_the_singular(client, post, reader):
    services.like_post(reader, post)
    assert "1 blogger likes this." in likes_html(client.get(post.get_absolute_url()))


def test_post_page_counts_likers_in_the_plural(client, post, make_user):
    for _ in range(3):
        services.like_post(make_user(), post)
    assert "3 bloggers like this." in likes_html(client.get(post.get_absolute_url()))


def test_post_page_count_goes_through_the_plural_catalogue(client, post, reader, monkeypatch):
    services.like_post(reader, post)
    calls = []
    real = translation.ngettext

    def spy(singular, plural, number):
        calls.append((singular, number))
        return real(singular, plural, number)

    monkeypatch.setattr("django.templatetags.i18n.translation.ngettext", spy)
    client.get(post.get_absolute_url())
    assert ("%(counter)s blogger likes this.", 1) in calls


def test_post_page_avatar_links_to_the_likers_own_blog(client, post, make_user, make_blog):
    owner = make_user(display_name="Olga Owner")
    make_blog("olgas-notes", owner=owner)
    services.like_post(owner, post)
    html = likes_html(client.get(post.get_absolute_url()))
    assert 'href="/@olgas-notes/"' in html
    assert 'aria-label="Olga Owner"' in html


def test_post_page_avatar_links_to_the_profile_of_a_liker_without_blog(client, post, reader):
    services.like_post(reader, post)
    html = likes_html(client.get(post.get_absolute_url()))
    assert f'href="{reverse("social:profile", args=[reader.username])}"' in html


def test_post_page_shows_at_most_the_first_likers_avatars(client, post, make_user):
    for _ in range(LIKERS_SHOWN + 2):
        services.like_post(make_user(), post)
    html = likes_html(client.get(post.get_absolute_url()))
    assert html.count("<li>") == LIKERS_SHOWN
    assert f"{LIKERS_SHOWN + 2} bloggers like this." in html


def test_post_page_offers_unlike_to_a_liker(client, post, reader):
    services.like_post(reader, post)
    client.force_login(reader)
    html = likes_html(client.get(post.get_absolute_url()))
    assert reverse("social:unlike", args=[post.blog.slug, post.pk]) in html
    assert "Unlike" in html


def test_post_page_knows_a_liker_beyond_the_avatars_shown(client, post, reader, make_user):
    services.like_post(reader, post)
    for _ in range(LIKERS_SHOWN):
        services.like_post(make_user(), post)
    client.force_login(reader)
    assert "Unlike" in likes_html(client.get(post.get_absolute_url()))


def test_post_page_like_form_carries_a_csrf_token(client, post, reader):
    client.force_login(reader)
    html = likes_html(client.get(post.get_absolute_url()))
    assert 'name="csrfmiddlewaretoken"' in html


def test_post_page_asks_a_guest_to_sign_in_to_like(client, post):
    html = likes_html(client.get(post.get_absolute_url()))
    assert "Sign in to like this" in html and "<form" not in html


def test_post_page_count_is_an_aria_live_region(client, post):
    html = likes_html(client.get(post.get_absolute_url()))
    assert re.search(r'<p class="likes-count" aria-live="polite"', html)


def test_post_page_loads_the_like_script_from_our_host_for_signed_in_readers(client, post, reader):
    client.force_login(reader)
    html = client.get(post.get_absolute_url()).content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/static/social/likes.js" defer>']
    assert "<script>" not in html


def test_post_page_spares_guests_the_like_script(client, post):
    assert "likes.js" not in client.get(post.get_absolute_url()).content.decode()


def test_post_page_has_no_likes_on_a_preview(client, make_post):
    draft = make_post(status=Post.Status.DRAFT)
    client.force_login(draft.author)
    assert 'id="likes"' not in client.get(draft.get_absolute_url()).content.decode()


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "signed-in"])
def test_post_page_query_count_does_not_grow_with_likes(
    client, post, make_user, make_blog, reader, signed_in
):
    if signed_in:
        client.force_login(reader)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(post.get_absolute_url()).status_code == 200
        return len(captured)

    services.like_post(make_user(), post)
    with_one = count()
    for n in range(19):
        liker = make_user()
        if n % 2:
            make_blog(owner=liker)
        services.like_post(liker, post)
    assert post.likes.count() == 20
    assert count() == with_one
