"""Like and follow buttons (plain form posts, answered in JSON to the enhancing script) and profiles."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samizdat.posts.models import Post
from samizdat.posts.selectors import get_blog

from . import selectors, services


def _live_post(request, blog_slug, post_id):
    blog = get_blog(request, blog_slug)
    return get_object_or_404(Post.objects.posts().live().select_related("blog"), pk=post_id, blog=blog)


def _wants_json(request):
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def _likes_answer(request, post):
    """Back to the post's likes, or, for the script, the refreshed likes as HTML in JSON."""
    if not _wants_json(request):
        return redirect(post.get_absolute_url() + "#likes")
    likes = selectors.post_likes(post, request.user)
    html = render_to_string("social/_likes_body.html", {"post": post, "likes": likes}, request=request)
    return JsonResponse({"liked": likes.liked, "count": likes.count, "html": html})


@require_POST
def like(request, blog_slug, post_id):
    post = _live_post(request, blog_slug, post_id)
    if not request.user.is_authenticated:
        return redirect_to_login(post.get_absolute_url())
    try:
        services.like_post(request.user, post)
    except ValidationError:
        raise Http404
    return _likes_answer(request, post)


@require_POST
def unlike(request, blog_slug, post_id):
    post = _live_post(request, blog_slug, post_id)
    if not request.user.is_authenticated:
        return redirect_to_login(post.get_absolute_url())
    services.unlike_post(request.user, post)
    return _likes_answer(request, post)


def _back(request, blog):
    """Where the follow button was pressed (a path of ours), else the blog's home."""
    target = request.POST.get("next", "")
    ours = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if ours:
        return target
    return blog.get_absolute_url()


@require_POST
def follow(request, blog_slug):
    blog = get_blog(request, blog_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(_back(request, blog))
    services.follow_blog(request.user, blog)
    messages.success(
        request,
        _("You follow %(blog)s: its new posts appear in your Reader.") % {"blog": blog.title},
    )
    return redirect(_back(request, blog))


@require_POST
def unfollow(request, blog_slug):
    blog = get_blog(request, blog_slug)
    if not request.user.is_authenticated:
        return redirect_to_login(_back(request, blog))
    services.unfollow_blog(request.user, blog)
    messages.success(request, _("You no longer follow %(blog)s.") % {"blog": blog.title})
    return redirect(_back(request, blog))


def profile(request, username):
    person, blogs = selectors.profile(username)
    return render(request, "social/profile.html", {"person": person, "blogs": blogs})
