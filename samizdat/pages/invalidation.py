"""How a change reaches the stored pages: every saved or deleted row removes its blog's pages.

This is the one place that knows which pages a change affects; features need no code of their own
(see "How a feature invalidates pages" in docs/performance.md). Django sends post_save, pre_delete
and m2m_changed for every model; each model is mapped once, at start-up, to the chain of foreign
keys that leads to its blog (a comment: post → blog; a like: post → blog; a follow: blog). A row of
a model with no such chain (a user, whose name shows on every blog they write for) removes every
stored page. Models that never show on a public page are listed in PRIVATE_MODELS.

Signals are the exception to "work that crosses apps is called explicitly" (STYLE.md) on purpose:
an explicit call in every service is exactly what a new feature forgets. What signals miss, bulk
QuerySet.update() and raw SQL, calls blog_changed() or everything_changed() itself.

The pages are removed twice: at once (so the writing process, and tests, never read a page older
than their own change) and again when the transaction commits (a reader that rendered from the
old rows in between must not leave its page behind; samizdat.pages.store explains the stamp).
"""

import functools
import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete

from . import store

log = logging.getLogger(__name__)

EVERYTHING = "*"
# Rows that no public page shows: saving them leaves the stored pages alone.
PRIVATE_MODELS = {
    "admin.logentry", "auth.group", "auth.permission", "contenttypes.contenttype", "sessions.session",
    "accounts.attempt", "blogs.invitation", "comments.spamtoken", "comments.subscription",
    "comments.postmailing", "portability.importeditem", "portability.mirrorkey", "posts.revision",
    # Federation's bookkeeping shows only in ActivityPub JSON, which is never stored; remote
    # comments and likes live in the comments and social tables and invalidate as local ones do.
    "federation.localkey", "federation.blogfederation", "federation.remoteactor", "federation.follower",
    "federation.server", "federation.inboxitem", "federation.delivery", "federation.federatedpost",
    "federation.federatedcomment", "federation.block",
    # The reader is private to each reader; the reblog setting changes only future reblogs.
    "reader.source", "reader.entry", "reader.subscription", "reader.readmark", "reblogs.reblogsettings",
    # The identity provider's clients, consents, codes and tokens show on no public page.
    "oauth2_provider.application", "oauth2_provider.grant", "oauth2_provider.accesstoken",
    "oauth2_provider.refreshtoken", "oauth2_provider.idtoken", "oauth2_provider.devicegrant",
    "provider.consent", "provider.indieauthcode", "provider.indieauthtoken",
}
# Fields whose change alone shows nowhere public (a sign-in updates last_login).
PRIVATE_FIELDS = {"accounts.user": {"last_login", "password"}}

_paths = {}  # concrete model → tuple of foreign keys to the blog, or None: every blog


def blog_changed(blog_id):
    """Remove the stored pages of a blog (and the instance's pages that list it), now and on commit."""
    _changed(blog_id)


def everything_changed():
    """Remove every stored page, now and on commit."""
    _changed(EVERYTHING)


def _changed(owner):
    if not settings.SAMIZDAT_PAGES:
        return
    owners = EVERYTHING if owner == EVERYTHING else [owner, store.SITE]
    store.remove_owners(owners, bump=False)
    transaction.on_commit(functools.partial(_remove_on_commit, owners), robust=True)


def _remove_on_commit(owners):
    store.remove_owners(owners)


def path_to_blog(model):
    """The foreign keys leading from `model` to its blog: () for a blog, None when there are none."""
    blog_model = apps.get_model("blogs", "Blog")
    model = model._meta.concrete_model
    if model is blog_model:
        return ()
    frontier, seen = [(model, ())], {model}
    for _depth in range(3):
        following = []
        for current, path in frontier:
            for field in current._meta.concrete_fields:
                if not (field.many_to_one or field.one_to_one):
                    continue
                target = field.related_model._meta.concrete_model
                if target is blog_model:
                    return (*path, field)
                if target not in seen:
                    seen.add(target)
                    following.append((target, (*path, field)))
        frontier = following
    return None


def owner_of(instance):
    """The id of the blog `instance` belongs to, or EVERYTHING."""
    model = instance._meta.concrete_model
    path = _paths.get(model, None) if model in _paths else path_to_blog(model)
    if path is None:
        return EVERYTHING
    if not path:
        return instance.pk
    obj = instance
    for i, field in enumerate(path):
        value = getattr(obj, field.attname)
        if value is None:
            return EVERYTHING
        if i == len(path) - 1:
            return value
        if field.is_cached(obj):
            obj = field.get_cached_value(obj)
            continue
        rest = "__".join(f.name for f in path[i + 1:])
        found = field.related_model._base_manager.filter(pk=value).values_list(rest, flat=True).first()
        return EVERYTHING if found is None else found
    return EVERYTHING


def _on_save(sender, instance, update_fields=None, **kwargs):
    if update_fields and set(update_fields) <= PRIVATE_FIELDS.get(sender._meta.label_lower, set()):
        return
    _changed(owner_of(instance))


def _on_delete(sender, instance, **kwargs):
    _changed(owner_of(instance))


def _on_m2m(sender, instance, action, model=None, **kwargs):
    if action.startswith("post_") and model._meta.label_lower not in PRIVATE_MODELS:
        _changed(owner_of(instance))


def public_models():
    """The models whose rows may show on a public page."""
    return [m for m in apps.get_models() if m._meta.label_lower not in PRIVATE_MODELS]


def connect():
    """Listen to every public model (and its proxies), leaving the private ones their fast deletes."""
    for model in public_models():
        _paths[model._meta.concrete_model] = path_to_blog(model)
    for model in apps.get_models():
        if model._meta.concrete_model._meta.label_lower in PRIVATE_MODELS:
            continue
        post_save.connect(_on_save, sender=model, dispatch_uid=f"pages-save-{model._meta.label_lower}")
        pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"pages-delete-{model._meta.label_lower}")
    # Many-to-many changes come with the through model as sender; listen to them all.
    m2m_changed.connect(_on_m2m, dispatch_uid="pages-m2m")
