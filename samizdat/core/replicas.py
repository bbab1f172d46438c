"""Read replicas: a database router that sends a request's reads to a replica when that is safe.

Everything reads from the primary ("default") unless a request opts in (ReplicaMiddleware), so the
worker, management commands and the shell always see the latest rows. Within a request, reads stay
on the primary:
- inside a transaction (and select_for_update, which Django routes as a write);
- once the request has written anything (read-your-writes within the request);
- for a few seconds after a browser's request wrote (a short cookie, so a writer sees their own
  change on the next page whichever app server answers it);
- for a request that carries credentials (an Authorization header): API clients keep no cookie to
  carry that pin, and what they read is mostly what they just wrote (and a token made a moment
  ago may not have reached a replica yet);
- for a page the page store will keep: a page stored from a lagging replica would outlive the
  invalidation that the write made (samizdat.pages.middleware);
- for sessions, which sign-in has just written.
"""

import contextvars
import random
import time

from django.conf import settings
from django.db import connections

PRIMARY = "default"
COOKIE = "samizdat_primary"
# The replica this request may read from, or None: the primary.
_replica = contextvars.ContextVar("samizdat_replica", default=None)


def replica_aliases():
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def use_primary():
    """Read from the primary for the rest of this request."""
    _replica.set(None)


def reading_from():
    """The database alias this request's next read goes to."""
    replica = _replica.get()
    if replica is None or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return replica


class ReplicaRouter:
    """Reads to the request's replica (see the module's docstring); writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label == "sessions":
            return PRIMARY
        return reading_from()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the primary's rows: an object read from one may point at one from another.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


WRITES = ("insert", "update", "delete")


class ReplicaMiddleware:
    """Let safe requests read from a replica; pin a request, and its browser for a while, once it writes."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = replica_aliases()

    def __call__(self, request):
        if not self.replicas:
            return self.get_response(request)
        pinned = (request.method not in ("GET", "HEAD", "OPTIONS") or "authorization" in request.headers
                  or _recent_writer(request))
        token = _replica.set(None if pinned else random.choice(self.replicas))
        wrote = []

        def watch(execute, sql, params, many, context):
            if not wrote and sql.lstrip()[:6].lower() in WRITES:
                wrote.append(True)
                _replica.set(None)
            return execute(sql, params, many, context)

        try:
            with connections[PRIMARY].execute_wrapper(watch):
                response = self.get_response(request)
        finally:
            _replica.reset(token)
        if wrote and request.method not in ("GET", "HEAD", "OPTIONS"):
            seconds = settings.SAMIZDAT_REPLICA_PIN_SECONDS
            response.set_cookie(
                COOKIE, str(int(time.time()) + seconds), max_age=seconds, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _recent_writer(request):
    try:
        return int(request.COOKIES.get(COOKIE, "0")) > time.time()
    except ValueError:
        return False
