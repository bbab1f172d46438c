"""Tags and categories of a blog: editors and owners manage them, as in the dashboard."""

from django.http import Http404
from ninja.responses import Status
from ninja import Path, Query, Router, Schema
from pydantic import Field

from samizdat.api import services
from samizdat.api.models import Scope
from samizdat.dashboard import permissions as can
from samizdat.posts import services as post_services
from samizdat.posts.models import Category, Tag

from . import render
from .common import MAX_LIMIT, blog_and_role, cursor_page, need
from .schemas import MAX_ID, CategoryIn, CategoryOut, CategoryPage, CategoryPatch, TagIn, TagOut, TagPage, TagPatch

router = Router(tags=["tags and categories"])


class PageQuery(Schema):
    cursor: str | None = Field(default=None, max_length=100)
    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)


def _term_routes(model, noun, plural, render_one, out, page_schema, create_schema, patch_schema, delete):
    def _get(request, blog_slug, pk):
        blog, _membership = blog_and_role(request, blog_slug, can.can_manage_terms)
        term = model.objects.filter(blog=blog, pk=pk).first()
        if term is None:
            raise Http404
        return term

    @router.get(f"/blogs/{{blog_slug}}/{plural}", response=page_schema, operation_id=f"list_{plural}")
    def list_terms(request, blog_slug: str, query: Query[PageQuery]):
        need(request, Scope.READ)
        blog, _membership = blog_and_role(request, blog_slug, can.can_manage_terms)
        return cursor_page(model.objects.filter(blog=blog).select_related("blog"), query.cursor, query.limit, render_one)

    @router.post(f"/blogs/{{blog_slug}}/{plural}", response={201: out}, operation_id=f"create_{noun}")
    def create(request, blog_slug: str, payload: create_schema):
        need(request, Scope.CREATE)
        blog, _membership = blog_and_role(request, blog_slug, can.can_manage_terms)
        return Status(201, render_one(services.save_term(model(blog=blog), payload.model_dump())))

    @router.get(f"/blogs/{{blog_slug}}/{plural}/{{pk}}", response=out, operation_id=f"get_{noun}")
    def get_term(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
        need(request, Scope.READ)
        return render_one(_get(request, blog_slug, pk))

    @router.patch(f"/blogs/{{blog_slug}}/{plural}/{{pk}}", response=out, operation_id=f"update_{noun}")
    def update(request, blog_slug: str, payload: patch_schema, pk: int = Path(..., ge=1, le=MAX_ID)):
        need(request, Scope.UPDATE)
        return render_one(services.save_term(_get(request, blog_slug, pk), payload.model_dump(exclude_unset=True)))

    @router.delete(f"/blogs/{{blog_slug}}/{plural}/{{pk}}", response={204: None}, operation_id=f"delete_{noun}")
    def delete_term(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
        need(request, Scope.DELETE)
        delete(_get(request, blog_slug, pk))
        return Status(204, None)


_term_routes(Tag, "tag", "tags", render.tag, TagOut, TagPage, TagIn, TagPatch, lambda t: t.delete())
_term_routes(
    Category, "category", "categories", render.category, CategoryOut, CategoryPage, CategoryIn, CategoryPatch,
    post_services.delete_category,
)
