"""Comments: taking them in, the moderation rules, moderators' actions and email subscriptions."""

import contextlib
import dataclasses
import datetime
import ipaddress
import logging
import time

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from samizdat.accounts.services import email_addresses_of
from samizdat.blogs.roles import Cap
from samizdat.blogs.services import membership_for
from samizdat.core import rows
from samizdat.core.html import COMMENT_TAGS, sanitize_html, strip_tags
from samizdat.core.links import absolute_url
from samizdat.pages import invalidation
from samizdat.posts.models import Post

# services and tasks import each other: tasks run services, and services queue tasks once their
# transaction commits. Neither uses the other while being imported.
from . import outbox, signals, spam, tasks
from .models import (
    Comment, CommentSettings, OutgoingEmail, Policy, PostDiscussion, PostMailing, Subscription, fingerprint,
)
from .rendering import COMMENT_ATTRIBUTES, count_links, render_comment

logger = logging.getLogger(__name__)

MAX_LINKS = 2
SPAM_THRESHOLD = 0.9  # the filter's probability above which a comment goes to spam
SUSPECT_THRESHOLD = 0.6  # ... and above which it is held for a moderator
DUPLICATE_WINDOW = datetime.timedelta(days=1)
CONFIRMATION_RESEND_AFTER = datetime.timedelta(minutes=10)

# Why a comment was held (pending) or sent to spam; the moderation queue shows these.
HOLD_REASONS = {
    "honeypot": gettext_lazy("Filled in the hidden field that only robots see."),
    "too_fast": gettext_lazy("Sent sooner after the page loaded than a person can write."),
    "form_token": gettext_lazy("Sent without a valid form token (not from our page, or from a very old one)."),
    "links": gettext_lazy("Contains many links."),
    "duplicate": gettext_lazy("The same text as a recent comment."),
    "blocked_word": gettext_lazy("Contains a blocked word."),
    "blocked_email": gettext_lazy("Sent from a blocked email address."),
    "blocked_ip": gettext_lazy("Sent from a blocked IP address."),
    "filter_spam": gettext_lazy("The spam filter is almost sure it is spam."),
    "filter_suspect": gettext_lazy("The spam filter finds it suspect."),
    "first_time": gettext_lazy("First comment from this commenter on this blog."),
    "hold_all": gettext_lazy("The blog holds every comment for moderation."),
}
SPAM_REASONS = {"honeypot", "blocked_word", "blocked_email", "blocked_ip", "filter_spam"}


class CommentRefused(ValidationError):
    """A comment not taken in at all (closed, rate-limited, invalid parent); the message says why."""


@dataclasses.dataclass
class Submission:
    """What a comment form sent, already validated as field values."""

    body: str
    name: str = ""
    email: str = ""
    url: str = ""
    parent_id: int | None = None
    nonce: str = ""
    # Seconds between rendering the form and sending it; None when the form token was missing or bad.
    elapsed: float | None = None
    honeypot: str = ""
    notify_replies: bool = False
    notify_posts: bool = False


# Settings


def settings_for(blog):
    """The blog's comment settings (unsaved defaults when it has none yet)."""
    try:
        return blog.comment_settings
    except CommentSettings.DoesNotExist:
        return CommentSettings(blog=blog)


def save_settings(comment_settings):
    """Validate and store a blog's comment settings."""
    comment_settings.thread_depth = max(1, min(comment_settings.thread_depth, 10))
    comment_settings.full_clean()
    comment_settings.save()
    return comment_settings


def post_switch_open(post):
    """The post's own switch (on unless turned off)."""
    if Post.discussion.is_cached(post):  # select_related("discussion") saved a query
        try:
            return post.discussion.open
        except PostDiscussion.DoesNotExist:
            return True
    return not PostDiscussion.objects.filter(post=post, open=False).exists()


def post_taking_comments(blog, post_id):
    """The blog's live post `post_id`, read with its blog's comment settings and its own comments
    switch, for taking a comment in; None when there is none.

    One plain SELECT (samizdat.core.rows): it runs for every comment, and building the ORM's query
    for the same rows cost several times more CPU than running it."""
    found = rows.first_with(
        Post, [(CommentSettings, "blog_id", "blog_id"), (PostDiscussion, "post_id", "id")], id=post_id, blog_id=blog.pk
    )
    if found is None:
        return None
    post, (comment_settings, discussion) = found
    if post.kind != Post.Kind.POST or not post.is_live:
        return None
    post.blog = blog
    # Cached on the owners' reverse accessors; None is "no row", which the accessor answers as such.
    CommentSettings._meta.get_field("blog").remote_field.set_cached_value(blog, comment_settings)
    PostDiscussion._meta.get_field("post").remote_field.set_cached_value(post, discussion)
    return post


def set_post_open(post, open_):
    """Turn comments on one post on or off."""
    discussion, _created = PostDiscussion.objects.update_or_create(post=post, defaults={"open": open_})
    post.discussion = discussion  # this instance's cached switch (post_switch_open) follows too


def closed_reason(post, comment_settings=None, *, switch_open=None):
    """None when the post takes comments, else a sentence saying why not."""
    comment_settings = comment_settings or settings_for(post.blog)
    if not post.is_live:
        return _("Comments open when the post is published.")
    if not comment_settings.enabled:
        return _("Comments are off on this blog.")
    if not (post_switch_open(post) if switch_open is None else switch_open):
        return _("Comments are closed on this post.")
    days = comment_settings.close_after_days
    if days is not None and post.published_at + datetime.timedelta(days=days) < timezone.now():
        return _("Comments are closed.")
    return None


# Taking a comment in


def _lines(text):
    return [line.strip().lower() for line in (text or "").splitlines() if line.strip()]


def _blocked(comment, comment_settings):
    """Blocklist reason codes the comment matches."""
    found = []
    haystack = " ".join([comment.body, comment.author_name, comment.author_email, comment.author_url]).lower()
    if any(word in haystack for word in _lines(comment_settings.blocked_words)):
        found.append("blocked_word")
    email = comment.author_email.lower()
    for entry in _lines(comment_settings.blocked_emails):
        if email and (email == entry or (entry.startswith("@") and email.endswith(entry))):
            found.append("blocked_email")
            break
    if comment.ip:
        address = ipaddress.ip_address(comment.ip)
        for entry in _lines(comment_settings.blocked_ips):
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    found.append("blocked_ip")
                    break
            except ValueError:
                continue
    return found


def _is_duplicate(comment):
    # An indexed digest rather than the texts: a busy thread has hundreds of comments a day.
    since = timezone.now() - DUPLICATE_WINDOW
    recent = Comment.objects.filter(
        fingerprint=fingerprint(comment.body), created_at__gte=since, post__blog_id=comment.post.blog_id
    )
    return recent.filter(Q(post=comment.post) | _identity(comment)).exists()


def _identity(comment):
    """Who wrote a comment, for "known commenter" and duplicates: the account, the email, or for a
    remote comment its author's profile."""
    if comment.user_id:
        return Q(user=comment.user)
    if not comment.local:
        return Q(local=False, author_url=comment.author_url)
    if not comment.author_email:
        # Without an address (a Webmention, say) nothing ties this commenter to earlier comments.
        return Q(pk__in=[])
    return Q(author_email__iexact=comment.author_email)


def _is_known(comment):
    earlier = Comment.objects.filter(post__blog_id=comment.post.blog_id, status=Comment.Status.APPROVED)
    return earlier.filter(_identity(comment)).exists()


def assess(comment, submission, comment_settings, *, duplicate=None):
    """The status and reason codes for a new comment under the blog's rules and the spam checks
    (`duplicate`: whether it repeats a recent comment, when the caller knows already)."""
    reasons = []
    if submission.honeypot:
        reasons.append("honeypot")
    if submission.elapsed is None:
        reasons.append("form_token")
    elif submission.elapsed < settings.SAMIZDAT_COMMENT_MIN_SECONDS:
        reasons.append("too_fast")
    if count_links(comment.body) > MAX_LINKS:
        reasons.append("links")
    reasons += _blocked(comment, comment_settings)
    if _is_duplicate(comment) if duplicate is None else duplicate:
        reasons.append("duplicate")
    comment.spam_score = spam.spam_probability(comment)
    if comment.spam_score is not None:
        if comment.spam_score >= SPAM_THRESHOLD:
            reasons.append("filter_spam")
        elif comment.spam_score >= SUSPECT_THRESHOLD:
            reasons.append("filter_suspect")
    if comment_settings.policy == Policy.HOLD_ALL:
        reasons.append("hold_all")
    elif comment_settings.policy == Policy.HOLD_FIRST and not _is_known(comment):
        reasons.append("first_time")
    if any(r in SPAM_REASONS for r in reasons):
        return Comment.Status.SPAM, reasons
    return (Comment.Status.PENDING if reasons else Comment.Status.APPROVED), reasons


def _trusted(user, post):
    """Members who moderate the blog, and the post's author, are published at once."""
    if user is None or not user.is_authenticated:
        return False
    if post.author_id == user.pk:
        return True
    membership = membership_for(user, post.blog)
    return membership is not None and membership.can(Cap.MODERATE_COMMENTS)


# What taking a guest's comment in needs to know from the comments table, in one query: the
# comment a resent form already stored (by its nonce), every (identity, window) count of the rate
# limits, and whether the same text came from this commenter, or to this post, in the last day
# (the duplicate check). Plain SQL: the ORM took about 1 ms of CPU to build the rate counts alone
# (a tenth of a comment's cost) and each other query about 0.3 ms, where this one takes 0.05 ms,
# and on PostgreSQL it is one round trip instead of three. Each count reads one identity's index
# (address, account, or LOWER(email), the iexact the rest of the app uses for emails) and stops at
# the limit: on the day a report spreads, the site's comments of the last hour are many, one
# reader's few, and a shared address's never more than the limit lets in. The nonce is looked up
# by its partial unique index (its condition written as the index's own, which SQLite needs to
# use it) and the duplicate by the text's digest: neither reads the post's other comments, as
# both engines did before, on a post with thousands of them (PostgreSQL: 0.1 ms of its CPU a
# comment at 600 on the post, 0.7 ms at 3,000).
_INTAKE_SQL = """
SELECT {counts},
  (SELECT id FROM {table} WHERE post_id = %s AND nonce = %s AND NOT (nonce = '')),
  EXISTS (SELECT 1 FROM {table} c WHERE c.fingerprint = %s AND c.created_at >= %s
          AND (c.post_id = %s OR ({same_author} AND c.post_id IN (SELECT id FROM {posts} WHERE blog_id = %s))))
"""
_RATE_COUNT = "(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {identity} AND created_at >= %s LIMIT %s) AS recent)"
_RATE_IDENTITIES = {"ip": "ip = %s", "user": "user_id = %s", "email": "LOWER(author_email) = LOWER(%s)"}
_SAME_AUTHOR = {"user": "c.user_id = %s", "email": "LOWER(c.author_email) = LOWER(%s)"}


@dataclasses.dataclass
class _Intake:
    existing_id: int | None
    counts: list
    duplicate: bool


def _intake(post, submission, user, ip):
    """The comments table's facts about a new local comment (see _INTAKE_SQL)."""
    now = timezone.now()
    identities = []
    if ip:
        identities.append(("ip", ip))
    if user is not None:
        identities.append(("user", user.pk))
    elif submission.email:
        identities.append(("email", submission.email.strip()))
    ops = connection.ops
    table = ops.quote_name(Comment._meta.db_table)
    counts, params = [], []
    for kind, value in identities:
        for window, limit in _rate_limits():
            counts.append(_RATE_COUNT.format(table=table, identity=_RATE_IDENTITIES[kind]))
            params += [value, ops.adapt_datetimefield_value(now - window), limit]
    params += [post.pk, submission.nonce]
    # The duplicate check's author: the account, else the email (a guest without one: the post only).
    author = [i for i in identities if i[0] != "ip"]
    same_author = _SAME_AUTHOR[author[0][0]] if author else "1 = 0"
    params += [fingerprint(submission.body), ops.adapt_datetimefield_value(now - DUPLICATE_WINDOW), post.pk]
    params += [author[0][1]] if author else []
    params += [post.blog_id]
    sql = _INTAKE_SQL.format(
        table=table, posts=ops.quote_name(Post._meta.db_table), same_author=same_author,
        # A comment with no address, account or email to count by (a Webmention) counts nothing,
        # but its nonce and duplicate are still checked.
        counts=", ".join(counts) or "0",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        *found, existing_id, duplicate = cursor.fetchone()
    return _Intake(existing_id=existing_id, counts=found if counts else [], duplicate=bool(duplicate))


def _rate_limits():
    return [
        (datetime.timedelta(minutes=1), settings.SAMIZDAT_COMMENT_RATE_PER_MINUTE),
        (datetime.timedelta(hours=1), settings.SAMIZDAT_COMMENT_RATE_PER_HOUR),
    ]


def _check_rate(intake):
    limits = _rate_limits()
    if any(n >= limit for n, (_window, limit) in zip(intake.counts, limits * (len(intake.counts) // len(limits)))):
        raise CommentRefused(
            _("You are commenting too fast. Please wait a little and send your comment again."),
            code="rate_limited",
        )


def _parent(post, parent_id, comment_settings):
    if not parent_id:
        return None
    parent = Comment.objects.filter(pk=parent_id, post=post, status=Comment.Status.APPROVED).first()
    if parent is None:
        raise CommentRefused(_("The comment you are replying to is not there any more."), code="parent")
    # Past the blog's depth a reply joins the deepest allowed level, under the same thread.
    while parent.depth >= comment_settings.thread_depth and parent.parent_id:
        parent = parent.parent
    if parent.depth >= comment_settings.thread_depth:
        return None if comment_settings.thread_depth <= 1 else parent
    return parent


def _settings_if_open(post):
    """The blog's comment settings; CommentRefused when the post takes no comments."""
    comment_settings = settings_for(post.blog)
    reason = closed_reason(post, comment_settings)
    if reason:
        raise CommentRefused(reason, code="closed")
    return comment_settings


def _announce(signal, comment_id):
    # After the commit, so receivers see the change; a failing receiver never undoes it.
    transaction.on_commit(lambda: signal.send_robust(sender=Comment, comment_id=comment_id))


# A new comment's notices (the author's email, follow-ups, federation) are due from its own row:
# `notices_due`, written by the comment's INSERT, in the same transaction. The worker sends them
# (`send_due_notices`), woken by a task each process queues at most once a NOTICE_WINDOW, and
# sweeps every minute and at its start: a comment costs no queue write of its own, and one
# accepted just before a crash or kill, or while no worker runs, still gets its notices.
NOTICE_WINDOW = 1.0  # seconds
NOTICE_BATCH = 200
_notices_woken_at = -NOTICE_WINDOW  # time.monotonic() when this process last queued the sweep


def _wake_notices():
    """After a new comment's commit: make sure a sweep runs after it, without a queue write each."""
    global _notices_woken_at
    task = tasks.send_comment_notices_task
    try:
        if task.huey.immediate:  # tests: the sweep runs now, in this process
            task()
            return
        now = time.monotonic()
        if now - _notices_woken_at < NOTICE_WINDOW:
            return  # a sweep queued less than a window ago runs after this commit (delay below)
        _notices_woken_at = now
        # Run no sooner than a window after the latest commit it is queued for covers.
        task.schedule(delay=2 * NOTICE_WINDOW)
    except Exception:
        logger.exception("Could not queue the sweep of comment notices (the minute's sweep sends them)")


def _notify_new(comment):
    """The comment was saved with `notices_due` set: wake the sweep once it is committed."""
    transaction.on_commit(_wake_notices)


def _notice_emails(comment):
    """The emails a new comment makes due: its author's notice, and follow-ups when it is approved."""
    # Checked again when each is sent; not storing one when the blog mails no author saves a write.
    emails = []
    if comment.status != Comment.Status.SPAM and settings_for(comment.post.blog).notify_authors:
        emails.append(author_notice_email(comment.pk))
    if comment.status == Comment.Status.APPROVED:
        emails += follow_up_emails(comment)
    return emails


NOTICE_LEASE = datetime.timedelta(minutes=5)  # far longer than queueing one comment's tasks takes


def send_due_notices():
    """Queue the notices of new comments that are due (worker); how many comments."""
    # A comment's emails are stored (samizdat.comments.outbox) in the transaction that clears
    # `notices_due`, so they are due from then on whatever happens to this sweep or the queue. The
    # claim is a lease: two live sweeps never take one comment, and a claim older than NOTICE_LEASE
    # (its sweep was killed, or lost its database) is taken again. Federation queues its work from
    # the signal; a queue write lost there is left to its own sweep (federate_due_comments_task).
    sent = 0
    while True:
        now = timezone.now()
        free = Q(notices_due=True) & (Q(notices_claimed_at=None) | Q(notices_claimed_at__lt=now - NOTICE_LEASE))
        due = list(Comment.objects.filter(free).select_related("post__blog__comment_settings").order_by("pk")[:NOTICE_BATCH])
        email_ids = []
        try:
            for comment in due:
                if not Comment.objects.filter(free, pk=comment.pk).update(notices_claimed_at=now):
                    continue  # another sweep's
                try:
                    with transaction.atomic():
                        email_ids += outbox.store(_notice_emails(comment))
                        Comment.objects.filter(pk=comment.pk).update(notices_due=False)
                except Exception:
                    Comment.objects.filter(pk=comment.pk).update(notices_claimed_at=None)  # the next sweep, then
                    raise
                signals.comment_changed.send_robust(sender=Comment, comment_id=comment.pk)
                sent += 1
        finally:
            outbox.wake(email_ids)
        if len(due) < NOTICE_BATCH:
            return sent


def submit_comment(post, submission, *, user=None, ip=None):
    """Take a comment from the form: (comment, created). A resent form returns the first comment."""
    user = user if user is not None and user.is_authenticated else None
    intake = _intake(post, submission, user, ip)
    if intake.existing_id is not None:  # a resent form: its first comment
        return Comment.objects.get(pk=intake.existing_id), False
    comment_settings = _settings_if_open(post)
    _check_rate(intake)
    parent = _parent(post, submission.parent_id, comment_settings)
    comment = Comment(
        post=post, parent=parent, depth=(parent.depth + 1) if parent else 1, user=user,
        author_name=user.name if user else submission.name.strip(),
        author_email=(user.email if user else submission.email.strip()),
        author_url="" if user else submission.url.strip(),
        body=submission.body.strip(), html=render_comment(submission.body.strip()),
        ip=ip, nonce=submission.nonce, notices_due=True,
    )
    if _trusted(user, post):
        comment.status, comment.reasons = Comment.Status.APPROVED, []
    else:
        comment.status, comment.reasons = assess(comment, submission, comment_settings, duplicate=intake.duplicate)
    try:
        with transaction.atomic():
            comment.save()
            if submission.notify_replies and comment.author_email:
                subscribe(comment.author_email, Subscription.Kind.REPLIES, post.blog, post=post)
            if submission.notify_posts and comment.author_email:
                subscribe(comment.author_email, Subscription.Kind.POSTS, post.blog)
    except IntegrityError:
        # The same form sent twice at once: the other request stored it.
        existing = Comment.objects.filter(post=post, nonce=submission.nonce).first()
        if existing is None:
            raise
        return existing, False
    _notify_new(comment)
    return comment, True


def import_comment(post, *, parent, author_name, author_email, author_url, html, status, created_at,
                   user=None, comment=None):
    """Store (or update) a comment brought from another platform as it was there: its date, status and
    place in the thread; nobody is notified and the spam filter is not asked."""
    comment = imported_comment(
        post, parent=parent, author_name=author_name, author_email=author_email, author_url=author_url,
        html=html, status=status, created_at=created_at, user=user, comment=comment,
    )
    store_imported_comments([comment])
    return comment


def imported_comment(post, *, parent, author_name, author_email, author_url, html, status, created_at,
                     user=None, comment=None):
    """A comment brought from another platform, filled in as it was there but not stored yet: an
    importer stores many at once with `store_imported_comments`."""
    comment = comment or Comment(post=post)
    comment.post, comment.parent, comment.user = post, parent, user
    comment.depth = (parent.depth + 1) if parent else 1
    comment.author_name = (author_name or _("Anonymous")).strip()[:100]
    comment.author_email = author_email if _valid_email(author_email) else ""
    comment.author_url = author_url[:200] if author_url.startswith(("http://", "https://")) else ""
    comment.body = html
    comment.fingerprint = fingerprint(html)  # bulk_create does not call save(), which sets it
    comment.html = sanitize_html(html, tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES, link_rel="nofollow ugc noopener")
    comment.status, comment.reasons = status, []
    comment.created_at = created_at
    return comment


_IMPORTED_FIELDS = ["post", "parent", "user", "depth", "author_name", "author_email", "author_url", "body", "html",
                    "fingerprint", "status", "reasons", "created_at", "updated_at"]


def store_imported_comments(comments):
    """Store comments made by `imported_comment` (new ones and changed ones) in a few statements.

    Parents must be stored before their replies: a reply is given its parent's row, not its text."""
    if not comments:
        return
    new = [c for c in comments if c.pk is None]
    changed = [c for c in comments if c.pk is not None]
    dates = [c.created_at for c in new]
    now = timezone.now()
    for comment in changed:
        comment.updated_at = now
    with contextlib.ExitStack() as stack:
        # bulk_create and bulk_update send no signals: each blog says its pages change.
        for blog_id in {c.post.blog_id for c in comments}:
            stack.enter_context(invalidation.changing(blog_id))
        Comment.objects.bulk_create(new)
        # created_at is set on insert (auto_now_add); the original date replaces it.
        for comment, date in zip(new, dates):
            comment.created_at = date
        _update_rows(new, ["created_at"])
        _update_rows(changed, _IMPORTED_FIELDS)


def _update_rows(comments, names):
    """UPDATE each comment's `names` columns, one prepared statement for all rows: bulk_update's
    CASE expressions cost more to build than the rows cost to write."""
    if not comments:
        return
    fields = [Comment._meta.get_field(name) for name in names]
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(Comment._meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in fields), quote(Comment._meta.pk.column)
    )
    values = [[f.get_db_prep_save(getattr(c, f.attname), connection) for f in fields] + [c.pk] for c in comments]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


def _sanitized_remote(html):
    # Links in other servers' HTML (mentions, hashtags) get the same rel as links in local comments.
    return sanitize_html(html or "", tags=COMMENT_TAGS, attributes=COMMENT_ATTRIBUTES, link_rel="nofollow ugc noopener")


def receive_remote_comment(post, *, parent, ap_id, author_name, author_url, author_avatar, html, created_at=None):
    """A reply from another server: (comment, created). Moderated as a guest's comment is (blog
    policy, blocklists, links, duplicates, spam filter), with the remote profile as its identity;
    the same reply received again returns the first comment."""
    existing = Comment.objects.filter(ap_id=ap_id).first()
    if existing is not None:
        return existing, False
    comment_settings = _settings_if_open(post)
    if parent is not None:
        parent = _parent(post, parent.pk, comment_settings)
    clean = _sanitized_remote(html)
    comment = Comment(
        post=post, parent=parent, depth=(parent.depth + 1) if parent else 1,
        author_name=(author_name or _("Anonymous")).strip()[:100], author_url=author_url[:200],
        author_avatar=author_avatar, body=strip_tags(clean).strip() or "…", html=clean,
        ap_id=ap_id, local=False, notices_due=True,
    )
    # No form, so no honeypot or time to fill; the rest of the checks apply.
    comment.status, comment.reasons = assess(comment, Submission(body=comment.body, elapsed=float("inf")), comment_settings)
    try:
        with transaction.atomic():
            comment.save()
    except IntegrityError:
        return Comment.objects.get(ap_id=ap_id), False
    if created_at is not None and created_at < comment.created_at:
        Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
        comment.created_at = created_at
    _notify_new(comment)
    return comment, True


def edit_remote_comment(ap_id, *, html):
    """Its author edited a remote comment: the new text replaces the old. False if there is none."""
    comment = Comment.objects.filter(ap_id=ap_id, local=False).first()
    if comment is None:
        return False
    comment.html = _sanitized_remote(html)
    comment.body = strip_tags(comment.html).strip() or "…"
    comment.save(update_fields=["body", "html", "updated_at"])
    return True


def remove_remote_comment(ap_id):
    """Its author deleted a remote comment: it goes to the trash (replies to it stay). How many."""
    return Comment.objects.filter(ap_id=ap_id, local=False).exclude(status=Comment.Status.TRASH).update(
        status=Comment.Status.TRASH, updated_at=timezone.now()
    )


def _valid_email(value):
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


# Reading


def approved_comments(post):
    """The post's approved comments, oldest first."""
    return Comment.objects.filter(post=post, status=Comment.Status.APPROVED).select_related("user")


def comment_counts(post_ids):
    """{post id: number of approved comments} for these posts, in one query."""
    rows = (
        Comment.objects.filter(post_id__in=post_ids, status=Comment.Status.APPROVED)
        .values("post_id").annotate(n=Count("id")).values_list("post_id", "n")
    )
    return dict(rows)


class Node:
    """A comment with its replies, for rendering a thread."""

    def __init__(self, comment, own_pending=False):
        self.comment, self.own_pending, self.replies = comment, own_pending, []


class Discussion:
    """A post's comment settings, its per-post switch and one page of its thread."""

    def __init__(self, comment_settings, open_, roots, pages, page, count):
        self.settings, self.open = comment_settings, open_
        self.roots, self.pages, self.page, self.count = roots, pages, page, count


_SETTINGS_FIELDS = [f.attname for f in CommentSettings._meta.concrete_fields]
# What the thread shows of each comment; the other columns (the email, the address, the spam
# filter's notes) stay in the database and load only if something asks for them.
_COMMENT_FIELDS = [
    f.attname for f in Comment._meta.concrete_fields
    if f.attname in {"id", "post_id", "parent_id", "depth", "user_id", "author_name", "author_url", "author_avatar", "html",
                     "status", "created_at"}
]


def load_discussion(post, *, own_ids=(), page=1):
    """Everything the post page shows of the discussion, read in one query.

    Approved comments, plus the reader's own held ones (`own_ids`), oldest first. Long threads
    are paginated by top-level comment, each page carrying the whole of its threads. The blog's
    settings and the post's switch come in the same query (a LEFT JOIN per comment), so the post
    page costs one query for comments however many there are.
    """
    visible = Q(comments__status=Comment.Status.APPROVED) | Q(
        comments__pk__in=list(own_ids), comments__status=Comment.Status.PENDING
    )
    rows = (
        Post.objects.filter(pk=post.pk)
        .annotate(c=FilteredRelation("comments", condition=visible))
        .order_by("c__created_at", "c__id")
        .values(
            "discussion__open", *(f"blog__comment_settings__{f}" for f in _SETTINGS_FIELDS),
            *(f"c__{f}" for f in _COMMENT_FIELDS),
        )
    )
    comment_settings, open_, comments = None, True, []
    for row in rows:
        if comment_settings is None:
            values = {f: row[f"blog__comment_settings__{f}"] for f in _SETTINGS_FIELDS}
            comment_settings = CommentSettings(**values) if values["id"] else CommentSettings(blog=post.blog)
            open_ = row["discussion__open"] is not False
        if row["c__id"] is not None:
            comments.append(Comment.from_db(rows.db, _COMMENT_FIELDS, [row[f"c__{f}"] for f in _COMMENT_FIELDS]))
    comment_settings.blog = post.blog
    nodes = {c.pk: Node(c, own_pending=c.status == Comment.Status.PENDING) for c in comments}
    roots = []
    for node in nodes.values():
        node.comment.post = post
        parent = nodes.get(node.comment.parent_id)
        (parent.replies if parent else roots).append(node)
    per_page = max(comment_settings.per_page, 1)
    pages = max(1, -(-len(roots) // per_page))
    page = min(max(page, 1), pages)
    count = sum(1 for c in comments if c.status == Comment.Status.APPROVED)
    return Discussion(comment_settings, open_, roots[(page - 1) * per_page: page * per_page], pages, page, count)


def status_counts(blog):
    """{status: number of the blog's comments in it}, for the moderation queue's tabs."""
    rows = Comment.objects.filter(post__blog=blog).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def reason_labels(comment):
    """The moderation queue's explanation of why a comment was held."""
    labels = [str(HOLD_REASONS.get(code, code)) for code in comment.reasons]
    if comment.spam_score is not None and any(c.startswith("filter_") for c in comment.reasons):
        labels.append(_("Spam filter score: %(score).2f") % {"score": comment.spam_score})
    return labels


# Moderation

ACTIONS = {
    "approve": gettext_lazy("Approve"),
    "unapprove": gettext_lazy("Unapprove"),
    "spam": gettext_lazy("Spam"),
    "not_spam": gettext_lazy("Not spam"),
    "trash": gettext_lazy("Trash"),
    "restore": gettext_lazy("Restore"),
    "delete": gettext_lazy("Delete permanently"),
}


@transaction.atomic
def moderate(comment, action):
    """Apply a moderator's action; spam and not-spam decisions teach the spam filter."""
    if action not in ACTIONS:
        raise ValueError(action)
    if action == "delete":
        _announce(signals.comment_deleted, comment.pk)
        comment.delete()
        return None
    was = comment.status
    new = {
        "approve": Comment.Status.APPROVED,
        "not_spam": Comment.Status.APPROVED,
        "unapprove": Comment.Status.PENDING,
        "restore": Comment.Status.PENDING,
        "spam": Comment.Status.SPAM,
        "trash": Comment.Status.TRASH,
    }[action]
    if action == "spam":
        spam.learn(comment, "spam")
    elif new == Comment.Status.APPROVED and (was == Comment.Status.SPAM or comment.reasons):
        # Approving a comment the checks held, or one in spam, is a not-spam decision.
        spam.learn(comment, "ham")
    comment.status = new
    comment.save(update_fields=["status", "updated_at"])
    _announce(signals.comment_changed, comment.pk)
    if new == Comment.Status.APPROVED and was != new:
        outbox.queue(follow_up_emails(comment))
    return comment


def moderate_many(comments, action):
    """Apply one action to many comments; how many it changed."""
    done = 0
    for comment in comments:
        moderate(comment, action)
        done += 1
    return done


def edit_comment(comment, *, body, name, url):
    """Change a comment's text, name or website (a moderator's correction)."""
    comment.body, comment.author_name, comment.author_url = body.strip(), name.strip(), url.strip()
    comment.html = render_comment(comment.body)
    comment.full_clean(exclude=["post", "parent", "user", "ip", "nonce", "ap_id", "author_email"])
    comment.save(update_fields=["body", "html", "author_name", "author_url", "updated_at"])
    _announce(signals.comment_changed, comment.pk)
    return comment


def reply_as_member(parent, *, user, body):
    """A moderator's reply from the queue: approved at once (and the parent approved with it)."""
    with transaction.atomic():
        if parent.status != Comment.Status.APPROVED:
            moderate(parent, "approve")
        comment_settings = settings_for(parent.post.blog)
        attach = _parent(parent.post, parent.pk, comment_settings) if comment_settings.thread_depth > 1 else None
        comment = Comment.objects.create(
            post=parent.post, parent=attach, depth=(attach.depth + 1) if attach else 1, user=user,
            author_name=user.name, author_email=user.email, body=body.strip(),
            html=render_comment(body.strip()), status=Comment.Status.APPROVED,
        )
        outbox.queue(follow_up_emails(comment))
    _announce(signals.comment_changed, comment.pk)
    return comment


def forget_ips(now=None):
    """Erase commenters' IP addresses older than SAMIZDAT_COMMENT_IP_DAYS; how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SAMIZDAT_COMMENT_IP_DAYS)
    return Comment.objects.filter(ip__isnull=False, created_at__lt=cutoff).update(ip=None)


# Email subscriptions

CONFIRM_SALT = "samizdat.comments.subscription.confirm"
UNSUBSCRIBE_SALT = "samizdat.comments.subscription.unsubscribe"
CONFIRM_MAX_AGE = datetime.timedelta(days=7)


def subscribe(email, kind, blog, *, post=None):
    """Ask for follow-up comments (with `post`) or new posts; unconfirmed until the link is followed.

    A confirmation is sent at most once every few minutes, and nothing else reaches an address
    that has not confirmed.
    """
    lookup = {"email__iexact": email, "kind": kind, "blog": blog}
    if kind == Subscription.Kind.REPLIES:
        lookup["post"] = post
    subscription = Subscription.objects.filter(**lookup).first()
    if subscription is None:
        subscription = Subscription.objects.create(
            email=email, kind=kind, blog=blog, post=post if kind == Subscription.Kind.REPLIES else None
        )
    if subscription.confirmed_at:
        return subscription
    now = timezone.now()
    sent = subscription.confirmation_sent_at
    if sent is None or sent < now - CONFIRMATION_RESEND_AFTER:
        with transaction.atomic():
            Subscription.objects.filter(pk=subscription.pk).update(confirmation_sent_at=now)
            outbox.queue([confirmation_email(subscription.pk, now)])
    return subscription


def confirm_token(subscription):
    return signing.dumps([subscription.pk, subscription.email], salt=CONFIRM_SALT)


def unsubscribe_token(subscription):
    return signing.dumps([subscription.pk, subscription.email], salt=UNSUBSCRIBE_SALT)


def _from_token(token, salt, max_age=None):
    try:
        pk, email = signing.loads(token, salt=salt, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Subscription.objects.select_related("blog", "post").filter(pk=pk, email=email).first()


def subscription_for_confirmation(token):
    """The subscription a confirmation link names, or None for a bad or expired link."""
    return _from_token(token, CONFIRM_SALT, CONFIRM_MAX_AGE)


def subscription_for_unsubscribe(token):
    """The subscription an unsubscribe link names, or None (already gone, or a bad link)."""
    return _from_token(token, UNSUBSCRIBE_SALT)


def confirm_subscription(subscription):
    """Mark the address as confirmed (idempotent)."""
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


def unsubscribe(subscription):
    """Delete the subscription: no more email of that kind to that address."""
    subscription.delete()


def queue_new_post_emails(now=None):
    """Queue new-post emails for posts published recently and not yet announced; how many emails."""
    now = now or timezone.now()
    recent = Post.objects.posts().live().filter(published_at__gte=now - datetime.timedelta(days=2))
    due = recent.filter(mailing__isnull=True, blog__email_subscriptions__kind=Subscription.Kind.POSTS).distinct()
    announced = 0
    for post in due:
        with transaction.atomic():
            _, created = PostMailing.objects.get_or_create(post=post)
            if not created:
                continue
            subscribers = Subscription.objects.filter(
                blog_id=post.blog_id, kind=Subscription.Kind.POSTS, confirmed_at__lte=post.published_at
            ).values_list("pk", flat=True)
            announced += len(outbox.queue([new_post_email(post.pk, pk) for pk in subscribers]))
    return announced


# The emails, one OutgoingEmail row per message and recipient (samizdat.comments.outbox sends them).
# A row's key names both, so whatever asks for an email twice stores it once.


def confirmation_email(subscription_id, asked_at):
    return OutgoingEmail(key=f"confirm:{subscription_id}:{asked_at.timestamp():.0f}",
                         kind=OutgoingEmail.Kind.CONFIRMATION, subscription_id=subscription_id)


def author_notice_email(comment_id):
    return OutgoingEmail(key=f"author:{comment_id}", kind=OutgoingEmail.Kind.AUTHOR_NOTICE, comment_id=comment_id)


def new_post_email(post_id, subscription_id):
    return OutgoingEmail(key=f"new_post:{post_id}:{subscription_id}", kind=OutgoingEmail.Kind.NEW_POST,
                         post_id=post_id, subscription_id=subscription_id)


def follow_up_emails(comment):
    """An approved comment's emails to the post's confirmed follow-up subscribers, the first time it
    is approved (in the caller's transaction); none after that."""
    if not Comment.objects.filter(pk=comment.pk, subscribers_notified_at__isnull=True).update(
        subscribers_notified_at=timezone.now()
    ):
        return []
    subscriptions = Subscription.objects.filter(
        post_id=comment.post_id, kind=Subscription.Kind.REPLIES, confirmed_at__isnull=False
    )
    if comment.author_email:
        subscriptions = subscriptions.exclude(email__iexact=comment.author_email)
    return [
        OutgoingEmail(key=f"follow_up:{comment.pk}:{pk}", kind=OutgoingEmail.Kind.FOLLOW_UP,
                      comment_id=comment.pk, subscription_id=pk)
        for pk in subscriptions.values_list("pk", flat=True)
    ]


def describe_count(n):
    return ngettext("%(n)d comment", "%(n)d comments", n) % {"n": n}


# A person's own data (privacy: download, delete).

DELETED_USER = "deleted user"


def comments_data_of(user):
    """Every comment the account wrote, and the email subscriptions of its addresses, as plain data."""
    comments = [
        {
            "post": absolute_url(c.post.get_absolute_url()), "post_title": c.post.title,
            "created_at": c.created_at.isoformat(), "status": c.status, "body": c.body,
            "reply_to": c.parent_id, "id": c.pk,
        }
        for c in Comment.objects.filter(user=user).select_related("post__blog").order_by("created_at")
    ]
    subscriptions = [
        {
            "email": s.email, "kind": s.kind, "blog": s.blog.slug, "post": s.post_id,
            "confirmed": bool(s.confirmed_at), "created_at": s.created_at.isoformat(),
        }
        for s in _subscriptions_of(email_addresses_of(user)).select_related("blog").order_by("created_at")
    ]
    return {"comments": comments, "email_subscriptions": subscriptions}


def forget_commenter(user, *, keep_comments):
    """Before an account is deleted: its comments stay as "deleted user" (or go), its subscriptions go."""
    comments = Comment.objects.filter(user=user)
    if keep_comments:
        comments.update(user=None, author_name=DELETED_USER, author_email="", author_url="", ip=None)
    else:
        for comment in comments:
            comment.delete()  # one by one: replies by others go with their parent, as moderation does
    _subscriptions_of(email_addresses_of(user)).delete()



def _subscriptions_of(addresses):
    query = Q()
    for address in addresses:
        query |= Q(email__iexact=address)
    return Subscription.objects.filter(query) if addresses else Subscription.objects.none()
