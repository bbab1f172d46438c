"""Webmention (W3C Recommendation, 2017-01-12): receiving mentions of our posts and sending ours.

Receiving (§3.2): /@<blog>/webmention checks source and target at once (400 when wrong), stores
the mention and answers 202; the worker fetches the source through the SSRF-safe client, checks
that it links to the target, and makes (or updates, or on 410 deletes) a comment that goes
through the blog's moderation like any other.

Sending (§3.1): once a post is published, or edited while published, the worker finds the
Webmention endpoint of each page it links to (Link header, then the first <link> or <a> with
rel="webmention") and notifies it, all through the SSRF-safe client.
"""

import datetime
import hashlib
import logging
import re
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import lxml.html
import mf2py
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.http.request import validate_host
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from samizdat.accounts import ratelimit
from samizdat.blogs.models import Blog
from samizdat.comments import services as comment_services
from samizdat.core import http
from samizdat.core.clients import client_address
from samizdat.core.links import absolute_url
from samizdat.posts.models import Post

from . import services, tasks
from .models import SentWebmention, Webmention, WebmentionCheck

logger = logging.getLogger(__name__)
MAX_SOURCE_BYTES = 1024 * 1024
MAX_COMMENT_CHARS = 2000
MAX_TARGETS = 50


# Receiving


def _bad(message):
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def endpoint(request, blog_slug):
    """§3.2.1: check the request, keep it, verify later (202 Accepted)."""
    blog = Blog.objects.filter(slug=blog_slug).first()
    if blog is None:
        return HttpResponse("No such blog.", status=404, content_type="text/plain")
    source, target = request.POST.get("source", "").strip(), request.POST.get("target", "").strip()
    for name, url in (("source", source), ("target", target)):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
            return _bad(f"The {name} must be an http or https URL.")
    if urldefrag(source)[0] == urldefrag(target)[0]:
        return _bad("The source and the target are the same page.")
    post = services.post_for_url(urldefrag(target)[0], blog=blog)
    if post is None or not post.is_live:
        return _bad("The target is no published post or page of this blog.")
    limits = ratelimit.webmention_limits(client_address(request))
    wait = ratelimit.retry_after(ratelimit.WEBMENTION, limits)
    if wait:
        response = HttpResponse("Too many webmentions from here; try again later.", status=429,
                                content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(wait)
        return response
    with transaction.atomic():
        ratelimit.record_failure(ratelimit.WEBMENTION, address=limits[0].key)  # each accepted one counts
        mention, _created = Webmention.objects.update_or_create(
            source=source, post=post, defaults={"target": target, "status": Webmention.Status.PENDING, "error": ""}
        )
        pk = mention.pk
        transaction.on_commit(lambda: tasks.verify_webmention_task(pk))
    return HttpResponse("Accepted: the source will be checked shortly.", status=202, content_type="text/plain")


def _links_to(document, content_type, target):
    """§3.2.2: does the source mention the target (an exact link in HTML, the text elsewhere)?"""
    wanted = {target, urldefrag(target)[0]}
    if content_type in ("text/html", "application/xhtml+xml"):
        try:
            tree = lxml.html.document_fromstring(document)
        except (ValueError, lxml.etree.ParserError):
            return False
        return any(
            element.get(attribute) in wanted
            for element in tree.iter()
            if isinstance(element.tag, str)
            for attribute in ("href", "src")
        )
    return (target if isinstance(document, str) else target.encode()) in document


def _h_entry_text(document, url):
    """(author name, text) of the source's first h-entry, either empty when there is none."""
    try:
        parsed = mf2py.parse(doc=document, url=url, html_parser="lxml")
    except Exception:  # noqa: BLE001 - a page we cannot parse is still a mention, shown plainly
        logger.info("Could not parse microformats of %s", url)
        return "", ""
    for item in parsed.get("items", []):
        if "h-entry" not in item.get("type", []):
            continue
        props = item.get("properties", {})
        author = ""
        for value in props.get("author", []):
            author = value if isinstance(value, str) else " ".join(value.get("properties", {}).get("name", []))
            break
        text = ""
        for key in ("content", "summary", "name"):
            for value in props.get(key, []):
                text = value.get("value", "") if isinstance(value, dict) else str(value)
                break
            if text:
                break
        return author.strip(), " ".join(text.split())
    return "", ""


def verify(mention_id):
    """Fetch a received mention's source and turn it into a comment, update it, or remove it."""
    mention = Webmention.objects.select_related("post__blog", "comment").filter(pk=mention_id).first()
    if mention is None:
        return None
    try:
        response = http.fetch(mention.source, max_bytes=MAX_SOURCE_BYTES, timeout=15)
    except http.FetchError as error:
        if error.status in (404, 410):
            return _withdraw(mention, Webmention.Status.DELETED, "The source is gone.")
        return _refuse(mention, str(error))
    if not _links_to(response.markup, response.content_type, mention.target):
        return _withdraw(mention, Webmention.Status.REJECTED, "The source does not link to the target.")
    author, text = ("", "")
    if response.content_type in ("text/html", "application/xhtml+xml"):
        author, text = _h_entry_text(response.markup, response.url)
    host = urlsplit(mention.source).hostname or mention.source
    name = (author or host)[:100]
    body = (text[:MAX_COMMENT_CHARS] + ("…" if len(text) > MAX_COMMENT_CHARS else "")) if text else ""
    body = f"{body}\n\n{mention.source}" if body else f"Mentioned this at {mention.source}"
    with transaction.atomic():
        if mention.comment is not None:
            comment_services.edit_comment(mention.comment, body=body, name=name, url=mention.source)
        else:
            # The time-to-fill check is for forms; the source was fetched and checked instead.
            submission = comment_services.Submission(
                body=body, name=name, url=mention.source[:200], elapsed=float(settings.SAMIZDAT_COMMENT_MIN_SECONDS)
            )
            try:
                mention.comment, _created = comment_services.submit_comment(mention.post, submission)
            except comment_services.CommentRefused as error:
                return _refuse(mention, " ".join(error.messages))
        mention.status, mention.error, mention.verified_at = Webmention.Status.ACCEPTED, "", timezone.now()
        mention.save(update_fields=["comment", "status", "error", "verified_at"])
    return mention


def _refuse(mention, error):
    mention.status, mention.error = Webmention.Status.REJECTED, error[:500]
    mention.save(update_fields=["status", "error"])
    return mention


def _withdraw(mention, status, error):
    """The source is gone or no longer links here: its comment goes too (§3.2.4)."""
    with transaction.atomic():
        if mention.comment is not None:
            comment_services.moderate(mention.comment, "delete")
            mention.comment = None
        mention.status, mention.error = status, error
        mention.save(update_fields=["comment", "status", "error"])
    return mention


# Sending


_LINK_PART = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")


def _link_header_endpoint(values, base):
    """The first rel=webmention URL of Link headers (RFC 8288), resolved against `base`."""
    for value in values:
        for match in _LINK_PART.finditer(value):
            params = {}
            for param in match.group(2).split(";"):
                key, _sep, val = param.strip().partition("=")
                if key:
                    params[key.strip().lower()] = val.strip().strip('"')
            if "webmention" in params.get("rel", "").lower().split():
                return urljoin(base, match.group(1).strip())
    return None


def _html_endpoint(document, base):
    """The first <link> or <a> with rel="webmention" and an href, in document order."""
    try:
        tree = lxml.html.document_fromstring(document)
    except (ValueError, lxml.etree.ParserError):
        return None
    for element in tree.iter("link", "a"):
        if "webmention" in (element.get("rel") or "").lower().split() and element.get("href") is not None:
            return urljoin(base, element.get("href"))
    return None


def discover_endpoint(url):
    """The Webmention endpoint of the page at `url` (§3.1.2), or None; FetchError when it cannot be read."""
    response = http.fetch(url, max_bytes=MAX_SOURCE_BYTES, timeout=15)
    # The client joins repeated Link headers with commas, which RFC 8288 allows.
    found = _link_header_endpoint([response.headers.get("link", "")], response.url)
    if found is None and response.content_type in ("text/html", "application/xhtml+xml"):
        found = _html_endpoint(response.markup, response.url)
    return found


def _own_host(hostname):
    return validate_host(hostname or "", settings.SAMIZDAT_HOSTS) or Blog.objects.filter(custom_domain=hostname).exists()


def outgoing_targets(post):
    """The other sites' pages a post links to, in order, without repeats."""
    tree = lxml.html.fragment_fromstring(post.html or "<p></p>", create_parent="div")
    targets = []
    for element in tree.iter("a"):
        href = urldefrag(element.get("href") or "")[0]
        parts = urlsplit(href)
        if parts.scheme in ("http", "https") and parts.hostname and not _own_host(parts.hostname):
            targets.append(href)
    return list(dict.fromkeys(targets))[:MAX_TARGETS]


def send_for_post(post_id):
    """Notify every page a published post links to; returns how many accepted. Safe to run again."""
    post = Post.objects.select_related("blog").filter(pk=post_id).first()
    if post is None or not post.is_live:
        return 0
    source = absolute_url(post.get_absolute_url())
    sent = 0
    for target in outgoing_targets(post):
        record, _created = SentWebmention.objects.get_or_create(post=post, target=target)
        try:
            endpoint_url = discover_endpoint(target)
            if endpoint_url is None:
                record.status, record.error = "no_endpoint", ""
            else:
                record.endpoint = endpoint_url[:500]
                answer = http.post(
                    endpoint_url, urlencode({"source": source, "target": target}).encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=15,
                )
                if 200 <= answer.status < 300:
                    record.status, record.error, record.sent_at = "sent", "", timezone.now()
                    sent += 1
                else:
                    record.status, record.error = "failed", f"the endpoint answered HTTP {answer.status}"
        except http.FetchError as error:
            record.status, record.error = "failed", str(error)[:500]
        record.save()
    WebmentionCheck.objects.update_or_create(post=post, defaults={"html_digest": _digest(post)})
    return sent


def _digest(post):
    return hashlib.sha256(post.html.encode()).hexdigest()


def queue_due_posts():
    """Queue sending for live posts never sent or changed since; how many were queued."""
    queued = 0
    recent = Post.objects.live().filter(updated_at__gte=timezone.now() - datetime.timedelta(days=2))
    checks = dict(WebmentionCheck.objects.filter(post__in=recent).values_list("post_id", "html_digest"))
    for post in recent.only("pk", "html"):
        if checks.get(post.pk) != _digest(post):
            tasks.send_webmentions_task(post.pk)
            queued += 1
    return queued
