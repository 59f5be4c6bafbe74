"""The engine's only socket code: one HTTP/1.1 request, sent as Chromium puts it on the wire, within a deadline.

`cors_lab.browser.fetch` decides what to send (the Fetch Standard's algorithm); this module sends it, reads the answer
the way Chromium's network stack does (`cors_lab.browser.http1`) and names a failure as Chromium does
(``net::ERR_...``), for the trace; for a Firefox model (``BrowserModel.http1 == "firefox"``) it reads as Firefox does
(`open_response_firefox`: its parser, its retries of an empty answer, its kept-alive connections, ``NS_ERROR_...``
names). Every step -- resolving the name, connecting, sending, each read of the headers and
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
import weakref
from urllib.parse import urlsplit

from cors_lab.browser.http1 import (
    FIREFOX_REQUEST_ATTEMPTS,
    FIREFOX_SAFE_METHODS,
    HTTP09_DECISION,
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    ChunkedDecoder,
    FirefoxBody,
    FirefoxHeadReader,
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
        self.after_no_content = False  # Firefox: the last answer on it had no body (a 204, a HEAD's)

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

    def send(self, data: bytes) -> None:
        """Write a request on a connection that is already open (a kept-alive one)."""
        self.sock.settimeout(seconds_left(self.deadline, connected=True))
        try:
            self.sock.sendall(data)
        except (socket.timeout, TimeoutError):
            raise network_error("net::ERR_TIMED_OUT", "sending the request took longer than the deadline", True,
                                timed_out=True) from None
        except OSError as exc:  # the server closed it meanwhile: as empty as an answer can be (sent again)
            error = network_error(net_error(exc), f"sending the request failed: {exc}")
            error.empty = True
            raise error from None

    def idle_and_open(self) -> bool:
        """Nothing came from the server since its last answer (no close, no stray bytes): it may carry a request."""
        try:
            self.sock.setblocking(False)
            try:
                return not self.sock.recv(1, socket.MSG_PEEK)  # b"": closed; bytes: the server spoke unasked
            finally:
                self.sock.setblocking(True)
        except BlockingIOError:
            return True
        except OSError:
            return False

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
                  model=None, pool: "ConnectionPool | None" = None) -> "Response":
    """Send one request (no redirect followed) and read the answer's headers. Raises a network error
    (`cors_lab.browser.http1.network_error`). ``model``: the browser whose HTTP parsing rules apply
    (`cors_lab.browser.browsers.BrowserModel`; None is Chromium); ``pool``: the tab's kept-alive connections,
    which Firefox reuses (Chromium's model opens one connection per request: it never reuses one with bytes left
    after an answer, so reuse would change nothing it shows)."""
    if model is not None and model.http1 == "firefox":
        return open_response_firefox(method, url, headers, body, deadline, model, pool)
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    connection = send_request(method, url, headers, body, deadline)
    try:
        return read_response(connection, method, parts.scheme, port)
    except BaseException:
        connection.close()
        raise


def send_request(method: str, url: str, headers: dict[str, str], body: bytes | None, deadline: float) -> Connection:
    """Connect and write the request; the connection, ready for the answer. Raises a network error."""
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
        return connection
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
    """An answer whose headers are in: ``status``, ``headers`` ([(name, value)] per header line, as parsed),
    ``combined`` ([(lowercase name, value)] as the browser combines them: what the CORS check and the script read),
    ``informational`` (the 1xx statuses skipped before it). The body is read on demand, then the connection is
    closed."""

    def __init__(self, connection: Connection, head: Head, length, informational: list[int]):
        self.connection, self.head, self.length, self.informational = connection, head, length, informational
        self.status, self.headers = head.status, head.pairs
        self.combined = [(name.lower(), value) for name, value in head.pairs]  # Chromium joins repeats with ", "

    def read_body(self, deadline: float | None = None, decode: bool = True) -> bytes:
        """The body, read before ``deadline`` (default: the request's), decoded as its Content-Encoding says unless
        ``decode`` is False. Raises a network error."""
        if deadline is not None:
            self.connection.deadline = min(deadline, self.connection.deadline)
        try:
            raw = self.read_chunked() if self.length == "chunked" else self.read_plain()
            return decode_content(raw, self.head.values("content-encoding")) if decode else raw
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


# ---- Firefox -------------------------------------------------------------------------------------------------------
class ConnectionPool:
    """A tab's idle kept-alive connections, by (scheme, host, port), as Firefox keeps them: a connection whose answer
    is complete carries the next request to the same server, with whatever the server sent after that answer (read
    as the start of the next one: nsHttpConnection::PushBack). One is dropped when the server closed it, sent
    something while it was idle, or it idled longer than Firefox's network.http.keep-alive.timeout."""

    IDLE_SECONDS = 115.0

    def __init__(self):
        self.idle: dict[tuple, list[tuple[float, Connection]]] = {}
        self.lock = threading.Lock()
        weakref.finalize(self, ConnectionPool.close_idle, self.idle, self.lock)  # a dropped tab closes its sockets

    def put(self, key: tuple, connection: Connection) -> None:
        with self.lock:
            self.idle.setdefault(key, []).append((time.monotonic(), connection))

    def take(self, key: tuple) -> Connection | None:
        """An idle connection to that server that is still open, or None."""
        while True:
            with self.lock:
                if not self.idle.get(key):
                    return None
                since, connection = self.idle[key].pop()
            if time.monotonic() - since < self.IDLE_SECONDS and connection.idle_and_open():
                return connection
            connection.close()

    @staticmethod
    def close_idle(idle: dict, lock: threading.Lock) -> None:
        with lock:
            for connections in idle.values():
                for _, connection in connections:
                    connection.close()
            idle.clear()


def open_response_firefox(method: str, url: str, headers: dict[str, str], body: bytes | None, deadline: float,
                          model, pool: ConnectionPool | None = None) -> "FirefoxResponse":
    """The request as Firefox sends and reads it (`cors_lab.browser.http1`, FirefoxHeadReader): on an idle
    connection of ``pool`` when there is one; an answer that is empty (the server closed without a byte) is sent
    again, on a new connection, when the method is safe or the connection was a reused one, up to 10 attempts in all
    (nsHttpTransaction::Restart; recorded: ten GETs reach such a server); and the headers count as in only once the
    first body byte is, or the body is complete (the channel starts when the transaction writes to its pipe), so a
    body that breaks before its first byte fails the whole fetch."""
    parts = urlsplit(url)
    key = (parts.scheme, parts.hostname, parts.port or DEFAULT_PORTS[parts.scheme])
    for attempt in range(1, FIREFOX_REQUEST_ATTEMPTS + 1):
        connection = pool.take(key) if pool is not None else None
        reused = connection is not None
        try:
            if reused:
                connection.deadline = deadline
                connection.send(request_bytes(method, url, headers, body))
            else:
                connection = send_request(method, url, headers, body, deadline)
            response = read_response_firefox(connection, method, model)
            response.pool, response.key = pool, key
            return response
        except ConnectionError as exc:
            if connection is not None:
                connection.close()
            retry = getattr(exc, "empty", False) and (method in FIREFOX_SAFE_METHODS or reused)
            if not retry or attempt == FIREFOX_REQUEST_ATTEMPTS:
                raise
        except BaseException:
            if connection is not None:
                connection.close()
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def read_response_firefox(connection: Connection, method: str, model) -> "FirefoxResponse":
    """Headers (1xx skipped, but not 101), then the first body byte or the body's end."""
    reader = FirefoxHeadReader(method, connection.after_no_content)
    received = bool(connection.buffer)  # what the server sent after the previous answer on this connection
    if received:
        connection.take(reader.feed(bytes(connection.buffer)))
    while not reader.done:
        try:
            more = connection.fill()
        except ConnectionError as exc:  # reset before a byte came: as empty as an answer can be (sent again)
            exc.empty = not received and not exc.timed_out
            raise
        if not more:
            if not received:
                error = network_error("NS_ERROR_NET_RESET", "the server closed the connection without answering")
                error.empty = True
                raise error
            reader.close()
            if not reader.done:  # a 1xx, then the close: Firefox has no answer head at all
                error = network_error("NS_OK (no response head)", f"a {reader.informational[-1]} answer, then the "
                                      "connection closed: no final answer")
                error.headless = True  # Firefox's CORS check cannot list its headers (fetch.network_failure)
                raise error
            break
        received = True
        connection.take(reader.feed(bytes(connection.buffer)))
    return FirefoxResponse(connection, reader.head, FirefoxBody(reader.head, method), reader.informational, model)


class FirefoxResponse(Response):
    """An answer as Firefox reads it: headers merged as Firefox merges them, the body framed by Firefox's rules
    (`cors_lab.browser.http1.FirefoxBody`); a body error names the TypeError response.text() rejects with
    (``script_error`` on the network error: the browser model's texts, recorded)."""

    def __init__(self, connection: Connection, head, body: FirefoxBody, informational: list[int], model):
        super().__init__(connection, head, None, informational)
        self.combined = head.script_headers()
        self.body, self.model, self.received = body, model, bytearray()
        self.pool, self.key = None, None  # where the connection goes back once the answer is complete
        self.released = False
        self.take_buffered()
        while not self.received and not self.body.complete:
            self.read_more()

    def take_buffered(self) -> None:
        out, used = self.body.feed(bytes(self.connection.buffer))
        self.connection.take(used)
        self.received += out
        if len(self.received) > MAX_BODY_BYTES:
            raise network_error("body too large", "the body is over the engine's 64 MiB")

    def read_more(self) -> None:
        if self.connection.fill():
            self.take_buffered()
        else:
            self.body.at_close()
            self.body.complete = True

    def read_body(self, deadline: float | None = None, decode: bool = True) -> bytes:
        """The body, read before ``deadline`` (default: the request's), decoded unless ``decode`` is False. Raises
        a network error whose ``script_error`` is what response.text() rejects with."""
        if deadline is not None:
            self.connection.deadline = min(deadline, self.connection.deadline)
        try:
            while not self.body.complete:
                self.read_more()
        except ConnectionError as exc:
            if not exc.timed_out:
                cut_short = exc.net_error == "NS_ERROR_NET_PARTIAL_TRANSFER"
                exc.script_error = self.model.body_cut_short_error if cut_short else self.model.network_error
            raise
        finally:
            self.close()
        if not decode:
            return bytes(self.received)
        try:
            return decode_content(bytes(self.received), self.head.values("content-encoding"))
        except ConnectionError as exc:
            exc.script_error = self.model.body_decoding_error
            raise

    def close(self) -> None:
        """Done with the answer: its connection goes back to the tab's pool when the answer is complete and the
        connection kept alive (Firefox reuses it; what came after the answer stays in its buffer), else it closes."""
        connection, pool = self.connection, self.pool
        if self.released:
            return
        self.released = True
        if pool is not None and self.body.complete and self.body.keeps_connection and connection.sock.fileno() >= 0:
            connection.after_no_content = self.body.no_content
            pool.put(self.key, connection)
        else:
            connection.close()


__all__ = ["ConnectionPool", "FirefoxResponse", "Response", "net_error", "network_error", "open_response", "send",
           "seconds_left"]
