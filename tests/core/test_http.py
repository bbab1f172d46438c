"""The SSRF-safe HTTP client against a real HTTP server on loopback."""

import http.server
import threading
import time

import pytest

from samizdat.core.http import FetchError, check_address, fetch


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        server = self.server
        server.hosts.append(self.headers.get("Host"))
        server.agents.append(self.headers.get("User-Agent"))
        if self.path == "/hello" and self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
        elif self.path == "/hello":
            body = b"hello"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/big":
            self.send_response(200)
            self.end_headers()  # no Content-Length: the limit must hold while reading
            self.wfile.write(b"x" * 5000)
        elif self.path.startswith("/redirect/"):
            n = int(self.path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", "/hello" if n == 0 else f"/redirect/{n - 1}")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/to-metadata":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(1)
            try:
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:
                pass  # the client gave up, as it should
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.hosts = []
    httpd.agents = []
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def loopback_allowed(settings):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.0/8"]


def url(server, path):
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_fetch_loopback_refused_by_default(server):
    with pytest.raises(FetchError, match="non-public address"):
        fetch(url(server, "/hello"))
    assert server.hosts == []


def test_fetch_allowed_network_returns_body(server, loopback_allowed):
    response = fetch(url(server, "/hello"))
    assert (response.status, response.content_type, response.content) == (200, "text/plain", b"hello")


def test_fetch_sends_the_host_name_while_connecting_to_the_resolved_address(server, loopback_allowed):
    port = server.server_address[1]
    fetch(f"http://localhost:{port}/hello")
    assert server.hosts == [f"localhost:{port}"]


def test_fetch_body_over_limit_refused(server, loopback_allowed):
    with pytest.raises(FetchError, match="larger than the limit"):
        fetch(url(server, "/big"), max_bytes=1000)


def test_fetch_follows_redirects_within_limit(server, loopback_allowed):
    response = fetch(url(server, "/redirect/2"), max_redirects=3)
    assert response.content == b"hello" and response.url.endswith("/hello")


def test_fetch_too_many_redirects_refused(server, loopback_allowed):
    with pytest.raises(FetchError, match="redirects"):
        fetch(url(server, "/redirect/5"), max_redirects=2)


def test_fetch_redirect_to_private_address_refused(server, loopback_allowed):
    with pytest.raises(FetchError, match="non-public address"):
        fetch(url(server, "/to-metadata"))


def test_fetch_slow_server_times_out(server, loopback_allowed):
    with pytest.raises(FetchError, match="could not fetch"):
        fetch(url(server, "/slow"), timeout=0.3)


def test_fetch_error_status_raises(server, loopback_allowed):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(url(server, "/missing"))


@pytest.mark.parametrize("address", ["file:///etc/passwd", "ftp://example.org/x", "http://user:pw@example.org/"])
def test_fetch_other_schemes_and_credentials_refused(address):
    with pytest.raises(FetchError):
        fetch(address)


@pytest.mark.parametrize(
    "ip",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "240.0.0.1", "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "ff02::1"],
)
def test_check_address_non_public_refused(ip):
    with pytest.raises(FetchError):
        check_address(ip)


@pytest.mark.parametrize("ip", ["93.184.215.14", "2606:4700::1111"])
def test_check_address_public_allowed(ip):
    check_address(ip)


def test_fetch_says_who_is_asking(server, loopback_allowed, settings):
    settings.SITE_URL = "https://news.example.org"
    fetch(url(server, "/hello"))
    assert server.agents[0].startswith("Samizdat/") and "(+https://news.example.org/)" in server.agents[0]


def test_fetch_unwanted_content_type_refused(server, loopback_allowed):
    with pytest.raises(FetchError, match="text/plain, not a type"):
        fetch(url(server, "/hello"), content_types={"text/html"})


def test_fetch_conditional_get_answers_not_modified(server, loopback_allowed):
    first = fetch(url(server, "/hello"))
    again = fetch(url(server, "/hello"), headers={"If-None-Match": first.headers["etag"]})
    assert first.headers["etag"] == '"v1"' and again.not_modified and again.content == b""


def test_fetch_name_resolving_to_loopback_refused(server):
    with pytest.raises(FetchError, match="non-public address"):
        fetch(f"http://localhost:{server.server_address[1]}/hello")
    assert server.hosts == []


def test_fetch_public_name_resolving_to_a_private_address_refused(monkeypatch):
    # No DNS server runs here: the resolver's answer is what a hostile zone would give.
    answers = [(2, 1, 6, "", ("93.184.215.14", 80)), (2, 1, 6, "", ("10.0.0.7", 80))]
    monkeypatch.setattr("socket.getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(FetchError, match=r"non-public address \(10.0.0.7\)"):
        fetch("http://news.example.com/story")


def test_fetch_host_allowed_by_name(server, settings):
    settings.SAMIZDAT_HTTP_ALLOWED_HOSTS = ["localhost"]
    port = server.server_address[1]
    assert fetch(f"http://localhost:{port}/hello").content == b"hello"
    with pytest.raises(FetchError, match="non-public address"):
        fetch(f"http://127.0.0.1:{port}/hello")
