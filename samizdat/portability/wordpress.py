"""Import a WordPress export (WXR) into a blog: authors, terms, posts, pages, comments and media.

Records are stored in batches of about BATCH_ITEMS posts and comments, one transaction per batch and
a savepoint per record, so a record that cannot be stored is skipped alone. A file that breaks off or
turns out malformed stops the import at that line, with everything before it kept and nothing of the
broken item; an import killed midway keeps the batches it committed. Every WordPress object is
remembered in `ImportedItem`, so importing the same file again updates what was imported instead
of duplicating it, and an interrupted import run again stores nothing twice.
"""

import dataclasses
import datetime
import re
import zoneinfo
from collections import Counter
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samizdat.accounts.services import create_placeholder_user
from samizdat.blogs.models import Blog
from samizdat.blogs.roles import Role
from samizdat.blogs.services import create_blog, set_role
from samizdat.comments import services as comment_services
from samizdat.comments.models import Comment
from samizdat.core import http
from samizdat.pages import invalidation
from samizdat.posts import services as post_services
from samizdat.posts.media import store_remote
from samizdat.posts.models import Category, Media, Post, Tag, validate_slug

from . import markup, wxr
from .models import ImportedItem

Kind = ImportedItem.Kind

POST_STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.SCHEDULED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.PRIVATE,
}
COMMENT_STATUSES = {
    "1": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "post-trashed": Comment.Status.TRASH,
}
NO_DATE = "0000-00-00 00:00:00"
# Posts and comments stored per transaction: large enough that commits and page removals cost
# little per item, small enough that a batch holds a few hundred kilobytes.
BATCH_ITEMS = 500


@dataclasses.dataclass
class Summary:
    """What an import did, for the CLI and the dashboard page."""

    imported: Counter = dataclasses.field(default_factory=Counter)
    updated: Counter = dataclasses.field(default_factory=Counter)
    skipped: list = dataclasses.field(default_factory=list)  # [(what, why)]
    notes: list = dataclasses.field(default_factory=list)  # [(what, note)]
    media_kept_remote: list = dataclasses.field(default_factory=list)  # [(url, why)]
    stopped: str = ""  # why and where the file stopped being readable; "" if it was read to the end
    stopped_line: int | None = None

    def as_dict(self):
        return {
            "imported": dict(self.imported), "updated": dict(self.updated), "skipped": self.skipped,
            "notes": self.notes, "media_kept_remote": self.media_kept_remote, "stopped": self.stopped,
            "stopped_line": self.stopped_line,
        }

    @classmethod
    def from_dict(cls, data):
        """A summary stored with `as_dict` (in an ImportJob), to show again."""
        return cls(
            imported=Counter(data.get("imported", {})), updated=Counter(data.get("updated", {})),
            skipped=[tuple(x) for x in data.get("skipped", [])], notes=[tuple(x) for x in data.get("notes", [])],
            media_kept_remote=[tuple(x) for x in data.get("media_kept_remote", [])],
            stopped=data.get("stopped", ""), stopped_line=data.get("stopped_line"),
        )

    def lines(self):
        """The summary as lines of plain text, in the active language."""
        out = []
        for label, counts in ((_("Imported: %(what)s"), self.imported), (_("Updated: %(what)s"), self.updated)):
            if counts:
                out.append(label % {"what": ", ".join(_count(kind, n) for kind, n in sorted(counts.items()))})
        if self.skipped:
            out.append(ngettext("Skipped %(n)d:", "Skipped %(n)d:", len(self.skipped)) % {"n": len(self.skipped)})
            reasons = Counter(why for _what, why in self.skipped)
            out.extend(f"  {n} × {why}" for why, n in reasons.most_common())
        if self.media_kept_remote:
            n = len(self.media_kept_remote)
            out.append(ngettext("Media kept at their original address (%(n)d):",
                                "Media kept at their original address (%(n)d):", n) % {"n": n})
            out.extend(f"  {url}: {why}" for url, why in self.media_kept_remote)
        if self.notes:
            out.append(_("Notes:"))
            out.extend(f"  {what}: {note}" for what, note in self.notes)
        if self.stopped:
            if self.stopped_line:
                out.append(_("STOPPED at line %(line)d: %(reason)s") % {"line": self.stopped_line, "reason": self.stopped})
            else:
                out.append(_("STOPPED: %(reason)s") % {"reason": self.stopped})
        return out


def _count(kind, n):
    """“3 posts”, in the active language."""
    if kind == "blog":
        text = ngettext("%(n)d blog", "%(n)d blogs", n)
    elif kind == Kind.AUTHOR:
        text = ngettext("%(n)d author", "%(n)d authors", n)
    elif kind == Kind.CATEGORY:
        text = ngettext("%(n)d category", "%(n)d categories", n)
    elif kind == Kind.TAG:
        text = ngettext("%(n)d tag", "%(n)d tags", n)
    elif kind == Kind.POST:
        text = ngettext("%(n)d post", "%(n)d posts", n)
    elif kind == Kind.ATTACHMENT:
        text = ngettext("%(n)d attachment", "%(n)d attachments", n)
    elif kind == Kind.COMMENT:
        text = ngettext("%(n)d comment", "%(n)d comments", n)
    else:
        return f"{n} {kind}"
    return text % {"n": n}


class ImportStopped(Exception):
    """The file could not be read to its end; the summary says what was done before."""

    def __init__(self, summary):
        self.summary = summary
        super().__init__(summary.stopped)


def import_wxr(file, blog_slug, *, owner=None, fetch_media=True, progress=None, beat=None):
    """Import the WXR file object (binary) into the blog `blog_slug`, creating it from the file's channel
    when it does not exist. Returns (blog, Summary); raises ImportStopped when the file breaks off.

    `progress(position)` is called after each record; `beat(in_batch)` inside each batch's
    transaction, first and last (in_batch=True), and between the steps of the final linking."""
    records = wxr.read(file)
    summary = Summary()
    try:
        channel = next(records)
    except wxr.WXRError as exc:
        summary.stopped, summary.stopped_line = exc.reason, exc.line
        raise ImportStopped(summary) from exc
    blog = Blog.objects.filter(slug=blog_slug).first()
    if blog is None:
        language = (channel.language or "en").split("-")[0].lower()
        if language not in dict(settings.LANGUAGES):
            language = "en"
        blog = create_blog(blog_slug, (channel.title or blog_slug)[:200], owner=owner,
                           tagline=channel.description[:300], language=language)
        summary.imported["blog"] += 1
    importer = Importer(blog, summary, editor=owner, fetch_media=fetch_media, beat=beat)
    try:
        for record in records:
            importer.add(record)
            if progress is not None:
                progress(file.tell())
    except wxr.WXRError as exc:
        summary.stopped, summary.stopped_line = exc.reason, exc.line
        importer.flush()  # every record read whole before the broken one is kept
        importer.finish()
        raise ImportStopped(summary) from exc
    importer.flush()
    importer.finish()
    return blog, summary


class Importer:
    """Stores records read from one file into one blog; `finish` links what refers forward."""

    def __init__(self, blog, summary, *, editor=None, fetch_media=True, beat=None):
        self.blog, self.summary, self.fetch_media = blog, summary, fetch_media
        self.beat = beat or (lambda in_batch: None)
        self.editor = editor or (blog.memberships.filter(role=Role.OWNER).first() or blog.memberships.first())
        if self.editor is not None and not isinstance(self.editor, get_user_model()):
            self.editor = self.editor.user
        self.users = {}  # login -> User
        self.users_by_wp_id = {}
        self.category_parents = []  # (category, parent slug)
        self.page_parents = []  # (post pk, parent wp id)
        self.featured = []  # (post pk, attachment wp id)
        self.media_urls = {}  # original URL -> new URL
        self.terms = {}  # (kind, slug) -> Category or Tag
        self.pending, self.pending_items = [], 0  # records read and not stored yet
        self.mappings = {}  # (kind, wp id) -> ImportedItem, of the posts and comments of the batch
        self.posts = {}  # pk -> Post, of the batch's posts imported before
        self.unsaved_mappings, self.changed_mappings = [], []  # written at the end of the batch
        self.slugs = None  # slug -> pk of the blog's posts, read once
        self.comment_queue = []  # (post, [wxr.Comment]) of the batch, stored after its posts
        self.term_links = []  # (post, tags, categories) of the batch, linked after its posts

    # Mapping

    def _mapping(self, kind, wp_id):
        key = (kind, str(wp_id))
        if key in self.mappings:
            return self.mappings[key]
        return ImportedItem.objects.filter(blog=self.blog, kind=kind, wp_id=str(wp_id)).first()

    def _load_mappings(self, records):
        """The mappings of the batch's posts and comments, in two queries rather than one each."""
        wanted = {Kind.POST: [], Kind.COMMENT: []}
        for record in records:
            if isinstance(record, wxr.Item):
                wanted[Kind.POST].append(record.post_id)
                wanted[Kind.COMMENT].extend(c.wp_id for c in record.comments)
        self.mappings = {(kind, wp_id): None for kind, ids in wanted.items() for wp_id in ids}
        for kind, ids in wanted.items():
            for mapping in ImportedItem.objects.filter(blog=self.blog, kind=kind, wp_id__in=ids):
                self.mappings[(kind, mapping.wp_id)] = mapping
        post_ids = [m.object_id for (kind, _id), m in self.mappings.items() if m is not None and kind == Kind.POST]
        self.posts = Post.objects.filter(blog=self.blog).in_bulk(post_ids) if post_ids else {}

    def _remember(self, mapping, kind, wp_id, obj, *, save=True, **fields):
        """Map the WordPress object to `obj`; with save=False the mapping is written at the end of the batch."""
        if mapping is None:
            mapping = ImportedItem(blog=self.blog, kind=kind, wp_id=str(wp_id))
            self.summary.imported[kind] += 1
        else:
            self.summary.updated[kind] += 1
        mapping.object_id = obj.pk if obj is not None else None
        for name, value in fields.items():
            setattr(mapping, name, value)
        if save:
            mapping.save()
        elif mapping.pk is None:
            if self.mappings.get((kind, mapping.wp_id)) is not mapping:
                self.unsaved_mappings.append(mapping)
        else:
            mapping.imported_at = timezone.now()
            self.changed_mappings.append(mapping)
        # A WordPress id met again in the same batch (a file merged from two exports) updates this one.
        self.mappings[(kind, mapping.wp_id)] = mapping
        return mapping

    def _save_mappings(self):
        ImportedItem.objects.bulk_create(self.unsaved_mappings)
        ImportedItem.objects.bulk_update(self.changed_mappings, ["object_id", "old_path", "original_url", "imported_at"])
        self.unsaved_mappings, self.changed_mappings = [], []

    def _tz(self):
        return zoneinfo.ZoneInfo(self.blog.time_zone)

    def _date(self, gmt, local):
        for value, tz in ((gmt, datetime.timezone.utc), (local, self._tz())):
            if value and value != NO_DATE:
                try:
                    return datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
                except ValueError:
                    continue
        return None

    # Records

    def add(self, record):
        """Keep a record for the batch being gathered, and store the batch once it is full."""
        self.pending.append(record)
        self.pending_items += 1 + len(getattr(record, "comments", ()))
        if self.pending_items >= BATCH_ITEMS:
            self.flush()

    def flush(self):
        """Store the records gathered so far in one transaction; their pages are removed once, on commit."""
        records, self.pending, self.pending_items = self.pending, [], 0
        if not records:
            return
        with transaction.atomic(), invalidation.changing(self.blog.pk):
            # A batch may take longer than a heartbeat may be old (media fetched, a slow commit):
            # beating first holds the job's row until the commit, so a sweep wanting it waits,
            # and beating last leaves it fresh when the commit lets that sweep look.
            self.beat(True)
            self._load_mappings(records)
            for record in records:
                self._store(record)
            post_services.set_terms(self.term_links)
            self.term_links = []
            self._store_comments()
            self._save_mappings()
            self.beat(True)
        self.mappings, self.posts = {}, {}

    def _store(self, record):
        """Store one record in a savepoint of its own; a record that cannot be stored is skipped with why."""
        what = _describe(record)
        try:
            with transaction.atomic():
                if isinstance(record, wxr.Author):
                    self.author(record)
                elif isinstance(record, wxr.Term):
                    self.term(record)
                elif isinstance(record, wxr.Item):
                    self.item(record)
        except (ValidationError, ValueError) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            self.summary.skipped.append((what, "; ".join(messages)))
            self._forget_unsaved()

    def _forget_unsaved(self):
        """After a record's savepoint was rolled back: forget the rows it made that are gone with it."""
        self.terms.clear()
        User = get_user_model()
        kept = set(User.objects.filter(pk__in=[u.pk for u in self.users.values()]).values_list("pk", flat=True))
        self.users = {login: u for login, u in self.users.items() if u.pk in kept}
        self.users_by_wp_id = {wp_id: u for wp_id, u in self.users_by_wp_id.items() if u.pk in kept}

    def author(self, record):
        if not record.login:
            raise ValueError(_("an author without a login"))
        return self._user(record.login, record)

    def _user(self, login, record=None):
        if login in self.users:
            return self.users[login]
        User = get_user_model()
        mapping = self._mapping(Kind.AUTHOR, login)
        user = User.objects.filter(pk=mapping.object_id).first() if mapping else None
        if user is None:
            user = User.objects.filter(username__iexact=login).first()
            email = record.email if record else ""
            if user is None and email:
                user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = create_placeholder_user(
                    slugify(login)[:140] or "author", email=email if _email_ok(email) else "",
                    display_name=((record.display_name if record else "") or login)[:150],
                )
                self.summary.notes.append(
                    (_("author %(login)s") % {"login": login},
                     _("new account “%(username)s” without a password (a placeholder)") % {"username": user.username})
                )
        if not self.blog.memberships.filter(user=user).exists():
            set_role(self.blog, user, Role.AUTHOR)
        self._remember(mapping, Kind.AUTHOR, login, user)
        self.users[login] = user
        if record and record.wp_id:
            self.users_by_wp_id[record.wp_id] = user
        return user

    def _creator(self, record):
        login = record.creator
        if login not in self.users:
            # The theme unit test data has a dc:creator of ">themereviewteam": a typo for a
            # declared author. Stray punctuation is dropped when that names a known author.
            cleaned = re.sub(r"[^\w.@+-]", "", login)
            if cleaned in self.users:
                self.summary.notes.append((_describe(record), _("author “%(login)s” read as “%(cleaned)s”") % {"login": login, "cleaned": cleaned}))
                login = cleaned
        return self._user(login)

    def term(self, record):
        if record.taxonomy == "category":
            return self._category(record.slug, record.name, record.parent_slug, record.description, record.wp_id)
        if record.taxonomy == "post_tag":
            return self._tag(record.slug, record.name, record.wp_id)
        self.summary.skipped.append(
            (_("term “%(name)s” (%(taxonomy)s)") % {"name": record.name, "taxonomy": record.taxonomy},
             _("%(taxonomy)s terms are not imported") % {"taxonomy": record.taxonomy})
        )
        return None

    def _category(self, slug, name, parent_slug="", description="", wp_id=""):
        slug = _term_slug(slug, name)
        key = wp_id or f"slug:{slug}"
        mapping = self._mapping(Kind.CATEGORY, key)
        category = Category.objects.filter(blog=self.blog, slug=slug).first()
        if category is None:
            category = Category(blog=self.blog, slug=slug)
        category.name = (name or slug)[:100]
        category.description = description or category.description
        category.full_clean(exclude=["parent"])
        category.save()
        if parent_slug:
            self.category_parents.append((category.pk, parent_slug))
        self._remember(mapping, Kind.CATEGORY, key, category)
        return category

    def _tag(self, slug, name, wp_id=""):
        slug = _term_slug(slug, name)
        key = wp_id or f"slug:{slug}"
        mapping = self._mapping(Kind.TAG, key)
        tag = Tag.objects.filter(blog=self.blog, slug=slug).first() or Tag(blog=self.blog, slug=slug)
        tag.name = (name or slug)[:100]
        tag.full_clean()
        tag.save()
        self._remember(mapping, Kind.TAG, key, tag)
        return tag

    def item(self, record):
        if record.post_type in ("post", "page"):
            return self.post(record)
        if record.post_type == "attachment":
            return self.attachment(record)
        reason = (_("navigation menus are not imported") if record.post_type == "nav_menu_item"
                  else _("items of type “%(type)s” are not imported") % {"type": record.post_type})
        self.summary.skipped.append((_describe(record), reason))
        return None

    def post(self, record):
        what = _describe(record)
        if record.status in ("trash", "auto-draft", "inherit"):
            self.summary.skipped.append((what, _("its WordPress status is “%(status)s”") % {"status": record.status}))
            return None
        status = POST_STATUSES.get(record.status, Post.Status.DRAFT)
        if record.password:
            status = Post.Status.PRIVATE
            self.summary.notes.append((what, _("password-protected on WordPress: kept private")))
        mapping = self._mapping(Kind.POST, record.post_id)
        post = self.posts.get(mapping.object_id) if mapping else None
        created = post is None
        if created:
            post = Post(blog=self.blog)
        post.kind = Post.Kind.PAGE if record.post_type == "page" else Post.Kind.POST
        post.author = self._creator(record) if record.creator else self.editor
        title = record.title
        if not title:
            title = "(no title)"
            self.summary.notes.append((what, _("no title on WordPress: titled “(no title)”")))
        post.title = title[:300]
        notes = []
        post.source = markup.convert(
            record.content, resolve_attachment=self._attachment_url, report=notes.append
        )
        post.excerpt = markup.excerpt_text(record.excerpt)
        post.status = status
        post.published_at = self._date(record.date_gmt, record.date)
        try:
            post.menu_order = int(record.menu_order)
        except ValueError:
            post.menu_order = 0
        post.slug = self._post_slug(record, post)
        tags, categories = [], []
        for taxonomy, slug, name in record.terms:
            if taxonomy == "category":
                categories.append(self._term_for_item(Kind.CATEGORY, slug, name))
            elif taxonomy == "post_tag":
                tags.append(self._term_for_item(Kind.TAG, slug, name))
        post_services.save_post(post, editor=self.editor or post.author, announce=False)
        self.summary.notes.extend((what, note) for note in notes)
        # A new post's comments are open until said otherwise: only closing them needs a row.
        if record.comment_status == "closed" or (record.comment_status == "open" and not created):
            comment_services.set_post_open(post, record.comment_status == "open")
        # Last, once nothing of the record can fail: these are kept past its savepoint.
        self._slugs()[post.slug] = post.pk
        self.posts[post.pk] = post
        self._remember(mapping, Kind.POST, record.post_id, post, save=False, old_path=urlsplit(record.link).path[:500])
        self.term_links.append((post, tags, categories))
        if record.parent not in ("", "0"):
            self.page_parents.append((post.pk, record.parent))
        if record.meta.get("_thumbnail_id"):
            self.featured.append((post.pk, record.meta["_thumbnail_id"].strip()))
        if record.comments:
            self.comment_queue.append((post, record.comments))
        return post

    def _post_slug(self, record, post):
        wanted = record.slug
        if wanted:
            try:
                validate_slug(wanted)
            except ValidationError:
                wanted = ""
        if wanted and wanted == post.slug:
            return wanted
        clash = wanted and self._slugs().get(wanted, post.pk) != post.pk
        if wanted and not clash and not (post.kind == Post.Kind.PAGE and wanted in post_services.RESERVED_PAGE_SLUGS):
            return wanted
        slug = post_services.unique_slug(self.blog, wanted or record.title or "untitled", exclude_pk=post.pk)
        if record.slug and slug != record.slug:
            self.summary.notes.append((_describe(record), _("slug “%(old)s” became “%(new)s”") % {"old": record.slug, "new": slug}))
        return slug

    def _slugs(self):
        if self.slugs is None:
            self.slugs = dict(Post.objects.filter(blog=self.blog).values_list("slug", "pk"))
        return self.slugs

    def _term_for_item(self, kind, slug, name):
        slug = _term_slug(slug, name)
        term = self.terms.get((kind, slug))
        if term is None:
            model = Category if kind == Kind.CATEGORY else Tag
            term = model.objects.filter(blog=self.blog, slug=slug).first()
            if term is None:
                term = self._category(slug, name) if kind == Kind.CATEGORY else self._tag(slug, name)
            self.terms[(kind, slug)] = term
        return term

    def _store_comments(self):
        """Store the comments of the batch's posts, parents before replies whatever order the file lists
        them in: a few statements per round of replies rather than several per comment."""
        queue, self.comment_queue = self.comment_queue, []
        # A comment id met twice in the batch (a post listed twice) is stored once, as last read.
        latest = {c.wp_id: (post, c) for post, comments in queue for c in comments}
        posts, by_post = {}, {}
        for post, c in latest.values():
            posts[post.pk] = post
            by_post.setdefault(post.pk, {})[c.wp_id] = c
        ids = [self.mappings[(Kind.COMMENT, wp_id)].object_id for wp_id in latest
               if self.mappings.get((Kind.COMMENT, wp_id))]
        existing = Comment.objects.filter(pk__in=ids, post__blog=self.blog).in_bulk() if ids else {}
        waiting = [(posts[pk], pending) for pk, pending in by_post.items()]
        stored = {}  # (post pk, wp id) -> Comment
        while waiting:
            ready = []
            for post, pending in waiting:
                now = [c for c in pending.values()
                       if c.parent in ("0", "") or (post.pk, c.parent) in stored or c.parent not in pending]
                # Replies that only answer each other (a loop no WordPress makes) go in as they are.
                for c in sorted(now or pending.values(), key=lambda c: (c.date_gmt, c.wp_id)):
                    del pending[c.wp_id]
                    ready.append((post, c))
            waiting = [(post, pending) for post, pending in waiting if pending]
            made = [(c, self.comment(post, c, stored.get((post.pk, c.parent)), existing)) for post, c in ready]
            made = [(c, comment) for c, comment in made if comment is not None]
            comment_services.store_imported_comments([comment for _c, comment in made])
            for c, comment in made:
                stored[(comment.post_id, c.wp_id)] = comment
                existing[comment.pk] = comment
                mapping = self.mappings.get((Kind.COMMENT, c.wp_id))
                if mapping is not None and mapping.pk is not None and mapping.object_id == comment.pk:
                    self.summary.updated[Kind.COMMENT] += 1  # the mapping holds already
                else:
                    self._remember(mapping, Kind.COMMENT, c.wp_id, comment, save=False)

    def comment(self, post, c, parent, existing):
        """The comment `c` of the file, filled in and not stored yet; None if it is not imported."""
        what = _("comment %(id)s on “%(title)s”") % {"id": c.wp_id, "title": post.title}
        if c.type in ("pingback", "trackback"):
            self.summary.skipped.append((what, _("%(type)s comments are not imported (Samizdat has none)") % {"type": c.type}))
            return None
        if c.parent not in ("0", "") and parent is None:
            self.summary.notes.append((what, _("its parent comment %(id)s is not in the file: made top-level") % {"id": c.parent}))
        mapping = self.mappings.get((Kind.COMMENT, c.wp_id))
        user = self.users_by_wp_id.get(c.user_id) if c.user_id not in ("", "0") else None
        return comment_services.imported_comment(
            post, parent=parent, author_name=c.author, author_email=c.email, author_url=c.url,
            html=markup.wpautop(c.content), status=COMMENT_STATUSES.get(c.approved, Comment.Status.PENDING),
            created_at=self._date(c.date_gmt, c.date) or timezone.now(), user=user,
            comment=existing.get(mapping.object_id) if mapping else None,
        )

    def attachment(self, record):
        url = record.attachment_url or record.guid
        mapping = self._mapping(Kind.ATTACHMENT, record.post_id)
        media = Media.objects.filter(pk=mapping.object_id, blog=self.blog).first() if mapping and mapping.object_id else None
        if media is None and url and self.fetch_media:
            try:
                media = store_remote(self.blog, self.editor, url, max_bytes=settings.SAMIZDAT_IMPORT_MEDIA_MAX_BYTES,
                                     alt=record.meta.get("_wp_attachment_image_alt", "")[:500])
            except http.FetchError as exc:
                self.summary.media_kept_remote.append((url, str(exc)))
            except ValidationError as exc:
                self.summary.media_kept_remote.append((url, "; ".join(exc.messages)))
        elif media is None:
            self.summary.media_kept_remote.append((url, _("media fetching was off")))
        if media is not None and url:
            self.media_urls[url] = media.file.url
        self._remember(mapping, Kind.ATTACHMENT, record.post_id, media, original_url=url[:1000],
                       old_path=urlsplit(record.link).path[:500])
        return media

    def _attachment_url(self, wp_id):
        mapping = self._mapping(Kind.ATTACHMENT, wp_id)
        if mapping is None:
            return None
        media = Media.objects.filter(pk=mapping.object_id).first() if mapping.object_id else None
        return media.file.url if media else mapping.original_url or None

    # Links to things later in the file

    def finish(self):
        """Link categories to parents, pages to parents and posts to featured images; point content at
        fetched media."""
        for pk, parent_slug in self.category_parents:
            self.beat(False)
            with transaction.atomic():
                parent = Category.objects.filter(blog=self.blog, slug=_term_slug(parent_slug, "")).first()
                with invalidation.changing(self.blog.pk):
                    Category.objects.filter(pk=pk).update(parent=parent)
        for pk, parent_id in self.page_parents:
            self.beat(False)
            mapping = self._mapping(Kind.POST, parent_id)
            parent = Post.objects.filter(pk=mapping.object_id, blog=self.blog).first() if mapping else None
            post = Post.objects.filter(pk=pk).first()
            if post is None:
                continue
            if parent is None:
                self.summary.notes.append((f"“{post.title}”", _("its parent %(id)s is not in the file") % {"id": parent_id}))
            elif parent.pk != pk:
                post_services.link_post(post, parent=parent)
        for pk, attachment_id in self.featured:
            self.beat(False)
            mapping = self._mapping(Kind.ATTACHMENT, attachment_id)
            post = Post.objects.filter(pk=pk).first()
            if post is None:
                continue
            media = Media.objects.filter(pk=mapping.object_id).first() if mapping and mapping.object_id else None
            if media is not None:
                post_services.link_post(post, featured_image=media)
            else:
                note = (_("featured image %(id)s kept at %(url)s") % {"id": attachment_id, "url": mapping.original_url}
                        if mapping else _("featured image %(id)s not in the file") % {"id": attachment_id})
                self.summary.notes.append((f"“{post.title}”", note))
        if self.media_urls:
            self._point_at_media()

    def _point_at_media(self):
        pattern = re.compile("|".join(re.escape(url) for url in sorted(self.media_urls, key=len, reverse=True)))
        ids = ImportedItem.objects.filter(blog=self.blog, kind=Kind.POST).values_list("object_id", flat=True)
        for post in Post.objects.filter(pk__in=list(ids)):
            self.beat(False)
            if pattern.search(post.source):
                post.source = pattern.sub(lambda m: self.media_urls[m.group(0)], post.source)
                post_services.save_post(post, editor=self.editor or post.author, announce=False)


def _describe(record):
    if isinstance(record, wxr.Item):
        return _("%(type)s %(id)s “%(title)s” (line %(line)s)") % {
            "type": record.post_type or "item", "id": record.post_id, "title": record.title, "line": record.line}
    if isinstance(record, wxr.Author):
        return _("author %(login)s (line %(line)s)") % {"login": record.login, "line": record.line}
    if isinstance(record, wxr.Term):
        return _("%(taxonomy)s “%(name)s” (line %(line)s)") % {
            "taxonomy": record.taxonomy, "name": record.name, "line": record.line}
    return "channel"


def _term_slug(slug, name):
    slug = (slug or "").strip()
    if not slug or not re.fullmatch(r"[-\w]+", slug):
        slug = slugify(slug or name, allow_unicode=True) or "term"
    return slug[:100]


def _email_ok(value):
    return bool(value) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) is not None
