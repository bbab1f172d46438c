"""Reblogs: a blog's reblogs, reblogging a post of this instance or a page on the web, and who
reblogged a post; the rules of the dashboard's Reblog screens."""

from django.http import Http404
from ninja import Path, Query, Router
from ninja.responses import Status

from samizdat.api import services
from samizdat.api.models import Scope
from samizdat.core.links import absolute_url
from samizdat.dashboard import permissions as can
from samizdat.posts.models import Post
from samizdat.reblogs import extract, selectors
from samizdat.reblogs import services as reblog_services
from samizdat.reblogs.models import Reblog

from . import render
from .common import blog_and_role, cursor_page, need
from .content import closed_posts
from .problems import Problem
from .schemas import MAX_ID, ReblogCreatedOut, ReblogIn, RebloggersOut, ReblogPage
from .terms import PageQuery

router = Router(tags=["reblogs"])


def _absolute(url):
    return absolute_url(url) if url else ""


def _render(row, closed):
    original = row.original
    return {
        "id": row.pk,
        "post": render.post(row.post, allow_comments=row.post_id not in closed),
        "source": {
            "url": _absolute(row.source_url), "title": row.source_title, "author": row.source_author,
            "site": row.source_site, "site_url": _absolute(row.source_site_url),
            "published_at": row.source_published_at, "origin": row.origin,
            "original": original.pk if original else None, "original_blog": original.blog.slug if original else None,
            "via_url": _absolute(row.via_url), "via_name": row.via_name,
        },
        "original_change": reblog_services.original_change(row),
        "created_at": row.created_at,
    }


def _rows(blog):
    return Reblog.objects.filter(local=True, blog=blog).select_related(
        "post__blog", "post__author", "original__blog"
    ).prefetch_related("post__tags__blog", "post__categories")


@router.get("/blogs/{blog_slug}/reblogs", response=ReblogPage, summary="The blog's reblogs, newest first")
def list_reblogs(request, blog_slug: str, query: Query[PageQuery]):
    need(request, Scope.READ)
    blog, membership = blog_and_role(request, blog_slug, can.can_write_posts)
    visible = can.visible_posts(membership, Post.objects.filter(blog=blog))
    page = cursor_page(_rows(blog).filter(post__in=visible), query.cursor, query.limit, lambda row: row)
    closed = closed_posts([row.post for row in page["items"]])
    page["items"] = [_render(row, closed) for row in page["items"]]
    return page


def _source(payload):
    """The Source to reblog: a live post of this instance (by id, or by its address), or a web page."""
    if (payload.post is None) == (payload.url is None):
        raise Problem(422, "Give either post or url.", errors=[("post", "Give either post or url, not both.")])
    if payload.post is not None:
        original = Post.objects.posts().live().filter(pk=payload.post).select_related("blog", "author").first()
        if original is None:
            raise Problem(422, "No published post has this id.", errors=[("post", "No published post has this id.")])
        return reblog_services.source_from_post(original)
    # An address of this instance is reblogged as its post, with the local credits and link.
    original = services.post_for_url(payload.url)
    if original is not None and original.is_live and not original.is_page:
        return reblog_services.source_from_post(original)
    try:
        return extract.fetch_source(payload.url)
    except extract.ExtractError as error:
        raise Problem(422, str(error), errors=[("url", str(error))])


@router.post("/blogs/{blog_slug}/reblogs", response={201: ReblogCreatedOut},
             summary="Reblog a post of this instance (post) or a page on the web (url)")
def create_reblog(request, blog_slug: str, payload: ReblogIn):
    need(request, Scope.CREATE)
    blog, membership = blog_and_role(request, blog_slug, can.can_write_posts)
    publish = payload.status == "published"
    if publish and not can.can_publish_post(membership, Post(blog=blog)):
        raise Problem(403, "Your role may save a reblog as a draft on this blog, but not publish it.")
    source = _source(payload)
    repeated = reblog_services.already_reblogged(blog, source.url)
    # A web page's lead image is copied to the blog's media first, as the dashboard does.
    image, why_not = reblog_services.fetch_lead_image(source, blog=blog, editor=request.auth.user)
    post = reblog_services.reblog(
        source, blog=blog, editor=request.auth.user, title=payload.title or "", comment=payload.comment,
        publish=publish, image=image,
    )
    row = _rows(blog).get(post=post)
    return Status(201, {
        **_render(row, closed_posts([row.post])), "already_reblogged": repeated, "lead_image_error": why_not,
    })


@router.get("/blogs/{blog_slug}/posts/{pk}/reblogs", response=RebloggersOut,
            summary="Who reblogged a published post (blogs here and fediverse accounts)")
def get_rebloggers(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.READ)
    post = Post.objects.posts().live().filter(blog__slug=blog_slug, pk=pk).first()
    if post is None:
        raise Http404
    found = selectors.rebloggers(post)
    return {"count": found.count, "shown": [{"name": name, "url": _absolute(url)} for name, url in found.shown]}
