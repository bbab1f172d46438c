"""A real HTTP server on loopback serving saved pages and feeds, with ETag support.

Files come from tests/reblogs/site/ (tests may replace or add some in `server.files`); a request
with the file's current ETag in If-None-Match gets 304. A few paths misbehave on purpose:
/slow answers late, /huge is endless, /to-private redirects to a private address.
"""

import hashlib
import http.server
import mimetypes
import threading
import time
from pathlib import Path

import pytest

SITE = Path(__file__).parent / "reblogs" / "site"
TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/rss+xml", ".atom": "application/atom+xml",
         ".json": "application/feed+json", ".opml": "text/x-opml", ".png": "image/png"}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", content_type="text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        server = self.server
        path = self.path.split("?")[0]
        server.requests.append((path, self.headers.get("If-None-Match"), self.headers.get("User-Agent")))
        if path == "/slow":
            time.sleep(2)
            try:
                self._send(200, b"<html><body><p>late</p></body></html>", "text/html")
            except OSError:
                pass
            return
        if path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(20_000):
                    self.wfile.write(b"<p>" + b"x" * 1020 + b"</p>")
            except OSError:
                pass
            return
        if path == "/to-private":
            self._send(302, headers=[("Location", "http://10.0.0.7/secret")])
            return
        if path == "/broken-server":
            self._send(500, b"oops")
            return
        name = path.lstrip("/") or "index.html"
        body = server.files.get(name)
        if body is None:
            self._send(404, b"not found")
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        suffix = Path(name).suffix
        content_type = TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        self._send(200, body, content_type, headers=[("ETag", etag)])


class LoopbackSite:
    def __init__(self):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.requests = []
        self.httpd.files = {p.name: p.read_bytes() for p in SITE.iterdir() if p.is_file()}
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def files(self):
        return self.httpd.files

    @property
    def requests(self):
        return self.httpd.requests

    def url(self, path="/"):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def reset(self):
        self.httpd.requests.clear()
        self.httpd.files = {p.name: p.read_bytes() for p in SITE.iterdir() if p.is_file()}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def _loopback_site():
    site = LoopbackSite()
    yield site
    site.close()


@pytest.fixture
def web(_loopback_site, settings):
    """The loopback site, reachable by the outbound client for this test, with its saved files."""
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    _loopback_site.reset()
    return _loopback_site
