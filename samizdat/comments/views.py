"""Public comment views: thin, the rules are in services."""

from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from samizdat.accounts import providers
from samizdat.accounts.fediverse_apps import FediverseError
from samizdat.accounts.indieauth.client import IndieAuthError
from samizdat.accounts import services as account_services
from samizdat.core.clients import client_address
from samizdat.core.csrf import guest_form
from samizdat.posts.models import Post
from samizdat.posts.selectors import get_blog, menu_pages

from . import services
from .forms import MAX_BODY, CommentForm, FollowByEmailForm, seconds_since
from .models import Subscription

OWN_COOKIE = "samizdat_own_comments"  # signed: ids of this browser's recent comments
OWN_SALT = "samizdat.comments.own"
GUEST_COOKIES = {"name": "comment_author", "email": "comment_author_email", "url": "comment_author_url"}
YEAR = 365 * 24 * 3600
MAX_DRAFT = MAX_BODY + 100


def own_comment_ids(request):
    """Ids of comments sent from this browser (so their authors see them while they are held)."""
    value = request.get_signed_cookie(OWN_COOKIE, default="", salt=OWN_SALT)
    return [int(v) for v in value.split(",") if v.isdigit()]


def remembered_guest(request):
    """Name, email and website this browser asked us to remember, for its own comment form only."""
    return {field: unquote(request.COOKIES.get(cookie, ""))[:254] for field, cookie in GUEST_COOKIES.items()}


def _secure_cookies(request):
    # Behind a front server that ends TLS the request looks like plain HTTP: trust the site address.
    return request.is_secure() or settings.SESSION_COOKIE_SECURE



def _rerender(request, blog, post, form, status):
    context = {
        "blog": blog, "post": post, "menu_pages": menu_pages(blog), "comment_form": form,
        "tags": list(post.tags.select_related("blog")),
        "categories": list(post.categories.select_related("blog")),
    }
    return render(request, "posts/post_detail.html", context, status=status)


@require_POST
@guest_form
def post_comment(request, blog_slug, post_id):
    blog = get_blog(request, blog_slug)
    # The blog's comment settings and the post's own switch come with it; the author and featured
    # image only a refused form shows are read then.
    post = services.post_taking_comments(blog, post_id)
    if post is None:
        raise Http404("no such post takes comments")
    form = CommentForm(request.POST, user=request.user, post=post)
    if not form.is_valid():
        return _rerender(request, blog, post, form, 400)
    data = form.cleaned_data
    submission = services.Submission(
        body=data["body"], name=data.get("name", ""), email=data.get("email", ""), url=data.get("url", ""),
        parent_id=data["parent"], nonce=data["nonce"] or form.derived_nonce(post.pk), elapsed=seconds_since(data["started"], post.pk),
        honeypot=data["homepage"], notify_replies=data["notify_replies"], notify_posts=data["notify_posts"],
    )
    try:
        comment, _created = services.submit_comment(post, submission, user=request.user, ip=client_address(request))
    except services.CommentRefused as refused:
        form.add_error(None, refused)
        return _rerender(request, blog, post, form, 429 if refused.code == "rate_limited" else 400)
    response = redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")
    response.status_code = 303
    ids = [comment.pk] + [i for i in own_comment_ids(request) if i != comment.pk]
    response.set_signed_cookie(
        OWN_COOKIE, ",".join(map(str, ids[:20])), salt=OWN_SALT, max_age=30 * 24 * 3600,
        httponly=True, samesite="Lax", secure=_secure_cookies(request),
    )
    if not form.signed_in:
        for field, cookie in GUEST_COOKIES.items():
            if data["remember"]:
                response.set_cookie(
                    cookie, quote(data[field] or ""), max_age=YEAR, httponly=True, samesite="Lax",
                    secure=_secure_cookies(request),
                )
            else:
                response.delete_cookie(cookie, samesite="Lax")
    return response


def confirm(request, token):
    """A confirmation link: GET shows a button (so link scanners confirm nothing), POST confirms."""
    subscription = services.subscription_for_confirmation(token)
    if subscription is None:
        return render(request, "comments/subscription.html", {"state": "invalid"}, status=404)
    if request.method == "POST":
        services.confirm_subscription(subscription)
        return render(request, "comments/subscription.html", {"state": "confirmed", "subscription": subscription})
    state = "confirmed" if subscription.confirmed_at else "confirm"
    return render(request, "comments/subscription.html", {"state": state, "subscription": subscription})


@csrf_exempt  # the signed token is the credential; RFC 8058 one-click POSTs come without a form
def unsubscribe(request, token):
    """An unsubscribe link: GET shows a button, POST (from it or the mail client) unsubscribes."""
    subscription = services.subscription_for_unsubscribe(token)
    if request.method == "POST":
        if subscription is not None:
            services.unsubscribe(subscription)
        return render(request, "comments/subscription.html", {"state": "unsubscribed"})
    if subscription is None:
        return render(request, "comments/subscription.html", {"state": "unsubscribed"})
    return render(request, "comments/subscription.html", {"state": "unsubscribe", "subscription": subscription})


@guest_form
def follow_by_email(request, blog_slug):
    """A guest asks for the blog's new posts by email; only a confirmation link is sent (double opt-in)."""
    blog = get_blog(request, blog_slug)
    context = {"blog": blog, "menu_pages": menu_pages(blog)}
    if request.method != "POST":
        form = FollowByEmailForm(auto_id="follow-page-%s")
        context.update(form=form, sent="sent" in request.GET)
        return render(request, "comments/follow_by_email.html", context)
    form = FollowByEmailForm(request.POST, auto_id="follow-page-%s")
    if not form.is_valid():
        return render(request, "comments/follow_by_email.html", {**context, "form": form}, status=400)
    if not form.cleaned_data["homepage"]:  # robots fill in the hidden field; they are told it worked
        services.subscribe(form.cleaned_data["email"], Subscription.Kind.POSTS, blog)
    response = redirect(reverse("comments:follow_by_email", kwargs={"blog_slug": blog.slug}) + "?sent=1")
    response.status_code = 303
    return response


DRAFT_SESSION_KEY = "samizdat_comment_draft"
DRAFT_FIELDS = ("body", "parent", "name", "email", "url", "notify_replies", "notify_posts")


def _stash_draft(request, post):
    """Keep what the reader typed in the comment form, to put back when they return to the post."""
    draft = {field: request.POST.get(field, "")[:MAX_DRAFT] for field in DRAFT_FIELDS}
    draft["post"] = post.pk
    request.session[DRAFT_SESSION_KEY] = draft


def take_draft(request, post):
    """The comment this browser was writing on `post` before a sign-in round trip, once; or {}."""
    draft = request.session.get(DRAFT_SESSION_KEY)
    if not draft or draft.get("post") != post.pk:
        return {}
    del request.session[DRAFT_SESSION_KEY]
    kept = {field: value for field, value in draft.items() if field in DRAFT_FIELDS and value}
    if "parent" in kept and not str(kept["parent"]).isdigit():
        del kept["parent"]
    for flag in ("notify_replies", "notify_posts"):
        if flag in kept:
            kept[flag] = True
    return kept


def _live_post(request, blog_slug, post_id):
    blog = get_blog(request, blog_slug)
    return get_object_or_404(Post.objects.posts().live().select_related("blog"), pk=post_id, blog=blog)


def _from_elsewhere(request):
    """Whether the browser says this POST came from another site's page (Origin, Sec-Fetch-Site)."""
    origin = request.headers.get("Origin", "")
    if origin and origin != "null" and urlsplit(origin).netloc != request.get_host():
        return True
    return request.headers.get("Sec-Fetch-Site", "") == "cross-site"


@require_POST
@guest_form  # the guest's form may be a stored page, without a CSRF token (samizdat.core.csrf)
def sign_in_with(request, blog_slug, post_id):
    """A provider icon under a post: keep the comment being typed, then go and sign in there."""
    if _from_elsewhere(request):
        raise PermissionDenied("a sign-in starts from this site's own pages")
    post = _live_post(request, blog_slug, post_id)
    back = f"{post.get_absolute_url()}#respond"
    _stash_draft(request, post)
    if request.POST.get("provider") in ("fediverse", "indieauth"):
        typed = request.POST.get(request.POST["provider"], "")
        start = providers.fediverse_login_url if request.POST["provider"] == "fediverse" else providers.indieauth_connecting_url
        try:
            provider_id, login_url = start(request, typed, next_url=back)
        except (FediverseError, IndieAuthError) as refused:
            messages.error(request, str(refused))
            return _see_other(back)
    else:
        provider = next(
            (p for p in providers.enabled_providers(request, next_url=back) if p.id == request.POST.get("provider")),
            None,
        )
        if provider is None:
            raise Http404("no such sign-in provider")
        provider_id, login_url = provider.id, provider.login_url
    account_services.remember_return(request, back)
    account_services.note_connecting(request, provider_id)
    return _see_other(login_url)


def _see_other(url):
    response = redirect(url)
    response.status_code = 303
    return response


@require_POST
def sign_out(request, blog_slug, post_id):
    """"Log Out" or "Change" under a post: sign out, keeping the comment being typed, and come back
    to the form, which then offers the providers and the guest fields."""
    post = _live_post(request, blog_slug, post_id)
    logout(request)
    _stash_draft(request, post)
    return _see_other(f"{post.get_absolute_url()}#respond")
