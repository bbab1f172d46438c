"""The posts app's signals, turned into federation work for the worker."""

import logging

from . import tasks

logger = logging.getLogger(__name__)


def on_post_changed(sender, post_id, **kwargs):
    try:
        tasks.sync_post_task(post_id)
    except Exception:
        # federate_due_posts_task sends a newly published post all the same.
        logger.exception("Could not queue federation of post %s", post_id)


def on_post_deleted(sender, post_id, url, **kwargs):
    try:
        tasks.post_deleted_task(post_id, url)
    except Exception:
        logger.exception("Could not queue the Delete of post %s", post_id)


def on_comment_changed(sender, comment_id, **kwargs):
    try:
        tasks.sync_comment_task(comment_id)
    except Exception:
        logger.exception("Could not queue federation of comment %s", comment_id)


def on_comment_deleted(sender, comment_id, **kwargs):
    try:
        tasks.comment_deleted_task(comment_id)
    except Exception:
        logger.exception("Could not queue the Delete of comment %s", comment_id)
