"""Following outside feeds: subscribing (with autodiscovery), polling, OPML, read marks, pruning.

Polling is polite and durable: each source remembers its ETag and Last-Modified for a
conditional GET, and its next poll time, which moves out on errors (doubling up to a day) so
that a broken feed is retried ever less often while the others go on. A sweep hands each due
feed to a task of its own (a slow feed holds up no other), after moving its next poll time out
by a lease: a task lost with a worker is queued again once the lease is over.

Pruning keeps the tables to what readers may still want: entries everyone has read go after
SAMIZDAT_READER_KEEP_DAYS, and any entry after SAMIZDAT_READER_KEEP_UNREAD_DAYS. A pruned entry
first loses its text and leaves every list, and its row goes once its feed no longer carries the
item (the next poll would otherwise store it again as new), as Miniflux does.
"""

import datetime
import logging

import listparser
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from samizdat.core import http

from .feeds import NotAFeed, discover, looks_like_html, parse_feed
from .models import Entry, PostReadMark, ReadMark, Source, Subscription

logger = logging.getLogger(__name__)

FEED_MAX_BYTES = 5 * 1024 * 1024
FEED_TIMEOUT = 20.0
MAX_BACKOFF = datetime.timedelta(days=1)
OPML_MAX_FEEDS = 500
# A due feed handed to a task is not handed out again for this long (its poll sets the real time).
POLL_LEASE = datetime.timedelta(minutes=15)
SWEEP_BATCH = 500


class SubscribeError(Exception):
    """The address is no feed and names none; the message is for the reader."""


def poll_interval():
    return datetime.timedelta(minutes=settings.SAMIZDAT_READER_POLL_MINUTES)


def _get(url, source=None):
    headers = {}
    if source is not None:
        headers = {"If-None-Match": source.etag, "If-Modified-Since": source.last_modified}
    return http.fetch(url, max_bytes=FEED_MAX_BYTES, timeout=FEED_TIMEOUT, headers=headers)


def find_feed(url):
    """(feed address, parsed feed, response) for `url`, a feed or a page announcing one."""
    try:
        response = _get(url)
    except http.FetchError as error:
        raise SubscribeError(_("Could not fetch that address: %(error)s") % {"error": error}) from error
    if looks_like_html(response.content, response.content_type):
        candidates = discover(response.content, response.url)
        if not candidates:
            raise SubscribeError(_("That page announces no feed. Try the address of its RSS, Atom or JSON feed."))
        try:
            response = _get(candidates[0])
        except http.FetchError as error:
            raise SubscribeError(_("The page names a feed, but it could not be fetched: %(error)s") % {"error": error}) from error
    try:
        feed = parse_feed(response.content, response.url)
    except NotAFeed as error:
        raise SubscribeError(_("That address is not an RSS, Atom or JSON feed.")) from error
    return response.url, feed, response


def subscribe(user, url):
    """Follow the feed at `url` (or the one the page at `url` announces); returns the Source."""
    existing = Source.objects.filter(url=url).first()
    if existing is None:
        feed_url, feed, response = find_feed(url)
        existing = Source.objects.filter(url=feed_url).first()
        if existing is None:
            with transaction.atomic():
                existing, _created = Source.objects.get_or_create(
                    url=feed_url, defaults={"title": feed.title, "site_url": feed.site_url},
                )
                _store(existing, feed, response, timezone.now())
    Subscription.objects.get_or_create(user=user, source=existing)
    return existing


def unsubscribe(user, source):
    """Stop following `source`; a source nobody follows any more is deleted with its entries."""
    Subscription.objects.filter(user=user, source=source).delete()
    if not source.subscriptions.exists():
        source.delete()


def _store(source, feed, response, now):
    """Save new entries (deduplicated by id and by link) and the answer's validators."""
    guids = {item.guid for item in feed.entries}
    links = {item.link for item in feed.entries if item.link}
    # Pruned entries the feed no longer carries can go: they cannot come back as new.
    source.entries.filter(pruned=True).exclude(guid__in=guids).exclude(link__in=links).delete()
    known_guids = set(source.entries.values_list("guid", flat=True))
    known_links = set(source.entries.exclude(link="").values_list("link", flat=True))
    added = 0
    for item in feed.entries:
        if item.guid in known_guids or (item.link and item.link in known_links):
            continue
        try:
            with transaction.atomic():
                Entry.objects.create(
                    source=source, guid=item.guid, link=item.link, title=item.title, author=item.author,
                    published_at=min(item.published_at or now, now), content_html=item.content_html,
                    fetched_at=now,
                )
        except IntegrityError:
            continue  # a concurrent poll stored it first
        known_guids.add(item.guid)
        known_links.add(item.link)
        added += 1
    source.title = source.title or feed.title
    source.site_url = feed.site_url or source.site_url
    source.etag = response.headers.get("etag", "")[:500]
    source.last_modified = response.headers.get("last-modified", "")[:100]
    _succeeded(source, now)
    return added


def _succeeded(source, now):
    source.last_polled_at = now
    source.error_count, source.last_error = 0, ""
    source.next_poll_at = now + poll_interval()
    source.save()


def _failed(source, now, message):
    source.last_polled_at = now
    source.error_count += 1
    source.last_error = message[:2000]
    source.next_poll_at = now + min(poll_interval() * 2 ** min(source.error_count, 10), MAX_BACKOFF)
    source.save()


def poll_source(source, now=None):
    """Fetch one feed (conditionally) and store its new entries; returns how many were new.

    Failures are recorded on the source (its error, and a later next poll); they never raise.
    """
    now = now or timezone.now()
    try:
        response = _get(source.url, source)
        if response.not_modified:
            _succeeded(source, now)
            return 0
        feed = parse_feed(response.content, response.url)
    except (http.FetchError, NotAFeed) as error:
        _failed(source, now, str(error))
        return 0
    except Exception as error:  # a feed must never stop the others
        logger.exception("Polling %s failed", source.url)
        _failed(source, now, f"{error.__class__.__name__}: {error}")
        return 0
    with transaction.atomic():
        return _store(source, feed, response, now)


def poll_source_by_id(source_id):
    """Poll the feed `source_id` if it still exists; the task of one feed."""
    source = Source.objects.filter(pk=source_id, kind=Source.Kind.FEED).first()
    return poll_source(source) if source is not None else 0


def claim_due_sources(now=None):
    """The ids of feeds whose time has come, each leased so that no other sweep hands it out."""
    now = now or timezone.now()
    due = Source.objects.filter(kind=Source.Kind.FEED, next_poll_at__lte=now)
    ids = list(due.order_by("next_poll_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    # Conditional, so that of two sweeps at once each feed goes to one.
    claimed = []
    for pk in ids:
        if Source.objects.filter(pk=pk, next_poll_at__lte=now).update(next_poll_at=now + POLL_LEASE):
            claimed.append(pk)
    return claimed


# Sources whose entries are pushed to us (fediverse accounts, through the federation inbox).


def follow_pushed_source(user, *, url, site_url="", title=""):
    """Subscribe `user` to the pushed source (a fediverse account) at `url`; (source, created)."""
    source, created = Source.objects.get_or_create(
        url=url, defaults={"kind": Source.Kind.ACTOR, "site_url": site_url, "title": title[:300]},
    )
    Subscription.objects.get_or_create(user=user, source=source)
    return source, created


def pushed_source(url):
    """The pushed source (a fediverse account) at `url` that somebody here follows, or None."""
    return Source.objects.filter(kind=Source.Kind.ACTOR, url=url).first()


def pushed_source_urls():
    """The addresses of the pushed sources (fediverse accounts) somebody here still follows."""
    return Source.objects.filter(kind=Source.Kind.ACTOR, subscriptions__isnull=False).values_list("url", flat=True)


def drop_unread_pushed_sources():
    """Delete the pushed sources nobody follows any more (their last reader deleted their account),
    with their entries."""
    return Source.objects.filter(kind=Source.Kind.ACTOR, subscriptions__isnull=True).delete()[0]


def store_pushed_entry(source, *, guid, link="", title="", author="", published_at=None, content_html="",
                       boosted_by="", boost_id="", author_url=""):
    """Keep (or update) one entry a source pushed to us; `content_html` must be sanitized.

    `boosted_by`, `boost_id`, `author_url`: for a post the source passed on (boosted), by whom,
    by which activity, and its author's address."""
    now = timezone.now()
    entry, _created = Entry.objects.update_or_create(
        source=source, guid=guid[:2000],
        defaults={
            "link": link[:2000], "title": title[:500], "author": author[:200], "content_html": content_html,
            "published_at": min(published_at or now, now), "fetched_at": now, "boosted_by": boosted_by[:200],
            "boost_id": boost_id[:500], "author_url": author_url[:500],
        },
    )
    _succeeded(source, now)
    return entry


def remove_pushed_entry(source, guid):
    """Forget an entry its source deleted; whether there was one. A post the source only boosted
    is not its to delete (its author's Delete removes it: remove_boosted_post)."""
    others = source.entries.exclude(boost_id="").exclude(author_url=source.url)
    return source.entries.filter(guid=guid).exclude(pk__in=others.values("pk")).delete()[0] > 0


def remove_boosted_entry(source, boost_id):
    """Forget the entry a source's boost brought, now the boost is undone; whether there was one.

    A boost of the source's own post (Mastodon lets an account boost itself) leaves the post, as
    its own entry, only no longer marked boosted."""
    if not boost_id:
        return False
    entries = source.entries.filter(boost_id=boost_id)
    own = entries.filter(author_url=source.url).update(boosted_by="", boost_id="", author_url="")
    return own + entries.delete()[0] > 0


def remove_boosted_post(guid, *, author_url):
    """Forget every entry boosts brought of the post `guid` by `author_url`, which its author
    deleted; whether there was one."""
    return Entry.objects.filter(guid=guid, author_url=author_url).exclude(boost_id="").delete()[0] > 0


def record_source_error(source, message):
    """Show a problem with a source in its reader's list (a refused follow, say)."""
    source.error_count = max(source.error_count, 1)
    source.last_error = message[:2000]
    source.save(update_fields=["error_count", "last_error"])


def mark_read(user, entry):
    ReadMark.objects.get_or_create(user=user, entry=entry)


def mark_post_read(user, post):
    """Mark a post of a blog `user` follows here read in their reader."""
    PostReadMark.objects.get_or_create(user=user, post=post)


def mark_all_read(user, posts=None):
    """Mark every entry of the user's sources read, and the posts of `posts` (the followed blogs')."""
    unread = Entry.objects.filter(source__subscriptions__user=user, pruned=False).exclude(read_marks__user=user)
    ReadMark.objects.bulk_create(
        [ReadMark(user=user, entry_id=pk) for pk in unread.values_list("pk", flat=True)], ignore_conflicts=True
    )
    if posts is not None:
        unread_posts = posts.filter(published_at__gte=reader_horizon()).exclude(
            pk__in=PostReadMark.objects.filter(user=user).values("post_id")
        )
        PostReadMark.objects.bulk_create(
            [PostReadMark(user=user, post_id=pk) for pk in unread_posts.values_list("pk", flat=True)],
            ignore_conflicts=True,
        )


def reader_horizon(now=None):
    """Nothing older than this shows in the reader, read or not."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.SAMIZDAT_READER_KEEP_UNREAD_DAYS)


def prune(now=None):
    """Take old entries out of the reader (see the module's note); returns how many were pruned."""
    now = now or timezone.now()
    read_before = now - datetime.timedelta(days=settings.SAMIZDAT_READER_KEEP_DAYS)
    horizon = reader_horizon(now)
    # An entry is old when it is old on both clocks: a feed may date an item it just published in the past.
    # Someone who follows the entry's feed has not read it yet.
    unread_by_someone = Subscription.objects.filter(source_id=OuterRef("source_id")).exclude(
        user__in=ReadMark.objects.filter(entry_id=OuterRef(OuterRef("pk"))).values("user_id")
    )
    old_read = Entry.objects.filter(
        pruned=False, fetched_at__lt=read_before, published_at__lt=read_before
    ).exclude(Exists(unread_by_someone))
    very_old = Entry.objects.filter(pruned=False, fetched_at__lt=horizon, published_at__lt=horizon)
    pruned = 0
    for rows in (old_read, very_old):
        while ids := list(rows.values_list("pk", flat=True)[:1000]):
            with transaction.atomic():
                ReadMark.objects.filter(entry_id__in=ids).delete()
                pruned += Entry.objects.filter(pk__in=ids).update(pruned=True, content_html="", title="", author="")
    # Read marks of local posts past the horizon: the reader no longer lists those posts.
    PostReadMark.objects.filter(post__published_at__lt=horizon).delete()
    return pruned


# OPML (opml.org/spec2.opml): the list of feeds, to move between readers.


def import_opml(user, content, take_local=None):
    """Follow every feed an OPML file lists; returns (followed, skipped). Feeds are polled later.

    `take_local(url)` may claim an address (a blog of this instance, followed locally) by
    returning something true.
    """
    parsed = listparser.parse(content)
    if not parsed.version and not parsed.feeds:
        raise SubscribeError(_("That file is not an OPML subscription list."))
    followed = skipped = 0
    for feed in parsed.feeds[:OPML_MAX_FEEDS]:
        url = (feed.get("url") or "").strip()
        if not url.startswith(("http://", "https://")) or len(url) > 2000:
            skipped += 1
            continue
        if take_local is not None and take_local(url):
            followed += 1
            continue
        source, _created = Source.objects.get_or_create(url=url, defaults={"title": (feed.get("title") or "")[:300]})
        Subscription.objects.get_or_create(user=user, source=source)
        followed += 1
    return followed, skipped + max(0, len(parsed.feeds) - OPML_MAX_FEEDS)


def export_opml(user, local_feeds=()):
    """OPML 2.0 bytes listing the user's feeds, and the local blogs' feeds given as (title, url)."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = _("Subscriptions of %(name)s") % {"name": user.get_username()}
    etree.SubElement(head, "dateCreated").text = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = etree.SubElement(root, "body")
    sources = Source.objects.filter(subscriptions__user=user, kind=Source.Kind.FEED).order_by("title", "url")
    rows = [(s.title or s.url, s.url, s.site_url) for s in sources] + [(t, u, "") for t, u in local_feeds]
    for title, url, site in rows:
        attrs = {"type": "rss", "text": title, "title": title, "xmlUrl": url}
        if site:
            attrs["htmlUrl"] = site
        etree.SubElement(body, "outline", **attrs)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def unread_filter(user):
    return ~Q(read_marks__user=user)


def reader_data_of(user):
    """The feeds and fediverse accounts the account follows in its Reader, for its download."""
    return {"reader": [
        {"kind": s.source.kind, "address": s.source.url, "site": s.source.site_url, "title": s.source.title,
         "since": s.created_at.isoformat()}
        for s in Subscription.objects.filter(user=user).select_related("source").order_by("created_at")
    ]}
