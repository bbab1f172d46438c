"""How a change reaches the stored pages: every saved or deleted row removes its blog's pages.

This is the one place that knows which pages a change affects; features need no code of their own
(see "How a feature invalidates pages" in docs/performance.md). Django sends post_save, pre_delete
and m2m_changed for every model; each model is mapped once, at start-up, to the chain of foreign
keys that leads to its blog (a comment: post → blog; a like: post → blog; a follow: blog). A row of
a model with no such chain (a user, whose name shows on every blog they write for) removes every
stored page. Models that never show on a public page are listed in PRIVATE_MODELS.

Signals are the exception to "work that crosses apps is called explicitly" (STYLE.md) on purpose:
an explicit call in every service is exactly what a new feature forgets. Signals miss
QuerySet.update(), bulk_create() and raw SQL, so every connection also watches the SQL it sends:
a write to a public model's table that no signal announced removes every stored page (and logs
why). Code that writes in bulk on purpose says which blog it changes with `changing(blog_id)`,
and columns no page shows are listed in PRIVATE_FIELDS.

The pages are removed twice: at once (so the writing process, and tests, never read a page older
than their own change) and again when the transaction commits (a reader that rendered from the
old rows in between must not leave its page behind; samizdat.pages.store explains the stamp).

The same changes reach the fragments of pages rendered ahead of time (samizdat.posts.fragments),
whether the page store is on or not: the blog gets a new `fragments_token` once the change is
committed (a fragment rendered from the old rows before that keeps the old token, and is never
used), and until then the writing transaction uses no fragment of that blog (`fragments_suspended`).
On PostgreSQL nothing is written inside the writer's transaction, so writers never wait on each
other's blog row; SQLite's writers wait for each other anyway, and there the token is written in the
writer's own transaction.

Listeners (`on_posts_changed`) also learn, after the commit, which posts the change was about (a
row with a chain of foreign keys to a post: the post itself, its comments, likes, reblogs, its
discussion switch, its tags): the posts app renders those posts' shared parts again then, so their
readers find them rendered (samizdat.posts.fragments).
"""

import contextlib
import functools
import logging
import re
import threading

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import (
    m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_migrate, pre_save,
)

from samizdat.blogs.models import new_fragments_token

from . import store

log = logging.getLogger(__name__)

EVERYTHING = "*"
# Rows that no public page shows: saving them leaves the stored pages alone.
PRIVATE_MODELS = {
    "admin.logentry", "auth.group", "auth.permission", "contenttypes.contenttype", "sessions.session",
    "accounts.attempt", "blogs.invitation", "comments.spamtoken", "comments.subscription",
    "comments.postmailing", "comments.outgoingemail", "portability.importeditem", "portability.importjob", "posts.revision",
    # Federation's bookkeeping shows only in ActivityPub JSON, which is never stored; remote
    # comments and likes live in the comments and social tables and invalidate as local ones do.
    "federation.localkey", "federation.blogfederation", "federation.remoteactor",
    "federation.server", "federation.inboxitem", "federation.delivery", "federation.federatedpost",
    "federation.federatedcomment", "federation.block",
    # The reader is private to each reader; the reblog setting changes only future reblogs.
    "reader.source", "reader.entry", "reader.subscription", "reader.readmark", "reader.postreadmark",
    "reblogs.reblogsettings",
    # The identity provider's clients, consents, codes and tokens show on no public page.
    "oauth2_provider.application", "oauth2_provider.grant", "oauth2_provider.accesstoken",
    "oauth2_provider.refreshtoken", "oauth2_provider.idtoken", "oauth2_provider.devicegrant",
    "provider.consent", "provider.indieauthcode", "provider.indieauthtoken",
    # API credentials and Webmention bookkeeping (a verified mention shows as its comment, which counts).
    "api.token", "api.webmention", "api.sentwebmention", "api.webmentioncheck",
    # Rendered fragments of public pages are what invalidation keeps fresh, not a cause of it.
    "posts.postfragment",
    # django-allauth's rows (addresses, confirmations, sessions, two-factor, outside identities and
    # their tokens) never show on a public page; a sign-in writes some of them. Its "social
    # applications" do (the comment form's provider icons), so they are not listed.
    "account.emailaddress", "account.emailconfirmation", "usersessions.usersession", "mfa.authenticator",
    "socialaccount.socialaccount", "socialaccount.socialtoken",
}
# (portability.mirrorkey is public: the Mirrors page shows its public half; federation.follower too:
# a blog's pages count its followers on other servers.)
# Fields whose change alone shows nowhere public (a sign-in updates last_login; comments keep the
# address for a few days and remember what the filter learnt and whom they were mailed to).
PRIVATE_FIELDS = {
    "accounts.user": {"last_login", "password", "language"},
    "blogs.blog": {"fragments_token"},
    "comments.comment": {"ip", "trained_as", "subscribers_notified_at", "notices_due", "notices_claimed_at"},
}

_paths = {}  # concrete model → tuple of foreign keys to the blog, or None: every blog
_post_paths = {}  # concrete model → tuple of foreign keys to its post, or None: no one post
_post_listeners = []
_tables = {}  # table of a public model (or its many-to-many table) → columns no page shows
_WRITE = re.compile(r'\s*(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+"?(\w+)"?(?:\s+SET\s+(.*?)\s+WHERE\b)?', re.I | re.S)
_SET_COLUMN = re.compile(r'"?(\w+)"?\s*=')
# Per thread: how many statements on each table a signal (or `changing`) has announced.
_local = threading.local()
_migrating = False


def blog_changed(blog_id):
    """Remove the stored pages of a blog (and the instance's pages that list it), now and on commit."""
    _changed(blog_id)


def everything_changed():
    """Remove every stored page, now and on commit."""
    _changed(EVERYTHING)


@contextlib.contextmanager
def changing(blog_id):
    """Writes in the block (update(), raw SQL) change only this blog's pages; they are removed after it.

    Rows of this blog saved in the block still remove its pages at once, but leave the removal on
    commit to the block's end: an import saving thousands of rows in one transaction then removes
    the pages once on commit rather than once per row."""
    announced = _announced()
    announced["*"] = announced.get("*", 0) + 1
    covered = _covered()
    covered.append(blog_id)
    try:
        yield
    finally:
        announced["*"] -= 1
        covered.pop()
        # Even when the block fails: what it wrote before the error may still be committed.
        blog_changed(blog_id)


def _announced():
    try:
        return _local.announced
    except AttributeError:
        _local.announced = {}
        return _local.announced


def _covered():
    try:
        return _local.covered
    except AttributeError:
        _local.covered = []
        return _local.covered


def _announce(table, statements):
    _announced()[table] = statements


def watch_writes(execute, sql, params, many, context):
    """A database execute wrapper: a write no signal announced removes every stored page."""
    match = _WRITE.match(sql)
    if match is not None and match[2] in _tables:
        announced, table = _announced(), match[2]
        if announced.get("*"):
            pass
        elif announced.get(table, 0) > 0:
            announced[table] -= 1
        elif not (match[3] and set(_SET_COLUMN.findall(match[3])) <= _tables[table]):
            log.info("%s on %s without a signal: every stored page is removed", match[1].split()[0], table)
            # After the statement, so that the pages removed at once are not refilled from old rows.
            result = execute(sql, params, many, context)
            everything_changed()
            return result
    return execute(sql, params, many, context)


def _install(sender, connection, **kwargs):
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def _changed(owner):
    _fragments_changed(owner)
    if not settings.SAMIZDAT_PAGES:
        return
    owners = EVERYTHING if owner == EVERYTHING else [owner, store.SITE]
    store.remove_owners(owners, bump=False)
    if owner in _covered():
        return  # the enclosing `changing(owner)` removes them on commit
    transaction.on_commit(functools.partial(_remove_on_commit, owners), robust=True)


def _remove_on_commit(owners):
    store.remove_owners(owners)


class _Transaction:
    """What this thread's transaction in progress has changed, for the work done once per transaction."""

    def __init__(self, index):
        self.marker = functools.partial(_noop)  # a no-op commit callback that only this one has
        self.index = index  # its place in the connection's list of commit callbacks
        self.blogs = set()  # owners changed: no fragment of theirs is used until the commit
        self.tokens = {}  # owner -> the savepoints active when its new token was asked for
        self.posts = set()  # posts whose change is announced on commit


def _noop():
    pass


def _transaction():
    """The bookkeeping of the transaction in progress (the caller is in an atomic block).

    Told apart by a no-op commit callback registered at its first change: Django starts a new list
    of callbacks when a transaction ends, and drops those of a savepoint rolled back (with them what
    was recorded here since). The outermost atomic block cannot tell transactions apart: a function
    decorated with @transaction.atomic uses the same one for every call."""
    state = _current()
    if state is None:
        state = _local.transaction = _Transaction(len(connection.run_on_commit))
        transaction.on_commit(state.marker)
    return state


def _current():
    state = getattr(_local, "transaction", None)
    callbacks = connection.run_on_commit
    if state is not None and state.index < len(callbacks) and callbacks[state.index][1] is state.marker:
        return state
    return None


def _fragments_changed(owner):
    """Give the blog (or every blog) a new fragments token once the change is committed."""
    if connection.in_atomic_block:
        # Until the commit, this transaction (a request, or a whole test) reads its own change:
        # it must not use a fragment rendered before it.
        state = _transaction()
        state.blogs.add(owner)
        # One new token per blog and transaction, unless the one asked for already may be undone
        # (by a savepoint's rollback) while this change stays.
        active = set(connection.savepoint_ids)
        asked = state.tokens.get(owner)
        if asked is not None and asked <= active:
            return
        state.tokens[owner] = frozenset(active)
        if connection.vendor == "sqlite":
            # SQLite's writers hold the whole database until they commit, so the new token may be
            # written in the transaction itself: one write transaction per comment, not two, and a
            # committed change always comes with its token.
            _new_token(owner)
            return
    bump = functools.partial(_new_token, owner)
    bump.__qualname__ = _new_token.__qualname__  # Django names a failed callback in its log
    transaction.on_commit(bump, robust=True)


def on_posts_changed(listener):
    """Call `listener(post_ids)` after each commit that changed rows about those posts."""
    _post_listeners.append(listener)


def _post_changed(instance):
    if not _post_listeners or _migrating:
        return
    post_id = post_of(instance)
    if post_id is None:
        return
    if connection.in_atomic_block:
        # One call per post and transaction (an import changes thousands of rows of a few posts).
        # Should the savepoint that asked first roll back, a later change of the same post in the
        # transaction is not announced: its readers render the parts themselves, as before.
        state = _transaction()
        if post_id in state.posts:
            return
        state.posts.add(post_id)
    transaction.on_commit(functools.partial(_announce_posts, [post_id]), robust=True)


def _announce_posts(post_ids):
    for listener in _post_listeners:
        listener(post_ids)


def _new_token(owner):
    if _migrating:
        return
    blog = apps.get_model("blogs", "Blog")
    announced = _announced()
    announced["*"] = announced.get("*", 0) + 1  # this write is the invalidation, not a change
    try:
        if owner == EVERYTHING:
            blog.objects.update(fragments_token=new_fragments_token())
        else:
            # Plain SQL: one blog's new token follows every comment, and the ORM's UPDATE cost
            # more CPU to build than to run.
            quote = connection.ops.quote_name
            sql = "UPDATE {} SET {} = %s WHERE {} = %s".format(
                quote(blog._meta.db_table), quote(blog._meta.get_field("fragments_token").column),
                quote(blog._meta.pk.column),
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [new_fragments_token(), owner])
    finally:
        announced["*"] -= 1


def _migration_started(**kwargs):
    # Data migrations write before the blogs table may have its token; every blog gets a new one after.
    global _migrating
    _migrating = True


def _migration_done(**kwargs):
    global _migrating
    _migrating = False
    try:
        _new_token(EVERYTHING)
    except DatabaseError:  # migrated back to before the blogs table had it
        pass


def fragments_suspended(blog_id):
    """True while this thread's transaction has changed the blog and not yet committed."""
    state = _current() if connection.in_atomic_block else None
    return state is not None and (blog_id in state.blogs or EVERYTHING in state.blogs)


def path_to_blog(model, target=("blogs", "Blog")):
    """The foreign keys leading from `model` to its blog (or `target`): () for a blog, None when
    there are none."""
    blog_model = apps.get_model(*target)
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
    return _follow(instance, path, EVERYTHING)


def post_of(instance):
    """The id of the post `instance` is about (a post, or its comment, like, reblog), or None."""
    model = instance._meta.concrete_model
    path = _post_paths[model] if model in _post_paths else path_to_blog(model, ("posts", "Post"))
    return _follow(instance, path, None)


def _follow(instance, path, unknown):
    """The id at the end of `path`'s foreign keys from `instance` (its own id for an empty path)."""
    if path is None:
        return unknown
    if not path:
        return instance.pk
    obj = instance
    for i, field in enumerate(path):
        value = getattr(obj, field.attname)
        if value is None:
            return unknown
        if i == len(path) - 1:
            return value
        if field.is_cached(obj):
            obj = field.get_cached_value(obj)
            continue
        rest = "__".join(f.name for f in path[i + 1:])
        found = field.related_model._base_manager.filter(pk=value).values_list(rest, flat=True).first()
        return unknown if found is None else found
    return unknown


def _on_pre_save(sender, instance, **kwargs):
    # A save is an UPDATE, or an UPDATE then an INSERT when no row had the primary key.
    _announce(sender._meta.db_table, 2)


def _on_save(sender, instance, update_fields=None, **kwargs):
    _announce(sender._meta.db_table, 0)
    if update_fields and set(update_fields) <= PRIVATE_FIELDS.get(sender._meta.label_lower, set()):
        return
    _changed(owner_of(instance))
    _post_changed(instance)


def _on_delete(sender, instance, **kwargs):
    table = sender._meta.db_table
    _announce(table, _announced().get(table, 0) + 1)  # one per row deleted, at most
    _changed(owner_of(instance))
    if instance._meta.concrete_model is not apps.get_model("posts", "Post"):  # a deleted post has no parts
        _post_changed(instance)


def _on_deleted(sender, instance, **kwargs):
    _announce(sender._meta.db_table, 0)


def _on_m2m(sender, instance, action, model=None, **kwargs):
    if model._meta.label_lower in PRIVATE_MODELS:
        return
    table = sender._meta.db_table
    if action.startswith("pre_"):
        _announce(table, 1)  # one INSERT or DELETE of the link rows
    else:
        _announce(table, 0)
        _changed(owner_of(instance))
        _post_changed(instance)


def public_models():
    """The models whose rows may show on a public page."""
    return [m for m in apps.get_models() if m._meta.label_lower not in PRIVATE_MODELS]


def connect():
    """Listen to every public model (and its proxies), leaving the private ones their fast deletes."""
    for model in public_models():
        _paths[model._meta.concrete_model] = path_to_blog(model)
        _post_paths[model._meta.concrete_model] = path_to_blog(model, ("posts", "Post"))
        private = PRIVATE_FIELDS.get(model._meta.label_lower, set())
        _tables[model._meta.db_table] = {model._meta.get_field(name).column for name in private}
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                _tables[field.remote_field.through._meta.db_table] = set()
    for model in apps.get_models():
        if model._meta.concrete_model._meta.label_lower in PRIVATE_MODELS:
            continue
        label = model._meta.label_lower
        pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"pages-pre-save-{label}")
        post_save.connect(_on_save, sender=model, dispatch_uid=f"pages-save-{label}")
        pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"pages-delete-{label}")
        post_delete.connect(_on_deleted, sender=model, dispatch_uid=f"pages-deleted-{label}")
    # Many-to-many changes come with the through model as sender; listen to them all.
    m2m_changed.connect(_on_m2m, dispatch_uid="pages-m2m")
    connection_created.connect(_install, dispatch_uid="pages-watch-writes")
    pre_migrate.connect(_migration_started, dispatch_uid="pages-pre-migrate")
    post_migrate.connect(_migration_done, dispatch_uid="pages-post-migrate")
