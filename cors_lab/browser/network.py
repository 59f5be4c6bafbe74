"""The engine's only socket code: one HTTP request, sent as Chromium would put it on the wire, nothing more.

`cors_lab.browser.fetch` decides what to send (the Fetch Standard's algorithm); this module sends it and names a
failure the way Chromium's network stack does (``net::ERR_...``), for the trace.

    >>> status, headers, body = send("GET", "http://localhost:8002/api/public", {"Accept": "*/*"}, None, 10.0)
    ... # doctest: +SKIP
"""
from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

#: what a failed `send` raises: the caller turns it into a network error
NETWORK_ERRORS = (OSError, http.client.HTTPException)


class _LoopbackFirstConnection(http.client.HTTPConnection):
    """HTTPConnection that tries 127.0.0.1 first for localhost and *.localhost (Chromium resolves those names to
    loopback itself, and lab servers bind 127.0.0.1 only, so asking the system resolver could pick ::1 first)."""

    def connect(self):
        if self.host == "localhost" or self.host.endswith(".localhost"):
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
            except ConnectionRefusedError:
                self.sock = socket.create_connection(("::1", self.port), self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        else:
            super().connect()


def net_error(exc: BaseException) -> str:
    """Chromium's name for a failed request (shown in the console's network line and in the trace)."""
    if isinstance(exc, ConnectionRefusedError):
        return "net::ERR_CONNECTION_REFUSED"
    if isinstance(exc, socket.gaierror):
        return "net::ERR_NAME_NOT_RESOLVED"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "net::ERR_TIMED_OUT"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "net::ERR_EMPTY_RESPONSE"
    return "net::ERR_CONNECTION_FAILED"


def send(method: str, url: str, headers: dict[str, str], body: bytes | None, timeout: float):
    """One HTTP request (no redirects followed, no default headers added). Returns (status, [(name, value)], body).

    Raises one of NETWORK_ERRORS when no answer arrives."""
    parts = urlsplit(url)
    connection_class = _LoopbackFirstConnection if parts.scheme == "http" else http.client.HTTPSConnection
    connection = connection_class(parts.hostname, parts.port or (80 if parts.scheme == "http" else 443),
                                  timeout=timeout)
    try:
        # skip_accept_encoding: http.client would add Accept-Encoding: identity, which a browser's fetch() never sends
        connection.putrequest(method, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                              skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value.encode("latin-1"))
        if body is not None or method in ("POST", "PUT"):  # Chromium sends Content-Length: 0 for an empty POST/PUT
            connection.putheader("Content-Length", str(len(body or b"")))
        connection.endheaders(body)
        response = connection.getresponse()
        data = b"" if method == "HEAD" else response.read()
        return response.status, response.getheaders(), data
    finally:
        connection.close()


__all__ = ["NETWORK_ERRORS", "net_error", "send"]
