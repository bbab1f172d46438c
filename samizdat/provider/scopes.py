"""Every scope this instance grants, in one place: OpenID Connect's, the API's and Micropub's.

The API scopes carry the same names as samizdat.api's `Scope` (and Micropub's `create`, `update`,
`delete`, `media`), so a token from an OAuth 2 or IndieAuth client is checked like a personal
token. The descriptions are what the consent screen shows.
"""

from django.utils.translation import gettext_lazy as _

IDENTITY_SCOPES = {
    "openid": _("Know who you are on this site"),
    "profile": _("See your name, username, profile page and picture"),
    "email": _("See your email address, if you have confirmed it"),
}

API_SCOPES = {
    "read": _("Read your blogs' posts, pages, media, terms and comments, drafts included"),
    "create": _("Create posts, pages and terms on your blogs, like and follow"),
    "update": _("Change posts, pages, terms and media on your blogs"),
    "delete": _("Delete posts, pages, terms and media on your blogs"),
    "media": _("Upload pictures and files to your blogs"),
    "moderate": _("Moderate comments on your blogs"),
}

SCOPES = {**IDENTITY_SCOPES, **API_SCOPES}
