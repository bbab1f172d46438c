"""The NUL character: PostgreSQL refuses it in text and in JSON, SQLite keeps it, no one means it.

A NUL reaching a PostgreSQL query fails the query (a 500, and a task that retries for ever), so it
is kept out in two places, the same on both databases:

- requests: a NUL in the path, a form body or a JSON body is answered with 400 before any view
  runs (`RefuseNulMiddleware`), so an API client learns what was wrong; in the query string (a
  search pasted from somewhere) it is dropped, and the search goes on;
- storage: text from other servers (feeds, federation, imports, fetched pages) loses its NULs when
  any model is saved (`strip_nul_before_save`), so no source is forgotten.
"""

import json
import re

from django.db import models
from django.http import HttpResponse

NUL = "\x00"
# In JSON a NUL can only be written as \u0000; an even run of backslashes before it is text.
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
FORM_TYPES = ("application/x-www-form-urlencoded", "application/json", "application/activity+json",
              "application/ld+json", "application/merge-patch+json")


def without_nul(value):
    """`value` with NULs removed from every string in it (JSON-like structures included)."""
    if isinstance(value, str):
        return value.replace(NUL, "") if NUL in value else value
    if isinstance(value, dict):
        return {without_nul(key): without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_nul(item) for item in value]
    return value


def strip_nul_before_save(sender, instance, raw=False, **kwargs):
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
            value = getattr(instance, field.attname)
            if value is not None and not isinstance(value, (int, float, bool)):
                setattr(instance, field.attname, without_nul(value))


def form_has_nul(querydict):
    """Whether any field name or value of a parsed form (multipart included) holds a NUL."""
    return any(NUL in key or any(NUL in value for value in querydict.getlist(key)) for key in querydict)


def request_has_nul(request):
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query:
        request.META["QUERY_STRING"] = query.replace("%00", "")  # before request.GET is first read
    if NUL in request.path:
        return True
    content_type = request.content_type or ""
    if request.method in ("GET", "HEAD", "OPTIONS") or not content_type.startswith(FORM_TYPES):
        return False  # multipart: forms refuse NUL themselves, the APIs ask form_has_nul
    try:
        body = request.body
    except Exception:  # too large: Django's own check answers that later
        return False
    if content_type.startswith("application/x-www-form-urlencoded"):
        return b"%00" in body or NUL.encode() in body
    return bool(JSON_NUL.search(body))


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            detail = "The request contains the NUL character (\\u0000), which text cannot hold here."
            # One body every API's clients can read: a problem document (RFC 9457, /api/v1/) whose
            # extension members are WordPress's error shape (code, message, data.status) and
            # Micropub's (error, error_description, W3C Micropub §4.3).
            body = {
                "type": "about:blank", "title": "Bad request", "status": 400, "detail": detail,
                "code": "invalid_nul", "message": detail, "data": {"status": 400},
                "error": "invalid_request", "error_description": detail,
            }
            return HttpResponse(json.dumps(body), status=400, content_type="application/problem+json")
        return self.get_response(request)
