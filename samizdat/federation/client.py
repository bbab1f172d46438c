"""Signed requests to other servers, through the SSRF-safe client in samizdat.core.http.

RFC 9421 first; a server that does not take it (any error but "not found" or "gone": a 401, or a
500 from a server whose RFC 9421 code breaks on it) gets the same request signed the draft-cavage
way at once, and the style that worked is remembered for the server.
"""

import json
from urllib.parse import urlsplit

from samizdat.core import http

from . import ids, keys, signatures
from .models import Server
from .negotiation import ACTIVITY_JSON, LD_JSON_PROFILE

ACCEPT = f"{ACTIVITY_JSON}, {LD_JSON_PROFILE}"
NOT_ABOUT_SIGNATURES = {404, 410}
# The largest actor, object or collection document we read.
MAX_DOCUMENT_BYTES = 1024 * 1024


class FederationError(Exception):
    """A remote document could not be had or made no sense."""


def _refused(status):
    return status >= 400 and status not in NOT_ABOUT_SIGNATURES


def domain_for(url):
    # By host and port: two servers on one host (tests on loopback) are two servers.
    return urlsplit(url).netloc.lower().rpartition("@")[2]


def server_for(url):
    server, _ = Server.objects.get_or_create(domain=domain_for(url))
    return server


def servers_for(urls):
    """{domain: Server} for the servers of `urls`, made where new, in two queries however many."""
    domains = {domain_for(url) for url in urls}
    Server.objects.bulk_create([Server(domain=d) for d in domains], ignore_conflicts=True)
    return {server.domain: server for server in Server.objects.filter(domain__in=domains)}


def _signer(style, key_id, private_key):
    def sign(method, url, headers, body):
        message = signatures.Message(method, url, headers, body or b"")
        signatures.sign(message, style=style, key_id=key_id, private_key=private_key)
        return dict(message.headers.items())

    return sign


def _styles(server):
    if server.signature_style:
        return [server.signature_style]
    return [signatures.RFC9421, signatures.CAVAGE]


def _remember(server, style):
    if server.signature_style != style:
        Server.objects.filter(pk=server.pk).update(signature_style=style)
        server.signature_style = style


def signed_post(url, payload, *, key, key_id, server=None, timeout=http.DEFAULT_TIMEOUT):
    """POST the activity `payload` to an inbox, signed with `key`; the core http Response.

    `server`: the inbox's Server, when the caller has it already."""
    server = server or server_for(url)
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = {"Content-Type": ACTIVITY_JSON, "Accept": ACCEPT}
    private_key = keys.load_private_key(key)
    styles = _styles(server)
    for n, style in enumerate(styles):
        response = http.post(url, body, headers=headers, sign=_signer(style, key_id, private_key), timeout=timeout)
        if _refused(response.status) and n + 1 < len(styles):
            continue
        if response.status < 300:
            _remember(server, style)
        return response


def signed_get(url):
    """Fetch an ActivityPub document, signed by the instance actor (for authorized-fetch servers)."""
    server = server_for(url)
    key = keys.instance_key()
    private_key = keys.load_private_key(key)
    styles = _styles(server)
    for n, style in enumerate(styles):
        try:
            response = http.fetch(
                url, headers={"Accept": ACCEPT}, max_bytes=MAX_DOCUMENT_BYTES,
                sign=_signer(style, ids.instance_key_id(), private_key),
            )
        except http.FetchError as exc:
            if exc.status and _refused(exc.status) and n + 1 < len(styles):
                continue
            raise FederationError(str(exc)) from exc
        _remember(server, style)
        try:
            document = json.loads(response.content)
        except (ValueError, RecursionError) as exc:
            raise FederationError(f"{url} did not answer with JSON") from exc
        if not isinstance(document, dict):
            raise FederationError(f"{url} did not answer with a JSON object")
        return document
    raise FederationError(f"{url} refused our signatures")
