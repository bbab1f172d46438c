"""Errors as RFC 9457 problem documents (application/problem+json), with a message per field."""

import json

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpResponse
from ninja import errors as ninja_errors

from samizdat.api.auth import AuthError, RateLimited

PROBLEM_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
}


class Problem(Exception):
    """Raise to answer with a problem document; `errors` maps field names to messages."""

    def __init__(self, status, detail, *, errors=None, code=None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.code = status, detail, errors or [], code


def problem_response(status, detail, *, errors=(), code=None, headers=None):
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": str(detail)}
    if code:
        body["code"] = code
    if errors:
        body["errors"] = [{"field": field, "message": str(message)} for field, message in errors]
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_errors(error):
    """[(field, message)] from a Django ValidationError; '' is the whole object."""
    if hasattr(error, "error_dict"):
        return [
            ("" if field == "__all__" else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


def _pydantic_field(error):
    # ninja locations look like ("body", "payload", "title") or ("query", "limit").
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] == "body":
        loc = loc[2:] if len(loc) > 1 else loc[1:]
    return ".".join(loc)


def install(api):
    """Answer every error of `api` with a problem document; unknown exceptions still fail loudly."""

    def validation(request, exc):
        errors = [(_pydantic_field(e), e.get("msg", "invalid")) for e in exc.errors]
        return problem_response(422, "Some fields are missing or invalid.", errors=errors)

    def http_error(request, exc):
        headers = {}
        if exc.status_code == 401:
            # Never a Basic challenge: a browser would prompt for it and then replay the
            # password on any site's form posts (the API takes no CSRF token).
            headers["WWW-Authenticate"] = 'Bearer realm="samizdat"'
        return problem_response(exc.status_code, str(exc), headers=headers)

    def auth_error(request, exc):
        return problem_response(
            401, str(exc), code="invalid_token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )

    api.add_exception_handler(ninja_errors.ValidationError, validation)
    api.add_exception_handler(ninja_errors.HttpError, http_error)
    api.add_exception_handler(AuthError, auth_error)
    api.add_exception_handler(RateLimited, lambda request, exc: problem_response(
        429, str(exc), code="rate_limited", headers={"Retry-After": str(exc.retry_after)}))
    api.add_exception_handler(
        Problem, lambda request, exc: problem_response(exc.status, exc.detail, errors=exc.errors, code=exc.code)
    )
    api.add_exception_handler(Http404, lambda request, exc: problem_response(404, "There is nothing here."))
    api.add_exception_handler(
        PermissionDenied, lambda request, exc: problem_response(403, str(exc) or "Your role does not allow this.")
    )
    api.add_exception_handler(
        ValidationError,
        lambda request, exc: problem_response(422, "Some fields are invalid.", errors=field_errors(exc)),
    )
    api.add_exception_handler(
        RequestDataTooBig, lambda request, exc: problem_response(413, "The request body is too large.")
    )


PROBLEM_SCHEMA = {
    "type": "object",
    "title": "Problem",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
