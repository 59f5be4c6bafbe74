"""The engine's only socket code: one HTTP/1.1 request, sent as Chromium puts it on the wire, within a deadline.

`cors_lab.browser.fetch` decides what to send (the Fetch Standard's algorithm); this module sends it, reads the answer
the way Chromium's network stack does (`cors_lab.browser.http1`) and names a failure as Chromium does
(``net::ERR_...``), for the trace. Every step -- resolving the name, connecting, sending, each read of the headers and
of the body -- waits only for what is left of one absolute ``deadline`` (``time.monotonic()``), so a server that
trickles one byte a second cannot stretch a call past it.

The answer is read in two steps, as a browser does: `open_response` returns once the headers are in (1xx answers
skipped), and `Response.read_body` reads the body only when the caller wants it (a redirect's, a preflight's or a
blocked answer's body is never read, as in Chromium).

    >>> response = open_response("GET", "http://localhost:8002/api/public", {"Accept": "*/*"}, None,
    ...                          time.monotonic() + 10)                                   # doctest: +SKIP
    >>> response.status, response.read_body()                                             # doctest: +SKIP
"""
from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from urllib.parse import urlsplit

from cors_lab.browser.http1 import (
    HTTP09_DECISION,
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    ChunkedDecoder,
    Head,
    body_length,
    decode_content,
    locate_end_of_headers,
    locate_status_line,
    network_error,
    parse_head,
)

DEFAULT_PORTS = {"http": 80, "https": 443}
READ_SIZE = 1 << 16


def seconds_left(deadline: float, connected: bool = False) -> float:
    """What is left of the deadline; a network error (timed out) when nothing is."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise network_error("net::ERR_TIMED_OUT", "the deadline passed", connected, timed_out=True)
    return left


def net_error(exc: BaseException) -> str:
    """Chromium's name for a failed connection."""
    if getattr(exc, "net_error", None):
        return exc.net_error
    if isinstance(exc, ConnectionRefusedError):
        return "net::ERR_CONNECTION_REFUSED"
    if isinstance(exc, socket.gaierror):
        return "net::ERR_NAME_NOT_RESOLVED"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return "net::ERR_TIMED_OUT"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "net::ERR_CERT_AUTHORITY_INVALID"
    if isinstance(exc, ssl.SSLError):
        return "net::ERR_SSL_PROTOCOL_ERROR"
    if isinstance(exc, ConnectionResetError):
        return "net::ERR_CONNECTION_RESET"
    return "net::ERR_CONNECTION_FAILED"


# ---- connecting ------------------------------------------------------------------------------------------------
def addresses(host: str, port: int, deadline: float) -> list[tuple]:
    """Where to connect. localhost and *.localhost are loopback (Chromium resolves them itself, and lab servers bind
    127.0.0.1, so 127.0.0.1 comes first); an IP literal is itself; other names are resolved in a daemon thread, so
    a resolver that hangs costs no more than the deadline."""
    if host == "localhost" or host.endswith(".localhost"):
        return [(socket.AF_INET, ("127.0.0.1", port)), (socket.AF_INET6, ("::1", port))]
    try:
        literal = ipaddress.ip_address(host)
        return [(socket.AF_INET6 if literal.version == 6 else socket.AF_INET, (host, port))]
    except ValueError:
        pass
    found: dict = {}
    done = threading.Event()

    def lookup() -> None:
        try:
            found["ok"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            found["error"] = exc
        done.set()

    threading.Thread(target=lookup, name=f"resolve-{host}", daemon=True).start()
    if not done.wait(seconds_left(deadline)):
        raise network_error("net::ERR_TIMED_OUT", f"resolving {host} took longer than the deadline", False, True)
    if "error" in found:
        raise network_error(net_error(found["error"]), f"{host}: {found['error']}", False)
    return [(family, address) for family, _, _, _, address in found["ok"]]


def connect(scheme: str, host: str, port: int, deadline: float) -> socket.socket:
    """A connected socket (TLS for https), trying each address in turn."""
    failure: BaseException | None = None
    for family, address in addresses(host, port, deadline):
        left = seconds_left(deadline)
        try:
            sock = socket.socket(family, socket.SOCK_STREAM)
        except OSError as exc:  # out of file descriptors, no IPv6 here, ...: a network error, never an exception
            failure = exc
            continue
        try:
            sock.settimeout(left)
            sock.connect(address)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == "https":
                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
            return sock
        except (socket.timeout, TimeoutError):
            sock.close()
            raise network_error("net::ERR_TIMED_OUT", f"connecting to {host}:{port} took longer than the deadline",
                                False, True) from None
        except OSError as exc:
            sock.close()
            failure = exc
    raise network_error(net_error(failure), f"{host}:{port}: {failure}", False)


class Connection:
    """One socket and what was read from it but not used yet; every read waits only for what is left."""

    def __init__(self, sock: socket.socket, deadline: float):
        self.sock, self.deadline = sock, deadline
        self.buffer = bytearray()

    def fill(self) -> bool:
        """Read more into the buffer; False when the server closed the connection."""
        self.sock.settimeout(seconds_left(self.deadline, connected=True))
        try:
            chunk = self.sock.recv(READ_SIZE)
        except (socket.timeout, TimeoutError):
            raise network_error("net::ERR_TIMED_OUT", "the answer did not come before the deadline", True,
                                timed_out=True) from None
        except OSError as exc:
            raise network_error(net_error(exc), f"reading the answer failed: {exc}") from None
        self.buffer += chunk
        return bool(chunk)

    def take(self, count: int | None = None) -> bytes:
        count = len(self.buffer) if count is None else count
        data = bytes(self.buffer[:count])
        del self.buffer[:count]
        return data

    def close(self) -> None:
        self.sock.close()


# ---- the request ---------------------------------------------------------------------------------------------------
def request_bytes(method: str, url: str, headers: dict[str, str], body: bytes | None) -> bytes:
    """The request as Chromium writes it: request line, Host, the headers given, Content-Length for a body (and
    0 for an empty POST/PUT), never Accept-Encoding: identity."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    if parts.port is not None and parts.port != DEFAULT_PORTS.get(parts.scheme):
        host += f":{parts.port}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", *(f"{name}: {value}" for name, value in headers.items())]
    if body is not None or method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body or b'')}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def open_response(method: str, url: str, headers: dict[str, str], body: bytes | None, deadline: float,
                  model=None) -> "Response":
    """Send one request (no redirect followed) and read the answer's headers. Raises a network error
    (`cors_lab.browser.http1.network_error`). ``model``: the browser whose HTTP parsing rules apply
    (`cors_lab.browser.browsers.BrowserModel`; None is Chromium)."""
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    sock = connect(parts.scheme, parts.hostname or "", port, deadline)
    connection = Connection(sock, deadline)
    try:
        sock.settimeout(seconds_left(deadline, connected=True))
        try:
            sock.sendall(request_bytes(method, url, headers, body))
        except (socket.timeout, TimeoutError):
            raise network_error("net::ERR_TIMED_OUT", "sending the request took longer than the deadline", True,
                                timed_out=True) from None
        except OSError as exc:
            raise network_error(net_error(exc), f"sending the request failed: {exc}") from None
        return read_response(connection, method, parts.scheme, port)
    except BaseException:
        connection.close()
        raise


def send(method: str, url: str, headers: dict[str, str], body: bytes | None, timeout: float):
    """One request and its whole answer: (status, [(name, value)], body). Raises a network error."""
    response = open_response(method, url, headers, body, time.monotonic() + timeout)
    try:
        return response.status, response.headers, response.read_body()
    finally:
        response.close()


# ---- the answer ------------------------------------------------------------------------------------------------
class Response:
    """An answer whose headers are in: ``status``, ``headers`` ([(name, value)] as parsed), ``informational``
    (the 1xx statuses skipped before it). The body is read on demand, then the connection is closed."""

    def __init__(self, connection: Connection, head: Head, length, informational: list[int]):
        self.connection, self.head, self.length, self.informational = connection, head, length, informational
        self.status, self.headers = head.status, head.pairs

    def read_body(self, deadline: float | None = None) -> bytes:
        """The decoded body, read before ``deadline`` (default: the request's). Raises a network error."""
        if deadline is not None:
            self.connection.deadline = min(deadline, self.connection.deadline)
        try:
            raw = self.read_chunked() if self.length == "chunked" else self.read_plain()
            return decode_content(raw, self.head.values("content-encoding"))
        finally:
            self.close()

    def read_plain(self) -> bytes:
        """A body of Content-Length bytes (the rest ignored), or, without one, all until the server closes."""
        while self.length is None or len(self.connection.buffer) < self.length:
            if len(self.connection.buffer) > MAX_BODY_BYTES:
                raise network_error("body too large", "the body is over the engine's 64 MiB")
            if not self.connection.fill():
                if self.length is None:
                    break
                raise network_error("net::ERR_CONTENT_LENGTH_MISMATCH", f"the connection closed after "
                                    f"{len(self.connection.buffer)} of {self.length} body bytes")
        return self.connection.take(self.length)

    def read_chunked(self) -> bytes:
        decoder, body = ChunkedDecoder(), bytearray()
        while True:
            body += decoder.feed(self.connection.take())
            if decoder.done:
                return bytes(body)
            if len(body) > MAX_BODY_BYTES:
                raise network_error("body too large", "the body is over the engine's 64 MiB")
            if not self.connection.fill():
                raise network_error("net::ERR_INCOMPLETE_CHUNKED_ENCODING", "the connection closed before the "
                                    "last chunk")

    def close(self) -> None:
        self.connection.close()


def read_response(connection: Connection, method: str, scheme: str, port: int) -> Response:
    """Headers, skipping 1xx answers (100 Continue, 103 Early Hints, even 101) as Chromium does."""
    informational = []
    while True:
        head, length = read_head(connection, method, scheme, port)
        if head.status // 100 != 1:
            return Response(connection, head, length, informational)
        informational.append(head.status)


def read_head(connection: Connection, method: str, scheme: str, port: int) -> tuple[Head, object]:
    """One status line and header block, and how long its body is."""
    start, searched = None, 0
    while True:
        data = connection.buffer
        if start is None and len(data) >= 4:
            start = locate_status_line(data)
        if start is None and len(data) >= HTTP09_DECISION:
            return http09(connection, scheme, port)
        if start is not None:
            end = locate_end_of_headers(data, max(start, searched - 3))
            searched = len(data)
            if end is not None and end <= MAX_HEADER_BYTES:
                head = parse_head(connection.take(end))
                return head, body_length(head, method)
        if len(data) >= MAX_HEADER_BYTES:
            raise network_error("net::ERR_RESPONSE_HEADERS_TOO_BIG", "the headers do not end within 256 KiB")
        if not connection.fill():
            return head_at_close(connection, start, scheme, port)


def head_at_close(connection: Connection, start: int | None, scheme: str, port: int) -> tuple[Head, object]:
    """The server closed before the blank line: nothing (an empty response), headers cut short (taken as they are,
    with no body), or no status line (HTTP/0.9)."""
    if not connection.buffer:
        raise network_error("net::ERR_EMPTY_RESPONSE", "the server closed the connection without answering")
    if start is None:
        return http09(connection, scheme, port)
    return parse_head(connection.take()), 0


def http09(connection: Connection, scheme: str, port: int) -> tuple[Head, object]:
    """No status line: HTTP/0.9, the whole answer is the body. Chromium refuses it on a non-default port, except a
    Shoutcast answer (starting "ICY") over http."""
    shoutcast = scheme == "http" and bytes(connection.buffer[:3]).lower() == b"icy"
    if port != DEFAULT_PORTS.get(scheme) and not shoutcast:
        raise network_error("net::ERR_INVALID_HTTP_RESPONSE", "the answer does not start with an HTTP status line")
    return Head(200, (0, 9)), None


__all__ = ["Response", "net_error", "network_error", "open_response", "send", "seconds_left"]
