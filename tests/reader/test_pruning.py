"""Pruning the reader: old read entries go, unread and recent ones stay, and nothing comes back as new."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from samizdat.reader import services
from samizdat.reader.models import Entry, PostReadMark, ReadMark
from samizdat.reader.tasks import prune_reader_task

PILOTS, FERRY = "Harbour pilots win their pay claim", "Ferry timetable changes"


@pytest.fixture
def reader(make_user, client):
    user = make_user("rita")
    client.force_login(user)
    return user


def later(days):
    return timezone.now() + datetime.timedelta(days=days)


def _read(user, source, title):
    services.mark_read(user, source.entries.get(title=title))


def test_old_read_entry_is_pruned_and_unread_and_recent_ones_stay(client, reader, web, settings):
    settings.SAMIZDAT_READER_KEEP_DAYS = 30
    source = services.subscribe(reader, web.url("/rss.xml"))
    _read(reader, source, FERRY)
    assert services.prune(later(29)) == 0  # read, but recent
    assert services.prune(later(31)) == 1
    ferry = source.entries.get(guid__endswith="?p=401")
    assert ferry.pruned and ferry.content_html == "" and not ReadMark.objects.filter(entry=ferry).exists()
    # Gone from the reader, read or unread view; the unread one stays.
    for url in (reverse("dashboard:reader"), reverse("dashboard:reader") + "?all=1"):
        page = client.get(url).content.decode()
        assert FERRY not in page and PILOTS in page


def test_entry_someone_has_not_read_stays(reader, web, make_user):
    other = make_user()
    source = services.subscribe(reader, web.url("/rss.xml"))
    services.subscribe(other, web.url("/rss.xml"))
    _read(reader, source, FERRY)
    assert services.prune(later(60)) == 0
    _read(other, source, FERRY)
    assert services.prune(later(60)) == 1


def test_unread_entry_goes_only_after_the_unread_limit(reader, web, settings):
    settings.SAMIZDAT_READER_KEEP_UNREAD_DAYS = 180
    source = services.subscribe(reader, web.url("/rss.xml"))
    assert services.prune(later(179)) == 0
    assert services.prune(later(181)) == 2 and not source.entries.filter(pruned=False).exists()


def test_pruned_entry_the_feed_still_carries_does_not_come_back_and_goes_once_the_feed_drops_it(reader, web):
    source = services.subscribe(reader, web.url("/rss.xml"))
    _read(reader, source, FERRY)
    services.prune(later(60))
    web.files["rss.xml"] += b" "  # changed, so the poll reads it again
    assert services.poll_source(source) == 0
    assert Entry.objects.filter(source=source).count() == 2  # kept as pruned, not stored again as new
    web.files["rss.xml"] = web.files["rss.xml"].replace(b"?p=401", b"?p=999").replace(
        b"ferry-timetable", b"ferry-timetable-2")
    assert services.poll_source(source) == 1  # the new item
    assert not Entry.objects.filter(source=source, guid__endswith="?p=401").exists()


def test_read_marks_of_local_posts_past_the_horizon_go(reader, make_post, settings):
    settings.SAMIZDAT_READER_KEEP_UNREAD_DAYS = 180
    old = make_post(when=timezone.now() - datetime.timedelta(days=200))
    recent = make_post()
    services.mark_post_read(reader, old), services.mark_post_read(reader, recent)
    prune_reader_task.call_local()
    assert list(PostReadMark.objects.values_list("post_id", flat=True)) == [recent.pk]
