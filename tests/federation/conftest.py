"""A remote ActivityPub server on loopback (a real HTTP server in a thread) and signed requests to ours."""

import http.server
import io
import json
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from PIL import Image

from samizdat.federation import signatures

AS = "https://www.w3.org/ns/activitystreams"


def _png():
    out = io.BytesIO()
    Image.new("RGB", (120, 90), "#3465a4").save(out, format="PNG")
    return out.getvalue()


AVATAR_PNG = _png()


_PAIRS = []


def _pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key, pem.decode()


class Remote:
    """What the remote server serves and what it was sent."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        # RSA keys take a while to make: tests share two, the second for key rotation.
        if not _PAIRS:
            _PAIRS.extend([_pair(), _pair()])
        self.key, self.public_pem = _PAIRS[0]
        self.received = []  # (path, headers, body) of each POST
        self.gets = []  # (path, headers) of each GET
        # path → another document it serves (a note, say; a str is an HTML page; a pair (page,
        # document) is either, by the request's Accept)
        self.documents = {}
        self.refuse_rfc9421 = False
        self.inbox_status = 202

    @property
    def actor_id(self):
        return f"{self.base}/users/alice"

    @property
    def key_id(self):
        return f"{self.actor_id}#main-key"

    def actor_document(self):
        return {
            "@context": [AS, "https://w3id.org/security/v1"],
            "id": self.actor_id, "type": "Person", "preferredUsername": "alice", "name": "Alice Remote",
            "url": f"{self.base}/@alice", "inbox": f"{self.actor_id}/inbox",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "icon": {"type": "Image", "mediaType": "image/png", "url": f"{self.base}/avatar.png"},
            "publicKey": {"id": self.key_id, "owner": self.actor_id, "publicKeyPem": self.public_pem},
        }

    def rotate_key(self):
        self.key, self.public_pem = _PAIRS[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", content_type="application/activity+json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        remote = self.server.remote
        remote.gets.append((self.path, dict(self.headers)))
        if remote.refuse_rfc9421 and "Signature-Input" in self.headers:
            return self._send(401)
        if self.path == "/users/alice":
            return self._send(200, json.dumps(remote.actor_document()).encode())
        if self.path.startswith("/.well-known/webfinger?resource=acct%3Aalice%40"):
            links = [{"rel": "self", "type": "application/activity+json", "href": remote.actor_id}]
            return self._send(200, json.dumps({"subject": "acct:alice", "links": links}).encode(),
                              content_type="application/jrd+json")
        if self.path in remote.documents:
            document = remote.documents[self.path]
            if isinstance(document, tuple):  # a post's page: its object for ActivityPub clients, as Mastodon's
                page, document = document
                document = document if "activity+json" in self.headers.get("Accept", "") else page
            if isinstance(document, str):  # a web page
                return self._send(200, document.encode(), content_type="text/html; charset=utf-8")
            return self._send(200, json.dumps(document).encode())
        if self.path == "/avatar.png":
            return self._send(200, AVATAR_PNG, content_type="image/png")
        self._send(404)

    def do_POST(self):
        remote = self.server.remote
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if remote.refuse_rfc9421 and "Signature-Input" in self.headers:
            return self._send(401)
        remote.received.append((self.path, dict(self.headers), body))
        self._send(remote.inbox_status)


@pytest.fixture
def remote(settings):
    settings.SAMIZDAT_HTTP_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.remote = Remote(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.remote
    server.shutdown()
    server.server_close()


def signed_post(client, path, activity, *, key, key_id, style=signatures.CAVAGE, body=None, tamper=None):
    """POST `activity` to our `path` through the test client, signed like a remote server does."""
    body = body if body is not None else json.dumps(activity).encode()
    message = signatures.Message(
        "POST", f"http://testserver{path}", {"Host": "testserver", "Content-Type": "application/activity+json"}, body
    )
    signatures.sign(message, style=style, key_id=key_id, private_key=key)
    if tamper:
        tamper(message)
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in message.headers.items() if k.lower() not in ("host", "content-type")}
    return client.post(path, data=message.body, content_type="application/activity+json", **headers)
