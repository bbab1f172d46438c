"""Writing and publishing: every change to a post goes through these functions."""

import contextlib
import hashlib
import logging
import unicodedata

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from samizdat.core.html import render_markdown
from samizdat.pages import invalidation

# services and tasks import each other: tasks run services, and services queue tasks once
# their transaction commits. Neither uses the other while being imported.
from . import search, signals, tasks
from .models import RESERVED_PAGE_SLUGS, Category, Post, Revision, Tag

logger = logging.getLogger(__name__)


def unique_slug(blog, text, *, exclude_pk=None, max_length=200):
    """A slug for `text` not yet used by another post or page of `blog`."""
    base = slugify(text, allow_unicode=True)[:max_length].strip("-") or "untitled"
    if base.isdigit():
        base = f"p-{base}"
    taken = set(
        Post.objects.filter(blog=blog, slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    ) | RESERVED_PAGE_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[: max_length - 6]}-{n}"
        n += 1
    return slug


def terms_from_names(blog, names):
    """The blog's tags with these names, creating the missing ones."""
    tags = []
    max_length = Tag._meta.get_field("name").max_length
    # Control characters (NUL among them, which PostgreSQL refuses) and lone surrogates (which
    # no database can store as UTF-8) have no place in a name.
    cleaned = ("".join(ch for ch in n if unicodedata.category(ch) not in ("Cc", "Cs")).strip() for n in names)
    for name in dict.fromkeys(n[:max_length] for n in cleaned if n):
        # A name with no letter or digit (":", "🔥") slugifies to nothing: give it a stable address.
        slug = slugify(name, allow_unicode=True)[:max_length].strip("-")
        slug = slug or f"tag-{hashlib.sha256(name.encode()).hexdigest()[:10]}"
        tag, _ = Tag.objects.get_or_create(blog=blog, slug=slug, defaults={"name": name})
        tags.append(tag)
    return tags


@transaction.atomic
def save_post(post, *, editor, tags=None, categories=None, announce=True):
    """Render, validate and store a post or page, keeping a revision of this version.

    `announce=False` (imports): the change is not announced to other apps, so followers are not
    sent an archive moving in as news; a scheduled post is still published on time."""
    if not post.slug:
        post.slug = unique_slug(post.blog, post.title, exclude_pk=post.pk)
    post.html = render_markdown(post.source)
    post.full_clean(exclude=["author", "featured_image", "parent"])
    post.save()
    if tags is not None:
        post.tags.set(tags)
    if categories is not None:
        post.categories.set(categories)
    Revision.objects.create(
        post=post, author=editor, title=post.title, source=post.source, excerpt=post.excerpt
    )
    search.index_post(post)
    if post.status == Post.Status.SCHEDULED:
        post_id, eta = post.pk, post.published_at
        transaction.on_commit(lambda: _wake_worker_at(eta, post_id))
    if announce:
        _announce(signals.post_changed, post_id=post.pk)
    return post


def set_terms(links):
    """Give many posts their tags and categories at once, replacing what they had: [(post, tags,
    categories)]. One statement per table instead of several per post (imports)."""
    if not links:
        return
    with contextlib.ExitStack() as stack:
        # Link rows send no signals this way: each blog says its pages change.
        for blog_id in {post.blog_id for post, _tags, _categories in links}:
            stack.enter_context(invalidation.changing(blog_id))
        for field, position in ((Post.tags.field, 1), (Post.categories.field, 2)):
            through = field.remote_field.through
            source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            through.objects.filter(**{f"{source}__in": [post.pk for post, *_terms in links]}).delete()
            rows = {(link[0].pk, term.pk) for link in links for term in link[position]}
            through.objects.bulk_create([through(**{source: post_pk, target: term_pk}) for post_pk, term_pk in rows])


def _announce(signal, **kwargs):
    # After the commit, so receivers see the change; a failing receiver never undoes a save.
    transaction.on_commit(lambda: signal.send_robust(sender=Post, **kwargs))


def _wake_worker_at(eta, post_id):
    # The queue only wakes the worker on time: the row holds the state, and the minute sweep
    # (publish_due_posts_task) still publishes the post if this wake-up is lost.
    try:
        tasks.publish_post_task.schedule(args=(post_id,), eta=eta)
    except Exception:
        logger.exception("Could not queue the publication of post %s; the sweep will do it", post_id)


def publish_post(post, *, editor, when=None, tags=None, categories=None):
    """Publish now, or schedule for `when` if that lies in the future."""
    now = timezone.now()
    if when is not None and when > now:
        post.status, post.published_at = Post.Status.SCHEDULED, when
    else:
        post.status = Post.Status.PUBLISHED
        post.published_at = when or post.published_at or now
        if post.published_at > now:
            post.published_at = now
    return save_post(post, editor=editor, tags=tags, categories=categories)


def unpublish_post(post, *, editor, tags=None, categories=None):
    """Take a post back to draft; its publish time is kept for when it returns."""
    post.status = Post.Status.DRAFT
    return save_post(post, editor=editor, tags=tags, categories=categories)


def publish_due_posts(now=None):
    """Publish every scheduled post whose time has come; returns how many."""
    now = now or timezone.now()
    due = Post.objects.filter(status=Post.Status.SCHEDULED, published_at__lte=now)
    return sum(publish_scheduled_post(pk, now=now) for pk in list(due.values_list("pk", flat=True)))


def publish_scheduled_post(post_id, *, now=None):
    """Publish the post if it is still scheduled and due; True only for the call that did it."""
    now = now or timezone.now()
    blog_id = Post.objects.filter(pk=post_id).values_list("blog_id", flat=True).first()
    if blog_id is None:
        return False
    with transaction.atomic(), invalidation.changing(blog_id):
        # One conditional UPDATE, so the sweep and the one-off task never both publish it.
        changed = Post.objects.filter(
            pk=post_id, status=Post.Status.SCHEDULED, published_at__lte=now
        ).update(status=Post.Status.PUBLISHED, updated_at=timezone.now())
        if changed:
            search.index_post(Post.objects.get(pk=post_id))
            _announce(signals.post_changed, post_id=post_id)
    return bool(changed)


def restore_revision(revision, *, editor):
    """Bring back a revision's title, text and excerpt as the post's current version."""
    post = revision.post
    post.title, post.source, post.excerpt = revision.title, revision.source, revision.excerpt
    return save_post(post, editor=editor)


def category_choices(blog):
    """The blog's categories in tree order, each with its depth, for pickers and lists."""
    categories = list(Category.objects.filter(blog=blog))
    children = {}
    for cat in categories:
        children.setdefault(cat.parent_id, []).append(cat)
    ordered, seen = [], set()

    def walk(parent_id, depth):
        for cat in children.get(parent_id, []):
            if cat.pk not in seen:
                seen.add(cat.pk)
                ordered.append((cat, depth))
                walk(cat.pk, depth + 1)

    walk(None, 0)
    # Any category whose parent chain is broken still appears, at the top level.
    ordered.extend((cat, 0) for cat in categories if cat.pk not in seen)
    return ordered


@transaction.atomic
def delete_category(category):
    """Delete a category; its sub-categories move up to its parent, as on WordPress."""
    with invalidation.changing(category.blog_id):
        Category.objects.filter(parent=category).update(parent=category.parent_id)
    category.delete()


@transaction.atomic
def delete_post(post):
    """Delete a post or page for good, taking it out of the search index first."""
    search.remove_post(post)
    _announce(signals.post_deleted, post_id=post.pk, blog_id=post.blog_id, url=post.get_absolute_url())
    post.delete()


def link_post(post, *, parent=None, featured_image=None):
    """Set a page's parent or a post's featured image without a new revision (imports link these last)."""
    fields = []
    if parent is not None:
        post.parent, fields = parent, [*fields, "parent"]
    if featured_image is not None:
        post.featured_image, fields = featured_image, [*fields, "featured_image"]
    if fields:
        post.save(update_fields=fields)
    return post
