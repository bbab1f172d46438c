"""Stored public pages: anonymous readers get the stored file, everyone else Django's page."""

import gzip
import os
import time

import pytest
from django.test import Client

from samizdat.pages import store
from samizdat.posts.models import Post
from samizdat.posts.services import save_post
from tests.comments.conftest import started


def read(path, client=None, **headers):
    return (client or Client()).get(path, headers=headers)


def guest_comment(post, body, **fields):
    data = {"name": "Vera", "email": "vera@example.test", "url": "", "body": body, "homepage": "",
            "parent": "", "started": started(post), **fields}
    return Client(enforce_csrf_checks=True).post(f"/@{post.blog.slug}/comments/{post.pk}/", data)


def test_second_anonymous_read_of_a_post_is_the_stored_page(open_post):
    first = read(open_post.get_absolute_url())
    second = read(open_post.get_absolute_url())
    assert not getattr(first, "samizdat_stored_page", False)
    assert second.samizdat_stored_page and second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert (store.root() / "www" / "http/testserver" / open_post.get_absolute_url().lstrip("/") / "index.html").exists()


def test_stored_page_carries_the_headers_of_a_page_django_writes(open_post):
    first = read(open_post.get_absolute_url())
    second = read(open_post.get_absolute_url())
    for name in ("Content-Security-Policy", "Permissions-Policy", "X-Frame-Options", "X-Content-Type-Options",
                 "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert second[name] == first[name], name


def test_stored_page_answers_304_to_its_etag_and_its_date(open_post):
    url = open_post.get_absolute_url()
    read(url)
    page = read(url)
    assert read(url, **{"If-None-Match": page["ETag"]}).status_code == 304
    assert read(url, **{"If-Modified-Since": page["Last-Modified"]}).status_code == 304
    assert read(url, **{"If-None-Match": '"something-else"'}).status_code == 200
    earlier = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 3600))
    assert read(url, **{"If-Modified-Since": earlier}).status_code == 200


def test_stored_page_comes_gzipped_to_browsers_that_take_it(open_post):
    url = open_post.get_absolute_url()
    plain = read(url).content
    zipped = read(url, **{"Accept-Encoding": "gzip, br"})
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain
    assert zipped["ETag"] != read(url)["ETag"]


def test_new_comment_shows_on_the_next_anonymous_read(open_post):
    url = open_post.get_absolute_url()
    read(url), read(url)
    assert guest_comment(open_post, "Solidarity from the print shop.").status_code == 303
    page = read(url)
    assert "Solidarity from the print shop." in page.content.decode() and "1 comment" in page.content.decode()


def test_edited_post_shows_on_every_stored_page_of_its_blog(open_post):
    pages = [open_post.get_absolute_url(), f"/@{open_post.blog.slug}/", f"/@{open_post.blog.slug}/feed/"]
    for url in pages:
        read(url)
    open_post.title = "Day shift at the port"
    save_post(open_post, editor=open_post.author)
    for url in pages:
        assert "Day shift at the port" in read(url).content.decode(), url


def test_other_blogs_keep_their_stored_pages_when_one_blog_changes(open_post, make_post):
    other = make_post(title="Elsewhere")
    read(other.get_absolute_url())
    open_post.title = "Changed"
    save_post(open_post, editor=open_post.author)
    assert read(other.get_absolute_url()).samizdat_stored_page


def test_signed_in_reader_never_gets_nor_leaves_a_stored_page(open_post, make_user):
    url = open_post.get_absolute_url()
    member = Client()
    member.force_login(make_user(display_name="Rosa L."))
    own = read(url, member)
    assert "Rosa L." in own.content.decode() and not getattr(own, "samizdat_stored_page", False)
    read(url)  # an anonymous reader stores the page now
    again = read(url, member)
    assert "Rosa L." in again.content.decode() and not getattr(again, "samizdat_stored_page", False)
    assert "Rosa L." not in read(url).content.decode()


def test_held_comment_notice_stays_with_its_author(make_post):
    post = make_post()  # first-time commenters are held
    url = post.get_absolute_url()
    read(url)
    author = Client()
    author.post(f"/@{post.blog.slug}/comments/{post.pk}/", {
        "name": "Vera", "email": "vera@example.test", "body": "Held for now.", "started": started(post),
        "remember": "on",
    })
    assert "awaiting moderation" in read(url, author).content.decode()
    stranger = read(url)
    assert "Held for now." not in stranger.content.decode()
    assert "Vera" not in read(url).content.decode()  # the remembered name stays in Vera's browser


def test_pages_with_a_query_string_are_not_stored(open_post):
    url = open_post.get_absolute_url() + "?cpage=1"
    read(url)
    assert not getattr(read(url), "samizdat_stored_page", False)


def test_preview_of_a_draft_is_never_stored(make_post):
    draft = make_post(status=Post.Status.DRAFT)
    writer = Client()
    writer.force_login(draft.author)
    preview = read(draft.get_absolute_url(), writer)
    assert preview.status_code == 200 and "private" in preview["Cache-Control"]
    assert not list(store.root().rglob("index.html"))
    assert read(draft.get_absolute_url()).status_code == 404


def test_blog_domain_and_instance_address_are_stored_apart(open_post, settings):
    blog = open_post.blog
    blog.custom_domain = "news.example.org"
    blog.save()
    on_domain = f"/{open_post.get_absolute_url().split('/', 2)[2]}"
    for _ in range(2):
        domain_page = Client(HTTP_HOST="news.example.org").get(on_domain)
        instance_page = read(open_post.get_absolute_url())
    assert domain_page.samizdat_stored_page and instance_page.samizdat_stored_page
    assert 'href="http://news.example.org/' in domain_page.content.decode()
    assert 'href="http://testserver/@' in instance_page.content.decode()


def test_feeds_and_sitemap_are_stored_with_their_types(open_post):
    slug = open_post.blog.slug
    for url, content_type in [
        (f"/@{slug}/feed/", "application/rss+xml"), (f"/@{slug}/feed/atom/", "application/atom+xml"),
        (f"/@{slug}/feed.json", "application/feed+json"), ("/sitemap.xml", "application/xml"),
    ]:
        first, second = read(url), read(url)
        assert second.samizdat_stored_page and second.content == first.content, url
        assert second["Content-Type"].startswith(content_type), url


def test_front_page_follows_the_browser_language_so_is_not_stored(open_post):
    read("/", **{"Accept-Language": "ru"})
    assert not getattr(read("/", **{"Accept-Language": "en"}), "samizdat_stored_page", False)


def test_a_page_written_from_rows_read_before_a_change_removes_itself():
    stamp = store.read_stamp()
    store.remove_owners([1])  # a change commits while the page is being written
    assert store.write(1, "http/testserver/@x/index.html", b"<p>old</p>", stamp) is False
    assert not (store.root() / "www/http/testserver/@x/index.html").exists()
    assert store.write(1, "http/testserver/@x/index.html", b"<p>new</p>", store.read_stamp()) is True


def test_old_pages_are_removed_by_the_sweep(open_post, settings):
    url = open_post.get_absolute_url()
    read(url)
    (page,) = (store.root() / "www").rglob("index.html")
    old = time.time() - settings.SAMIZDAT_PAGES_MAX_AGE - 60
    os.utime(page, (old, old))
    assert store.remove_older_than(settings.SAMIZDAT_PAGES_MAX_AGE) == 1
    assert not getattr(read(url), "samizdat_stored_page", False)


def test_nothing_is_stored_with_the_store_off(open_post, settings):
    settings.SAMIZDAT_PAGES = False
    read(open_post.get_absolute_url())
    assert not getattr(read(open_post.get_absolute_url()), "samizdat_stored_page", False)


@pytest.mark.parametrize("path", ["/@x/../../etc/passwd/", "/@x//y/", "/@x/\0/"])
def test_odd_paths_have_no_file_name(path):
    assert store.relative_name("http", "testserver", path, "text/html") is None


def test_odd_hosts_have_no_file_name():
    for host in ["", "../x", "a/b", ".hidden", "a\0b", "a\\b"]:
        assert store.relative_name("http", host, "/@x/", "text/html") is None


def test_answers_with_a_header_the_store_cannot_give_again_are_not_stored(rf):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from samizdat.pages.middleware import _storable

    request = rf.get("/@x/")
    request.user = AnonymousUser()
    page = HttpResponse("<p>page</p>")
    page.samizdat_public_page = True
    assert _storable(request, page)
    page["Link"] = '</indieauth/metadata>; rel="indieauth-metadata"'  # the HTML says it too
    assert _storable(request, page)
    page["X-Something-New"] = "only Django would send it"
    assert not _storable(request, page)


def test_activitypub_client_never_gets_the_stored_page(open_post):
    url = open_post.get_absolute_url()
    read(url), read(url)
    answer = read(url, Accept="application/activity+json")
    assert answer["Content-Type"].startswith("application/activity+json")
    assert not getattr(answer, "samizdat_stored_page", False)
