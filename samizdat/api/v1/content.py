"""Posts and pages of a blog: /api/v1/blogs/{blog}/posts/ and /pages/, with the dashboard's rules."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.responses import Status
from ninja import Path, Query, Router, Schema
from pydantic import Field

from samizdat.api import services
from samizdat.api.models import Scope
from samizdat.comments.models import PostDiscussion
from samizdat.dashboard import permissions as can
from samizdat.posts import services as post_services
from samizdat.posts.models import Post

from . import render
from .common import MAX_LIMIT, blog_and_role, cursor_page, need
from .schemas import MAX_ID, PageIn, PageOut, PagePage, PagePatch, PostIn, PostOut, PostPage, PostPatch

router = Router(tags=["posts and pages"])


class ListQuery(Schema):
    cursor: str | None = Field(default=None, max_length=100)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    status: Literal["draft", "scheduled", "published", "private"] | None = None


def closed_posts(posts):
    """Ids of the posts among `posts` whose comments are closed."""
    ids = [p.pk for p in posts if not p.is_page]
    return set(PostDiscussion.objects.filter(post_id__in=ids, open=False).values_list("post_id", flat=True))


def _out(post):
    return render.post(post, allow_comments=None if post.is_page else post.pk not in closed_posts([post]))


def _queryset(blog):
    return Post.objects.filter(blog=blog).select_related("blog", "author").prefetch_related("tags__blog", "categories")


def _routes(kind, rule, create_schema, patch_schema, out, page_schema):
    """The five operations on posts (kind "post") or pages (kind "page")."""
    plural = f"{kind}s"

    def _editable(request, blog_slug, pk, rule_for_object):
        blog, membership = blog_and_role(request, blog_slug, rule)
        post = _queryset(blog).filter(kind=kind, pk=pk).first()
        if post is None:
            raise Http404
        if not rule_for_object(membership, post):
            raise PermissionDenied("Your role does not allow you to change this.")
        return blog, membership, post

    @router.get(f"/blogs/{{blog_slug}}/{plural}", response=page_schema, operation_id=f"list_{plural}",
                summary=f"List the blog's {plural} you may see, newest first")
    def list_items(request, blog_slug: str, query: Query[ListQuery]):
        need(request, Scope.READ)
        blog, membership = blog_and_role(request, blog_slug, rule)
        queryset = _queryset(blog).filter(kind=kind)
        if kind == Post.Kind.POST:
            queryset = can.visible_posts(membership, queryset)
        if query.status:
            queryset = queryset.filter(status=query.status)
        page = cursor_page(queryset, query.cursor, query.limit, lambda p: p)
        closed = closed_posts(page["items"])
        page["items"] = [render.post(p, allow_comments=p.pk not in closed) for p in page["items"]]
        return page

    @router.post(f"/blogs/{{blog_slug}}/{plural}", response={201: out}, operation_id=f"create_{kind}",
                 summary=f"Write a {kind} (a draft unless status says otherwise)")
    def create(request, blog_slug: str, payload: create_schema):
        need(request, Scope.CREATE)
        blog, membership = blog_and_role(request, blog_slug, rule)
        post = Post(blog=blog, kind=kind, author=request.auth.user)
        data = payload.model_dump()
        if data.get("status") in (Post.Status.PUBLISHED, Post.Status.SCHEDULED) and data["published_at"] is None:
            data.pop("published_at")
        post = services.write_post(post, membership=membership, editor=request.auth.user, data=data)
        return Status(201, _out(_queryset(blog).get(pk=post.pk)))

    @router.get(f"/blogs/{{blog_slug}}/{plural}/{{pk}}", response=out, operation_id=f"get_{kind}",
                summary=f"One {kind}, as its editor sees it")
    def get_item(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
        need(request, Scope.READ)
        _blog, _membership, post = _editable(request, blog_slug, pk, can.can_edit_post)
        return _out(post)

    @router.patch(f"/blogs/{{blog_slug}}/{plural}/{{pk}}", response=out, operation_id=f"update_{kind}",
                  summary=f"Change a {kind}: only the fields sent change")
    def update(request, blog_slug: str, payload: patch_schema, pk: int = Path(..., ge=1, le=MAX_ID)):
        need(request, Scope.UPDATE)
        blog, membership, post = _editable(request, blog_slug, pk, can.can_edit_post)
        data = payload.model_dump(exclude_unset=True)
        post = services.write_post(post, membership=membership, editor=request.auth.user, data=data)
        return _out(_queryset(blog).get(pk=post.pk))

    @router.delete(f"/blogs/{{blog_slug}}/{plural}/{{pk}}", response={204: None}, operation_id=f"delete_{kind}",
                   summary=f"Delete a {kind} for good")
    def delete(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
        need(request, Scope.DELETE)
        _blog, _membership, post = _editable(request, blog_slug, pk, can.can_delete_post)
        post_services.delete_post(post)
        return Status(204, None)


_routes(Post.Kind.POST, can.can_write_posts, PostIn, PostPatch, PostOut, PostPage)
_routes(Post.Kind.PAGE, can.can_edit_pages, PageIn, PagePatch, PageOut, PagePage)
