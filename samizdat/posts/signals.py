"""What posts tell apps above them (federation), which posts must not import.

Each signal is sent once the change is committed, so a receiver may queue work that reads it.
"""

from django.dispatch import Signal

# A post or page was saved, published or unpublished: `post_id`.
post_changed = Signal()
# A post or page was deleted: `post_id`, `blog_id`, and `url`, the absolute path it had.
post_deleted = Signal()
