"""Following feeds: discovery, polling with conditional GET, back-off, dedup, read marks, OPML."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from samizdat.reader import services
from samizdat.reader.models import Entry, ReadMark, Source, Subscription
from samizdat.reader.tasks import poll_due_sources_task

SOURCES = reverse("dashboard:reader_sources")


@pytest.fixture
def reader(make_user, client):
    user = make_user("rita")
    client.force_login(user)
    return user


def test_site_address_finds_its_feed_by_autodiscovery(reader, web):
    source = services.subscribe(reader, web.url("/blog.html"))
    assert source.url == web.url("/rss.xml") and source.title == "The Tideline"
    titles = list(source.entries.values_list("title", flat=True))
    assert titles == ["Harbour pilots win their pay claim", "Ferry timetable changes"]


def test_entries_are_sanitized_and_credited(reader, web):
    source = services.subscribe(reader, web.url("/rss.xml"))
    entry = source.entries.get(guid="https://tideline.example/?p=412")
    assert "<script" not in entry.content_html and "signed a new agreement" in entry.content_html
    # The reader asks no other host: an image elsewhere becomes a link to it.
    assert "<img" not in entry.content_html
    assert '<a href="https://tideline.example/pilots.jpg" class="remote-image" rel="noopener nofollow">Pilot boats</a>' in entry.content_html
    assert entry.author == "Maria Santos" and entry.link == "https://tideline.example/2026/03/harbour-pilots-win/"
    assert entry.published_at == datetime.datetime(2026, 3, 2, 9, 15, tzinfo=datetime.UTC)


@pytest.mark.parametrize("path, title, first", [
    ("/atom.atom", "Ward Six Weekly", "The night the lights went out in Ward 6"),
    ("/feed.json", "kim.example", "Bike lanes on Mill Road"),
])
def test_atom_and_json_feeds_are_read(reader, web, path, title, first):
    source = services.subscribe(reader, web.url(path))
    assert source.title == title and source.entries.first().title == first


def test_json_feed_text_only_item_becomes_a_paragraph(reader, web):
    source = services.subscribe(reader, web.url("/feed.json"))
    entry = source.entries.get(guid="https://kim.example/2026/03/notes")
    assert entry.content_html == "<p>Short note: the library is open late on Thursdays now.</p>"


def test_second_poll_is_conditional_and_stores_nothing_twice(reader, web):
    source = services.subscribe(reader, web.url("/rss.xml"))
    web.requests.clear()
    assert services.poll_source(source) == 0
    path, if_none_match, agent = web.requests[-1]
    assert if_none_match == source.etag != "" and agent.startswith("Samizdat/")
    assert source.entries.count() == 2 and not source.broken


def test_new_item_is_added_once_and_a_changed_guid_with_the_same_link_is_not(reader, web):
    source = services.subscribe(reader, web.url("/rss.xml"))
    feed = web.files["rss.xml"].decode()
    new_item = ("<item><title>Night ferry returns</title><link>https://tideline.example/2026/03/night-ferry/</link>"
                "<guid>https://tideline.example/?p=420</guid><pubDate>Tue, 03 Mar 2026 08:00:00 +0000</pubDate></item>")
    renamed = feed.replace("https://tideline.example/?p=401", "https://tideline.example/ferry-timetable")
    web.files["rss.xml"] = renamed.replace("<item>", new_item + "<item>", 1).encode()
    assert services.poll_source(source) == 1
    assert services.poll_source(source) == 0
    assert list(source.entries.values_list("title", flat=True)) == [
        "Night ferry returns", "Harbour pilots win their pay claim", "Ferry timetable changes"]


def test_broken_feed_is_marked_with_its_error_and_backs_off_without_stopping_others(reader, web, immediate_tasks):
    good = services.subscribe(reader, web.url("/rss.xml"))
    broken = Source.objects.create(url=web.url("/not-a-feed.xml"))
    gone = Source.objects.create(url=web.url("/gone.xml"))
    now = timezone.now()
    Source.objects.update(next_poll_at=now)
    web.files["rss.xml"] = web.files["rss.xml"].replace(b"?p=401", b"?p=999").replace(
        b"ferry-timetable", b"ferry-timetable-2")
    assert poll_due_sources_task.call_local() == 3  # each feed its own task
    broken.refresh_from_db(), gone.refresh_from_db(), good.refresh_from_db()
    assert good.entries.count() == 3
    assert broken.broken and broken.error_count == 1 and broken.last_error
    assert "HTTP 404" in gone.last_error
    interval = services.poll_interval()
    assert broken.next_poll_at == broken.last_polled_at + 2 * interval
    assert good.next_poll_at == good.last_polled_at + interval
    services.poll_source(broken, now)
    broken.refresh_from_db()
    assert broken.error_count == 2 and broken.next_poll_at == now + 4 * interval


def test_broken_feed_shows_its_error_on_the_feeds_page_and_the_others_still_read(client, reader, web):
    good = services.subscribe(reader, web.url("/rss.xml"))
    gone = Source.objects.create(url=web.url("/gone.xml"), title="Gone Gazette")
    Subscription.objects.create(user=reader, source=gone)
    services.poll_source(gone), services.poll_source(good)
    row = re.search(r'<tr class="broken">.*?</tr>', client.get(SOURCES).content.decode(), re.S)[0]
    assert "Gone Gazette" in row and "<strong>Broken</strong>: " in row and "answered HTTP 404" in row
    assert "Harbour pilots win their pay claim" in client.get(reverse("dashboard:reader")).content.decode()


def test_backoff_stops_at_a_day(reader, web):
    source = Source.objects.create(url=web.url("/gone.xml"), error_count=30)
    now = timezone.now()
    services.poll_source(source, now)
    assert source.next_poll_at == now + datetime.timedelta(days=1)


def test_recovered_feed_clears_its_error(reader, web):
    source = services.subscribe(reader, web.url("/rss.xml"))
    source.error_count, source.last_error, source.etag = 3, "boom", ""
    source.save()
    services.poll_source(source)
    assert not source.broken and source.last_error == ""


@pytest.mark.parametrize("path, message", [
    ("/plain.html", "That page announces no feed."),
    ("/not-a-feed.xml", "That address is not an RSS, Atom or JSON feed."),
    ("/missing", "answered HTTP 404"),
])
def test_follow_form_bad_address_gives_a_message_and_keeps_it(client, reader, web, path, message):
    response = client.post(SOURCES, {"url": web.url(path)})
    html = response.content.decode()
    assert response.status_code == 400 and message in html and f'value="{web.url(path)}"' in html
    assert not Source.objects.exists()


def test_follow_form_follows_and_lists_the_feed(client, reader, web):
    response = client.post(SOURCES, {"url": web.url("/blog.html")}, follow=True)
    html = response.content.decode()
    assert "You now follow The Tideline." in html and web.url("/rss.xml") in html


def test_reader_page_lists_unread_entries_and_marks_them_read(client, reader, web):
    source = services.subscribe(reader, web.url("/rss.xml"))
    page = client.get(reverse("dashboard:reader")).content.decode()
    assert "Harbour pilots win their pay claim" in page and "Ferry timetable changes" in page
    entry = source.entries.get(title="Ferry timetable changes")
    client.post(reverse("dashboard:reader_mark_read", args=[entry.pk]))
    page = client.get(reverse("dashboard:reader")).content.decode()
    assert "Ferry timetable changes" not in page and "Harbour pilots" in page
    assert "Ferry timetable changes" in client.get(reverse("dashboard:reader") + "?all=1").content.decode()
    client.post(reverse("dashboard:reader_mark_all_read"))
    assert ReadMark.objects.filter(user=reader).count() == 2
    assert "Nothing new from the feeds you follow." in client.get(reverse("dashboard:reader")).content.decode()


def test_read_marks_are_per_person(client, reader, web, make_user):
    source = services.subscribe(reader, web.url("/rss.xml"))
    other = make_user()
    services.subscribe(other, web.url("/rss.xml"))
    services.mark_all_read(reader)
    client.force_login(other)
    assert "Ferry timetable changes" in client.get(reverse("dashboard:reader")).content.decode()
    assert Source.objects.count() == 1 and source.entries.count() == 2


def test_one_click_reblog_of_an_entry_uses_the_stored_text(client, reader, web, make_blog):
    reader.blog = make_blog("rita", title="Rita's Notes", owner=reader)
    source = services.subscribe(reader, web.url("/rss.xml"))
    entry = source.entries.get(title="Harbour pilots win their pay claim")
    assert reverse("dashboard:reblog_entry", args=[entry.pk]) in client.get(reverse("dashboard:reader")).content.decode()
    web.requests.clear()
    form = client.get(reverse("dashboard:reblog_entry", args=[entry.pk])).context["form"]
    assert web.requests == []  # nothing fetched
    assert form["source_url"].value() == entry.link and form["source_author"].value() == "Maria Santos"
    assert "signed a new agreement" in form["quoted_html"].value()


def test_unsubscribing_the_last_reader_deletes_the_feed(client, reader, web):
    source = services.subscribe(reader, web.url("/rss.xml"))
    client.post(reverse("dashboard:reader_unsubscribe", args=[source.pk]))
    assert not Source.objects.exists() and not Entry.objects.exists()


def test_opml_export_then_import_round_trips(client, reader, web, make_user, make_blog):
    from samizdat.social.services import follow_blog

    services.subscribe(reader, web.url("/rss.xml"))
    services.subscribe(reader, web.url("/feed.json"))
    follow_blog(reader, make_blog("dockers", title="Dockers' Union"))
    exported = client.get(reverse("dashboard:reader_opml"))
    assert exported["Content-Disposition"] == 'attachment; filename="subscriptions.opml"'
    body = exported.content.decode()
    assert body.startswith("<?xml") and 'xmlUrl="http://testserver/@dockers/feed/"' in body
    newcomer = make_user()
    client.force_login(newcomer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(SOURCES, {"opml": SimpleUploadedFile("subs.opml", exported.content)}, follow=True)
    assert "Imported 3 feeds (0 skipped)" in response.content.decode()
    urls = set(Source.objects.filter(subscriptions__user=newcomer).values_list("url", flat=True))
    assert urls == {web.url("/rss.xml"), web.url("/feed.json")}
    # The blog of this instance is followed here, not fetched from ourselves over HTTP.
    assert newcomer.follows.filter(blog__slug="dockers").exists()


@pytest.mark.parametrize("path", ["/@dockers/", "/@dockers/feed/atom/"])
def test_follow_form_with_an_address_of_a_blog_here_follows_it_locally(client, reader, make_blog, path, settings):
    settings.SITE_URL = "http://localhost:8000"
    make_blog("dockers", title="Dockers' Union")
    response = client.post(SOURCES, {"url": "http://localhost:8000" + path}, follow=True)
    assert "You now follow Dockers&#x27; Union." in response.content.decode()
    assert reader.follows.filter(blog__slug="dockers").exists() and not Source.objects.exists()


def test_opml_import_of_a_non_opml_file_gives_a_message(client, reader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(SOURCES, {"opml": SimpleUploadedFile("x.opml", b"hello, not xml")})
    assert response.status_code == 400 and "not an OPML subscription list" in response.content.decode()


def test_poll_task_polls_due_feeds(reader, web, immediate_tasks):
    source = Source.objects.create(url=web.url("/atom.atom"))
    poll_due_sources_task.call_local()
    assert source.entries.count() == 1


def test_sweep_hands_each_due_feed_out_once_until_its_lease_ends(reader, web):
    due = Source.objects.create(url=web.url("/atom.atom"))
    Source.objects.create(url=web.url("/rss.xml"), next_poll_at=timezone.now() + datetime.timedelta(hours=1))
    now = timezone.now()
    assert services.claim_due_sources(now) == [due.pk]
    # Its task has not run yet (a busy or lost worker): the next sweeps leave it alone...
    assert services.claim_due_sources(now + datetime.timedelta(minutes=1)) == []
    # ...until the lease is over, when it is handed out again.
    assert services.claim_due_sources(now + services.POLL_LEASE) == [due.pk]


def test_polling_a_feed_leaves_the_stored_public_pages_alone(reader, web, make_post):
    from django.test import Client

    post = make_post()
    anonymous = Client()
    anonymous.get(post.get_absolute_url())
    services.subscribe(reader, web.url("/rss.xml"))
    services.mark_all_read(reader)
    assert anonymous.get(post.get_absolute_url()).samizdat_stored_page
