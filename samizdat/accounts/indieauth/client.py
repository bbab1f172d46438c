"""The client side of IndieAuth: profile URL discovery, the authorization request, code redemption.
Every request goes through samizdat.core.http (SSRF checks)."""

import base64
import hashlib
import json
import secrets
from urllib.parse import urlencode, urljoin, urlsplit

import lxml.html
from django.utils.translation import gettext as _

from samizdat.core import http

from ..fediverse_apps import allowed_plain_http

MAX_PAGE = 512 * 1024


class IndieAuthError(Exception):
    """The address or the site cannot be used to sign in; the message is for the reader."""


def profile_url(text):
    """The reader's profile URL, canonical as IndieAuth §3.2 wants it (scheme, host, a path)."""
    text = (text or "").strip()
    if not text:
        raise IndieAuthError(_("Type your website's address, such as example.org."))
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    unusable = parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password
    if unusable or parts.fragment or " " in text:
        raise IndieAuthError(_("That does not look like a website address: try example.org."))
    if parts.scheme == "http" and not allowed_plain_http(parts.hostname):
        raise IndieAuthError(_("Websites are reached over https only."))
    return parts._replace(netloc=parts.netloc.lower(), path=parts.path or "/").geturl()


def _links(response, rel):
    """The URLs a page names with `rel`, from its Link header then its HTML (IndieAuth §4.1)."""
    found = []
    for part in response.headers.get("link", "").split(","):
        if ";" in part and f'rel="{rel}"' in part.replace("'", '"').replace(" ", "") or f"rel={rel}" in part:
            found.append(urljoin(response.url, part.split(";")[0].strip().strip("<>")))
    if "html" in response.content_type and response.content:
        try:
            document = lxml.html.fromstring(response.content)
        except (ValueError, lxml.etree.ParserError):
            document = None
        if document is not None:
            for element in document.xpath("//link[@href]|//a[@href]"):
                if rel in (element.get("rel") or "").split():
                    found.append(urljoin(response.url, element.get("href")))
    return found


def discover(me):
    """The authorization server of the profile at `me`: {me, issuer, authorization_endpoint, token_endpoint}."""
    site = urlsplit(me).netloc
    try:
        page = http.fetch(me, max_bytes=MAX_PAGE)
        metadata_urls = _links(page, "indieauth-metadata")
        if metadata_urls:
            metadata = json.loads(http.fetch(metadata_urls[0], max_bytes=64 * 1024).content)
        else:  # servers before the metadata endpoint (IndieAuth 2020) name the endpoints themselves
            metadata = {
                "authorization_endpoint": next(iter(_links(page, "authorization_endpoint")), None),
                "token_endpoint": next(iter(_links(page, "token_endpoint")), None),
            }
    except (http.FetchError, ValueError, RecursionError) as exc:
        raise IndieAuthError(_("%(site)s could not be reached, or does not say how to sign in with it.")
                             % {"site": site}) from exc
    endpoint = metadata.get("authorization_endpoint") if isinstance(metadata, dict) else None
    if not endpoint or urlsplit(endpoint).scheme not in ("http", "https"):
        raise IndieAuthError(_("%(site)s does not name an IndieAuth server, so it cannot sign you in here.")
                             % {"site": site})
    # A redirect to a page on the same site is the canonical address (IndieAuth §4.1).
    canonical = page.url if urlsplit(page.url).netloc == site else me
    return {
        "me": canonical, "issuer": metadata.get("issuer", ""), "authorization_endpoint": endpoint,
        "token_endpoint": metadata.get("token_endpoint") or "",
    }


def authorization_request(server, *, client_id, redirect_uri):
    """The URL to send the reader to, and the secrets to keep for the callback (state, verifier)."""
    state, verifier = secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = {
        "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri, "state": state,
        "code_challenge": challenge, "code_challenge_method": "S256", "me": server["me"],
    }
    endpoint = server["authorization_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}", state, verifier


def redeem(server, *, code, client_id, redirect_uri, verifier):
    """The profile URL the server confirms for `code` (profile-only sign-in: at the authorization endpoint)."""
    body = urlencode({
        "grant_type": "authorization_code", "code": code, "client_id": client_id,
        "redirect_uri": redirect_uri, "code_verifier": verifier,
    }).encode()
    try:
        response = http.post(server["authorization_endpoint"], body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
        data = json.loads(response.content) if response.status == 200 else None
    except (http.FetchError, ValueError, RecursionError) as exc:
        raise IndieAuthError(_("The site's sign-in server could not be reached or answered something we could not use.")) from exc
    if not isinstance(data, dict) or not isinstance(data.get("me"), str):
        raise IndieAuthError(_("The site's sign-in server did not confirm who you are."))
    return data


def confirmed_me(server, data):
    """The profile URL to sign in as: the one returned, if it is declared by the same server (§5.3.3)."""
    returned = profile_url(data["me"])
    if returned != server["me"]:
        again = discover(returned)
        if again["authorization_endpoint"] != server["authorization_endpoint"]:
            raise IndieAuthError(_("The site's sign-in server vouched for another website than yours."))
        returned = again["me"]
    profile = data.get("profile") if isinstance(data.get("profile"), dict) else {}
    return {"me": returned, "name": str(profile.get("name") or "")[:150]}
