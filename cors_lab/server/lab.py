"""Live lab servers: a WSGI app on 127.0.0.1 in a background thread, with a log of every request it received.

    >>> api = serve(api_app(), port=8002, name="api")
    >>> api
    <LabServer 'api' http://localhost:8002 running, 0 requests>
    >>> api.requests(preflight=True)            # query the log, as pytest-httpserver does
    []
    >>> api.stop()

Starting a server under a name (or on a port) that a lab server already uses replaces the old one, so a
notebook cell can be re-run safely. Every server stops at interpreter exit.

A kernel lives for hours and runs whatever a learner (or a hostile page) sends it, so every server is bounded:

- the log keeps the newest ``log_size`` entries (1000 by default) while the count of requests stays exact, and
  clips a header value, path or query longer than 4096 characters (`LOG_VALUE_LIMIT`) in the log; the app
  itself always sees the whole request;
- a connection that sends nothing for ``request_timeout`` seconds (10 by default) is closed, and `stop` shuts
  down every open connection, so a half-sent or trickled request keeps no thread alive after it;
- out of file descriptors, a server backs off (at most one accept attempt a second) and says so in one sentence
  (``server.accept_error``, its repr, and the ``cors_lab.server`` logger) instead of spinning the CPU;
- request threads are daemon threads and stopping waits at most half a second for them, so the kernel's exit
  never waits on a stuck request.
"""
from __future__ import annotations

import atexit
import contextlib
import errno
import io
import logging
import resource
import selectors
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any, Callable, Iterator

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from cors_lab.errors import InputError, PortInUseError, ServerError
from cors_lab.headers import Headers
from cors_lab.policy import is_preflight_request
from cors_lab.server.frame import answers_frame

LOOPBACK = "127.0.0.1"
_LOOPBACK_NAMES = {"127.0.0.1", "localhost"}

LOG_SIZE = 1000  # entries a server's log keeps by default: a few MB at most, hours of a lesson
LOG_VALUE_LIMIT = 4096  # characters of a header value, path or query kept in the log (WSGI strings: one per byte)
REQUEST_TIMEOUT = 10.0  # seconds a connection may stay silent (werkzeug closes every connection after one answer)
STOP_GRACE = 0.5  # seconds stop() waits for request threads whose connections it shut down
_OUT_OF_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_BACKOFF_FIRST, _BACKOFF_MOST = 0.05, 1.0  # seconds between accept attempts while out of file descriptors

_logger = logging.getLogger("cors_lab.server")


class _Any:
    """The "no filter" of a log query whose filter value may itself be None (``origin=None``: sent no Origin)."""

    def __repr__(self) -> str:  # shown in ``server.requests?`` as ``origin=any``
        return "any"


_ANY = _Any()


@dataclass
class LogEntry:
    """One request a lab server received, and what it answered: one line of ``server.log``.

        >>> entry = api.last_request()
        >>> entry
        <LogEntry OPTIONS /api/items/1 (preflight) from http://localhost:8001 -> 204>
        >>> entry.origin, entry.is_preflight, entry.headers["access-control-request-method"]
        ('http://localhost:8001', True, 'PUT')
        >>> entry.response_header("Access-Control-Allow-Methods")
        'PUT'

    ``headers`` are the request headers as they arrived (a `cors_lab.headers.Headers`: any case finds them);
    ``response_headers`` are the answered header lines in order, repeats kept; ``wire_headers`` the lines as they
    went on the wire (the app's, plus Server, Date and Connection, which the HTTP server adds). ``status`` stays 0
    while the request is still being answered; ``error`` holds an exception the app raised while answering it.
    """

    time: datetime
    method: str
    path: str
    query: str
    headers: Headers  # request headers, as received (Origin, Cookie, Access-Control-Request-*, ...); any case
    status: int = 0
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None  # an exception raised by the app while answering
    wire_headers: list[tuple[str, str]] = field(default_factory=list)  # as sent, incl. the HTTP server's own
    number: int = 0  # 1 for the server's first request, never reused (a `mark()` is one of these numbers)

    def __post_init__(self) -> None:
        if not isinstance(self.headers, Headers):
            self.headers = Headers(self.headers)

    @property
    def origin(self) -> str | None:
        """The request's Origin header (``"null"`` is a value too), or None when it had none."""
        return self.headers.get("Origin")

    @property
    def is_preflight(self) -> bool:
        """A browser's CORS preflight: OPTIONS with Origin and Access-Control-Request-Method (as the server saw it)."""
        return is_preflight_request(self.method, self.headers)

    @property
    def cookies_sent(self) -> bool:
        """Did the request carry a Cookie header?"""
        return "Cookie" in self.headers

    def response_header(self, name: str) -> str | None:
        """The value the server answered for header ``name`` (any case), or None when it sent none.

        Repeated lines are combined with ", ", as a browser reads them: two Access-Control-Allow-Origin lines come
        back as one value with a comma, which is exactly why the browser refuses them.
        """
        return Headers.from_pairs(self.response_headers).get(name)

    def line(self) -> str:
        """One line for the log: ``PUT /api/items/1 from http://localhost:8001 with cookies -> 200``."""
        kind = " (preflight)" if self.is_preflight else ""
        origin = f" from {self.origin}" if self.origin else ""
        cookie = " with cookies" if self.cookies_sent else ""
        err = f" !! {self.error}" if self.error else ""
        target = self.path + (f"?{self.query}" if self.query else "")
        return f"{self.method} {target}{kind}{origin}{cookie} -> {self.status}{err}"

    def __repr__(self) -> str:
        return f"<LogEntry {self.line()}>"


def clip(value: str, limit: int = LOG_VALUE_LIMIT) -> str:
    """``value`` cut to ``limit`` characters, saying how much was cut: ``'aaaa … (45904 bytes clipped)'``.

    Only the log is clipped: a 50 KB cookie kept whole in 1000 entries would be 50 MB of a kernel's memory.
    """
    if len(value) <= limit:
        return value
    return f"{value[:limit]} … ({len(value) - limit} bytes clipped)"


class BoundedLog(Sequence):
    """A thread-safe sequence of the newest ``maxlen`` items appended, oldest first: a list that forgets.

        >>> record = BoundedLog(2)
        >>> for item in "abc":
        ...     record.append(item)
        >>> record, len(record), record[-1], record == ["b", "c"], record.received
        (['b', 'c'], 2, 'c', True, 3)

    It reads like the list it replaces (index, slice, iterate, ``len``, ``==`` a list), under a lock, so it is
    safe while another thread appends. ``received`` counts every item ever appended, kept or not.
    """

    def __init__(self, maxlen: int = LOG_SIZE):
        self._entries: deque = deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._received = 0  # how many items ever arrived: numbers the entries
        self._cleared_at = 0  # the number of the last item before the last clear()

    @property
    def maxlen(self) -> int:
        """How many entries are kept; older ones are dropped."""
        return self._entries.maxlen

    @property
    def received(self) -> int:
        """How many items ever arrived, kept or not (`clear` does not reset it)."""
        with self._lock:
            return self._received

    @property
    def since_clear(self) -> int:
        """How many items arrived since the last `clear` (or since the start)."""
        with self._lock:
            return self._received - self._cleared_at

    def append(self, item: Any) -> Any:
        """Keep ``item``, dropping the oldest entry when full."""
        with self._lock:
            self._received += 1
            self._numbered(item, self._received)
            self._entries.append(item)
        return item

    def _numbered(self, item: Any, number: int) -> None:
        """Hook: give ``item`` its number (1 for the first ever appended)."""

    def clear(self) -> None:
        """Forget every entry; the count goes on."""
        with self._lock:
            self._entries.clear()
            self._cleared_at = self._received

    def snapshot(self) -> list:
        """The entries kept right now, as a list (a deque raises if it changes while it is iterated)."""
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.snapshot()[index]
        with self._lock:
            return self._entries[index]

    def __iter__(self) -> Iterator:
        return iter(self.snapshot())

    def __reversed__(self) -> Iterator:
        return reversed(self.snapshot())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (BoundedLog, list, tuple)):
            return self.snapshot() == list(other)
        return NotImplemented

    __hash__ = None  # mutable, like the list it replaces

    def __repr__(self) -> str:
        return repr(self.snapshot())


class RequestLog(BoundedLog):
    """``server.log``: the newest `LogEntry` objects of a server, oldest first, at most ``maxlen`` of them.

        >>> api.log[-1], len(api.log), api.log == []
        (<LogEntry GET /api/public -> 200>, 3, False)
        >>> api.log.received, api.log.maxlen        # every request ever received; the entries kept
        (1500, 1000)

    A `BoundedLog`: reads like a list, safe while requests arrive. Entries are numbered from 1 as they arrive
    and never renumbered, so a `LabServer.mark` keeps meaning the same moment after older entries were dropped.
    """

    def _numbered(self, entry: LogEntry, number: int) -> None:
        entry.number = number


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug logs every request to the 'werkzeug' logger; in a notebook our own log is the record."""

    def setup(self) -> None:
        # A timeout on every read and write of the connection: a client that goes silent mid-request (half a
        # request line, a trickled body) gives its thread back instead of holding it for the kernel's life.
        self.timeout = self.server.request_timeout
        super().setup()

    def send_header(self, keyword: str, value: str) -> None:
        # what really goes on the wire (werkzeug adds Server, Date, Connection, Transfer-Encoding to the app's
        # lines): the log keeps it, so an answer can be replayed exactly as a browser received it
        entry = getattr(self, "environ", {}).get("cors_lab.log_entry")
        if entry is not None:
            entry.wire_headers.append((keyword, clip(str(value))))
        super().send_header(keyword, value)

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def log(self, *args: Any, **kwargs: Any) -> None:
        pass


class _LabWSGIServer(ThreadedWSGIServer):
    """Werkzeug's threaded server, plus what `LabServer.stop` needs: the open connections and their threads.

    socketserver forgets daemon request threads, so nothing could end a thread blocked reading a silent client;
    here `drop_connections` shuts their sockets down (the blocked read returns at once) and returns the threads
    to wait for. Request threads are named ``cors_lab:NAME:request``.
    """

    def __init__(self, port: int, app: Callable, request_timeout: float):
        self.request_timeout = request_timeout
        self.lab_name = ""
        self._open: dict[socket.socket, threading.Thread] = {}
        self._open_lock = threading.Lock()
        try:
            super().__init__(LOOPBACK, port, app, _QuietHandler)
        except Exception:
            # After binding, werkzeug reads its version from package metadata; with no descriptor left that fails
            # as "No package metadata was found for werkzeug", and the bound socket stays open. Say what happened.
            out_of_descriptors = _no_descriptor_left()
            self.server_close()
            if out_of_descriptors:
                raise OSError(errno.EMFILE, "Too many open files") from None
            raise
        # select() says "readable" and then the client may be gone: a blocking accept() would hang the loop.
        self.socket.setblocking(False)

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                  name=f"cors_lab:{self.lab_name}:request", daemon=True)
        with self._open_lock:
            self._open[request] = thread
        thread.start()

    def shutdown_request(self, request: socket.socket) -> None:
        # Forgotten under the lock before it is closed, so drop_connections never shuts down a reused descriptor.
        with self._open_lock:
            self._open.pop(request, None)
            super().shutdown_request(request)

    def drop_connections(self) -> list[threading.Thread]:
        """Shut down every open connection (a thread blocked reading it wakes up); their threads, to wait for."""
        with self._open_lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            return list(self._open.values())

    def accept_one(self) -> None:
        """Accept one waiting connection and start its thread (socketserver's ``_handle_request_noblock``, minus
        its silent ``except OSError: return``, which turned "out of file descriptors" into a busy loop)."""
        request, client_address = self.get_request()  # OSError goes to the caller, which decides
        if not self.verify_request(request, client_address):
            self.shutdown_request(request)
            return
        try:
            self.process_request(request, client_address)
        except Exception:  # e.g. "can't start new thread"
            self.handle_error(request, client_address)
            self.shutdown_request(request)


def _no_descriptor_left() -> bool:
    try:
        socket.socket().close()
    except OSError as exc:
        return exc.errno in _OUT_OF_DESCRIPTORS
    return False


def _out_of_descriptors_sentence(what: str) -> str:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return (f"Out of file descriptors (too many open files): {what} until some are closed; stop servers and "
            f"close browsers you no longer use (this kernel may open {soft} files).")


class LabServer:
    """A WSGI app served on 127.0.0.1 in a background thread, with a log of every request. Made by `serve`.

        >>> api = serve(api_app(), port=8002, name="api", policy=CorsPolicy(allow_origins=["http://localhost:8001"]))
        >>> api.url
        'http://localhost:8002'
        >>> Browser("http://localhost:8001").fetch(api.url + "/api/public")
        <FetchResult cors 200>
        >>> api.requests(path="/api/public", origin="http://localhost:8001")
        [<LogEntry GET /api/public from http://localhost:8001 -> 200>]
        >>> api.stop()

    - ``url`` / ``origin``: ``http://localhost:PORT``; ``port``, ``name``, ``app`` (the WSGI app served).
    - ``policy``: the `CorsPolicy` the app answers with; assign a new one while it runs.
    - ``log``: the newest requests received (``log_size`` of them), oldest first (`LogEntry`, in a
      `RequestLog`); query it with `requests`, `count`, `last_request` and `mark`; `log_text` prints it;
      `clear_log` empties it. ``received``: how many requests ever arrived.
    - ``running``, `stop()`; ``with serve(...) as server:`` stops it at the end of the block.
    - ``accept_error``: one sentence while the server cannot accept connections (out of file descriptors).

    The repr is short and stable (a notebook shows it): ``<LabServer 'api' http://localhost:8002 running,
    3 requests>`` (the requests since the last `clear_log`), plus ``, last 1000 kept`` once older entries were
    dropped, ``, N errors`` when the app raised while answering, and ``, cannot accept connections: out of file
    descriptors`` while that lasts.
    """

    def __init__(self, app: Callable, port: int, name: str, log_size: int = LOG_SIZE,
                 request_timeout: float = REQUEST_TIMEOUT):
        self.app = app
        self.log = RequestLog(log_size)
        self.accept_error: str | None = None
        self.started_in: int | None = None  # the notebook cell that started it (set by `serve`)
        self._accept_problem = ""  # the few words the repr shows while accept_error is set
        self._stopped = threading.Event()
        self._stop_lock = threading.Lock()
        # Every descriptor is opened here, in the caller's thread, and closed again if any of them fails: opened
        # in the serve thread, a failure (no descriptors left) killed that thread and left a server that looked
        # running but never answered.
        with contextlib.ExitStack() as undo:
            self._wsgi = _LabWSGIServer(port, self._logged, request_timeout)
            undo.callback(self._wsgi.server_close)
            self.port: int = self._wsgi.server_port
            self._wake_r, self._wake_w = socket.socketpair()
            undo.callback(self._wake_r.close)
            undo.callback(self._wake_w.close)
            self._selector = selectors.DefaultSelector()
            undo.callback(self._selector.close)
            self._selector.register(self._wsgi, selectors.EVENT_READ)
            self._selector.register(self._wake_r, selectors.EVENT_READ)
            self._thread = threading.Thread(target=self._serve, daemon=True)
            self.name = name
            self._thread.start()
            undo.pop_all()  # all open: the server owns them now

    @property
    def name(self) -> str:
        """What the server is called in reprs, logs and thread names (``cors_lab:NAME``)."""
        return self._name

    @name.setter
    def name(self, name: str) -> None:
        self._name = name
        self._thread.name = f"cors_lab:{name}"
        self._wsgi.lab_name = name

    @property
    def received(self) -> int:
        """How many requests ever arrived, including those the bounded log no longer keeps."""
        return self.log.received

    # ---- identity ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """Where the server answers: ``http://localhost:PORT`` (add a path: ``api.url + "/api/public"``)."""
        return f"http://localhost:{self.port}"

    @property
    def origin(self) -> str:
        """The origin of pages this server serves, e.g. ``"http://localhost:8001"``: pass it to ``Browser(...)``.

            >>> tab = Browser(origin=page.origin)       # a tab showing a page served by `page`
        """
        return self.url

    @property
    def running(self) -> bool:
        """False once `stop` was called."""
        return not self._stopped.is_set()

    # ---- policy (for apps wired with cors_lab.server.flask_policy) ---------------------------------
    @property
    def policy(self):
        """The `CorsPolicy` the app answers with (None when the app has no cors_lab policy).

        Read on every request, so a running server can be given a new policy or have this one edited in place:

            >>> api.policy = CorsPolicy(allow_origins=["http://localhost:8001"])
            >>> api.policy.allow_credentials = True

        Only Flask apps take a policy; assigning one to a plain WSGI app raises `ServerError`.
        """
        config = getattr(self.app, "config", None)
        return config.get("CORS_LAB_POLICY") if config is not None else None

    @policy.setter
    def policy(self, policy) -> None:
        from cors_lab.server.flask_policy import install

        if not hasattr(self.app, "config"):
            raise ServerError(f"Server {self.name!r} runs a plain WSGI app; only Flask apps take a CorsPolicy.")
        install(self.app, policy)

    @contextlib.contextmanager
    def temporary_policy(self, policy):
        """Answer with ``policy`` inside a ``with`` block, then with the server's own policy again.

            >>> with api.temporary_policy(CorsPolicy(allow_origins="*")):           # doctest: +SKIP
            ...     Browser("http://localhost:8666").fetch(api.url + "/api/public")
            <FetchResult cors 200>

        A lesson's quiz asks about its own policy this way without taking the one an exercise further down uses.
        """
        before = self.policy
        self.policy = policy
        try:
            yield self
        finally:
            self.policy = before

    # ---- serving ----------------------------------------------------------------------------
    def _serve(self) -> None:
        # socketserver's serve_forever polls for shutdown; a wake-up socket makes stop() immediate instead.
        pause = 0.0
        with self._selector as selector:
            try:
                while not self._stopped.is_set():
                    for key, _ in selector.select():
                        if key.fileobj is self._wsgi and not self._stopped.is_set():
                            pause = self._accept(pause)
            except Exception as exc:  # never silent: a server that stopped accepting says so in its repr
                self._accept_problem = "its thread crashed"
                self.accept_error = f"Server {self.name!r} stopped accepting connections ({type(exc).__name__}: {exc})."
                _logger.error(self.accept_error)

    def _accept(self, pause: float) -> float:
        """Accept one connection; the pause before the next attempt (0 unless out of file descriptors)."""
        try:
            self._wsgi.accept_one()
        except OSError as exc:
            if exc.errno not in _OUT_OF_DESCRIPTORS:
                return 0.0  # the client left before accept (EAGAIN, ECONNABORTED): nothing to answer
            self._out_of_descriptors()
            # The waiting connection keeps the socket readable, so select() would return at once: without a
            # pause this loop takes a whole CPU. Doubling pauses, at most a second, retry until fds are free.
            pause = min(max(pause * 2, _BACKOFF_FIRST), _BACKOFF_MOST)
            self._stopped.wait(pause)
            return pause
        if self.accept_error is not None:
            self.accept_error = None
            _logger.info("Server %r accepts connections again.", self.name)  # the warning said it all; repr too
        return 0.0

    def _out_of_descriptors(self) -> None:
        if self.accept_error is not None:
            return  # said once per episode, not once per attempt
        self._accept_problem = "out of file descriptors"
        self.accept_error = _out_of_descriptors_sentence(f"server {self.name!r} cannot accept connections")
        _logger.warning(self.accept_error)

    def _logged(self, environ: dict, start_response: Callable):
        """WSGI middleware: record the request, the status and headers answered, and any error.

        The frame page of "Send from my browser" (`cors_lab.server.frame`) is answered first, never logged: it is
        the course's plumbing, not a request of the lesson."""
        frame = answers_frame(environ, start_response)
        if frame is not None:
            return frame
        # WSGI hands headers over as HTTP_* keys; title-casing gives back the names a reader expects to see.
        # Values are clipped in the log only: environ, and so the app, keeps every byte.
        headers = Headers(
            (key[5:].replace("_", "-").title(), clip(value)) for key, value in environ.items()
            if key.startswith("HTTP_")
        )
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = clip(environ["CONTENT_TYPE"])
        entry = LogEntry(
            time=datetime.now(),
            method=clip(environ["REQUEST_METHOD"], 64),
            path=clip(environ.get("PATH_INFO", "/")),
            query=clip(environ.get("QUERY_STRING", "")),
            headers=headers,
        )
        environ["cors_lab.log_entry"] = entry
        self.log.append(entry)

        def recording_start_response(status: str, response_headers: list, exc_info=None):
            entry.status = int(status.split(" ", 1)[0])
            entry.response_headers = [(name, clip(value)) for name, value in response_headers]
            return start_response(status, response_headers, exc_info)

        try:
            return self.app(environ, recording_start_response)
        except Exception as exc:  # a plain WSGI app that raises: keep the reason in the log
            entry.error = clip(f"{type(exc).__name__}: {exc}")
            raise

    def clear_log(self) -> None:
        """Forget every logged request. Numbers keep counting, so a `mark` taken before still works after."""
        self.log.clear()

    # ---- querying the log (as pytest-httpserver does) -----------------------------------------
    def mark(self) -> int:
        """A bookmark in the log: pass it as ``since=`` to see only what arrived after this moment.

            >>> before = api.mark()
            >>> Browser("http://localhost:8001").fetch(api.url + "/api/items/1", method="PUT")
            >>> api.requests(since=before, preflight=True)       # the OPTIONS this fetch caused
            [<LogEntry OPTIONS /api/items/1 (preflight) from http://localhost:8001 -> 204>]

        It is the number of requests received so far (`clear_log` does not reset it, and entries the bounded
        log dropped still count).
        """
        return self.log.received

    def requests(self, path: str | None = None, *, method: str | None = None, origin: str | None = _ANY,
                 preflight: bool | None = None, since: int | None = None) -> list[LogEntry]:
        """The logged requests that match every filter given, oldest first.

            >>> api.requests(path="/api/items/1", preflight=True)
            [<LogEntry OPTIONS /api/items/1 (preflight) from http://localhost:8001 -> 204>]
            >>> api.requests(origin=None)          # requests that carried no Origin (curl, same-origin GETs)
            [<LogEntry GET /api/public -> 200>]

        - ``path``: the path exactly (``"/api/public"``); with a ``?`` it must match the query too
          (``"/api/public?x=1"``).
        - ``method``: ``"GET"``, ``"OPTIONS"``, ... (any case).
        - ``origin``: the Origin header's value, exactly as sent (``"null"`` is a value too); ``origin=None``
          means "sent no Origin".
        - ``preflight``: True for CORS preflights only, False for everything else.
        - ``since``: a number from `mark`: only requests that arrived after it.

        Safe while requests arrive (the log is read under a lock). A request still being answered is listed
        with ``status`` 0. Only the entries the log still keeps (the newest ``log_size``) are searched.
        """
        if since is not None and (isinstance(since, bool) or not isinstance(since, int)):
            raise InputError(f"since= takes a number from server.mark(), not {since!r}.")
        wanted_method = method.upper() if method is not None else None

        def matches(entry: LogEntry) -> bool:
            target = entry.path + (f"?{entry.query}" if path is not None and "?" in path else "")
            return ((path is None or target == path)
                    and (wanted_method is None or entry.method.upper() == wanted_method)
                    and (origin is _ANY or entry.origin == origin)
                    and (preflight is None or entry.is_preflight == preflight)
                    and (since is None or entry.number > since))

        return [entry for entry in self.log.snapshot() if matches(entry)]

    def count(self, path: str | None = None, *, method: str | None = None, origin: str | None = _ANY,
              preflight: bool | None = None, since: int | None = None) -> int:
        """How many logged requests match (the filters of `requests`).

            >>> api.count(preflight=True, since=before)
            1
        """
        return len(self.requests(path, method=method, origin=origin, preflight=preflight, since=since))

    def last_request(self, path: str | None = None, *, method: str | None = None, origin: str | None = _ANY,
                     preflight: bool | None = None, since: int | None = None) -> LogEntry | None:
        """The newest logged request that matches (the filters of `requests`), or None.

            >>> api.last_request(method="PUT").headers["Origin"]
            'http://localhost:8001'
        """
        found = self.requests(path, method=method, origin=origin, preflight=preflight, since=since)
        return found[-1] if found else None

    def stop(self) -> None:
        """Stop serving and free the port at once. Safe to call twice; the log stays readable.

            >>> api.stop()
            >>> api
            <LabServer 'api' http://localhost:8002 stopped, 2 requests>
        """
        self._wait_for(self._shut_down(), time.monotonic() + STOP_GRACE)

    def _shut_down(self) -> list[threading.Thread]:
        """Stop accepting, close the port, shut down open connections; the request threads still running."""
        with self._stop_lock:
            if self._stopped.is_set():
                return []
            self._stopped.set()
            self._wake_w.send(b"x")
            self._thread.join(timeout=2)  # no accept after this: no connection can open behind our back
            self._wsgi.server_close()
            handlers = self._wsgi.drop_connections()
            self._wake_r.close()
            self._wake_w.close()
            if _registry.get(self.name) is self:
                del _registry[self.name]
            return handlers

    @staticmethod
    def _wait_for(handlers: list[threading.Thread], deadline: float) -> None:
        # Threads whose connection was shut down end within milliseconds; one stuck in a view that never
        # returns cannot be ended from outside: it is a daemon thread, so it is waited for briefly, never at exit.
        for thread in handlers:
            if thread is not threading.current_thread():  # a view may stop its own server
                thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def __enter__(self) -> "LabServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- display ----------------------------------------------------------------------------
    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        arrived, kept = self.log.since_clear, len(self.log)
        extra = f", last {kept} kept" if kept < arrived else ""
        errors = sum(1 for e in self.log if e.error)
        extra += f", {errors} errors" if errors else ""
        extra += f", cannot accept connections: {self._accept_problem}" if self.accept_error else ""
        return f"<LabServer {self.name!r} {self.url} {state}, {arrived} requests{extra}>"

    def log_text(self, last: int | None = None) -> str:
        """The log as text, one line per request (the ``last`` N only, when given).

            >>> print(api.log_text(last=2))
            OPTIONS /api/items/1 (preflight) from http://localhost:8001 -> 204
            PUT /api/items/1 from http://localhost:8001 -> 200
        """
        entries = self.log[-last:] if last else self.log
        return "\n".join(e.line() for e in entries) or "(no requests yet)"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{escape(e.method)}</td><td>{escape(e.path)}</td><td>{escape(e.origin or '')}</td>"
            f"<td>{'yes' if e.is_preflight else ''}</td><td>{e.status}</td><td>{escape(e.error or '')}</td></tr>"
            for e in self.log[-20:]
        )
        table = (
            "<table><tr><th>method</th><th>path</th><th>Origin</th><th>preflight</th><th>status</th>"
            f"<th>error</th></tr>{rows}</table>"
            if rows
            else "<p><i>no requests yet</i></p>"
        )
        return f"<div><code>{escape(repr(self))}</code>{table}</div>"


_registry: dict[str, LabServer] = {}
_registry_lock = threading.Lock()


def _record_flask_errors(app: Any) -> None:
    """Flask turns a view's exception into a 500; keep the exception in the log so it is never silent."""
    try:
        from flask import Flask, got_request_exception, request
    except ImportError:  # pragma: no cover - flask is a dependency
        return
    if not isinstance(app, Flask) or app.extensions.get("cors_lab_errors"):
        return

    def record(sender: Any, exception: BaseException, **extra: Any) -> None:
        entry = request.environ.get("cors_lab.log_entry")
        if entry is not None:
            entry.error = f"{type(exception).__name__}: {exception}"

    got_request_exception.connect(record, app, weak=False)
    app.extensions["cors_lab_errors"] = True


def serve(app: Callable, port: int | None = None, name: str | None = None, policy=None,
          host: str = LOOPBACK, log_size: int = LOG_SIZE, request_timeout: float = REQUEST_TIMEOUT) -> LabServer:
    """Start ``app`` (Flask or any WSGI app) on http://localhost:PORT in a background thread.

        >>> api = serve(api_app(), port=8002, name="api", policy=CorsPolicy(allow_origins=["http://localhost:8001"]))
        >>> api
        <LabServer 'api' http://localhost:8002 running, 0 requests>
        >>> with serve(page_app()) as page:      # a free port; stopped at the end of the block
        ...     print(page.url)
        http://localhost:40123

    - ``port``: the port to listen on; None picks a free one. A port used by another program raises
      `PortInUseError` with what to do.
    - ``name``: what the server is called in reprs and logs; a lab server already running under this name
      (or on this port) is stopped first, so re-running a notebook cell is safe.
    - ``policy``: a `CorsPolicy` to answer with (Flask apps only); change it later with ``server.policy = ...``.
    - ``host``: only loopback is allowed (``127.0.0.1`` / ``localhost``): lab servers are never on the network.
    - ``log_size``: how many requests ``server.log`` keeps (the newest; 1000 by default). The count of requests
      received stays exact (``server.received``, `LabServer.mark`) whatever the size.
    - ``request_timeout``: seconds a client may stay silent while sending its request or reading the answer
      (10 by default) before its connection is closed; it does not limit how long the app takes to answer.

    Returns the running `LabServer` once it accepts connections. A taken port is never silently swapped for
    another one (the course's ``serve_teaching`` does that, and says so).
    """
    if host not in _LOOPBACK_NAMES:
        raise ServerError(f"Lab servers listen on 127.0.0.1 only; host={host!r} is refused.")
    # True is an int to Python (port 1!) and "8002" is not a port yet: a learner's typo gets one sentence.
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535):
        raise InputError(f"port must be a whole number from 1 to 65535 (or None for a free one), not {port!r}.")
    if isinstance(log_size, bool) or not isinstance(log_size, int) or log_size < 1:
        raise InputError(f"log_size must be a whole number of entries, 1 or more (1000 by default), not {log_size!r}.")
    if isinstance(request_timeout, bool) or not isinstance(request_timeout, (int, float)) or not request_timeout > 0:
        raise InputError(f"request_timeout must be a number of seconds above 0 (10 by default), "
                         f"not {request_timeout!r}.")
    if port == 0:
        port = None
    with _registry_lock:
        for old in list(_registry.values()):
            if old.name == name or (port is not None and old.port == port):
                old.stop()
        if policy is not None:
            from cors_lab.server.flask_policy import install

            if not hasattr(app, "config"):
                raise ServerError("Only Flask apps take a CorsPolicy; wrap your WSGI app in Flask or pass policy=None.")
            install(app, policy)
        _record_flask_errors(app)
        chosen = port or 0
        complaint = io.StringIO()
        try:
            with contextlib.redirect_stderr(complaint):  # werkzeug prints its own words before sys.exit(1)
                server = LabServer(app, chosen, name or "", log_size=log_size, request_timeout=request_timeout)
        except (SystemExit, OSError) as exc:
            if getattr(exc, "errno", None) in _OUT_OF_DESCRIPTORS:
                raise ServerError(_out_of_descriptors_sentence(f"a server cannot start on port {chosen}")) from None
            said = complaint.getvalue() + str(getattr(exc, "strerror", "") or "")
            if "in use" in said.lower() or getattr(exc, "errno", None) == errno.EADDRINUSE:
                raise PortInUseError(chosen) from None
            if "permission" in said.lower():
                raise ServerError(f"Port {chosen} needs special rights; pick one above 1024.") from None
            raise ServerError(f"Could not start a server on port {chosen}: {said.strip() or exc}.") from None
        if not name:
            server.name = f"server-{server.port}"
        server.started_in = _notebook_cell()
        _started_in[server.name] = server.started_in
        _registry[server.name] = server
        return server


_started_in: dict[str, int | None] = {}  # the cell that last started a server of each name (it may be stopped now)


def last_started_in(name: str) -> int | None:
    """The notebook cell that last started a lab server called ``name`` (None outside a notebook or never).

    A widget made with an older server of that name names this cell: the learner re-ran the set-up cell since."""
    return _started_in.get(name)


def _notebook_cell() -> int | None:
    """The number of the notebook cell running now (``In [3]``), or None outside IPython.

    A widget whose server was stopped names this cell: "re-run cell [3]" is an instruction a learner can follow.
    """
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    # IPython counts the running cell before it runs it: while cell [3] runs, execution_count is already 4
    count = getattr(shell, "execution_count", None)
    return count - 1 if isinstance(count, int) and count > 1 else None


def running_servers() -> list[LabServer]:
    """Every lab server running in this process, oldest first."""
    return list(_registry.values())


def stop_all() -> None:
    """Stop every lab server started in this process (they also stop at interpreter exit).

        >>> cors_lab.stop_all()
        >>> cors_lab.server.lab.running_servers()
        []

    The way out when a port is "already in use" by a server an earlier cell started. Bounded in time: every
    server is shut down first, then their request threads share one short wait (at exit too).

    It also closes this process's real browsers (headless Chromium and Firefox, `cors_lab.real.footprint`): the
    last cell of every lesson calls it, so a notebook left open in JupyterLab holds no browser. The next real-browser
    call starts a fresh one.
    """
    handlers = [thread for server in list(_registry.values()) for thread in server._shut_down()]
    LabServer._wait_for(handlers, time.monotonic() + STOP_GRACE)
    live = sys.modules.get("cors_lab.frameworks.live")  # real frameworks in child processes (uvicorn, node, nginx)
    if live is not None:
        live.stop_live_processes()
    real = sys.modules.get("cors_lab.real.footprint")  # loaded only once a real browser was asked for
    if real is not None:
        real.close_every_browser()


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


atexit.register(stop_all)

__all__ = ["LabServer", "LogEntry", "RequestLog", "BoundedLog", "serve", "stop_all", "running_servers", "free_port",
           "clip", "LOG_SIZE", "LOG_VALUE_LIMIT", "REQUEST_TIMEOUT"]
