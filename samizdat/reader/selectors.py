"""Read-only queries of the reader: a person's sources and entries, and what they have read."""

from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from .models import Entry, PostReadMark, ReadMark, Source
from .services import reader_horizon


def sources_of(user):
    """The sources `user` follows, with how many of their entries are unread."""
    return Source.objects.filter(subscriptions__user=user).annotate(
        unread=Count("entries", filter=Q(entries__pruned=False) & ~Q(entries__read_marks__user=user), distinct=True)
    ).order_by("title", "url")


def entries_for(user, *, include_read=False):
    """Entries of the user's sources, newest first, each with `is_read`."""
    entries = (
        Entry.objects.filter(source__subscriptions__user=user, pruned=False)
        .select_related("source")
        .annotate(is_read=Exists(ReadMark.objects.filter(user=user, entry=OuterRef("pk"))))
        .order_by("-published_at", "-pk")
    )
    return entries if include_read else entries.filter(is_read=False)


def entry_for(user, entry_id):
    """One entry of a source `user` follows (404 otherwise)."""
    return get_object_or_404(
        Entry.objects.select_related("source"), pk=entry_id, source__subscriptions__user=user, pruned=False
    )


def source_for(user, source_id):
    return get_object_or_404(Source, pk=source_id, subscriptions__user=user)


def posts_for(user, posts, *, include_read=False):
    """`posts` (those of the blogs `user` follows here) within the reader's horizon, each with `is_read`."""
    posts = posts.filter(published_at__gte=reader_horizon()).annotate(
        is_read=Exists(PostReadMark.objects.filter(user=user, post=OuterRef("pk")))
    )
    return posts if include_read else posts.filter(is_read=False)
