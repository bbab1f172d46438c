"""Micropub (W3C Recommendation, 2017-05-23) for one blog at /@<blog>/micropub, and its media endpoint.

Create, update (replace, add, delete) and delete h-entry posts, form-encoded, multipart or JSON;
q=config, q=source and q=syndicate-to. Credentials come from samizdat.api.auth (our tokens now,
IndieAuth tokens from the provider once it is on the instance); posts are written by the same
service and rules as the dashboard and the other APIs. Errors are the spec's JSON (§4.4.1).
"""

import json

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.csrf import csrf_exempt

from samizdat.blogs.models import Blog
from samizdat.blogs.services import membership_for
from samizdat.core.dates import read_datetime
from samizdat.core.links import absolute_url
from samizdat.core.nul import form_has_nul
from samizdat.dashboard import permissions as can
from samizdat.posts import services as post_services
from samizdat.posts.media import store_upload
from samizdat.posts.models import Post

from . import auth, services
from .models import Scope

# Properties we store; others (syndication targets, location…) are refused, so nothing is lost silently.
PROPERTIES = {"name", "content", "summary", "category", "published", "post-status", "mp-slug", "photo"}


class MicropubError(Exception):
    def __init__(self, status, error, description, scope=None):
        super().__init__(description)
        self.status, self.error, self.description, self.scope = status, error, description, scope


def _error(status, error, description, scope=None):
    body = {"error": error, "error_description": description}
    if scope:
        body["scope"] = scope
    return JsonResponse(body, status=status)


def _grant(request):
    header = request.headers.get("Authorization")
    form_token = request.POST.get("access_token") if request.content_type != "application/json" else None
    if header and form_token:
        # §4.3: a token in both places is a bad request.
        raise MicropubError(400, "invalid_request", "Send the access token in the header or the body, not both.")
    try:
        grant = auth.authenticate(request, form_token=form_token)
    except auth.AuthError as error:
        raise MicropubError(401, "unauthorized", str(error))
    if grant is None:
        raise MicropubError(401, "unauthorized", "An access token is needed.")
    return grant


def _need(grant, scope):
    if not grant.allows(scope):
        raise MicropubError(403, "insufficient_scope", f"This token lacks the “{scope}” scope.", scope=scope)


def _member(grant, blog, rule):
    membership = membership_for(grant.user, blog)
    if membership is None or not rule(membership):
        raise MicropubError(403, "forbidden", "Your role on this blog does not allow this.")
    return membership


def _properties_from_form(request):
    """The form's fields as Micropub properties: each a list; `name[]` and `name` alike."""
    properties, reserved = {}, {"h", "access_token", "action", "url"}
    for key in request.POST:
        name = key.removesuffix("[]")
        if name in reserved:
            continue
        properties.setdefault(name, []).extend(request.POST.getlist(key))
    return properties


def _text(values):
    """The plain text (or HTML) of a property's first value: a string, {"html": …} or {"value": …}."""
    if not values:
        return ""
    value = values[0]
    if isinstance(value, dict):
        value = value.get("html", value.get("value", ""))
    if not isinstance(value, str):
        raise MicropubError(400, "invalid_request", "A property value must be a string.")
    return value


def _strings(values):
    if not all(isinstance(v, str) for v in values):
        raise MicropubError(400, "invalid_request", "Categories must be strings.")
    return values


def _fields(properties, post):
    """write_post fields from Micropub properties (for a new post, or a replacement on one)."""
    unknown = sorted(set(properties) - PROPERTIES - {k for k in properties if k.startswith("mp-")})
    if unknown:
        raise MicropubError(400, "invalid_request", "Properties not supported here: " + ", ".join(unknown))
    fields = {}
    if "content" in properties or "photo" in properties:
        text = _text(properties.get("content")) if "content" in properties else post.source
        photos = [p.get("value", "") if isinstance(p, dict) else p for p in properties.get("photo", [])]
        for url in photos:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise MicropubError(400, "invalid_request", "A photo is a URL or an uploaded file.")
            text += f"\n\n![]({url})"
        fields["source"] = text
    if "name" in properties:
        fields["title"] = _text(properties["name"])
    if "summary" in properties:
        fields["excerpt"] = _text(properties["summary"])
    if "category" in properties:
        fields["tags"] = _strings(properties["category"])
    if "mp-slug" in properties:
        fields["slug"] = _text(properties["mp-slug"])
    if "published" in properties:
        when = read_datetime(_text(properties["published"]))
        if when is None:
            raise MicropubError(400, "invalid_request", "published is not an ISO 8601 date and time.")
        fields["published_at"] = when
    if "post-status" in properties:
        status = _text(properties["post-status"])
        if status not in ("draft", "published"):
            raise MicropubError(400, "invalid_request", "post-status is draft or published.")
        fields["status"] = status
    return fields


def _title_for_note(fields):
    # Notes have no name; a post here needs a title, so the note's first words make one.
    return Truncator(" ".join(fields.get("source", "").split())).chars(80) or timezone.now().strftime("%Y-%m-%d %H:%M")


def _create(request, blog, grant, properties):
    _need(grant, Scope.CREATE)
    membership = _member(grant, blog, can.can_write_posts)
    post = Post(blog=blog, kind=Post.Kind.POST, author=grant.user)
    fields = _fields(properties, post)
    fields.setdefault("status", "published")
    if fields["status"] == "published" and fields.get("published_at") and fields["published_at"] > timezone.now():
        fields["status"] = "scheduled"
    if not fields.get("title"):
        fields["title"] = _title_for_note(fields)
    with transaction.atomic():
        for upload in request.FILES.getlist("photo") + request.FILES.getlist("photo[]"):
            _need(grant, Scope.MEDIA)
            if not can.can_upload(membership):
                raise MicropubError(403, "forbidden", "Your role may not upload files.")
            media = store_upload(blog, grant.user, upload)
            fields["source"] = fields.get("source", "") + f"\n\n![]({media.file.url})"
        post = services.write_post(post, membership=membership, editor=grant.user, data=fields)
    response = HttpResponse(status=201)
    response["Location"] = absolute_url(post.get_absolute_url(), request)
    return response


def _target(blog, grant, url, rule):
    post = services.post_for_url(url, blog=blog)
    if post is None or post.is_page:
        raise MicropubError(400, "invalid_request", "No post of this blog has this URL.")
    membership = _member(grant, blog, can.can_write_posts)
    if not rule(membership, post):
        raise MicropubError(403, "forbidden", "Your role does not allow you to change this post.")
    return post, membership


def _update(request, blog, grant, body):
    _need(grant, Scope.UPDATE)
    post, membership = _target(blog, grant, body.get("url"), can.can_edit_post)
    replace, add, delete = body.get("replace", {}), body.get("add", {}), body.get("delete", [])
    if not isinstance(replace, dict) or not isinstance(add, dict) or not isinstance(delete, (list, dict)):
        raise MicropubError(400, "invalid_request", "replace and add are objects, delete a list or an object.")
    for values in [*replace.values(), *add.values(), *(delete.values() if isinstance(delete, dict) else [])]:
        if not isinstance(values, list):
            raise MicropubError(400, "invalid_request", "Every property's value is a list.")
    fields = _fields(replace, post)
    tags = fields.pop("tags", None)
    tags = list(post.tags.values_list("name", flat=True)) if tags is None else tags
    if add:
        added = _fields(add, post)
        tags += added.pop("tags", [])
        for key, value in added.items():
            fields.setdefault(key, value)  # single-valued: adding to an empty one sets it
    if isinstance(delete, dict):
        for name, values in delete.items():
            if name != "category":
                raise MicropubError(400, "invalid_request", f"Values of {name} cannot be removed one by one.")
            tags = [t for t in tags if t not in _strings(values)]
    else:
        for name in delete:
            if name == "category":
                tags = []
            elif name in ("summary", "content"):
                fields["excerpt" if name == "summary" else "source"] = ""
            elif name != "photo":
                raise MicropubError(400, "invalid_request", f"{name} cannot be deleted.")
    fields["tags"] = tags
    if fields.get("title") == "":
        raise MicropubError(400, "invalid_request", "A post here needs a name (title).")
    old_url = post.get_absolute_url()
    post = services.write_post(post, membership=membership, editor=grant.user, data=fields)
    if post.get_absolute_url() != old_url:
        response = HttpResponse(status=201)
        response["Location"] = absolute_url(post.get_absolute_url(), request)
        return response
    return HttpResponse(status=204)


def _delete(request, blog, grant, url):
    _need(grant, Scope.DELETE)
    post, _membership = _target(blog, grant, url, can.can_delete_post)
    post_services.delete_post(post)
    return HttpResponse(status=204)


def _query(request, blog):
    grant = _grant(request)
    q = request.GET.get("q")
    if q == "source":
        _need(grant, Scope.READ)
    media_endpoint = absolute_url(reverse("micropub:media", args=[blog.slug]), request)
    if q == "config":
        return JsonResponse({"media-endpoint": media_endpoint, "syndicate-to": [], "post-types": [
            {"type": "note", "name": "Note"}, {"type": "article", "name": "Article"}, {"type": "photo", "name": "Photo"},
        ]})
    if q == "syndicate-to":
        return JsonResponse({"syndicate-to": []})
    if q == "source":
        post, _membership = _target(blog, grant, request.GET.get("url"), can.can_edit_post)
        properties = {
            "name": [post.title], "content": [post.source], "category": list(post.tags.values_list("name", flat=True)),
            "post-status": ["draft" if post.status == Post.Status.DRAFT else "published"], "mp-slug": [post.slug],
        }
        if post.excerpt:
            properties["summary"] = [post.excerpt]
        if post.published_at:
            properties["published"] = [post.published_at.isoformat()]
        wanted = request.GET.getlist("properties[]") or request.GET.getlist("properties")
        if wanted:
            return JsonResponse({"properties": {k: v for k, v in properties.items() if k in wanted}})
        return JsonResponse({"type": ["h-entry"], "properties": properties})
    raise MicropubError(400, "invalid_request", "Ask q=config, q=source or q=syndicate-to.")


def _json_body(request):
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise MicropubError(400, "invalid_request", "The body is not JSON.")
    if not isinstance(body, dict):
        raise MicropubError(400, "invalid_request", "The body is a JSON object.")
    return body


def _post(request, blog):
    grant = _grant(request)
    if request.content_type == "application/json":
        body = _json_body(request)
        action = body.get("action")
        if action is None:
            if body.get("type") != ["h-entry"] or not isinstance(body.get("properties"), dict):
                raise MicropubError(400, "invalid_request", "Send type [\"h-entry\"] and an object of properties.")
            properties = body["properties"]
            if not all(isinstance(v, list) for v in properties.values()):
                raise MicropubError(400, "invalid_request", "Every property's value is a list.")
            return _create(request, blog, grant, properties)
    else:
        if form_has_nul(request.POST):
            raise MicropubError(400, "invalid_request", "A field contains the NUL character, which text cannot hold.")
        action = request.POST.get("action")
        body = {"url": request.POST.get("url")}
        if action is None:
            if request.POST.get("h", "entry") != "entry":
                raise MicropubError(400, "invalid_request", "Only h=entry is supported.")
            return _create(request, blog, grant, _properties_from_form(request))
    if action == "update":
        return _update(request, blog, grant, body)
    if action == "delete":
        return _delete(request, blog, grant, body.get("url"))
    raise MicropubError(400, "invalid_request", f"Unknown or unsupported action: {action}.")


def _handle(view):
    @csrf_exempt
    def wrapper(request, blog_slug):
        blog = Blog.objects.filter(slug=blog_slug).first()
        if blog is None:
            return _error(404, "not_found", "No such blog.")
        try:
            with timezone.override(blog.tzinfo):
                return view(request, blog)
        except MicropubError as error:
            return _error(error.status, error.error, error.description, error.scope)
        except auth.RateLimited as error:
            response = _error(429, "too_many_requests", str(error))
            response["Retry-After"] = str(error.retry_after)
            return response
        except ValidationError as error:
            messages = [f"{k}: {' '.join(v)}" for k, v in getattr(error, "message_dict", {"": error.messages}).items()]
            return _error(400, "invalid_request", "; ".join(messages))
        except PermissionDenied as error:
            return _error(403, "forbidden", str(error) or "Your role does not allow this.")
        except RequestDataTooBig:
            return _error(413, "invalid_request", "The request body is too large.")

    return wrapper


@_handle
def endpoint(request, blog):
    if request.method == "GET":
        return _query(request, blog)
    if request.method == "POST":
        return _post(request, blog)
    return _error(405, "invalid_request", "Use GET or POST.")


@_handle
def media_endpoint(request, blog):
    """§3.6: a multipart upload in `file`; answers 201 with the file's URL in Location."""
    if request.method != "POST":
        return _error(405, "invalid_request", "Use POST with a file.")
    grant = _grant(request)
    _need(grant, Scope.MEDIA)
    _member(grant, blog, can.can_upload)
    upload = request.FILES.get("file")
    if upload is None:
        raise MicropubError(400, "invalid_request", "Send the file in a multipart field named file.")
    media = store_upload(blog, grant.user, upload)
    response = HttpResponse(status=201)
    response["Location"] = absolute_url(media.file.url, request)
    return response
