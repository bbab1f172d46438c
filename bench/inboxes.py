"""Many fediverse servers' shared inboxes on loopback, for the fan-out benchmark and its test.

One asyncio loop, in a thread of its own, listens on `count` ports of 127.0.0.1 (or of `host`): each port is one
server (Samizdat tells servers apart by host and port). Every POST's HTTP signature (RFC 9421 or
draft-cavage, with the digest of the body and the date) is checked against the public keys the
caller registered, with Samizdat's verifier; a request that fails is answered 401 and counted as
refused. Accepted activities are counted per (activity id, inbox), so a test sees whether each
server got an activity exactly once.
"""

import asyncio
import collections
import json
import threading
import time

from samizdat.federation import signatures

HEAD_LIMIT = 64 * 1024
ANSWERS = {
    202: b"HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n",
    400: b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    401: b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
}


class Inboxes:
    def __init__(self, count, *, delay=0.0, host="127.0.0.1"):
        self.count, self.delay, self.host = count, delay, host  # delay: seconds each answer takes, a server far away
        self.keys = {}  # key id -> public key PEM, filled in by the caller once the actors exist
        self.received = collections.Counter()  # (activity id, inbox URL) -> times
        self.refused = collections.Counter()  # why -> times
        self.last_at = 0.0  # time.time() of the latest accepted delivery
        self.ports = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._servers = []
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(timeout=120)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def bases(self):
        return [f"http://{self.host}:{port}" for port in self.ports]

    def deliveries(self, activity_id):
        """{inbox URL: times received} for one activity."""
        with self._lock:
            return {inbox: n for (activity, inbox), n in self.received.items() if activity == activity_id}

    async def _listen(self):
        for _ in range(self.count):
            server = await asyncio.start_server(self._serve, self.host, 0, backlog=256, limit=HEAD_LIMIT)
            self._servers.append(server)
            self.ports.append(server.sockets[0].getsockname()[1])

    async def _close(self):
        for server in self._servers:
            server.close()
        for server in self._servers:
            await server.wait_closed()

    async def _serve(self, reader, writer):
        port = writer.get_extra_info("sockname")[1]
        try:
            while True:  # keep-alive: as many requests as the client sends on this connection
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, path, _version = lines[0].split(" ", 2)
                headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
                headers = {name.strip(): value.strip() for name, value in headers.items()}
                length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
                body = await reader.readexactly(length) if length else b""
                status = self._take(method, f"http://{self.host}:{port}{path}", headers, body)
                if self.delay:
                    await asyncio.sleep(self.delay)
                writer.write(ANSWERS[status])
                await writer.drain()
                if status == 400:
                    return
        finally:
            writer.close()

    def _take(self, method, url, headers, body):
        if method != "POST":
            return self._refuse("not a POST", 400)
        try:
            activity_id = json.loads(body)["id"]
        except (ValueError, KeyError, TypeError):
            return self._refuse("not an activity", 400)
        message = signatures.Message(method, url, headers, body)
        try:
            signatures.verify(message, lambda key_id, refresh: None if refresh else self.keys.get(key_id))
        except signatures.SignatureError as exc:
            return self._refuse(f"signature: {exc}", 401)
        with self._lock:
            self.received[(activity_id, url)] += 1
            self.last_at = time.time()
        return 202

    def _refuse(self, why, status):
        with self._lock:
            self.refused[why] += 1
        return status
