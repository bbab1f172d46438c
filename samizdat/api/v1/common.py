"""What every /api/v1/ endpoint shares: credentials, scopes, the blog and role, cursor pages."""

import base64
import binascii

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBasicAuth, HttpBearer
from pydantic import ConfigDict

from samizdat.api import auth
from samizdat.blogs.models import Blog
from samizdat.blogs.services import membership_for

from .problems import Problem

MAX_LIMIT = 100


class _Credentials:
    """Both schemes ask samizdat.api.auth, the one place that reads credentials."""

    def __call__(self, request):
        grant = auth.authenticate(request)
        if grant is None:
            return None
        return grant


class BearerAuth(_Credentials, HttpBearer):
    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


class BasicAuth(_Credentials, HttpBasicAuth):
    def authenticate(self, request, username, password):  # pragma: no cover - __call__ does the work
        return None


CREDENTIALS = [BearerAuth(), BasicAuth()]


class Input(Schema):
    """Request bodies refuse fields they do not know, so a typo is not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def need(request, scope):
    """Refuse (403, insufficient_scope) unless the caller's credential has `scope`."""
    if not request.auth.allows(scope):
        raise Problem(403, f"This credential lacks the “{scope}” scope.", code="insufficient_scope")


def user_of(request):
    if request.auth is None:  # pragma: no cover - ninja refuses anonymous calls first
        raise AuthenticationError()
    return request.auth.user


def blog_and_role(request, slug, rule=None):
    """The blog and the caller's membership: 404 for non-members (as the dashboard), 403 if `rule` says no."""
    blog = Blog.objects.filter(slug=slug).first()
    membership = membership_for(user_of(request), blog) if blog else None
    if membership is None:
        raise Http404
    if rule is not None and not rule(membership):
        raise PermissionDenied("Your role on this blog does not allow this.")
    return blog, membership


def _encode(pk):
    return base64.urlsafe_b64encode(f"v1:{pk}".encode()).decode().rstrip("=")


def _decode(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _sep, pk = text.partition(":")
        if version != "v1" or not pk.isdigit():
            raise ValueError(cursor)
        return int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise Problem(400, "This cursor is not one the API gave.", errors=[("cursor", "Unknown cursor.")])


def cursor_page(queryset, cursor, limit, render):
    """One page, newest first, after `cursor`: items and the cursor of the next page (null at the end).

    Cursors are positions (the last id seen), not offsets, so a page does not shift when
    something is added meanwhile.
    """
    queryset = queryset.order_by("-pk")
    if cursor:
        queryset = queryset.filter(pk__lt=_decode(cursor))
    rows = list(queryset[: limit + 1])
    next_cursor = _encode(rows[limit - 1].pk) if len(rows) > limit else None
    return {"items": [render(row) for row in rows[:limit]], "next_cursor": next_cursor}
