"""A raw-socket HTTP server for the answers no well-behaved server gives: bytes as scripted, pauses, early closes.

The scenario app (`support.scenario_server`) answers through werkzeug, which always sends a valid response. The
hostile scenarios need a status line that is not HTTP, a 1xx before the answer, a body cut short, one byte a second,
headers too large or garbled, and a listener on the ports Chromium refuses, so this server writes the bytes itself.

It answers the same scenario table: a request to ``/s/<id>/<rest>`` finds the scenario's route (``"METHOD /rest"``
first, then ``"/rest"``). A `Raw` route is played part by part (bytes sent as they are, after the placeholders are
filled; a number is a pause in seconds), then the connection is closed; a `Reply` route is sent as a plain
HTTP/1.1 response, so a preflight or a redirect can come from here too. Every request is logged like a lab server's
(``mark()``, ``requests(since=...)``), so the agreement tests compare what reached it.

    >>> server = RawServer(scenarios, urls)          # port 0: any free port    # doctest: +SKIP
    >>> server.port, server.requests()                                          # doctest: +SKIP
"""
from __future__ import annotations

import itertools
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus

from cors_lab.headers import Headers
from cors_lab.policy import is_preflight_request
from support.scenarios import PAGE_PATH, Raw, Reply, fill

READ_LIMIT = 1 << 16  # bytes of a request head; the browsers send far less
PAGE = "<!doctype html><link rel=icon href='data:,'><title>page</title>"
IDLE = 10.0  # seconds a connection may stay silent before the server gives up on it (a preconnected spare socket)


@dataclass
class RawEntry:
    """One request the raw server received: what `tests/real/test_chromium_agreement.py` compares on the wire."""

    number: int
    method: str
    path: str
    headers: Headers = field(default_factory=Headers)

    @property
    def is_preflight(self) -> bool:
        return is_preflight_request(self.method, self.headers)


class RawServer:
    """One listening socket on 127.0.0.1 and a thread per connection; daemon threads, so exit never waits."""

    def __init__(self, scenarios, urls: dict[str, str], port: int = 0):
        self.by_id = {scenario.id: scenario for scenario in scenarios}
        self.urls = urls  # filled in by the caller once every port is known
        self.listener = socket.create_server(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        self.log: list[RawEntry] = []
        self.numbers = itertools.count(1)
        self.lock = threading.Lock()
        threading.Thread(target=self.accept_forever, name=f"raw-server-{self.port}", daemon=True).start()

    def mark(self) -> int:
        with self.lock:
            return self.log[-1].number if self.log else 0

    def requests(self, since: int = 0) -> list[RawEntry]:
        with self.lock:
            return [entry for entry in self.log if entry.number > since]

    def accept_forever(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed
                return
            threading.Thread(target=self.serve, args=(connection,), daemon=True).start()

    def serve(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(IDLE)
            try:
                entry = self.read_request(connection)
                if entry is not None:
                    self.answer(connection, entry)
            except OSError:  # the client went away: nothing left to do
                pass

    def read_request(self, connection: socket.socket) -> RawEntry | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(4096)
            if not chunk or len(data) > READ_LIMIT:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers = Headers.from_pairs((name.strip(), value.strip()) for name, _, value in
                                     (line.partition(":") for line in lines))
        missing = int(headers.get("content-length", "0")) - len(body)
        while missing > 0:  # read the request body, so closing never resets the connection under the client
            chunk = connection.recv(min(missing, 4096))
            if not chunk:
                break
            missing -= len(chunk)
        with self.lock:
            entry = RawEntry(next(self.numbers), method, target.split("?")[0], headers)
            self.log.append(entry)
        return entry

    def find(self, entry: RawEntry):
        if entry.path == PAGE_PATH:  # a real page on this origin, for the scenarios whose page is here
            return Reply(200, (("Content-Type", "text/html"),), PAGE), ""
        parts = entry.path.split("/", 3)  # ['', 's', id, rest]
        if len(parts) < 3 or parts[1] != "s" or parts[2] not in self.by_id:
            return None, ""
        rest = "/" + (parts[3] if len(parts) > 3 else "")
        routes = self.by_id[parts[2]].routes
        return routes.get(f"{entry.method} {rest}", routes.get(rest)), parts[2]

    def answer(self, connection: socket.socket, entry: RawEntry) -> None:
        route, sid = self.find(entry)
        if isinstance(route, Raw):
            for part in route.parts:
                if isinstance(part, (int, float)):
                    if not wait_unless_gone(connection, part):
                        return
                else:
                    connection.sendall(fill(part.decode("latin-1"), self.urls, sid).encode("latin-1"))
            wait_unless_gone(connection, route.hold)
            return
        connection.sendall(serialize(route or Reply(404, (), "no such scenario route"), self.urls, sid,
                                     entry.method == "HEAD"))


def wait_unless_gone(connection: socket.socket, seconds: float) -> bool:
    """Pause, but stop as soon as the client closes its side (so a trickle ends with the fetch that gave up on it).
    False when the client went away."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([connection], [], [], left)
        if readable and not connection.recv(4096, socket.MSG_PEEK):
            return False
        if readable:  # the client sent more (a pipelined request): ignore it
            connection.recv(4096)
    return True


def serialize(reply: Reply, urls: dict[str, str], sid: str, head: bool) -> bytes:
    """A `Reply` as HTTP/1.1 bytes: its headers in order (placeholders filled), a length, and Connection: close."""
    body = b"" if head else reply.body.encode("utf-8")
    lines = [f"HTTP/1.1 {reply.status} {reason(reply.status)}"]
    lines += [f"{name}: {fill(value, urls, sid)}" for name, value in reply.headers]
    if not any(name.lower() == "content-type" for name, _ in reply.headers):
        lines.append("Content-Type: text/plain; charset=utf-8")
    lines += [f"Content-Length: {len(reply.body.encode('utf-8'))}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Whatever"


_SERVERS: dict[str, RawServer] = {}


def start(scenarios, ports: dict[str, int]) -> dict[str, RawServer]:
    """The raw servers, started once per process: ``raw`` on a free port and one on each port of ``ports`` that is
    free here (the restricted ports, which nothing should be listening on). Returns name -> server."""
    if not _SERVERS:
        _SERVERS["raw"] = RawServer(scenarios, {})
        for name, port in ports.items():
            try:
                _SERVERS[name] = RawServer(scenarios, {}, port)
            except OSError:  # taken (outside `unshare -n`): the scenario then only shows nothing was sent there
                pass
    return _SERVERS


def share(servers: dict[str, RawServer], urls: dict[str, str]) -> None:
    """Give every raw server the placeholders of this run (the scenario servers' ports are known only now)."""
    for server in servers.values():
        server.urls = urls


def running() -> dict[str, RawServer]:
    """The raw servers started so far (name -> server)."""
    return dict(_SERVERS)
