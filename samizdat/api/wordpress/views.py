"""The WordPress REST API subset (wp/v2) that writing apps and scripts use, per blog at
/@<blog>/wp-json/ (or /wp-json/ on the blog's own domain).

Everything goes through the same rules and services as the dashboard and /api/v1/: credentials
from samizdat.api.auth (application passwords with Basic authentication, as WordPress 5.6+), the
dashboard's permission rules, posts.services and comments.services. Differences from WordPress
are listed in docs/api.md.
"""

import functools
import json
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from samizdat.api import auth
from samizdat.api import services as api_services
from samizdat.api.models import Scope
from samizdat.blogs.models import Blog, Membership
from samizdat.blogs.services import membership_for
from samizdat.comments import services as comment_services
from samizdat.comments.models import Comment, PostDiscussion
from samizdat.core.dates import read_datetime
from samizdat.core.links import absolute_url
from samizdat.core.nul import form_has_nul
from samizdat.dashboard import permissions as can
from samizdat.posts import services as post_services
from samizdat.posts.media import delete_media, store_upload
from samizdat.posts.models import Category, Media, Post, Tag

from . import render, shape

MAX_PER_PAGE = 100
# WordPress's statuses in ours; "pending" (awaiting review) has no own state here: it is a draft.
STATUS_IN = {"publish": "published", "future": "scheduled", "draft": "draft", "pending": "draft"}
COMMENT_ACTIONS = {"approved": "approve", "approve": "approve", "hold": "unapprove", "spam": "spam", "trash": "trash"}


class WPError(Exception):
    """An error in WordPress's shape: {"code", "message", "data": {"status", "params"?}}."""

    def __init__(self, status, code, message, params=None):
        super().__init__(message)
        self.status, self.code, self.message, self.params = status, code, message, params


def _error_response(status, code, message, params=None):
    data = {"status": status}
    if params:
        data["params"] = params
    return JsonResponse({"code": code, "message": message, "data": data}, status=status)


def wp_endpoint(func):
    """Blog from the URL, credentials, the blog's time zone, and every error as WordPress shapes it."""

    @csrf_exempt
    @functools.wraps(func)
    def wrapper(request, blog_slug, **kwargs):
        blog = Blog.objects.filter(slug=blog_slug).first()
        if blog is None:
            return _error_response(404, "rest_no_route", "No route was found matching the URL and request method.")
        try:
            request.grant = auth.authenticate(request)
        except auth.AuthError as error:
            return _error_response(401, "invalid_application_password", str(error))
        except auth.RateLimited as error:
            response = _error_response(429, "rest_too_many_requests", str(error))
            response["Retry-After"] = str(error.retry_after)
            return response
        try:
            with timezone.override(blog.tzinfo):
                return _shaped(func(request, blog, **kwargs), request, blog)
        except WPError as error:
            return _error_response(error.status, error.code, error.message, error.params)
        except ValidationError as error:
            params = {}
            for field, messages in getattr(error, "message_dict", {"": error.messages}).items():
                params[field or "request"] = " ".join(messages)
            return _error_response(400, "rest_invalid_param", "Invalid parameter(s): " + ", ".join(params), params)
        except PermissionDenied as error:
            if request.grant is None:
                return _error_response(401, "rest_forbidden", "Sorry, you need to sign in to do that.")
            return _error_response(403, "rest_forbidden", str(error) or "Sorry, you are not allowed to do that.")
        except Http404:
            return _error_response(404, "rest_not_found", "Invalid ID.")
        except RequestDataTooBig:
            return _error_response(413, "rest_too_large", "The request body is too large.")

    return wrapper


def _shaped(response, request, blog):
    """The answer with `_embed` and `_fields` applied (samizdat.api.wordpress.shape), when asked for."""
    if response.status_code >= 300 or (shape.wanted_fields(request) is None and shape.wanted_embeds(request) is None):
        return response
    response.content = json.dumps(shape.shape(json.loads(response.content), request, blog))
    return response


def _methods(request, allowed):
    if request.method not in allowed:
        raise WPError(404, "rest_no_route", "No route was found matching the URL and request method.")


def _need(request, scope, blog=None, rule=None):
    """The caller's membership of `blog` (when given), after checking sign-in, scope and role."""
    grant = request.grant
    if grant is None:
        raise WPError(401, "rest_not_logged_in", "You are not currently logged in.")
    if not grant.allows(scope):
        raise WPError(403, "rest_forbidden", f"This application password lacks the “{scope}” scope.")
    if blog is None:
        return None
    membership = membership_for(grant.user, blog)
    if membership is None or (rule is not None and not rule(membership)):
        raise WPError(403, "rest_forbidden", "Sorry, you are not allowed to do that on this blog.")
    return membership


def _membership(request, blog):
    grant = request.grant
    if grant is None or not grant.allows(Scope.READ):
        return None
    return membership_for(grant.user, blog)


def _body(request):
    """The request's fields: a JSON object, or form fields, with query parameters underneath."""
    data = {k: v for k, v in request.GET.items()}
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        content_type = request.content_type or ""
        if content_type == "application/json":
            try:
                body = json.loads(request.body or b"{}")
            except (ValueError, UnicodeDecodeError, RecursionError):
                # RecursionError: JSON nested deeper than Python's parser goes ("[[[[…").
                raise WPError(400, "rest_invalid_json", "Invalid JSON body passed.")
            if not isinstance(body, dict):
                raise WPError(400, "rest_invalid_json", "The JSON body must be an object.")
            data.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if form_has_nul(request.POST):
                raise WPError(400, "rest_invalid_param", "A field contains the NUL character, which text cannot hold.")
            for key in request.POST:
                values = request.POST.getlist(key)
                data[key.removesuffix("[]")] = values if key.endswith("[]") else values[-1]
    return data


# Numbers fit a 64-bit column: a larger id would be a database error, not a 400.
INT_LIMIT = 2**62


def _int(data, name, default=None, minimum=-INT_LIMIT, maximum=INT_LIMIT):
    value = data.get(name, default)
    try:
        # JSON's true and 1.5 are no integers, as WordPress's schema validation says.
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(value)
        value = int(value)
    except (TypeError, ValueError, OverflowError):
        raise WPError(400, "rest_invalid_param", f"Invalid parameter(s): {name}", {name: f"{name} is not of type integer."})
    if value < minimum or value > maximum:
        raise WPError(400, "rest_invalid_param", f"Invalid parameter(s): {name}", {name: f"{name} is out of range."})
    return value


def _ids(data, name):
    value = data.get(name, [])
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, list):
        raise WPError(400, "rest_invalid_param", f"Invalid parameter(s): {name}", {name: f"{name} is not of type array."})
    return [_int({name: v}, name) for v in value]


def _text(data, name):
    """A field WordPress takes as a string or as {"raw": string}."""
    value = data.get(name)
    if isinstance(value, dict):
        value = value.get("raw")
    if value is not None and not isinstance(value, str):
        raise WPError(400, "rest_invalid_param", f"Invalid parameter(s): {name}", {name: f"{name} is not of type string."})
    return value


def _page(request, queryset, data, render_one):
    per_page = _int(data, "per_page", 10, 1, MAX_PER_PAGE)
    page = _int(data, "page", 1, 1)
    total = queryset.count()
    pages = max(1, math.ceil(total / per_page))
    if page > pages and total:
        raise WPError(400, "rest_post_invalid_page_number", "The page number requested is larger than the number of pages available.")
    items = list(queryset[(page - 1) * per_page : page * per_page])
    response = JsonResponse([render_one(item) for item in items], safe=False)
    response["X-WP-Total"], response["X-WP-TotalPages"] = str(total), str(pages)
    return response


def _deleted(previous):
    return JsonResponse({"deleted": True, "previous": previous})


def _force(data):
    return str(data.get("force", "")).lower() in ("1", "true")


# Discovery


@wp_endpoint
def index(request, blog):
    """/wp-json/: what WordPress clients read first (site, namespaces, routes, authentication)."""
    base = absolute_url(f"/@{blog.slug}/wp-json/", request)
    routes = {}
    for name, methods in [
        ("posts", ["GET", "POST"]), ("pages", ["GET", "POST"]), ("media", ["GET", "POST"]),
        ("categories", ["GET", "POST"]), ("tags", ["GET", "POST"]), ("comments", ["GET", "POST"]),
    ]:
        routes[f"/wp/v2/{name}"] = {"namespace": "wp/v2", "methods": methods, "endpoints": [{"methods": methods, "args": {}}]}
        item = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        routes[f"/wp/v2/{name}/(?P<id>[\\d]+)"] = {"namespace": "wp/v2", "methods": item, "endpoints": [{"methods": item, "args": {}}]}
    for route in ("/wp/v2/users/me", "/wp/v2/users/(?P<id>[\\d]+)"):
        routes[route] = {"namespace": "wp/v2", "methods": ["GET"], "endpoints": [{"methods": ["GET"], "args": {}}]}
    return JsonResponse({
        "name": blog.title, "description": blog.tagline, "url": absolute_url(blog.get_absolute_url(), request),
        "home": absolute_url(blog.get_absolute_url(), request), "gmt_offset": _gmt_offset(blog),
        "timezone_string": blog.time_zone, "namespaces": ["wp/v2"],
        "authentication": {"application-passwords": {"endpoints": {
            "authorization": absolute_url("/dashboard/tokens/", request),
        }}},
        "routes": routes, "_links": {"help": [{"href": base}]},
    })


def _gmt_offset(blog):
    offset = timezone.localtime(timezone.now(), blog.tzinfo).utcoffset()
    hours = offset.total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours


# Posts and pages


def _content_rule(kind):
    return can.can_edit_pages if kind == Post.Kind.PAGE else can.can_write_posts


def _closed(posts):
    ids = [p.pk for p in posts]
    return set(PostDiscussion.objects.filter(post_id__in=ids, open=False).values_list("post_id", flat=True))


def _render_posts(request, posts, edit):
    closed = _closed(posts)
    return [render.post(p, request, edit=edit, comments_open=p.pk not in closed) for p in posts]


def _content_queryset(blog, kind):
    return Post.objects.filter(blog=blog, kind=kind).select_related("blog", "author").prefetch_related("tags", "categories")


def _post_data(blog, kind, data):
    """Our write_post fields from WordPress's."""
    out = {}
    if data.get("password"):
        # A password-protected post would be public here: refuse rather than expose it.
        raise WPError(400, "rest_invalid_param", "Invalid parameter(s): password",
                      {"password": "Password-protected posts are not supported."})
    for ours, theirs in [("title", "title"), ("source", "content"), ("excerpt", "excerpt")]:
        value = _text(data, theirs)
        if value is not None:
            out[ours] = value
    if "slug" in data:
        out["slug"] = str(data["slug"] or "")
    if "status" in data:
        status = data["status"]
        if status not in STATUS_IN:
            raise WPError(400, "rest_invalid_param", "Invalid parameter(s): status",
                          {"status": "status is not one of publish, future, draft, pending."})
        out["status"] = STATUS_IN[status]
    when = data.get("date_gmt") or data.get("date")
    if when:
        parsed = read_datetime(when)
        if parsed is None:
            raise WPError(400, "rest_invalid_param", "Invalid parameter(s): date", {"date": "Invalid date."})
        if data.get("date_gmt") and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, timezone.utc)
        out["published_at"] = parsed
        if out.get("status") == "published" and parsed > timezone.now():
            out["status"] = "scheduled"
    if "featured_media" in data:
        out["featured_image"] = _int(data, "featured_media") or None
    if kind == Post.Kind.PAGE:
        if "parent" in data:
            out["parent"] = _int(data, "parent") or None
        if "menu_order" in data:
            out["menu_order"] = _int(data, "menu_order")
    else:
        if "categories" in data:
            out["categories"] = _ids(data, "categories")
        if "tags" in data:
            ids = _ids(data, "tags")
            names = list(Tag.objects.filter(blog=blog, pk__in=ids).values_list("name", flat=True))
            if len(names) != len(set(ids)):
                raise WPError(400, "rest_invalid_param", "Invalid parameter(s): tags", {"tags": "Unknown tag id."})
            out["tags"] = names
        if "comment_status" in data:
            out["allow_comments"] = data["comment_status"] == "open"
    return out


def _content_collection(request, blog, kind):
    _methods(request, ("GET", "POST"))
    data = _body(request)
    if request.method == "POST":
        membership = _need(request, Scope.CREATE, blog, _content_rule(kind))
        fields = _post_data(blog, kind, data)
        if "title" not in fields:
            fields["title"] = ""
        post = Post(blog=blog, kind=kind, author=request.grant.user)
        post = api_services.write_post(post, membership=membership, editor=request.grant.user, data=fields)
        post = _content_queryset(blog, kind).get(pk=post.pk)
        response = JsonResponse(_render_posts(request, [post], True)[0], status=201)
        response["Location"] = absolute_url(f"/@{blog.slug}/wp-json/wp/v2/{kind}s/{post.pk}", request)
        return response
    membership = _membership(request, blog)
    queryset = _content_queryset(blog, kind)
    rule = _content_rule(kind)
    edit = membership is not None and rule(membership)
    if edit:
        if kind == Post.Kind.POST:
            queryset = can.visible_posts(membership, queryset)
        statuses = [STATUS_IN.get(s.strip(), s.strip()) for s in str(data.get("status", "publish")).split(",")]
        if "any" not in statuses:
            queryset = queryset.filter(status__in=statuses)
    else:
        if data.get("status", "publish") != "publish":
            raise WPError(400, "rest_invalid_param", "Invalid parameter(s): status",
                          {"status": "Status is forbidden."})
        queryset = queryset.live()
    if data.get("search"):
        queryset = queryset.filter(title__icontains=str(data["search"])[:200])
    queryset = queryset.order_by("menu_order", "title", "pk") if kind == Post.Kind.PAGE else queryset.order_by("-published_at", "-pk")
    return _page(request, queryset, data, lambda p: _render_posts(request, [p], edit)[0])


def _content_item(request, blog, kind, pk):
    _methods(request, ("GET", "POST", "PUT", "PATCH", "DELETE"))
    data = _body(request)
    post = _content_queryset(blog, kind).filter(pk=pk).first()
    if post is None:
        raise WPError(404, "rest_post_invalid_id", "Invalid post ID.")
    if request.method == "GET":
        membership = _membership(request, blog)
        if membership is not None and can.can_edit_post(membership, post):
            return JsonResponse(_render_posts(request, [post], True)[0])
        if not post.is_live:
            raise WPError(401 if request.grant is None else 403, "rest_forbidden", "Sorry, you are not allowed to do that.")
        return JsonResponse(_render_posts(request, [post], False)[0])
    if request.method == "DELETE":
        membership = _need(request, Scope.DELETE, blog, _content_rule(kind))
        if not can.can_delete_post(membership, post):
            raise PermissionDenied
        if not _force(data):
            # WordPress answers so for types without a trash; we keep none for posts.
            raise WPError(501, "rest_trash_not_supported", "Posts here have no trash. Set 'force' to true to delete.")
        previous = _render_posts(request, [post], True)[0]
        post_services.delete_post(post)
        return _deleted(previous)
    membership = _need(request, Scope.UPDATE, blog, _content_rule(kind))
    if not can.can_edit_post(membership, post):
        raise PermissionDenied
    fields = _post_data(blog, kind, data)
    post = api_services.write_post(post, membership=membership, editor=request.grant.user, data=fields)
    return JsonResponse(_render_posts(request, [_content_queryset(blog, kind).get(pk=post.pk)], True)[0])


@wp_endpoint
def posts(request, blog):
    return _content_collection(request, blog, Post.Kind.POST)


@wp_endpoint
def post(request, blog, pk):
    return _content_item(request, blog, Post.Kind.POST, pk)


@wp_endpoint
def pages(request, blog):
    return _content_collection(request, blog, Post.Kind.PAGE)


@wp_endpoint
def page(request, blog, pk):
    return _content_item(request, blog, Post.Kind.PAGE, pk)


# Tags and categories


TAXONOMIES = {"tags": (Tag, "post_tag"), "categories": (Category, "category")}


def _save_term(term, data):
    fields = {k: str(data[k]) for k in ("name", "slug", "description") if data.get(k) is not None}
    if "parent" in data and isinstance(term, Category):
        fields["parent"] = _int(data, "parent") or None
    return api_services.save_term(term, fields)


def _term_collection(request, blog, taxonomy):
    _methods(request, ("GET", "POST"))
    model, name = TAXONOMIES[taxonomy]
    data = _body(request)
    if request.method == "POST":
        _need(request, Scope.CREATE, blog, can.can_manage_terms)
        if not data.get("name"):
            raise WPError(400, "rest_missing_callback_param", "Missing parameter(s): name", {"name": "name is required."})
        with transaction.atomic():
            term = _save_term(model(blog=blog), data)
        return JsonResponse(render.term(term, request, name), status=201)
    queryset = model.objects.filter(blog=blog).select_related("blog")
    if data.get("search"):
        queryset = queryset.filter(name__icontains=str(data["search"])[:100])
    if data.get("post"):
        queryset = queryset.filter(posts__pk=_int(data, "post"))
    queryset = queryset.order_by("name", "pk")
    return _page(request, queryset, data, lambda t: render.term(t, request, name, t.posts.count()))


def _term_item(request, blog, taxonomy, pk):
    _methods(request, ("GET", "POST", "PUT", "PATCH", "DELETE"))
    model, name = TAXONOMIES[taxonomy]
    data = _body(request)
    term = model.objects.filter(blog=blog, pk=pk).select_related("blog").first()
    if term is None:
        raise WPError(404, "rest_term_invalid", "Term does not exist.")
    if request.method == "GET":
        return JsonResponse(render.term(term, request, name, term.posts.count()))
    if request.method == "DELETE":
        _need(request, Scope.DELETE, blog, can.can_manage_terms)
        if not _force(data):
            raise WPError(501, "rest_trash_not_supported", "Terms do not support trashing. Set 'force' to true to delete.")
        previous = render.term(term, request, name)
        if isinstance(term, Category):
            post_services.delete_category(term)
        else:
            term.delete()
        return _deleted(previous)
    _need(request, Scope.UPDATE, blog, can.can_manage_terms)
    return JsonResponse(render.term(_save_term(term, data), request, name, term.posts.count()))


@wp_endpoint
def tags(request, blog):
    return _term_collection(request, blog, "tags")


@wp_endpoint
def tag(request, blog, pk):
    return _term_item(request, blog, "tags", pk)


@wp_endpoint
def categories(request, blog):
    return _term_collection(request, blog, "categories")


@wp_endpoint
def category(request, blog, pk):
    return _term_item(request, blog, "categories", pk)


# Media


def _upload(request):
    """The uploaded file: multipart `file`, or the raw body named by Content-Disposition (as WordPress)."""
    if request.FILES.get("file"):
        return request.FILES["file"]
    disposition = request.headers.get("Content-Disposition", "")
    filename = ""
    for part in disposition.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key.lower() == "filename":
            filename = value.strip().strip('"')
    if not filename:
        raise WPError(400, "rest_upload_no_content_disposition", "No Content-Disposition supplied.")
    body = request.body
    if not body:
        raise WPError(400, "rest_upload_no_data", "No data supplied.")
    return SimpleUploadedFile(filename, body, content_type=request.content_type)


@wp_endpoint
def media_collection(request, blog):
    _methods(request, ("GET", "POST"))
    if request.method == "POST":
        _need(request, Scope.MEDIA, blog, can.can_upload)
        upload = _upload(request)
        data = request.POST if request.content_type == "multipart/form-data" else request.GET
        try:
            media = store_upload(blog, request.grant.user, upload, alt=str(data.get("alt_text", ""))[:500])
        except ValidationError as error:
            raise WPError(400, "rest_upload_invalid", " ".join(error.messages), {"file": " ".join(error.messages)})
        return JsonResponse(render.media(media, request), status=201)
    data = _body(request)
    _need(request, Scope.READ, blog, can.can_upload)
    return _page(request, Media.objects.filter(blog=blog).select_related("blog"), data, lambda m: render.media(m, request))


@wp_endpoint
def media_item(request, blog, pk):
    _methods(request, ("GET", "POST", "PUT", "PATCH", "DELETE"))
    data = _body(request)
    membership = _need(request, Scope.READ, blog, can.can_upload)
    media = Media.objects.filter(blog=blog, pk=pk).select_related("blog").first()
    if media is None:
        raise WPError(404, "rest_post_invalid_id", "Invalid post ID.")
    if request.method == "GET":
        return JsonResponse(render.media(media, request))
    if not can.can_edit_media(membership, media):
        raise PermissionDenied
    if request.method == "DELETE":
        _need(request, Scope.DELETE)
        if not _force(data):
            raise WPError(501, "rest_trash_not_supported", "The post does not support trashing. Set 'force' to true to delete.")
        previous = render.media(media, request)
        delete_media(media)
        return _deleted(previous)
    _need(request, Scope.UPDATE)
    if "alt_text" in data:
        media.alt = str(data["alt_text"])[:500]
        media.save(update_fields=["alt"])
    return JsonResponse(render.media(media, request))


# Comments


def _comment_queryset(blog):
    return Comment.objects.filter(post__blog=blog).select_related("post__blog")


@wp_endpoint
def comments(request, blog):
    _methods(request, ("GET", "POST"))
    data = _body(request)
    if request.method == "POST":
        _need(request, Scope.CREATE)
        target = Post.objects.filter(blog=blog, pk=_int(data, "post", 0)).select_related("blog").first()
        if target is None:
            raise WPError(403, "rest_comment_invalid_post_id", "Sorry, you are not allowed to create this comment without a post.")
        body = _text(data, "content") or ""
        if not body.strip():
            raise WPError(400, "rest_comment_content_invalid", "Invalid comment content.")
        # The time-to-fill check is for forms (robots are fast); an API client has none to fill.
        submission = comment_services.Submission(
            body=body, parent_id=_int(data, "parent", 0) or None, elapsed=float(settings.SAMIZDAT_COMMENT_MIN_SECONDS)
        )
        try:
            comment, _created = comment_services.submit_comment(target, submission, user=request.grant.user)
        except comment_services.CommentRefused as error:
            raise WPError(409 if error.code == "rate_limited" else 403, f"rest_comment_{error.code}", " ".join(error.messages))
        return JsonResponse(render.comment(comment, request), status=201)
    membership = _membership(request, blog)
    moderator = membership is not None and can.can_moderate_comments(membership)
    queryset = _comment_queryset(blog).order_by("-created_at", "-pk")
    status = data.get("status", "approve")
    if status in ("approve", "approved"):
        queryset = queryset.filter(status=Comment.Status.APPROVED, post__status=Post.Status.PUBLISHED)
    elif not moderator:
        raise WPError(401 if request.grant is None else 403, "rest_forbidden_param", "Query parameter not permitted: status")
    else:
        ours = {"hold": "pending", "spam": "spam", "trash": "trash"}.get(status)
        if status != "all":
            queryset = queryset.filter(status=ours)
    if data.get("post"):
        queryset = queryset.filter(post_id=_int(data, "post"))
    return _page(request, queryset, data, lambda c: render.comment(c, request))


@wp_endpoint
def comment(request, blog, pk):
    _methods(request, ("GET", "POST", "PUT", "PATCH", "DELETE"))
    data = _body(request)
    item = _comment_queryset(blog).filter(pk=pk).first()
    if item is None:
        raise WPError(404, "rest_comment_invalid_id", "Invalid comment ID.")
    if request.method == "GET":
        if item.status == Comment.Status.APPROVED and item.post.is_live:
            return JsonResponse(render.comment(item, request))
        _need(request, Scope.READ, blog, can.can_moderate_comments)
        return JsonResponse(render.comment(item, request))
    _need(request, Scope.MODERATE, blog, can.can_moderate_comments)
    if request.method == "DELETE":
        previous = render.comment(item, request)
        if _force(data):
            comment_services.moderate(item, "delete")
            return _deleted(previous)
        return JsonResponse(render.comment(comment_services.moderate(item, "trash"), request))
    with transaction.atomic():
        body = _text(data, "content")
        if body is not None or "author_name" in data or "author_url" in data:
            item = comment_services.edit_comment(
                item, body=body if body is not None else item.body,
                name=str(data.get("author_name", item.author_name)), url=str(data.get("author_url", item.author_url)),
            )
        if "status" in data:
            action = COMMENT_ACTIONS.get(str(data["status"]))
            if action is None:
                raise WPError(400, "rest_invalid_param", "Invalid parameter(s): status", {"status": "Unknown status."})
            item = comment_services.moderate(item, action)
    return JsonResponse(render.comment(item, request))


# Users


@wp_endpoint
def users_me(request, blog):
    _methods(request, ("GET",))
    _need(request, Scope.READ)
    return JsonResponse(render.user(request.grant.user, request, blog))


@wp_endpoint
def user(request, blog, pk):
    """A member of the blog or an author of its published posts, as WordPress shows authors to anyone."""
    _methods(request, ("GET",))
    members = Membership.objects.filter(blog=blog).values("user_id")
    authors = Post.objects.filter(blog=blog).live().values("author_id")
    found = get_user_model().objects.filter(Q(pk__in=members) | Q(pk__in=authors), pk=pk).first()
    if found is None:
        raise WPError(404, "rest_user_invalid_id", "Invalid user ID.")
    return JsonResponse(render.user(found, request, blog))
