"""The Samizdat REST API, /api/v1/: django-ninja builds it and its OpenAPI 3.1 document from the schemas."""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from . import comments, content, media, problems, reblogs, social, terms
from .common import CREDENTIALS

# Every operation may answer these; each as a problem document (RFC 9457).
COMMON_ERRORS = {
    "400": "The request is malformed (a bad cursor, a body that is not JSON).",
    "401": "No credentials, or wrong or revoked ones.",
    "403": "The credential lacks the scope, or your role on the blog does not allow this.",
    "404": "No such blog (or you are not its member), or no such object.",
    "413": "The request body is too large.",
    "415": "The body is not application/json (nor multipart/form-data for uploads).",
    "422": "Fields are missing, unknown or invalid; `errors` says which and why.",
    "429": "Too many wrong credentials from your address, or too many writes by your account; "
           "`Retry-After` says how many seconds to wait.",
}

DESCRIPTION = """\
Write and manage blogs from scripts and apps. Every call needs a credential made in the dashboard
(**Dashboard → API tokens**): a personal access token as `Authorization: Bearer smz_…`, or an
application password with HTTP Basic authentication. Each credential has scopes (`read`, `create`,
`update`, `delete`, `media`, `moderate`), and your role on a blog decides the rest, exactly as in
the dashboard. Lists are newest first and paged by `cursor` (pass back `next_cursor`). Errors are
`application/problem+json` documents with a message per field.
"""


BODY_TYPES = ("application/json", "multipart/form-data")


class SamizdatAPI(NinjaAPI):
    def create_temporal_response(self, request):
        # Called by every operation before it reads the body: a body that is not JSON (nor the
        # media upload's multipart) is refused here, rather than parsed as JSON whatever it says.
        sent = request.META.get("CONTENT_LENGTH", "")
        content_type = request.content_type or ""
        if sent not in ("", "0") and content_type not in BODY_TYPES and not content_type.endswith("+json"):
            raise problems.Problem(415, "Send the body as application/json (or multipart/form-data for uploads).")
        return super().create_temporal_response(request)

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"]["schemas"]["Problem"] = problems.PROBLEM_SCHEMA
        for path in schema["paths"].values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, description in COMMON_ERRORS.items():
                    responses.setdefault(status, {"description": description})
                for status, response in responses.items():
                    if int(status) >= 400:
                        response["content"] = {
                            problems.PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
                        }
        return schema


api = SamizdatAPI(
    title="Samizdat API",
    version="1",
    description=DESCRIPTION,
    auth=CREDENTIALS,
    urls_namespace="api_v1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("", social.router)
api.add_router("", content.router)
api.add_router("", terms.router)
api.add_router("", media.router)
api.add_router("", comments.router)
api.add_router("", reblogs.router)
