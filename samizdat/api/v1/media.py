"""A blog's media library: authors and up upload; uploaders (and editors) change and delete."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja.responses import Status
from ninja import File, Form, Path, Query, Router
from ninja.files import UploadedFile

from samizdat.api.models import Scope
from samizdat.dashboard import permissions as can
from samizdat.posts.media import delete_media, store_upload
from samizdat.posts.models import Media

from . import render
from .common import blog_and_role, cursor_page, need
from .schemas import MAX_ID, MediaOut, MediaPage, MediaPatch
from .terms import PageQuery

router = Router(tags=["media"])


def _own(request, blog_slug, pk):
    blog, membership = blog_and_role(request, blog_slug, can.can_upload)
    media = Media.objects.filter(blog=blog, pk=pk).first()
    if media is None:
        raise Http404
    if not can.can_edit_media(membership, media):
        raise PermissionDenied("Only its uploader and the blog's editors may change this file.")
    return media


@router.get("/blogs/{blog_slug}/media", response=MediaPage)
def list_media(request, blog_slug: str, query: Query[PageQuery]):
    need(request, Scope.READ)
    blog, _membership = blog_and_role(request, blog_slug, can.can_upload)
    return cursor_page(Media.objects.filter(blog=blog), query.cursor, query.limit, render.media)


@router.post("/blogs/{blog_slug}/media", response={201: MediaOut}, summary="Upload a file (multipart/form-data)")
def upload_media(request, blog_slug: str, file: File[UploadedFile], alt: Form[str] = ""):
    need(request, Scope.MEDIA)
    blog, _membership = blog_and_role(request, blog_slug, can.can_upload)
    if len(alt) > 500:
        raise ValidationError({"alt": "Keep the alternative text under 500 characters."})
    try:
        media = store_upload(blog, request.auth.user, file, alt=alt)
    except ValidationError as error:
        raise ValidationError({"file": error.messages})
    return Status(201, render.media(media))


@router.get("/blogs/{blog_slug}/media/{pk}", response=MediaOut)
def get_media(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.READ)
    blog, _membership = blog_and_role(request, blog_slug, can.can_upload)
    media = Media.objects.filter(blog=blog, pk=pk).first()
    if media is None:
        raise Http404
    return render.media(media)


@router.patch("/blogs/{blog_slug}/media/{pk}", response=MediaOut, summary="Change a file's alternative text")
def update_media(request, blog_slug: str, payload: MediaPatch, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.UPDATE)
    media = _own(request, blog_slug, pk)
    media.alt = payload.alt
    media.save(update_fields=["alt"])
    return render.media(media)


@router.delete("/blogs/{blog_slug}/media/{pk}", response={204: None})
def delete_media_item(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.DELETE)
    delete_media(_own(request, blog_slug, pk))
    return Status(204, None)
