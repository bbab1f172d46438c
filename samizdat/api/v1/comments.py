"""Comments on a blog's posts and their moderation: editors and owners, as in the dashboard's queue."""

from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from ninja.responses import Status
from ninja import Path, Query, Router, Schema
from pydantic import Field

from samizdat.api.models import Scope
from samizdat.comments import services as comment_services
from samizdat.comments.models import Comment
from samizdat.dashboard import permissions as can
from samizdat.posts.models import Post

from . import render
from .common import MAX_LIMIT, blog_and_role, cursor_page, need
from .problems import Problem
from .schemas import MAX_ID, CommentIn, CommentOut, CommentPage, CommentPatch, ModerationIn, ReplyIn

router = Router(tags=["comments"])


class CommentQuery(Schema):
    cursor: str | None = Field(default=None, max_length=100)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    status: Literal["pending", "approved", "spam", "trash"] | None = None
    post: int | None = Field(default=None, ge=1, le=MAX_ID)


def _comment(request, blog_slug, pk):
    blog, _membership = blog_and_role(request, blog_slug, can.can_moderate_comments)
    comment = Comment.objects.filter(post__blog=blog, pk=pk).select_related("post__blog").first()
    if comment is None:
        raise Http404
    return comment


@router.get("/blogs/{blog_slug}/comments", response=CommentPage, summary="The moderation queue and the rest")
def list_comments(request, blog_slug: str, query: Query[CommentQuery]):
    need(request, Scope.READ)
    blog, _membership = blog_and_role(request, blog_slug, can.can_moderate_comments)
    queryset = Comment.objects.filter(post__blog=blog)
    if query.status:
        queryset = queryset.filter(status=query.status)
    if query.post is not None:
        queryset = queryset.filter(post_id=query.post)
    return cursor_page(queryset, query.cursor, query.limit, render.comment)


@router.post("/blogs/{blog_slug}/posts/{pk}/comments", response={201: CommentOut},
             summary="Comment on a published post as yourself (through the blog's moderation)",
             openapi_extra={"responses": {
                 "409": {"description": "Comments on this post are closed."},
                 "429": {"description": "Too many comments in a short time; wait and send again."},
             }})
def create_comment(request, blog_slug: str, payload: CommentIn, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.CREATE)
    post = Post.objects.posts().live().filter(blog__slug=blog_slug, pk=pk).select_related("blog").first()
    if post is None:
        raise Http404
    # The time-to-fill check is for forms (robots are fast); an API client has no form to fill.
    submission = comment_services.Submission(
        body=payload.body, parent_id=payload.parent, elapsed=float(settings.SAMIZDAT_COMMENT_MIN_SECONDS)
    )
    try:
        comment, _created = comment_services.submit_comment(post, submission, user=request.auth.user)
    except comment_services.CommentRefused as error:
        status = 429 if error.code == "rate_limited" else 409 if error.code == "closed" else 422
        field = "parent" if error.code == "parent" else ""
        raise Problem(status, " ".join(error.messages), errors=[(field, m) for m in error.messages], code=error.code)
    return Status(201, render.comment(comment))


@router.get("/blogs/{blog_slug}/comments/{pk}", response=CommentOut)
def get_comment(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.READ)
    return render.comment(_comment(request, blog_slug, pk))


@router.patch("/blogs/{blog_slug}/comments/{pk}", response=CommentOut, summary="Correct a comment")
def update_comment(request, blog_slug: str, payload: CommentPatch, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.MODERATE)
    comment = _comment(request, blog_slug, pk)
    data = payload.model_dump(exclude_unset=True)
    url = data.get("author_url", comment.author_url)
    if url and not url.startswith(("http://", "https://")):
        raise ValidationError({"author_url": "A website address starts with http:// or https://."})
    with transaction.atomic():
        comment = comment_services.edit_comment(
            comment, body=data.get("body", comment.body), name=data.get("author_name", comment.author_name),
            url=url,
        )
    return render.comment(comment)


@router.post("/blogs/{blog_slug}/comments/{pk}/moderate", response={200: CommentOut, 204: None},
             summary="Approve, unapprove, spam, not_spam, trash, restore or delete")
def moderate_comment(request, blog_slug: str, payload: ModerationIn, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.MODERATE)
    comment = comment_services.moderate(_comment(request, blog_slug, pk), payload.action)
    if comment is None:
        return Status(204, None)
    return Status(200, render.comment(comment))


@router.post("/blogs/{blog_slug}/comments/{pk}/replies", response={201: CommentOut},
             summary="Reply as a member (approves the comment replied to)")
def reply_to_comment(request, blog_slug: str, payload: ReplyIn, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.MODERATE)
    parent = _comment(request, blog_slug, pk)
    reply = comment_services.reply_as_member(parent, user=request.auth.user, body=payload.body)
    return Status(201, render.comment(reply))


@router.delete("/blogs/{blog_slug}/comments/{pk}", response={204: None}, summary="Delete a comment for good")
def delete_comment(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.MODERATE)
    comment_services.moderate(_comment(request, blog_slug, pk), "delete")
    return Status(204, None)
