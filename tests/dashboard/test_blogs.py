import pytest
from django.db import connection
from django.urls import reverse

from samizdat.blogs.models import Blog, Membership
from samizdat.blogs.roles import Role
from samizdat.posts import search
from samizdat.posts.models import Post


def test_home_lists_only_the_users_blogs(world, login):
    html = login(world.author).get(reverse("dashboard:home")).content.decode()
    assert world.blog.title in html and world.other_blog.title not in html


def test_home_lists_every_blog_for_the_instance_admin(world, login):
    html = login(world.admin).get(reverse("dashboard:home")).content.decode()
    assert world.blog.title in html and world.other_blog.title in html


def test_signed_in_user_creates_a_blog_and_owns_it(world, login):
    response = login(world.outsider).post(
        reverse("dashboard:blog_create"),
        {
            "title": "Harbour News",
            "slug": "harbour",
            "tagline": "",
            "language": "ru",
            "time_zone": "Europe/Moscow",
        },
    )
    blog = Blog.objects.get(slug="harbour")
    assert response.status_code == 302 and response["Location"] == reverse(
        "dashboard:post_list", args=["harbour"]
    )
    assert Membership.objects.get(blog=blog, user=world.outsider).role == Role.OWNER
    assert (blog.language, blog.time_zone) == ("ru", "Europe/Moscow")


def test_new_blog_with_a_taken_address_is_refused_and_input_kept(world, login):
    response = login(world.outsider).post(
        reverse("dashboard:blog_create"),
        {
            "title": "Copy",
            "slug": world.blog.slug,
            "tagline": "Mine",
            "language": "en",
            "time_zone": "UTC",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "already exists" in html and 'value="Mine"' in html


def test_new_blog_with_a_reserved_address_is_refused(world, login):
    response = login(world.outsider).post(
        reverse("dashboard:blog_create"),
        {
            "title": "Sneaky",
            "slug": "dashboard",
            "tagline": "",
            "language": "en",
            "time_zone": "UTC",
        },
    )
    assert "is reserved" in response.content.decode()


def settings_data(blog, **fields):
    data = {
        "title": blog.title,
        "tagline": blog.tagline,
        "language": blog.language,
        "time_zone": blog.time_zone,
        "posts_per_page": blog.posts_per_page,
        "custom_domain": "",
    }
    data.update(fields)
    return data


def test_settings_are_saved(world, login):
    url = reverse("dashboard:settings", args=[world.blog.slug])
    login(world.owner).post(
        url, settings_data(world.blog, title="Renamed", posts_per_page=5, custom_domain="News.Example.org.")
    )
    world.blog.refresh_from_db()
    assert (world.blog.title, world.blog.posts_per_page, world.blog.custom_domain) == (
        "Renamed",
        5,
        "news.example.org",
    )


def test_settings_refuse_an_unknown_time_zone_and_keep_it(world, login):
    url = reverse("dashboard:settings", args=[world.blog.slug])
    response = login(world.owner).post(
        url, settings_data(world.blog, time_zone="Mars/Olympus", title="Kept title")
    )
    html = response.content.decode()
    assert (
        "is not a time zone we know" in html
        and 'value="Mars/Olympus"' in html
        and 'value="Kept title"' in html
    )
    world.blog.refresh_from_db()
    assert world.blog.time_zone == "Asia/Almaty"


def test_settings_refuse_a_custom_domain_with_a_scheme(world, login):
    url = reverse("dashboard:settings", args=[world.blog.slug])
    response = login(world.owner).post(
        url, settings_data(world.blog, custom_domain="https://news.example.org/")
    )
    assert "without http://" in response.content.decode()


def test_settings_refuse_zero_posts_per_page(world, login):
    url = reverse("dashboard:settings", args=[world.blog.slug])
    response = login(world.owner).post(url, settings_data(world.blog, posts_per_page=0))
    assert "between 1 and 100" in response.content.decode()


def test_settings_refuse_a_domain_another_blog_has(world, login):
    world.other_blog.custom_domain = "news.example.org"
    world.other_blog.save()
    url = reverse("dashboard:settings", args=[world.blog.slug])
    response = login(world.owner).post(url, settings_data(world.blog, custom_domain="news.example.org"))
    assert "news.example.org is already in use on this server" in response.content.decode()


def test_navigation_marks_the_current_section_and_hides_what_the_role_cannot_use(world, login):
    html = login(world.author).get(reverse("dashboard:post_list", args=[world.blog.slug])).content.decode()
    assert f'href="/dashboard/{world.blog.slug}/posts/" aria-current="page"' in html
    assert "/settings/" not in html and "/members/" not in html and "/media/" in html


def test_post_list_filters_by_status_author_and_title(world, login, make_post):
    make_post(world.blog, author=world.editor, title="Editor draft on wages", status=Post.Status.DRAFT)
    make_post(world.blog, author=world.editor, title="Editor live on wages")
    client = login(world.owner)
    url = reverse("dashboard:post_list", args=[world.blog.slug])
    html = client.get(url, {"status": "draft", "author": world.editor.pk, "q": "WAGES"}).content.decode()
    assert (
        "Editor draft on wages" in html
        and "Editor live on wages" not in html
        and "Author&#x27;s post" not in html
    )


def test_post_list_hides_other_peoples_drafts_from_authors(world, login, make_post):
    make_post(world.blog, author=world.editor, title="Editor's secret draft", status=Post.Status.DRAFT)
    html = login(world.author).get(reverse("dashboard:post_list", args=[world.blog.slug])).content.decode()
    assert "secret draft" not in html and "Author&#x27;s post" in html


def test_post_list_ignores_a_bad_filter(world, login):
    url = reverse("dashboard:post_list", args=[world.blog.slug])
    response = login(world.owner).get(url, {"status": "nonsense", "author": "x"})
    assert response.status_code == 200 and "Author&#x27;s post" in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL's search stems by language")
def test_changing_the_blog_language_reindexes_its_posts_for_search(world, login, make_post):
    make_post(world.blog, title="Отчёт", source="Рабочие объявили забастовку в порту.")
    world.blog.language = "en"
    world.blog.save()
    search.reindex_blog(world.blog)
    assert not list(search.search_posts(world.blog, "забастовка"))
    response = login(world.owner).post(
        reverse("dashboard:settings", args=[world.blog.slug]), settings_data(world.blog, language="ru")
    )
    assert response.status_code == 302
    world.blog.refresh_from_db()
    assert [p.title for p in search.search_posts(world.blog, "забастовка")] == ["Отчёт"]


ONION = "b" * 52 + "cdef.onion"


def test_settings_save_alternate_addresses_as_pasted(world, login):
    url = reverse("dashboard:settings", args=[world.blog.slug])
    login(world.owner).post(url, settings_data(
        world.blog, onion_address=f"http://{ONION.upper()}/",
        mirror_domains="Mirror-One.example.net\n\nhttps://mirror-two.example.net/\nmirror-one.example.net",
        static_mirrors="https://copies.example.com/blog/\ncopies.example.org",
    ))
    world.blog.refresh_from_db()
    assert world.blog.onion_address == ONION
    assert [m.domain for m in world.blog.mirror_domains.all()] == ["mirror-one.example.net", "mirror-two.example.net"]
    assert [m.url for m in world.blog.static_mirrors.all()] == [
        "https://copies.example.com/blog/", "https://copies.example.org"
    ]
    html = login(world.owner).get(url).content.decode()
    assert "mirror-one.example.net\nmirror-two.example.net</textarea>" in html


def test_settings_refuse_a_mirror_domain_another_blog_answers_on_and_keep_what_was_typed(world, login):
    world.other_blog.custom_domain = "taken.example.org"
    world.other_blog.save()
    url = reverse("dashboard:settings", args=[world.blog.slug])
    response = login(world.owner).post(url, settings_data(
        world.blog, mirror_domains="fine.example.net\ntaken.example.org", static_mirrors="https://copies.example.com/"
    ))
    html = response.content.decode()
    assert response.status_code == 200 and "taken.example.org is already in use on this server" in html
    assert "fine.example.net\ntaken.example.org</textarea>" in html and "https://copies.example.com/</textarea>" in html
    assert not world.blog.mirror_domains.exists() and not world.blog.static_mirrors.exists()


@pytest.mark.parametrize("field,value,message", [
    ("onion_address", "example.onion", "version 3 onion name"),
    ("mirror_domains", "not a domain", "is not a domain name"),
    ("mirror_domains", ONION, "onion address in its own field"),
    ("mirror_domains", "samizdat.example", "already in use on this server"),
    ("static_mirrors", "ftp://copies.example.com/", "is not a web address"),
])
def test_settings_refuse_a_bad_alternate_address_with_a_reason(world, login, settings, field, value, message):
    settings.SAMIZDAT_HOSTS = [*settings.SAMIZDAT_HOSTS, "samizdat.example"]
    url = reverse("dashboard:settings", args=[world.blog.slug])
    response = login(world.owner).post(url, settings_data(world.blog, **{field: value}))
    assert message in response.content.decode()
    world.blog.refresh_from_db()
    assert world.blog.onion_address is None and not world.blog.mirror_domains.exists()
