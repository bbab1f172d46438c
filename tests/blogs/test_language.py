"""A blog speaks its own language to every reader; pages outside blogs follow the browser."""

import datetime
import gettext
from pathlib import Path

import pytest
from django.conf import settings

from tests.catalogues import read_po

MARCH_5 = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.timezone.utc)

# What each language shows for: the search button, the link to older posts, the 404 heading,
# the month of MARCH_5 in a post's date, and the front page's heading.
STRINGS = {
    "en": {"search": "Search", "older": "Older", "not_found": "Not found", "month": "March",
           "recent": "Recent posts"},
    "ru": {"search": "Поиск", "older": "Старые записи", "not_found": "Страница не найдена",
           "month": "5 марта 2026", "recent": "Свежие записи"},
    "kk": {"search": "Іздеу", "older": "Ескі жазбалар", "not_found": "Бет табылмады",
           "month": "2026 ж. 5 наурыз", "recent": "Соңғы жазбалар"},
}


@pytest.fixture
def blog_in(make_blog, make_post):
    """A blog in `language` with two posts, one per page, so it has an 'older' link."""

    def make(language):
        blog = make_blog(language=language, time_zone="Asia/Almaty")
        blog.posts_per_page = 1
        blog.save(update_fields=["posts_per_page"])
        make_post(blog, title="Earlier", when=MARCH_5)
        make_post(blog, title="Later", when=MARCH_5 + datetime.timedelta(days=1))
        return blog

    return make


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_blog_home_shows_interface_in_blog_language(client, blog_in, language):
    blog = blog_in(language)
    response = client.get(f"/@{blog.slug}/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert f'<html lang="{language}">' in html and response["Content-Language"] == language
    assert f'<button type="submit">{STRINGS[language]["search"]}</button>' in html
    assert STRINGS[language]["older"] in html and "Older" not in html


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_blog_dates_use_blog_language_month_names(client, blog_in, language):
    blog = blog_in(language)
    html = client.get(f"/@{blog.slug}/?page=2").content.decode()
    assert STRINGS[language]["month"] in html and "March" not in html


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_blog_404_page_speaks_blog_language(client, blog_in, language):
    blog = blog_in(language)
    response = client.get(f"/@{blog.slug}/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert STRINGS[language]["not_found"] in response.content.decode()


def test_russian_search_page_is_in_russian(client, blog_in):
    blog = blog_in("ru")
    html = client.get(f"/@{blog.slug}/search/?q=zzzz").content.decode()
    assert "Результаты по запросу «zzzz»" in html and "Ничего не нашлось" in html


def test_english_blog_stays_english_for_russian_browser(client, blog_in):
    blog = blog_in("en")
    response = client.get(f"/@{blog.slug}/", HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert response["Content-Language"] == "en" and STRINGS["en"]["older"] in html and "Поиск" not in html


def test_blog_pages_do_not_vary_on_accept_language(client, blog_in):
    blog = blog_in("ru")
    response = client.get(f"/@{blog.slug}/")
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_front_page_follows_accept_language(client, blog_in, language):
    blog_in("en")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    assert response["Content-Language"] == language and "Accept-Language" in response["Vary"]
    assert STRINGS[language]["recent"] in response.content.decode()


def test_front_page_falls_back_to_english_for_other_languages(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Language"] == "en" and "Recent posts" in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_sign_in_page_follows_accept_language(client, db, language):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert {"ru": "Войти", "kk": "Кіру"}[language] in html


def _catalogue(language):
    """Our catalogue's entries as {(context, msgid): [msgstr, ...]}, and the fuzzy ones."""
    entries = read_po(Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po")
    entries.pop((None, ""))
    return {key: entry.strings for key, entry in entries.items()}, [key for key, e in entries.items() if e.fuzzy]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_catalogue_is_fully_translated(language):
    entries, fuzzy = _catalogue(language)
    assert len(entries) > 100 and fuzzy == []
    assert [key for key, strings in entries.items() if not all(strings)] == []


# Ours, and the Kazakh one for django-allauth's strings.
CATALOGUES = [po for path in settings.LOCALE_PATHS for po in sorted(Path(path).glob("*/LC_MESSAGES/django.po"))]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(settings.BASE_DIR)))
def test_compiled_catalogue_matches_po_file(po):
    """The committed .mo is compiled from the current .po (run `make messages` after editing)."""
    entries = read_po(po)
    entries.pop((None, ""))
    with po.with_suffix(".mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for (context, msgid), entry in entries.items():
        key = msgid if context is None else f"{context}\x04{msgid}"
        if entry.plural is None:
            assert compiled._catalog.get(key) == entry.strings[0], msgid
        else:
            assert [compiled._catalog.get((key, n)) for n in range(len(entry.strings))] == entry.strings, msgid


@pytest.mark.parametrize("language, heading", [("en", "March 2026"), ("ru", "Март 2026")])
def test_month_archive_heading_names_the_month_in_the_blog_language(client, blog_in, language, heading):
    blog = blog_in(language)
    assert heading in client.get(f"/@{blog.slug}/2026/03/").content.decode()


# A person's own interface language, saved with their profile.

def test_saved_language_wins_over_the_browser_outside_blogs_only(client, blog_in, make_user):
    blog = blog_in("en")
    person = make_user()
    client.force_login(person)
    profile = client.get("/dashboard/profile/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Interface language" in profile and "Қазақша" in profile and "Русский" in profile
    response = client.post("/dashboard/profile/", {"display_name": "Rita", "bio": "", "language": "ru"},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    html = response.content.decode()
    # The very next page is in Russian, whatever the browser asks for; so are the account pages.
    assert response["Content-Language"] == "ru" and "Профиль сохранён." in html
    dashboard = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert dashboard["Content-Language"] == "ru" and '<html lang="ru">' in dashboard.content.decode()
    sessions = client.get("/accounts/sessions/", HTTP_ACCEPT_LANGUAGE="kk")
    assert sessions["Content-Language"] == "ru"
    # A blog still speaks its own language, to this person too.
    blog_page = client.get(f"/@{blog.slug}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert blog_page["Content-Language"] == "en" and STRINGS["en"]["search"] in blog_page.content.decode()
    # Back to "the browser's": the browser decides again.
    client.post("/dashboard/profile/", {"display_name": "Rita", "bio": "", "language": ""})
    assert client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="kk")["Content-Language"] == "kk"


def test_signed_out_reader_still_follows_the_browser(client, make_user):
    person = make_user()
    person.language = "ru"
    person.save()
    assert client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="kk")["Content-Language"] == "kk"
