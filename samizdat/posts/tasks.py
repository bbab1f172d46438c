"""Background work of the posts app, run by `samizdat worker`."""

from django.conf import settings
from django.db import connection
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import fragments, services
from .models import PostFragment


@db_task(retries=5, retry_delay=5, retry_backoff=2)
def publish_post_task(post_id):
    """Publish one scheduled post at its time; queued by `services.publish_post`."""
    return services.publish_scheduled_post(post_id)


@db_periodic_task(crontab(minute="*"))
def publish_due_posts_task():
    """Every minute, publish the scheduled posts whose time has come (the safety net)."""
    return services.publish_due_posts()


@db_task(retries=2, retry_delay=5)
def render_post_fragments_task(post_id):
    """Render a changed post's shared parts again, so its next readers find them ready."""
    return fragments.refresh(post_id)


def queue_fragment_renders(post_ids):
    """After a commit that changed these posts (samizdat.pages.invalidation): queue the rendering of
    the parts of those that readers have read (a post nobody read yet is rendered by its first
    reader). A post whose rendering is already queued is not queued again, so a burst of comments
    costs the worker one rendering, not one per comment; and since this runs after every comment,
    it is plain SQL, and a read when nothing is to be queued (an UPDATE would take SQLite's write lock
    even when it changes no row)."""
    if not settings.SAMIZDAT_POST_FRAGMENTS:
        return
    quote = connection.ops.quote_name
    table = quote(PostFragment._meta.db_table)
    waiting = f"{quote('post_id')} = %s AND NOT {quote('queued')} AND {quote('address')} <> ''"
    with connection.cursor() as cursor:
        for post_id in post_ids:
            cursor.execute(f"SELECT 1 FROM {table} WHERE {waiting} LIMIT 1", [post_id])
            if cursor.fetchone() is None:
                continue
            cursor.execute(f"UPDATE {table} SET {quote('queued')} = %s WHERE {waiting}", [True, post_id])
            if cursor.rowcount:
                render_post_fragments_task(post_id)
