"""The one outbound HTTP client: every request Samizdat makes to another host goes through `fetch`.

It is safe to point at addresses that users typed or that arrived in imported files:

- only http and https, on any port;
- the host name is resolved once here, and the request connects to that resolved address
  (the name still goes in the Host header and, for https, in SNI and the certificate check),
  so DNS cannot answer differently between the check and the connection;
- addresses that are not global (private, loopback, link-local, multicast, reserved, shared,
  unspecified, and IPv4 inside IPv6) are refused, unless an admin allowed their network in
  `SAMIZDAT_HTTP_ALLOWED_NETWORKS` or the host by name in `SAMIZDAT_HTTP_ALLOWED_HOSTS`
  (tests use them for a server on loopback; closed networks for their intranet);
- redirects are followed by hand, up to a limit, each hop checked like the first;
- the body is read in chunks and refused past a size limit; the whole fetch has a deadline;
- a caller may list the content types it takes, and anything else is refused before the body
  is read;
- it says who it is: `Samizdat/<version> (+<this instance's address>)`.
"""

import dataclasses
import email.message
import functools
import importlib.metadata
import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A fetch refused or failed; the message says why, in words fit for an import report."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status  # the HTTP status when the server answered with an error


@dataclasses.dataclass
class Response:
    url: str  # the final address, after redirects
    status: int
    content_type: str
    content: bytes
    headers: dict = dataclasses.field(default_factory=dict)  # lower-case names

    @functools.cached_property  # Webmention's checks read it twice: decode once
    def markup(self):
        """The body for an HTML parser: text when the Content-Type header names a charset Python
        knows (it overrides the page's own declaration), otherwise the bytes, so that the parser
        reads the page's <meta charset> or guesses."""
        message = email.message.Message()
        message["content-type"] = self.headers.get("content-type", "")
        charset = message.get_content_charset()
        if not charset or self.content.lstrip()[:5] == b"<?xml":  # lxml refuses text that declares an encoding
            return self.content
        try:
            return self.content.decode(charset, "replace")
        except LookupError:
            return self.content

    @property
    def not_modified(self):
        """A conditional GET answered 304: what the caller has is current."""
        return self.status == 304


def user_agent():
    """An honest User-Agent: the software, its version, and the instance that is asking."""
    return f"Samizdat/{_version()} (+{settings.SITE_URL}/)"


def _version():
    try:
        return importlib.metadata.version("samizdat")
    except importlib.metadata.PackageNotFoundError:
        return "0"


@functools.cache
def _tls_context():
    # Made once: building it (loading the CA bundle) costs about 14 ms of CPU, more than the rest
    # of a request on a fast network, and a fan-out to 2,000 servers makes 2,000 requests.
    return httpx.create_ssl_context()


def _allowed_networks():
    return [ipaddress.ip_network(n.strip(), strict=False) for n in settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS if n.strip()]


def check_address(ip):
    """Raise FetchError unless `ip` is a global unicast address or in an allowed network."""
    ip = ipaddress.ip_address(ip)
    if any(ip in network for network in _allowed_networks()):
        return
    mapped = getattr(ip, "ipv4_mapped", None)
    if mapped is not None:
        ip = mapped
    if not ip.is_global or ip.is_multicast:
        raise FetchError(f"refused to connect to a non-public address ({ip})")


def _host_allowed_by_name(host):
    return host.lower().rstrip(".") in {h.strip().lower() for h in settings.SAMIZDAT_HTTP_ALLOWED_HOSTS}


def resolve(host, port):
    """The addresses `host` resolves to, all checked; raise FetchError if any is refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError(f"cannot resolve {host}")
    if _host_allowed_by_name(host):
        return addresses
    # All of them, not only the first: a name answering both public and private is refused.
    for address in addresses:
        check_address(address)
    return addresses


def _target(url):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https addresses are fetched, not {parts.scheme or 'none'}")
    if not parts.hostname:
        raise FetchError("the address has no host")
    if parts.username or parts.password:
        raise FetchError("addresses with a user name or password are not fetched")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"bad port in {url}") from exc
    return parts, parts.hostname, port


def fetch(url, *, max_bytes=DEFAULT_MAX_BYTES, timeout=DEFAULT_TIMEOUT, max_redirects=DEFAULT_MAX_REDIRECTS,
          headers=None, sign=None, content_types=None):
    """GET `url` within the limits and return a Response; raise FetchError when refused or failed.

    `headers` are added to the request (empty values left out); with a conditional one
    (If-None-Match, If-Modified-Since) a 304 answer comes back as a Response whose
    `not_modified` is true. `sign(method, url, headers, body)`, when given, may add signature
    headers to each hop's request (ActivityPub's signed fetches), seeing the address as
    requested, not the resolved one the connection uses. `content_types`: the media types
    taken (e.g. {"text/html"}); a 200 answer of another type is refused unread.
    """
    headers = {name: value for name, value in (headers or {}).items() if value}
    conditional = any(name.lower() in ("if-none-match", "if-modified-since") for name in headers)
    response = _request("GET", url, max_bytes=max_bytes, timeout=timeout, max_redirects=max_redirects,
                        headers=headers, sign=sign, content_types=content_types)
    if response.status == 304 and conditional:
        return response
    if response.status != 200:
        raise FetchError(f"{response.url} answered HTTP {response.status}", status=response.status)
    return response


def post(url, body, *, headers=None, sign=None, max_bytes=64 * 1024, timeout=DEFAULT_TIMEOUT):
    """POST `body` (bytes) to `url` within the same checks, following no redirect; the Response
    whatever its status (the caller decides what a 4xx means). FetchError when refused or unreachable."""
    return _request("POST", url, body=body, max_bytes=max_bytes, timeout=timeout, max_redirects=0,
                    headers=headers, sign=sign)


def _request(method, url, *, max_bytes, timeout, max_redirects, headers=None, sign=None, body=None,
             content_types=None):
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=_tls_context()) as client:
        for _hop in range(max_redirects + 1):
            parts, host, port = _target(url)
            address = resolve(host, port)[0]
            netloc = f"[{address}]" if ":" in address else address
            pinned = parts._replace(netloc=f"{netloc}:{port}").geturl()
            default_port = 443 if parts.scheme == "https" else 80
            request_headers = {
                "Host": host if port == default_port else f"{host}:{port}",
                "User-Agent": user_agent(),
                "Accept-Encoding": "identity",
                **(headers or {}),
            }
            if sign is not None:
                request_headers = sign(method, url, request_headers, body)
            extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
            try:
                request = client.build_request(
                    method, pinned, headers=request_headers, content=body, extensions=extensions
                )
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise FetchError(f"could not fetch {url}: {exc.__class__.__name__} {exc}") from exc
            try:
                if (
                    method == "GET" and response.status_code in REDIRECT_STATUSES
                    and response.headers.get("location")
                ):
                    url = urljoin(url, response.headers["location"])
                    continue
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if content_types is not None and response.status_code == 200 and content_type not in content_types:
                    raise FetchError(f"{url} is {content_type or 'of no declared type'}, not a type fetched here")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > max_bytes:
                    raise FetchError(f"{url} is larger than the limit of {max_bytes} bytes")
                content = bytearray()
                try:
                    for chunk in response.iter_raw():
                        content += chunk
                        if len(content) > max_bytes:
                            raise FetchError(f"{url} is larger than the limit of {max_bytes} bytes")
                        if time.monotonic() > deadline:
                            raise FetchError(f"{url} took longer than {timeout} seconds")
                except httpx.HTTPError as exc:
                    raise FetchError(f"could not fetch {url}: {exc.__class__.__name__} {exc}") from exc
                return Response(
                    url=url, status=response.status_code, content_type=content_type, content=bytes(content),
                    headers={name.lower(): value for name, value in response.headers.items()},
                )
            finally:
                response.close()
    raise FetchError(f"more than {max_redirects} redirects from the address")


def requests_session(timeout=DEFAULT_TIMEOUT):
    """A `requests` session for libraries that insist on one (django-allauth's OAuth clients).

    Every request it sends, each redirect hop included, first passes the same checks as `fetch`:
    http(s) only, no credentials in the address, and a host that resolves only to addresses we may
    reach. (It cannot pin the connection to the checked address as `fetch` does: the hosts it talks
    to are the sign-in providers an admin configured, or ones found through them.)
    """

    import requests
    from requests.adapters import HTTPAdapter

    class CheckedAdapter(HTTPAdapter):
        def send(self, request, **kwargs):
            try:
                _parts, host, port = _target(request.url)
                resolve(host, port)
            except FetchError as exc:  # what the callers catch: a connection that failed
                raise requests.ConnectionError(str(exc), request=request) from exc
            return super().send(request, **kwargs)

    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = user_agent()
    session.mount("http://", CheckedAdapter())
    session.mount("https://", CheckedAdapter())
    session.request = functools.partial(session.request, timeout=timeout)
    return session
