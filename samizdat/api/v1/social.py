"""The caller's own likes and subscriptions (follows of blogs), and the blogs they belong to."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja.responses import Status
from ninja import Path, Query, Router

from samizdat.api import services as api_services
from samizdat.api.models import Scope
from samizdat.blogs.models import Blog, Membership
from samizdat.dashboard import permissions as can
from samizdat.posts.models import Post
from samizdat.social import selectors as social_selectors
from samizdat.social import services as social_services

from . import render
from .common import blog_and_role, cursor_page, need
from .schemas import MAX_ID, BlogIn, BlogOut, BlogPatch, BlogPage, LikesOut, UserOut
from .terms import PageQuery

router = Router(tags=["you, blogs, likes and subscriptions"])


@router.get("/me", response=UserOut, summary="Who the credential belongs to")
def me(request):
    return render.user(request.auth.user)


@router.get("/blogs", response=BlogPage, summary="The blogs you are a member of")
def list_blogs(request, query: Query[PageQuery]):
    need(request, Scope.READ)
    user = request.auth.user
    roles = dict(Membership.objects.filter(user=user).values_list("blog_id", "role"))
    blogs = Blog.objects.all() if user.is_superuser else Blog.objects.filter(pk__in=roles)
    return cursor_page(blogs, query.cursor, query.limit, lambda b: render.blog(b, roles.get(b.pk, "owner")))


@router.post("/blogs", response={201: BlogOut}, summary="Start a blog, with you as its owner")
def create_blog(request, payload: BlogIn):
    need(request, Scope.CREATE)
    blog = api_services.create_blog(request.auth.user, payload.model_dump())
    return Status(201, render.blog(blog, "owner"))


@router.get("/blogs/{blog_slug}", response=BlogOut)
def get_blog(request, blog_slug: str):
    need(request, Scope.READ)
    blog, membership = blog_and_role(request, blog_slug)
    return render.blog(blog, membership.role)


@router.patch("/blogs/{blog_slug}", response=BlogOut, summary="Change the blog's title, tagline, language or time zone")
def update_blog(request, blog_slug: str, payload: BlogPatch):
    need(request, Scope.UPDATE)
    blog, membership = blog_and_role(request, blog_slug, can.can_manage_blog)
    blog = api_services.update_blog(blog, payload.model_dump(exclude_unset=True))
    return render.blog(blog, membership.role)


def _live_post(blog_slug, pk):
    post = Post.objects.live().filter(blog__slug=blog_slug, pk=pk, kind=Post.Kind.POST).first()
    if post is None:
        raise Http404
    return post


def _likes(post, user):
    return {"count": post.likes.count(), "liked": post.likes.filter(user=user).exists()}


@router.get("/blogs/{blog_slug}/posts/{pk}/likes", response=LikesOut, summary="A published post's likes")
def get_likes(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.READ)
    return _likes(_live_post(blog_slug, pk), request.auth.user)


@router.put("/blogs/{blog_slug}/posts/{pk}/like", response=LikesOut, summary="Like a published post")
def like(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.CREATE)
    post = _live_post(blog_slug, pk)
    try:
        social_services.like_post(request.auth.user, post)
    except ValidationError as error:  # pragma: no cover - only live posts reach here
        raise ValidationError({"post": error.messages})
    return _likes(post, request.auth.user)


@router.delete("/blogs/{blog_slug}/posts/{pk}/like", response=LikesOut, summary="Take back your like")
def unlike(request, blog_slug: str, pk: int = Path(..., ge=1, le=MAX_ID)):
    need(request, Scope.DELETE)
    post = _live_post(blog_slug, pk)
    social_services.unlike_post(request.auth.user, post)
    return _likes(post, request.auth.user)


@router.get("/subscriptions", response=BlogPage, summary="The blogs you follow (your reader)")
def list_subscriptions(request, query: Query[PageQuery]):
    need(request, Scope.READ)
    return cursor_page(social_selectors.followed_blogs(request.auth.user), query.cursor, query.limit, render.blog)


def _blog(slug):
    blog = Blog.objects.filter(slug=slug).first()
    if blog is None:
        raise Http404
    return blog


@router.put("/blogs/{blog_slug}/subscription", response=BlogOut, summary="Follow a blog")
def subscribe(request, blog_slug: str):
    need(request, Scope.CREATE)
    blog = _blog(blog_slug)
    social_services.follow_blog(request.auth.user, blog)
    return render.blog(blog)


@router.delete("/blogs/{blog_slug}/subscription", response={204: None}, summary="Stop following a blog")
def unsubscribe(request, blog_slug: str):
    need(request, Scope.DELETE)
    social_services.unfollow_blog(request.auth.user, _blog(blog_slug))
    return Status(204, None)
