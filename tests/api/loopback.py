"""A small real HTTP server on 127.0.0.1 that serves pages we set and records what is posted to it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


class Site:
    def __init__(self):
        self.pages = {}  # path -> (status, headers, body)
        self.received = []  # (path, form fields) of each POST
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def page(self, path, body="", status=200, headers=None, content_type="text/html; charset=utf-8", encoding="utf-8"):
        self.pages[path] = (status, {"Content-Type": content_type, **(headers or {})}, body.encode(encoding))
        return self.url + path

    def posts_to(self, path):
        return [fields for p, fields in self.received if p == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                status, headers, body = site.pages.get(self.path, (404, {"Content-Type": "text/plain"}, b"none"))
                self.send_response(status)
                for name, value in headers.items():
                    for one in value if isinstance(value, list) else [value]:
                        self.send_header(name, one)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._answer()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                fields = parse_qs(self.rfile.read(length).decode())
                site.received.append((self.path, {k: v[0] for k, v in fields.items()}))
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler
