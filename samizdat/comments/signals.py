"""What comments tell apps above them (federation), which comments must not import.

Sent once the change is committed, so a receiver may queue work that reads it.
"""

from django.dispatch import Signal

# A comment was taken in, moderated or edited: `comment_id`.
comment_changed = Signal()
# A comment was deleted for good: `comment_id`.
comment_deleted = Signal()
