"""Roles of a blog's members and what each may do, after WordPress's roles and capabilities."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    AUTHOR = "author", _("Author")
    CONTRIBUTOR = "contributor", _("Contributor")


class Cap:
    """Capability names; a view asks `membership.can(Cap.PUBLISH_POSTS)`."""

    EDIT_POSTS = "edit_posts"  # write and edit one's own posts (as drafts)
    PUBLISH_POSTS = "publish_posts"  # publish, schedule and unpublish one's own posts
    UPLOAD_FILES = "upload_files"
    EDIT_OTHERS_POSTS = "edit_others_posts"  # edit, publish and delete anyone's posts
    EDIT_PAGES = "edit_pages"
    MANAGE_TERMS = "manage_terms"  # tags and categories
    MODERATE_COMMENTS = "moderate_comments"
    MANAGE_BLOG = "manage_blog"  # settings and members


_CONTRIBUTOR = {Cap.EDIT_POSTS}
_AUTHOR = _CONTRIBUTOR | {Cap.PUBLISH_POSTS, Cap.UPLOAD_FILES}
_EDITOR = _AUTHOR | {Cap.EDIT_OTHERS_POSTS, Cap.EDIT_PAGES, Cap.MANAGE_TERMS, Cap.MODERATE_COMMENTS}
_OWNER = _EDITOR | {Cap.MANAGE_BLOG}

CAPABILITIES = {
    Role.CONTRIBUTOR: frozenset(_CONTRIBUTOR),
    Role.AUTHOR: frozenset(_AUTHOR),
    Role.EDITOR: frozenset(_EDITOR),
    Role.OWNER: frozenset(_OWNER),
}
