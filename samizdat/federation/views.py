"""Discovery and ActivityPub documents: WebFinger, NodeInfo, actors, collections and objects."""

import datetime
import json

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from importlib.metadata import version
from samizdat.blogs.models import Blog
from samizdat.posts.selectors import get_blog
from samizdat.social.avatars import identicon_png

from . import ids, inbox, keys, selectors
from .documents import actor_document, article_document, blog_icon
from .ap import render
from .following import reply_note
from .models import ReaderReply
from .negotiation import ACTIVITY_JSON, response_type, wanted_ap_type

NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
APPLICATION_REL = "https://www.w3.org/ns/activitystreams#Application"


def ap_response(request, document, status=200):
    """`document` as JSON, typed as the client asked (activity+json unless it preferred ld+json)."""
    media = wanted_ap_type(request) or ACTIVITY_JSON
    body = json.dumps(document, ensure_ascii=False)
    return HttpResponse(body, status=status, content_type=f"{response_type(media)}; charset=utf-8")


def blog_actor(request, blog_slug):
    """The blog's actor document, at /@blog/ for ActivityPub clients (see middleware)."""
    return ap_response(request, actor_document(get_blog(request, blog_slug)))


def post_object(request, blog_slug, year, month, day, slug):
    """A live post as an Article, at its public URL for ActivityPub clients."""
    blog = get_blog(request, blog_slug)
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        raise Http404
    try:
        post = selectors.live_post(blog, slug, date)
    except Http404:
        gone = selectors.deleted_post(ids.absolute(request.path_info))
        if gone is None:
            raise
        # Deleted or taken back: followers' servers learn it is gone for good (ActivityPub §6.4).
        document = render.tombstone(gone.ap_id, former_type="Article", deleted=gone.sent_at.isoformat())
        return ap_response(request, document, status=410)
    return ap_response(request, article_document(post))


@require_GET
def comment_object(request, pk):
    """A local approved comment: a Note for ActivityPub clients, the comment on its page for browsers."""
    comment = selectors.shared_comment(pk)
    if not wanted_ap_type(request):
        return HttpResponseRedirect(comment.get_absolute_url())
    parent = comment.parent
    if parent is None:
        in_reply_to = ids.post_id(comment.post)
    else:
        in_reply_to = parent.ap_id or ids.comment_id(parent)
    response = ap_response(request, render.comment_note(comment, in_reply_to=in_reply_to, blog=comment.post.blog))
    response.headers["Vary"] = "Accept"
    return response


@require_GET
def reader_reply(request, pk):
    """A reply written in our Reader: the Note for ActivityPub clients, the post replied to for browsers."""
    reply = get_object_or_404(ReaderReply.objects.select_related("blog", "recipient"), pk=pk)
    if not wanted_ap_type(request):
        return HttpResponseRedirect(reply.in_reply_to)
    response = ap_response(request, reply_note(reply))
    response.headers["Vary"] = "Accept"
    return response


@require_GET
def quote_authorization(request, pk):
    """The FEP-044f stamp that lets a remote quote post quote one of our posts (while it is live)."""
    row = selectors.quote_authorization(pk)
    post = row.original
    document = render.quote_authorization(
        ids.quote_authorization_id(row), blog_actor=ids.actor_id(post.blog), target=ids.post_id(post),
        quote=row.ap_id,
    )
    return ap_response(request, document)


@require_GET
def outbox(request, blog_slug):
    """The blog's latest posts as Create activities, newest first."""
    blog = get_object_or_404(Blog, slug=blog_slug)
    items = [
        render.activity(
            "Create", activity_id=ids.activity_id(ids.post_id(post), "create", int(post.published_at.timestamp())),
            actor=ids.actor_id(blog), obj=article_document(post), published=post.published_at.isoformat(),
        )
        for post in selectors.recent_posts(blog)
    ]
    total = selectors.live_post_count(blog)
    return ap_response(request, render.collection(ids.blog_collection(blog, "outbox"), total=total, items=items))


@require_GET
def followers(request, blog_slug):
    """How many follow the blog; who they are is theirs to tell, not ours (as on Mastodon)."""
    blog = get_object_or_404(Blog, slug=blog_slug)
    total = selectors.follower_count(blog)
    return ap_response(request, render.collection(ids.blog_collection(blog, "followers"), total=total))


@require_GET
def following(request, blog_slug):
    """Blogs follow nobody yet (following out from the Reader is to come)."""
    blog = get_object_or_404(Blog, slug=blog_slug)
    return ap_response(request, render.collection(ids.blog_collection(blog, "following"), total=0, items=[]))


@require_GET
def featured(request, blog_slug):
    """Pinned posts (Mastodon's `featured`): none yet, blogs have no pinning."""
    blog = get_object_or_404(Blog, slug=blog_slug)
    return ap_response(request, render.collection(ids.blog_collection(blog, "featured"), total=0, items=[]))


@require_GET
@cache_control(max_age=86400, public=True)
def icon(request, blog_slug):
    """The blog's identicon as a PNG, its actor icon when no owner has uploaded a picture."""
    blog = get_object_or_404(Blog, slug=blog_slug)
    return HttpResponse(identicon_png(f"blog:{blog.slug}"), content_type="image/png")


@require_GET
def instance_actor(request):
    """The instance actor (FEP-2677), whose key signs our GET requests."""
    return ap_response(
        request, render.instance_actor(name=settings.SITE_NAME, public_pem=keys.instance_key().public_pem)
    )


def _jrd(document, status=200):
    response = JsonResponse(document, status=status, content_type="application/jrd+json")
    # RFC 7033 §5: WebFinger is meant to be read by scripts on other sites too.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def webfinger(request):
    """acct:blog@host (or the actor's URL) → the blog's actor; acct:host@host → the instance actor."""
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return _jrd({"error": "resource is required"}, status=400)
    host = ids.host()
    if resource.startswith("acct:"):
        username, _, domain = resource[5:].lstrip("@").rpartition("@")
        if domain.lower() != host.lower():
            raise Http404
        if username == host:
            return _instance_jrd(resource)
        blog = selectors.blog_by_handle(username)
    else:
        blog = next(
            (b for b in Blog.objects.filter(slug=_slug_from_actor_url(resource)) if ids.actor_id(b) == resource), None
        )
        if resource == ids.instance_actor_id():
            return _instance_jrd(resource)
    if blog is None:
        raise Http404
    actor = ids.actor_id(blog)
    return _jrd({
        "subject": f"acct:{blog.slug}@{host}",
        "aliases": [actor],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": actor},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": actor},
            {"rel": "http://webfinger.net/rel/avatar", "type": "image/png", "href": blog_icon(blog)["url"]},
        ],
    })


def _slug_from_actor_url(url):
    return url.rstrip("/").rpartition("/@")[2]


def _instance_jrd(resource):
    actor = ids.instance_actor_id()
    return _jrd({
        "subject": f"acct:{ids.host()}@{ids.host()}",
        "aliases": [actor],
        "links": [{"rel": "self", "type": ACTIVITY_JSON, "href": actor}],
    })


@require_GET
def nodeinfo_links(request):
    """/.well-known/nodeinfo: where NodeInfo 2.1 is, and the instance actor (FEP-2677)."""
    return JsonResponse({
        "links": [
            {"rel": NODEINFO_SCHEMA, "href": ids.absolute(reverse("federation:nodeinfo"))},
            {"rel": APPLICATION_REL, "href": ids.instance_actor_id()},
        ]
    })


@require_GET
def nodeinfo(request):
    """NodeInfo 2.1: what software this is, what it speaks, and how much it holds."""
    return JsonResponse(
        {
            "version": "2.1",
            "software": {"name": "samizdat", "version": version("samizdat"), "homepage": ids.absolute("/")},
            "protocols": ["activitypub"],
            "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
            "openRegistrations": False,
            "usage": selectors.usage(),
            "metadata": {"nodeName": settings.SITE_NAME},
        },
        content_type=f'application/json; profile="{NODEINFO_SCHEMA}#"',
    )


def _inbox_response(request, blog=None):
    try:
        inbox.receive(request, blog)
    except inbox.Refused as refused:
        response = JsonResponse({"error": str(refused)}, status=refused.status)
        if refused.retry_after:
            response.headers["Retry-After"] = str(refused.retry_after)
        return response
    return HttpResponse(status=202)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def blog_inbox(request, blog_slug):
    """A blog's own inbox: signed activities only (401 otherwise), processed by the worker. Read,
    it is an empty collection: what arrives is nobody else's business."""
    blog = get_object_or_404(Blog, slug=blog_slug)
    if request.method != "POST":
        return ap_response(request, render.collection(ids.blog_collection(blog, "inbox"), total=0, items=[]))
    return _inbox_response(request, blog)


@csrf_exempt
@require_POST
def shared_inbox(request):
    """The instance's shared inbox: one delivery per server for all our blogs' followers there."""
    return _inbox_response(request)
