"""Stored pages that a reblog changes on another blog.

The page store removes a blog's stored pages when that blog's own rows change
(samizdat.pages.invalidation). A reblog also shows on a second blog: "Reblogged by" under the
original, and the "original updated / removed" note above each reblog. These receivers remove
that other blog's pages too, in the same way (signals, so no service that saves a post can
forget it). The worker publishes a scheduled post with a bulk update(), which sends no
post_save: the posts app's own post_changed signal, sent once that is committed, covers it.
"""

from django.db.models import Q
from django.db.models.signals import post_save, pre_delete

from samizdat.pages.invalidation import blog_changed
from samizdat.posts import signals as post_signals
from samizdat.posts.models import Post

from .models import Reblog


def _other_blogs_changed(post_pk, post_blog_id):
    """A post that is a reblog (its original's blog counts it) or an original (its reblogs note it)."""
    rows = Reblog.objects.filter(Q(post_id=post_pk) | Q(original_id=post_pk, local=True))
    blogs = set()
    for post_id, original_blog_id, blog_id in rows.values_list("post_id", "original__blog_id", "blog_id"):
        blogs.add(original_blog_id if post_id == post_pk else blog_id)
    for blog_id in blogs - {None, post_blog_id}:
        blog_changed(blog_id)


def _post_changed(sender, instance, created=False, **kwargs):
    if not created:  # a post just made is nobody's reblog and has none yet
        _other_blogs_changed(instance.pk, instance.blog_id)


def _post_published(sender, post_id, **kwargs):
    """A scheduled post gone live through update() (publish_scheduled_post), which post_save misses."""
    blog_id = Post.objects.filter(pk=post_id).values_list("blog_id", flat=True).first()
    if blog_id is not None:
        _other_blogs_changed(post_id, blog_id)


def _reblog_changed(sender, instance, **kwargs):
    """A reblog made, or undone: the original's "Reblogged by" changes."""
    if instance.original_id is not None:
        blog_id = Post.objects.filter(pk=instance.original_id).values_list("blog_id", flat=True).first()
        if blog_id is not None and blog_id != instance.blog_id:
            blog_changed(blog_id)


def connect():
    post_save.connect(_post_changed, sender=Post, dispatch_uid="reblogs-post-save")
    pre_delete.connect(_post_changed, sender=Post, dispatch_uid="reblogs-post-delete")
    post_signals.post_changed.connect(_post_published, dispatch_uid="reblogs-post-changed")
    post_save.connect(_reblog_changed, sender=Reblog, dispatch_uid="reblogs-reblog-save")
    pre_delete.connect(_reblog_changed, sender=Reblog, dispatch_uid="reblogs-reblog-delete")
