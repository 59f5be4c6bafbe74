"""Live lab servers: a WSGI app on 127.0.0.1 in a background thread, with a log of every request it received.

    >>> api = serve(api_app(), port=8002, name="api")
    >>> api
    <LabServer 'api' http://localhost:8002 running, 0 requests>
    >>> api.requests(preflight=True)            # query the log, as pytest-httpserver does
    []
    >>> api.stop()

Starting a server under a name (or on a port) that a lab server already uses replaces the old one, so a
notebook cell can be re-run safely. Every server stops at interpreter exit.
"""
from __future__ import annotations

import atexit
import contextlib
import errno
import io
import selectors
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from typing import Any, Callable

from werkzeug.serving import WSGIRequestHandler, make_server

from cors_lab.errors import InputError, PortInUseError, ServerError
from cors_lab.headers import Headers
from cors_lab.policy import is_preflight_request

LOOPBACK = "127.0.0.1"
_LOOPBACK_NAMES = {"127.0.0.1", "localhost"}


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
    ``response_headers`` are the answered header lines in order, repeats kept. ``status`` stays 0 while the
    request is still being answered; ``error`` holds an exception the app raised while answering it.
    """

    time: datetime
    method: str
    path: str
    query: str
    headers: Headers  # request headers, as received (Origin, Cookie, Access-Control-Request-*, ...); any case
    status: int = 0
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None  # an exception raised by the app while answering
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


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug logs every request to the 'werkzeug' logger; in a notebook our own log is the record."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass

    def log(self, *args: Any, **kwargs: Any) -> None:
        pass


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
    - ``log``: every request received, oldest first (`LogEntry`); query it with `requests`, `count`,
      `last_request` and `mark`; `log_text` prints it; `clear_log` empties it.
    - ``running``, `stop()`; ``with serve(...) as server:`` stops it at the end of the block.

    The repr is short and stable (a notebook shows it): ``<LabServer 'api' http://localhost:8002 running,
    3 requests>``, plus ``, N errors`` when the app raised while answering.
    """

    def __init__(self, app: Callable, port: int, name: str):
        self.app = app
        self.name = name
        self.log: list[LogEntry] = []
        self._received = 0  # how many requests ever arrived (numbers the log entries)
        self._log_lock = threading.Lock()
        self._wsgi = make_server(LOOPBACK, port, self._logged, threaded=True, request_handler=_QuietHandler)
        self.port: int = self._wsgi.server_port
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, name=f"cors_lab:{name}", daemon=True)
        self._thread.start()

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

    # ---- serving ----------------------------------------------------------------------------
    def _serve(self) -> None:
        # socketserver's serve_forever polls for shutdown; a wake-up socket makes stop() immediate instead.
        with selectors.DefaultSelector() as selector:
            selector.register(self._wsgi, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._stopped.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self._wsgi and not self._stopped.is_set():
                        self._wsgi._handle_request_noblock()

    def _logged(self, environ: dict, start_response: Callable):
        """WSGI middleware: record the request, the status and headers answered, and any error."""
        # WSGI hands headers over as HTTP_* keys; title-casing gives back the names a reader expects to see.
        headers = Headers(
            (key[5:].replace("_", "-").title(), value) for key, value in environ.items() if key.startswith("HTTP_")
        )
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        entry = LogEntry(
            time=datetime.now(),
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", "/"),
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
        )
        environ["cors_lab.log_entry"] = entry
        with self._log_lock:
            self._received += 1
            entry.number = self._received
            self.log.append(entry)

        def recording_start_response(status: str, response_headers: list, exc_info=None):
            entry.status = int(status.split(" ", 1)[0])
            entry.response_headers = list(response_headers)
            return start_response(status, response_headers, exc_info)

        try:
            return self.app(environ, recording_start_response)
        except Exception as exc:  # a plain WSGI app that raises: keep the reason in the log
            entry.error = f"{type(exc).__name__}: {exc}"
            raise

    def clear_log(self) -> None:
        """Forget every logged request. Numbers keep counting, so a `mark` taken before still works after."""
        with self._log_lock:
            self.log.clear()

    # ---- querying the log (as pytest-httpserver does) -----------------------------------------
    def mark(self) -> int:
        """A bookmark in the log: pass it as ``since=`` to see only what arrived after this moment.

            >>> before = api.mark()
            >>> Browser("http://localhost:8001").fetch(api.url + "/api/items/1", method="PUT")
            >>> api.requests(since=before, preflight=True)       # the OPTIONS this fetch caused
            [<LogEntry OPTIONS /api/items/1 (preflight) from http://localhost:8001 -> 204>]

        It is the number of requests received so far (`clear_log` does not reset it).
        """
        with self._log_lock:
            return self._received

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
        with ``status`` 0.
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

        with self._log_lock:
            entries = list(self.log)
        return [entry for entry in entries if matches(entry)]

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
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._wake_w.send(b"x")
        self._thread.join(timeout=5)
        self._wsgi.server_close()
        self._wake_r.close()
        self._wake_w.close()
        if _registry.get(self.name) is self:
            del _registry[self.name]

    def __enter__(self) -> "LabServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- display ----------------------------------------------------------------------------
    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        errors = sum(1 for e in self.log if e.error)
        extra = f", {errors} errors" if errors else ""
        return f"<LabServer {self.name!r} {self.url} {state}, {len(self.log)} requests{extra}>"

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
          host: str = LOOPBACK) -> LabServer:
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

    Returns the running `LabServer` once it accepts connections. A taken port is never silently swapped for
    another one (the course's ``serve_teaching`` does that, and says so).
    """
    if host not in _LOOPBACK_NAMES:
        raise ServerError(f"Lab servers listen on 127.0.0.1 only; host={host!r} is refused.")
    if port is not None and (not isinstance(port, int) or not 0 <= port <= 65535):
        raise ServerError(f"port must be a whole number from 1 to 65535 (or None for a free one), not {port!r}.")
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
                server = LabServer(app, chosen, name or "")
        except (SystemExit, OSError) as exc:
            said = complaint.getvalue() + str(getattr(exc, "strerror", "") or "")
            if "in use" in said.lower() or getattr(exc, "errno", None) == errno.EADDRINUSE:
                raise PortInUseError(chosen) from None
            if "permission" in said.lower():
                raise ServerError(f"Port {chosen} needs special rights; pick one above 1024.") from None
            raise ServerError(f"Could not start a server on port {chosen}: {said.strip() or exc}.") from None
        if not name:
            server.name = f"server-{server.port}"
        _registry[server.name] = server
        return server


def running_servers() -> list[LabServer]:
    """Every lab server running in this process, oldest first."""
    return list(_registry.values())


def stop_all() -> None:
    """Stop every lab server started in this process (they also stop at interpreter exit).

        >>> cors_lab.stop_all()
        >>> cors_lab.server.lab.running_servers()
        []

    The way out when a port is "already in use" by a server an earlier cell started.
    """
    for server in list(_registry.values()):
        server.stop()


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


atexit.register(stop_all)

__all__ = ["LabServer", "LogEntry", "serve", "stop_all", "running_servers", "free_port"]
