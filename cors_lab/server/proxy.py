"""Two ways around CORS with a proxy, each a Flask app to pass to `serve`.

**The same-origin dev proxy** (what Vite's and webpack's dev-server ``proxy`` option does): one origin serves the
frontend and forwards ``/api/...`` to the API server, so the page's fetches are same-origin and CORS never applies.

    >>> dev = serve(dev_proxy(page_app(api_url=""), api_url=api.url, prefix=("/api", "/login")))

**The CORS-adding proxy** (in the style of CORS Anywhere): ``GET /<the API's URL>/api/public`` (e.g.
``GET /http://localhost:5000/api/public``) fetches the upstream server-to-server (no CORS there) and answers the
page with CORS headers of its own.

    >>> cp = serve(cors_proxy(allow_upstreams=[api.origin], allow_origins=[FRONTEND]))
    >>> Browser(origin=FRONTEND).fetch(cp.url + "/" + api.url + "/api/public")

It is safe by default: it forwards only to the upstream origins on its allowlist and refuses everything else with a
403 and one sentence (another port on loopback, ``user:pass@`` in the URL, ``file:``/``ftp:`` schemes, malformed or
missing URLs), so it cannot be used to reach internal services (SSRF) or as an open proxy. Both proxies keep their
own record in ``app.config["FORWARDED"]`` (``(method, upstream_url, status)``) and ``app.config["REFUSED"]``
(``(url, reason)``), each the newest ``log_size`` (1000) entries.

**What goes upstream** (request headers; tested as a table in tests/server/test_proxy_limits.py):

=============================================  ==================  =========================================
header from the client                         dev_proxy           cors_proxy
=============================================  ==================  =========================================
``Cookie``                                     forwarded           dropped; forwarded with forward_cookies
``Authorization``                              forwarded           forwarded (from a page only if
                                                                   ``allow_headers`` lists it)
``Origin``                                     dropped (forwarded  dropped
                                               with origin=
                                               "forward", as Vite)
``Referer``, ``Access-Control-Request-*``      forwarded           dropped
hop-by-hop headers (`HOP_BY_HOP`)              dropped             dropped
``Host``                                       the upstream's      the upstream's
``Accept-Encoding``                            ``identity``        ``identity``
``X-Forwarded-For``, ``-Host``, ``-Proto``     replaced            replaced
``Via``                                        appended to         appended to
anything else (``Content-Type``, ``X-...``)    forwarded           forwarded
=============================================  ==================  =========================================

Hop-by-hop headers are ``Connection`` and every header it names, ``Keep-Alive``, ``TE``, ``Trailer``,
``Transfer-Encoding``, ``Upgrade``, ``Proxy-Authorization`` and ``Proxy-Connection`` (RFC 9110 §7.6.1).
``X-Forwarded-For`` is the TCP peer's address, ``X-Forwarded-Host`` the Host the client asked for and
``X-Forwarded-Proto`` its scheme: whatever the client wrote in them is replaced. ``Via`` keeps the hops before
and adds this proxy's own ``1.1 cors_lab-<token>``.

Answers come back with hop-by-hop headers, ``Server`` and ``Date`` dropped (the lab server sends its own); the dev
proxy removes ``Domain`` from ``Set-Cookie``; the CORS proxy drops ``Set-Cookie`` (unless ``forward_cookies``) and
the upstream's ``Access-Control-*``, and adds its own. Bodies are passed on as they came, ``Content-Encoding``
included: a gzip answer is never inflated here (the browser does that).

**Limits**, so that a hostile client, upstream or set-up costs one sentence instead of the kernel:

- Loops: each proxy adds itself to ``Via`` with a token of its own and answers **508** to a request that already
  went through it (``A -> B -> A``), and to an upstream that is its own address, before forwarding anything.
- Bodies: at most ``max_request_bytes`` forwarded (**413** beyond, read and sent on in 64 KB chunks) and
  ``max_response_bytes`` read from the upstream (**502** beyond), 10 MB each by default.
- Time: ``timeout`` seconds for the whole upstream answer, body included (**504** after it).
- Rate (the CORS proxy): per TCP peer address, which a client cannot choose (not its ``Origin`` or
  ``X-Forwarded-For``); at most `RateLimiter.max_keys` (1000) clients remembered.

The checks that decide what may be forwarded (`check_upstream`, `parse_upstream_origin`) are pure functions.
"""
from __future__ import annotations

import bisect
import errno
import math
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Sequence
from urllib.parse import urljoin, urlsplit

from flask import Flask, Response, request

from cors_lab.browser.origin import DEFAULT_PORTS, is_loopback, origin_of
from cors_lab.errors import ProxyConfigError
from cors_lab.headers import Headers
from cors_lab.policy import CorsPolicy
from cors_lab.server.flask_policy import install
from cors_lab.server.lab import LOG_SIZE, BoundedLog

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
_SCHEMES = ("http", "https")  # the only schemes either proxy forwards to

# RFC 9110 §7.6.1: connection-specific headers a proxy must not forward (plus those named in Connection).
HOP_BY_HOP = {
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
    "trailers", "transfer-encoding", "upgrade",
}
# Headers the proxy recomputes itself. Content-Encoding is not one: bodies are passed on as they came.
_RECOMPUTED = {"host", "content-length"}

MAX_BODY_BYTES = 10_000_000  # default cap on a body each way: a large JSON answer fits, a runaway one does not
_CHUNK = 64 * 1024  # bodies are read and sent on in pieces of this size
_MAX_KEYS = 1000  # clients a rate limiter remembers at most


# ---- pure: which upstream may a URL reach? -------------------------------------------------------------
@dataclass(frozen=True)
class Upstream:
    """An upstream request the proxy may make: the allowlisted origin and the path + query on it."""

    origin: str  # "http://localhost:5000", exactly as on the allowlist (normalised)
    path: str  # "/api/public?x=1" (always starts with "/")

    @property
    def url(self) -> str:
        return self.origin + self.path


@dataclass(frozen=True)
class Refusal:
    """Why a URL is not forwarded: one sentence for the learner."""

    url: str
    reason: str


def _example_origin() -> str:
    """The lesson's API origin, the example a refusal shows (imported late: cors_lab.course imports this module)."""
    from cors_lab.course.teaching import API

    return API


def _split(url: str):
    """`urlsplit`, with the port checked: urlsplit raises ValueError for a bad port only when it is read."""
    parts = urlsplit(url)
    _ = parts.port
    return parts


def parse_upstream_origin(spec: str) -> str:
    """Normalise an allowlist entry such as ``"http://localhost:5000"``; `ProxyConfigError` if it is no origin.

        >>> parse_upstream_origin("HTTP://LocalHost:80/")
        'http://localhost'

    The checks below give the refusal its sentence; the origin itself is read and serialised by
    `cors_lab.browser.origin`, the one origin parser, so the allowlist and the engine agree on what an origin is.
    """
    if not isinstance(spec, str):
        raise ProxyConfigError(f"An upstream must be an origin such as {_example_origin()!r}, not {spec!r}.")
    try:
        parts = _split(spec.strip())
    except ValueError:
        raise ProxyConfigError(f"{spec!r} is not a valid origin; write it like {_example_origin()!r}.") from None
    if parts.scheme not in _SCHEMES or not parts.hostname:
        raise ProxyConfigError(f"{spec!r} is not an http(s) origin; write it like {_example_origin()!r}.")
    if "@" in parts.netloc:
        raise ProxyConfigError(f"{spec!r} contains credentials (user:pass@); an upstream is scheme, host and port.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ProxyConfigError(f"{spec!r} has a path; an upstream is an origin: scheme, host and port only.")
    return origin_of(spec.strip()).serialize()


def check_upstream(target: str, allow_upstreams: Iterable[str]) -> Upstream | Refusal:
    """Decide whether the proxy may fetch ``target`` (the URL after the proxy's ``/``).

    Allowed only when its scheme, host and port are exactly those of an allowlisted origin (``localhost`` and
    ``127.0.0.1`` are different hosts here). The URL actually fetched is rebuilt from the allowlisted origin and
    the path, so no other URL parser can read a different host out of the same text.
    """
    allowed = {parse_upstream_origin(o) for o in allow_upstreams}
    shown = target if len(target) <= 200 else target[:200] + "..."
    if not target:
        return Refusal(target, "No upstream URL: ask for /http://host:port/path on this proxy.")
    if any(ord(c) <= 0x20 or c in "\\\x7f" for c in target):
        return Refusal(target, f"{shown!r} is not a well-formed URL (spaces, control characters or backslashes).")
    scheme, sep, _ = target.partition(":")
    if not sep or not scheme.isascii() or not scheme.replace("+", "").replace("-", "").replace(".", "").isalnum():
        return Refusal(target, f"{shown!r} is not an absolute URL; ask for /http://host:port/path on this proxy.")
    if scheme.lower() not in _SCHEMES and target[len(scheme) + 1:len(scheme) + 2].isdigit():
        return Refusal(target, f"{shown!r} has no scheme; ask for /http://{target} on this proxy.")
    if scheme.lower() not in _SCHEMES:
        return Refusal(target, f"Only http and https upstreams are forwarded; the {scheme.lower()!r} scheme is "
                               "refused.")
    try:
        parts = _split(target)
    except ValueError:
        return Refusal(target, f"{shown!r} is not a well-formed URL (bad host or port).")
    if not target[len(scheme) + 1:].startswith("//") or not parts.hostname:
        return Refusal(target, f"{shown!r} is not a well-formed URL: it has no host.")
    if "@" in parts.netloc:
        return Refusal(target, "URLs with credentials (user:pass@host) are refused: the proxy never forwards them.")
    origin = origin_of(target).serialize()
    if origin not in allowed:
        listed = ", ".join(sorted(allowed)) or "nothing"
        return Refusal(target, f"The upstream {origin} is not on this proxy's allowlist (it allows {listed}).")
    path = parts.path or "/"
    return Upstream(origin, path + (f"?{parts.query}" if parts.query else ""))


# ---- pure: the rate limit -----------------------------------------------------------------------------------
class RateLimiter:
    """At most ``limit`` requests per ``window`` seconds for each key (a sliding window), with bounded memory.

        >>> limiter = RateLimiter(3, 60.0)
        >>> [limiter.hit("127.0.0.1") for _ in range(4)]
        [None, None, None, 60]

    ``hit`` answers None (allowed) or the seconds to wait (for ``Retry-After``). At most ``max_keys`` keys are
    remembered, each with at most ``limit`` timestamps: a key whose window has passed is forgotten as soon as
    it is the least recently seen, and beyond ``max_keys`` the least recently seen key is forgotten even if it
    was still limited (it starts afresh; the price of a bound when more clients than that are active at once).
    Key it by something the client cannot choose: `cors_proxy` uses the TCP peer address.
    """

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = _MAX_KEYS):
        if not (isinstance(limit, int) and limit > 0 and window > 0):
            raise ProxyConfigError(f"rate_limit must be (requests, seconds), both above 0, not {(limit, window)!r}.")
        if isinstance(max_keys, bool) or not isinstance(max_keys, int) or max_keys < 1:
            raise ProxyConfigError(f"max_keys must be a whole number of clients, 1 or more, not {max_keys!r}.")
        self.limit, self.window, self.clock, self.max_keys = limit, float(window), clock, max_keys
        # Least recently seen first. Timestamps in a plain list: a deque takes 600 bytes even when nearly empty.
        self._hits: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many keys are remembered right now."""
        return len(self._hits)

    def hit(self, key: str) -> int | None:
        """Count one request for ``key``; None when allowed, else the seconds to wait (for Retry-After)."""
        now = self.clock()
        start = now - self.window
        with self._lock:
            self._forget_expired(start)
            hits = self._hits.setdefault(key, [])
            self._hits.move_to_end(key)
            del hits[:bisect.bisect_right(hits, start)]  # timestamps only grow: the expired ones come first
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            return None

    def _forget_expired(self, start: float) -> None:
        # Amortised: each key is dropped once, when it is the least recently seen and its window has passed.
        while self._hits:
            hits = next(iter(self._hits.values()))
            if hits and hits[-1] > start:
                return
            self._hits.popitem(last=False)


# ---- glue: forwarding one request ---------------------------------------------------------------------------
def _connection_named(headers: Iterable[tuple[str, str]]) -> set[str]:
    """The header names a Connection header lists (lowercase): hop-by-hop as well (RFC 9110 §7.6.1)."""
    listed = Headers.from_pairs(headers).get("Connection", "")
    return {token.strip().lower() for token in listed.split(",") if token.strip()}


def _raw_target(environ: dict) -> str:
    """The request target as sent (still percent-encoded, with its query), without the leading '/'."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or ""
    if not raw.startswith("/"):
        query = environ.get("QUERY_STRING", "")
        raw = environ.get("PATH_INFO", "/") + (f"?{query}" if query else "")
    return raw[1:]


def _strip_cookie_domain(set_cookie: str) -> str:
    """Drop the Domain attribute so the cookie belongs to the proxy's host (http-proxy's cookieDomainRewrite)."""
    parts = [p for p in set_cookie.split(";")]
    kept = [parts[0]] + [p for p in parts[1:] if p.strip().split("=", 1)[0].strip().lower() != "domain"]
    return ";".join(kept)


class _CappedBody:
    """The incoming request body for `requests`: read and sent on in chunks, never more than ``cap`` bytes.

    ``len()`` is the declared Content-Length, so requests sends it as is; 0 for a chunked body, which requests
    then sends chunked too. Over the cap, sending is aborted with an error (ending the body early would hand the
    upstream a shorter, well-formed request) and ``over_cap`` says why, whatever requests wraps the error in.
    """

    def __init__(self, stream, length: int | None, cap: int):
        self.stream, self.length, self.cap = stream, length, cap
        self.over_cap = False

    def __len__(self) -> int:
        return self.length or 0

    def __bool__(self) -> bool:
        return True  # requests.Session.request sends ``data or {}``: an empty-looking chunked body would vanish

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        while chunk := self.stream.read(_CHUNK):
            sent += len(chunk)
            if sent > self.cap:
                self.over_cap = True
                raise OSError(errno.EFBIG, f"the request body is over the proxy's cap of {self.cap} bytes")
            yield chunk


def _via_names(via: str, token: str) -> bool:
    """Does a Via header (``1.1 cors_lab-ab12, 1.0 corporate (Squid)``) list this proxy's ``token``?"""
    return any(hop.split()[1:2] == [token] for hop in via.split(",") if hop.strip())


def _body_refusal(max_request_bytes: int) -> str | None:
    """A request whose Content-Length is over the cap is refused before anything is forwarded (one sentence)."""
    declared = request.content_length
    if declared is not None and declared > max_request_bytes:
        return f"The request body is over this proxy's cap of {max_request_bytes} bytes (max_request_bytes); " \
               "nothing was forwarded."
    return None


def _loop_refusal(token: str, upstream_origin: str, upstream_url: str) -> str | None:
    """Why forwarding this request to ``upstream_url`` would loop (one sentence), or None when it would not.

    Via catches a loop through other proxies too (A -> B -> A); the address check catches the first hop to
    itself, so not even one request is forwarded.
    """
    via = request.headers.get("Via", "")
    if _via_names(via, token):
        shown = via if len(via) <= 200 else via[:200] + "..."
        return f"This request already went through this proxy (Via: {shown}): proxies forwarding to each other " \
               "would loop."
    if _is_self(upstream_origin, request.environ):
        return f"This proxy's upstream {upstream_url} is the proxy itself: forwarding would loop."
    return None


def _forward(
    upstream_url: str,
    *,
    drop_request: set[str],
    drop_response: Callable[[str], bool],
    timeout: float,
    log: BoundedLog,
    via_token: str,
    max_request_bytes: int,
    max_response_bytes: int,
    rewrite_set_cookie: Callable[[str], str] | None = None,
    rewrite_location: Callable[[str], str] | None = None,
) -> Response:
    """Send the current Flask request to ``upstream_url`` and turn the answer into a Flask response.

    Bodies go through in chunks, each way under its cap, and are never decoded; ``timeout`` bounds the whole
    answer, body included, so an upstream that trickles cannot hold the request's thread.
    """
    import requests  # imported on first use: `import cors_lab.server.proxy` stays light
    from urllib3.exceptions import HTTPError as RawError
    from urllib3.exceptions import ReadTimeoutError

    deadline = time.monotonic() + timeout
    declared = request.content_length  # over the cap it was refused before (`_body_refusal`)
    incoming = list(request.headers.items())
    skip = HOP_BY_HOP | _RECOMPUTED | _connection_named(incoming) | drop_request
    headers = Headers((name, value) for name, value in incoming if name.lower() not in skip)
    headers["Accept-Encoding"] = "identity"  # the body is passed on as is
    # Replaced, never appended to: what a client writes in these is its own claim, the TCP peer is a fact.
    headers["X-Forwarded-For"] = request.remote_addr or ""
    headers["X-Forwarded-Host"] = request.host
    headers["X-Forwarded-Proto"] = request.scheme
    hop = f"1.1 {via_token}"  # RFC 9110 §7.6.3: a proxy appends itself to Via
    headers["Via"] = f"{headers['Via']}, {hop}" if headers.get("Via") else hop
    chunked = request.environ.get("wsgi.input_terminated") and declared is None
    body = _CappedBody(request.stream, declared, max_request_bytes) if declared or chunked else None
    # A fresh session for every request: no cookie jar shared between clients, no proxy or .netrc from the
    # environment (trust_env=False), redirects answered to the client rather than followed here.
    with requests.Session() as session:
        session.trust_env = False
        session.headers.clear()
        try:
            answer = session.request(request.method, upstream_url, headers=headers, data=body,
                                     allow_redirects=False, timeout=timeout, stream=True)
        except Exception as exc:
            if body is not None and body.over_cap:
                log.append((request.method, upstream_url, 413))
                return _text(413, f"The request body is over this proxy's cap of {max_request_bytes} bytes "
                                  "(max_request_bytes); the upstream request was cut off.")
            if isinstance(exc, requests.Timeout):
                log.append((request.method, upstream_url, 504))
                return _text(504, f"The upstream {upstream_url} did not answer within {timeout:g} s.")
            if isinstance(exc, requests.RequestException):
                log.append((request.method, upstream_url, 502))
                return _text(502, f"The upstream {upstream_url} could not be reached ({_cause(exc)}).")
            raise
        with answer:
            too_big = _text(502, f"The upstream {upstream_url} answered more than this proxy's cap of "
                                 f"{max_response_bytes} bytes (max_response_bytes).")
            length = answer.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_response_bytes:
                log.append((request.method, upstream_url, 502))
                return too_big
            chunks, size = [], 0
            slow = _text(504, f"The upstream {upstream_url} did not finish its answer within {timeout:g} s.")
            try:
                # read1 returns what has arrived (read(n) would wait for n bytes), so the deadline is checked
                # after every piece; decode_content=False: a gzip body stays gzip, never inflated here.
                while piece := answer.raw.read1(_CHUNK, decode_content=False):
                    size += len(piece)
                    if size > max_response_bytes:
                        log.append((request.method, upstream_url, 502))
                        return too_big
                    if time.monotonic() > deadline:
                        log.append((request.method, upstream_url, 504))
                        return slow
                    chunks.append(piece)
            except ReadTimeoutError:
                log.append((request.method, upstream_url, 504))
                return slow
            except (RawError, OSError):
                log.append((request.method, upstream_url, 502))
                return _text(502, f"The upstream {upstream_url} closed the connection in the middle of its answer.")
    log.append((request.method, upstream_url, answer.status_code))

    raw_headers = list(answer.raw.headers.items())  # keeps repeated Set-Cookie lines apart
    # The lab server (werkzeug) always sends its own Server and Date lines: the upstream's would be doubled.
    skip = HOP_BY_HOP | _RECOMPUTED | {"server", "date"} | _connection_named(raw_headers)
    response = Response(b"".join(chunks), status=answer.status_code)
    response.headers.clear()
    for name, value in raw_headers:
        low = name.lower()
        if low in skip or drop_response(low):
            continue
        if low == "set-cookie" and rewrite_set_cookie:
            value = rewrite_set_cookie(value)
        if low == "location" and rewrite_location:
            value = rewrite_location(value)
        response.headers.add(name, value)
    return response


def _cause(exc: Exception) -> str:
    text = str(exc)
    if "Connection refused" in text or "NewConnectionError" in text:
        return "connection refused: is that server running?"
    return type(exc).__name__


def _text(status: int, sentence: str, headers: Sequence[tuple[str, str]] = ()) -> Response:
    response = Response(sentence + "\n", status=status, mimetype="text/plain")
    for name, value in headers:
        response.headers[name] = value
    return response


def _catch_all(app: Flask, view: Callable) -> None:
    # '//' must reach the view untouched ("/http://host/..."), and OPTIONS is forwarded, not answered by Flask.
    app.url_map.merge_slashes = False
    view.provide_automatic_options = False
    app.add_url_rule("/", "forward", view, defaults={"path": ""}, methods=METHODS)
    app.add_url_rule("/<path:path>", "forward", view, methods=METHODS)


# ---- the same-origin dev proxy ------------------------------------------------------------------------------
def _under(path: str, prefixes: Sequence[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


class _Mount:
    """WSGI: paths under the prefixes go to the proxy's own routes, everything else to the mounted frontend app."""

    def __init__(self, proxy_wsgi: Callable, frontend: Callable, prefixes: Sequence[str]):
        self.proxy_wsgi, self.frontend, self.prefixes = proxy_wsgi, frontend, prefixes

    def __call__(self, environ: dict, start_response: Callable):
        app = self.proxy_wsgi if _under(environ.get("PATH_INFO", "/"), self.prefixes) else self.frontend
        return app(environ, start_response)


def _base_url(url: str, what: str) -> str:
    try:
        parts = _split(url)
    except (ValueError, AttributeError):
        raise ProxyConfigError(f"{what} {url!r} is not a valid URL; write it like {_example_origin()!r}.") from None
    if parts.scheme not in _SCHEMES or not parts.hostname or "@" in parts.netloc:
        raise ProxyConfigError(f"{what} {url!r} must be an http(s) URL such as {_example_origin()!r}.")
    return url.rstrip("/")


def _check_limits(max_request_bytes: int, max_response_bytes: int, log_size: int) -> None:
    for name, value in [("max_request_bytes", max_request_bytes), ("max_response_bytes", max_response_bytes),
                        ("log_size", log_size)]:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ProxyConfigError(f"{name} must be a whole number, 1 or more, not {value!r}.")


def _via_token() -> str:
    """This proxy's name in Via: a fresh token per proxy app, so two proxies on one machine never look alike."""
    return f"cors_lab-{secrets.token_hex(4)}"


def dev_proxy(frontend_app_or_url, api_url: str, prefix: str | Sequence[str] = "/api", timeout: float = 5.0,
              max_request_bytes: int = MAX_BODY_BYTES, max_response_bytes: int = MAX_BODY_BYTES,
              log_size: int = LOG_SIZE, origin: str = "strip") -> Flask:
    """A same-origin dev proxy: one origin serves the frontend and forwards ``prefix`` paths to the API.

        >>> api = serve(api_app(), name="api")                         # no CORS policy at all
        >>> dev = serve(dev_proxy(page_app(api_url=""), api_url=api.url, prefix=("/api", "/login")))
        >>> Browser(origin=dev.origin).fetch(dev.url + "/api/public")   # same-origin: no CORS check
        <FetchResult basic 200>
        >>> api.last_request().origin is None                           # the API never sees the page's Origin
        True

    - ``frontend_app_or_url``: a Flask (or any WSGI) app to serve for every other path, or the URL of a running
      frontend server to forward every other path to.
    - ``api_url``: where ``/api/...`` goes, e.g. ``api.url`` or ``"http://localhost:5000"``; the path is kept
      (``/api/public`` -> ``http://localhost:5000/api/public``).
    - ``prefix``: one path prefix or several (``("/api", "/login")``, like several entries in Vite's ``proxy``);
      ``/api`` matches ``/api`` and ``/api/...`` but not ``/apis``.

    The page and its API calls now share one origin, so the browser sends no preflight, needs no CORS header and
    sends its cookies (the proxy's origin holds them). Forwarded to the API: method, body and headers (Cookie
    included), minus hop-by-hop headers and **minus Origin**: the API never sees a cross-origin Origin (as with the
    usual Vite ``proxyReq`` fix); ``X-Forwarded-For/Host/Proto`` say who asked. Answered to the browser: status,
    headers (hop-by-hop dropped; a ``Domain`` attribute on Set-Cookie removed so the cookie belongs to the proxy's
    host) and body. Redirects are passed on as they are: a relative ``Location`` stays on the proxy, an absolute one
    pointing at the API's origin takes the browser off the proxy (cross-origin again). The full table of what is
    forwarded is in this module's docstring.

    - ``origin``: ``"strip"`` (the default) drops the browser's Origin header; ``"forward"`` sends it upstream as
      Vite's ``server.proxy`` does (its http-proxy changes Host with ``changeOrigin: true``, never Origin). A
      browser sends Origin on every POST, same-origin ones included, so an API that refuses foreign Origins (a CSRF
      check, a CORS middleware answering 403) refuses the proxied POST: it sees the dev server's origin.
    - ``timeout``: seconds for the whole upstream answer, body included: 504 after it, 502 when it cannot be
      reached.
    - ``max_request_bytes`` / ``max_response_bytes``: the largest body forwarded each way (10 MB): 413 for a
      request body over it, 502 for an answer over it.
    - An ``api_url`` that is the proxy's own address, or a request that already went through this proxy (two
      proxies forwarding to each other), is answered 508 at once, with one sentence.

    Log: ``app.config["FORWARDED"]`` lists ``(method, upstream_url, status)``, ``app.config["REFUSED"]``
    ``(url, reason)``; the newest ``log_size`` of each.
    """
    prefixes = [prefix] if isinstance(prefix, str) else list(prefix)
    if not prefixes or not all(isinstance(p, str) and p.startswith("/") for p in prefixes):
        raise ProxyConfigError(f"prefix must be a path such as '/api' (or several), not {prefix!r}.")
    if origin not in ("strip", "forward"):
        raise ProxyConfigError(f"origin must be 'strip' (drop the browser's Origin) or 'forward' (send it upstream, "
                               f"as Vite's proxy does), not {origin!r}.")
    api = _base_url(api_url, "api_url")
    frontend_url = _base_url(frontend_app_or_url, "The frontend URL") if isinstance(frontend_app_or_url, str) else None
    if frontend_url is None and not callable(frontend_app_or_url):
        raise ProxyConfigError("The frontend must be a Flask app (or any WSGI app) or the URL of a frontend server.")
    _check_limits(max_request_bytes, max_response_bytes, log_size)
    via_token = _via_token()

    app = Flask("dev_proxy")
    app.config["FORWARDED"] = BoundedLog(log_size)
    app.config["REFUSED"] = BoundedLog(log_size)
    app.config["DEV_PROXY"] = {"api_url": api, "prefixes": prefixes, "frontend": frontend_url or frontend_app_or_url,
                               "via": via_token, "max_request_bytes": max_request_bytes,
                               "max_response_bytes": max_response_bytes, "origin": origin}

    def forward(path: str) -> Response:
        base = api if _under(request.path, prefixes) else frontend_url
        if base is None:  # pragma: no cover - the mount sends these to the frontend app
            return _text(404, "Nothing is served here.")
        upstream = base + "/" + _raw_target(request.environ)
        for status, reason in [(508, _loop_refusal(via_token, origin_of(base).serialize(), upstream)),
                               (413, _body_refusal(max_request_bytes))]:
            if reason:
                app.config["REFUSED"].append((upstream, reason))
                return _text(status, reason)
        return _forward(
            upstream,
            drop_request={"origin"} if origin == "strip" else set(),
            drop_response=lambda name: False,
            timeout=timeout,
            log=app.config["FORWARDED"],
            via_token=via_token,
            max_request_bytes=max_request_bytes,
            max_response_bytes=max_response_bytes,
            rewrite_set_cookie=_strip_cookie_domain,
        )

    _catch_all(app, forward)
    if frontend_url is None:
        app.wsgi_app = _Mount(app.wsgi_app, frontend_app_or_url, prefixes)
    return app


# ---- the CORS-adding proxy ----------------------------------------------------------------------------------
def cors_proxy(
    allow_upstreams: Sequence[str] = (),
    allow_origins: Sequence[str] | str = (),
    forward_cookies: bool = False,
    require_header: str | None = None,
    rate_limit: tuple[int, float] | None = (60, 60.0),
    timeout: float = 5.0,
    allow_headers: Sequence[str] = ("content-type",),
    clock: Callable[[], float] = time.monotonic,
    max_request_bytes: int = MAX_BODY_BYTES,
    max_response_bytes: int = MAX_BODY_BYTES,
    log_size: int = LOG_SIZE,
) -> Flask:
    """A CORS-adding proxy in the style of CORS Anywhere, safe by default. Serve it with `serve`.

        >>> cp = serve(cors_proxy(allow_upstreams=["http://localhost:5000"], allow_origins=[FRONTEND]))
        >>> Browser(origin=FRONTEND).fetch(cp.url + "/http://localhost:5000/api/public")
        <FetchResult cors 200>
        >>> requests.get(cp.url + "/http://localhost:6379/").text       # not on the allowlist: 403, nothing sent
        "The upstream http://localhost:6379 is not on this proxy's allowlist (it allows http://localhost:5000).\n"

    ``GET /http://localhost:5000/api/public?x=1`` fetches that URL server-to-server and answers with the
    upstream's status, headers and body plus the proxy's own CORS headers (a `CorsPolicy` with ``allow_origins``;
    preflights are answered by the proxy and never forwarded).

    - ``allow_upstreams``: the only origins it forwards to, e.g. ``[api.origin]``; scheme, host and
      port must match exactly. Everything else is answered 403 with one sentence and *nothing* is forwarded:
      another upstream, another port on loopback, ``user:pass@`` in the URL, non-http(s) schemes (file:, ftp:,
      gopher:), malformed or missing URLs. That is what keeps it from being an open proxy or an SSRF tool.
    - ``allow_origins``: the page origins that may use it (``"*"`` for any); a request whose Origin is not listed
      is refused with 403 before anything is forwarded. Requests without Origin (curl, scripts) are forwarded.
    - ``forward_cookies``: by default Cookie is stripped from requests and Set-Cookie from answers (the browser's
      cookies for the proxy's host are not the upstream's business). True forwards both and answers with
      ``Access-Control-Allow-Credentials: true`` (then ``allow_origins`` must list exact origins).
    - ``require_header``: e.g. ``"X-Requested-With"``: requests without it get 403, like CORS Anywhere's
      ``requireHeader`` (a plain link or ``<img>`` cannot add a header, so the proxy cannot be hot-linked).
    - ``rate_limit``: ``(requests, seconds)`` per client address (the TCP peer: a client cannot change it the way
      it can change its Origin or X-Forwarded-For); beyond it 429 with Retry-After. None for no limit. In the
      lab every client is 127.0.0.1, so the limit is shared by all of them.
    - ``timeout``: seconds for the whole upstream answer, body included: 504 after it, 502 when it cannot be
      reached.
    - ``max_request_bytes`` / ``max_response_bytes``: the largest body forwarded each way (10 MB): 413 for a
      request body over it, 502 for an answer over it.
    - A request that already went through this proxy (proxies forwarding to each other), or an upstream that is
      the proxy itself, is answered 508 with one sentence, before anything is forwarded.

    Redirects are not followed by the proxy: the 3xx goes back to the browser with its ``Location`` rewritten to
    pass through the proxy again, so every hop is checked against the allowlist. Hop-by-hop headers are dropped,
    the upstream's own ``Access-Control-*`` headers are replaced by the proxy's, and the upstream's headers are
    listed in ``Access-Control-Expose-Headers`` so the page can read them.

    Logs: ``app.config["FORWARDED"]``: ``(method, upstream_url, status)``; ``app.config["REFUSED"]``:
    ``(url, reason)``, the newest ``log_size`` of each; the lab server's own log shows every request that reached
    the proxy. The table of what is forwarded upstream is in this module's docstring.
    """
    if isinstance(allow_upstreams, str):
        allow_upstreams = [allow_upstreams]
    upstreams = [parse_upstream_origin(u) for u in allow_upstreams]
    if forward_cookies and allow_origins == "*":
        raise ProxyConfigError("forward_cookies=True needs exact origins in allow_origins: browsers refuse '*' "
                               "with credentials.")
    limiter = RateLimiter(*rate_limit, clock=clock) if rate_limit is not None else None
    _check_limits(max_request_bytes, max_response_bytes, log_size)
    headers_allowed = [*allow_headers, *([require_header] if require_header else [])]
    via_token = _via_token()

    app = Flask("cors_proxy")
    app.config["FORWARDED"] = BoundedLog(log_size)
    app.config["REFUSED"] = BoundedLog(log_size)
    app.config["CORS_PROXY"] = {"allow_upstreams": upstreams, "forward_cookies": forward_cookies,
                                "require_header": require_header, "rate_limit": rate_limit, "via": via_token,
                                "max_request_bytes": max_request_bytes, "max_response_bytes": max_response_bytes}
    policy = CorsPolicy(allow_origins=allow_origins, allow_methods=[m for m in METHODS if m != "OPTIONS"],
                        allow_headers=headers_allowed, allow_credentials=forward_cookies)
    install(app, policy)  # answers preflights before the view runs, adds CORS headers to every answer

    def refuse(url: str, status: int, reason: str, headers: Sequence[tuple[str, str]] = ()) -> Response:
        app.config["REFUSED"].append((url, reason))
        return _text(status, reason, headers)

    def forward(path: str) -> Response:
        target = _raw_target(request.environ)
        origin = request.headers.get("Origin")
        current: CorsPolicy = app.config["CORS_LAB_POLICY"]
        if origin is not None and not current.origin_allowed(origin):
            return refuse(target, 403, f"The origin {origin} may not use this proxy (not in its allow_origins).")
        if require_header and require_header not in request.headers:
            return refuse(target, 403, f"This proxy needs a {require_header} header on every request.")
        if limiter is not None:
            # REMOTE_ADDR is the TCP peer: a client can send any Origin or X-Forwarded-For, not another address.
            client = request.environ.get("REMOTE_ADDR") or "an unknown address"
            wait = limiter.hit(client)
            if wait is not None:
                return refuse(target, 429, f"Too many requests from {client}: "
                                           f"at most {limiter.limit} per {limiter.window:g} s; retry in {wait} s.",
                              [("Retry-After", str(wait))])
        decision = check_upstream(target, upstreams)
        if isinstance(decision, Refusal):
            return refuse(target, 403, decision.reason)
        for status, reason in [(508, _loop_refusal(via_token, decision.origin, decision.url)),
                               (413, _body_refusal(max_request_bytes))]:
            if reason:
                return refuse(target, status, reason)

        proxy_base = request.host_url.rstrip("/")

        def through_proxy(location: str) -> str:
            return f"{proxy_base}/{urljoin(decision.url, location)}"

        def drop_response(name: str) -> bool:
            return name.startswith("access-control-") or (name == "set-cookie" and not forward_cookies)

        response = _forward(
            decision.url,
            drop_request={"origin", "referer", "access-control-request-method", "access-control-request-headers",
                          *(() if forward_cookies else ("cookie",))},
            drop_response=drop_response,
            timeout=timeout,
            log=app.config["FORWARDED"],
            via_token=via_token,
            max_request_bytes=max_request_bytes,
            max_response_bytes=max_response_bytes,
            rewrite_location=through_proxy,
        )
        exposed = sorted({n for n in response.headers.keys() if n.lower() not in _NOT_EXPOSED})
        if exposed:
            response.headers["Access-Control-Expose-Headers"] = ", ".join(exposed)
        return response

    _catch_all(app, forward)
    return app


def _is_self(origin: str, environ: dict) -> bool:
    """Would forwarding to ``origin`` reach this very proxy (a loopback host on the proxy's own port)?"""
    upstream = origin_of(origin)
    port = upstream.port or DEFAULT_PORTS[upstream.scheme]
    return is_loopback(upstream.host) and str(port) == str(environ.get("SERVER_PORT"))


# CORS-safelisted response headers are readable anyway; Set-Cookie/Set-Cookie2 can never be exposed.
_NOT_EXPOSED = {"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified",
                "pragma", "set-cookie", "set-cookie2", "vary"}

__all__ = ["dev_proxy", "cors_proxy", "check_upstream", "parse_upstream_origin", "Upstream", "Refusal",
           "RateLimiter", "HOP_BY_HOP", "MAX_BODY_BYTES"]
