"""Who may do what in the dashboard: every rule is here, views and templates only ask.

Rules take a membership (from `blogs.services.membership_for`, never None here) and follow
WordPress's roles: contributors write drafts but cannot publish, upload, or touch a post once it
is published or scheduled; authors publish and edit their own posts; editors edit anyone's posts,
pages and terms; owners also manage settings and members.
"""

from django.db.models import Q

from samizdat.blogs.roles import Cap
from samizdat.posts.models import Post


def can_write_posts(membership):
    """See the post list and start a new post."""
    return membership.can(Cap.EDIT_POSTS)


def can_edit_pages(membership):
    return membership.can(Cap.EDIT_PAGES)


def can_manage_terms(membership):
    return membership.can(Cap.MANAGE_TERMS)


def can_upload(membership):
    """Use the media library and upload to it."""
    return membership.can(Cap.UPLOAD_FILES)


def can_manage_blog(membership):
    """Change the blog's settings and its members."""
    return membership.can(Cap.MANAGE_BLOG)


def can_moderate_comments(membership):
    """Use the comment queue: approve, spam, trash, edit and reply."""
    return membership.can(Cap.MODERATE_COMMENTS)


def _own(membership, obj_user_id):
    return obj_user_id is not None and obj_user_id == membership.user_id


def can_edit_post(membership, post):
    """Change a post or page (and restore its revisions)."""
    if post.is_page:
        return can_edit_pages(membership)
    if membership.can(Cap.EDIT_OTHERS_POSTS):
        return True
    if not (_own(membership, post.author_id) and membership.can(Cap.EDIT_POSTS)):
        return False
    # Contributors lose a post once it has gone out (or is due to), as on WordPress.
    return post.status == Post.Status.DRAFT or membership.can(Cap.PUBLISH_POSTS)


def can_delete_post(membership, post):
    """Delete a post or page: whoever may edit it, as on WordPress."""
    return can_edit_post(membership, post)


def can_publish_post(membership, post):
    """Publish, schedule or unpublish a post or page."""
    if post.is_page:
        return can_edit_pages(membership)
    if membership.can(Cap.EDIT_OTHERS_POSTS):
        return True
    return membership.can(Cap.PUBLISH_POSTS) and (post.pk is None or _own(membership, post.author_id))


def can_edit_media(membership, media):
    """Change the alternative text of, or delete, an uploaded file."""
    if not can_upload(membership):
        return False
    return membership.can(Cap.EDIT_OTHERS_POSTS) or _own(membership, media.uploaded_by_id)


def visible_posts(membership, queryset):
    """The part of a blog's posts a member sees listed: all for editors, else their own and live ones."""
    if membership.can(Cap.EDIT_OTHERS_POSTS):
        return queryset
    return queryset.filter(Q(author_id=membership.user_id) | Q(status=Post.Status.PUBLISHED))
