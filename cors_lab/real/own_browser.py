"""The learner's own browser as a real browser: what it answered, which browser it is, whether the engine agrees.

"Send from my browser" (the widget is `cors_lab.widgets.own_browser`) runs a lesson's request in the browser the
learner is looking at, from a hidden frame on the lesson's page origin (`cors_lab.server.frame`). JavaScript in
that frame sees what every script sees: a status and readable headers, or ``TypeError: Failed to fetch``. The
reason exists only in the learner's DevTools. So this module puts the rest together from what the course can see:

- what the frame's script read (the same page scripts as the headless bridges: `cors_lab.real.page_js`);
- what reached the lab servers, from their logs (the preflight, the Origin and Cookie headers sent, the answers);
- which browser it was, from its user agent (`identify`);

and builds a `FetchResult` / `XhrResult` like the bridges' (`own_result`). `agreement` compares it with the engine's
result of the same request on the fields a page and a server log can see (never the console sentence, which only
DevTools shows: the widget shows the engine's, for the learner to find in the Console).

`hosted_reason` says when the learner's browser cannot take part: on JupyterHub or Binder the lab servers listen on
the kernel's loopback, which is not the learner's (and a hub's proxy makes every port the same origin).

    >>> identify("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0")
    Identity(title='Chrome 131', engine='chromium', version=131)
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any, Mapping, NamedTuple
from urllib.parse import urlsplit

from cors_lab.browser.browsers import browser_model
from cors_lab.browser.http1 import network_error
from cors_lab.browser.result import Agreement, Exchange, FetchResult, compare
from cors_lab.errors import OwnBrowserError
from cors_lab.headers import Headers
from cors_lab.real import bridge

#: what a page's script and the lab's logs can see of a call (the console sentence and reason code only DevTools
#: shows; ``wire`` is what reached the lab servers: method, URL, the Origin sent, whether a Cookie was sent)
SEEN_FIELDS = ("blocked", "type", "status", "exception", "headers", "text", "preflight", "events", "upload_events",
               "ready_state", "wire")

#: environment variables that say the kernel runs behind a hub (JupyterHub sets the first two, Binder the others)
HOSTED_VARIABLES = {
    "JUPYTERHUB_SERVICE_PREFIX": "JupyterHub",
    "JUPYTERHUB_API_URL": "JupyterHub",
    "BINDER_SERVICE_HOST": "Binder",
    "BINDER_LAUNCH_HOST": "Binder",
    "BINDER_REPO_URL": "Binder",
}
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


class Identity(NamedTuple):
    """Which browser the learner uses: ``title`` as a learner reads it ("Chrome 131"), the ``engine`` the course
    models it with ("chromium" or "firefox", None for one it does not model, e.g. Safari) and the major version."""

    title: str
    engine: str | None
    version: int | None


# (user-agent token, the name a learner knows, the engine): the first that matches wins. Chromium's family puts
# "Chrome/" in every user agent, so its members' own tokens come first.
_BRANDS = (
    ("Edg/", "Edge", "chromium"),
    ("OPR/", "Opera", "chromium"),
    ("Vivaldi/", "Vivaldi", "chromium"),
    ("HeadlessChrome/", "Headless Chromium", "chromium"),
    ("Chromium/", "Chromium", "chromium"),
    ("Chrome/", "Chrome", "chromium"),
    ("Firefox/", "Firefox", "firefox"),
    ("Version/", "Safari", None),  # Safari says "Version/18.1 Safari/605.1.15"; WebKit's words are not recorded
)


def identify(user_agent: str | None) -> Identity:
    """The browser behind ``user_agent`` (``navigator.userAgent``), by its brand token."""
    text = user_agent or ""
    for token, title, engine in _BRANDS:
        found = re.search(re.escape(token) + r"(\d+)", text)
        if found:
            version = int(found.group(1))
            return Identity(f"{title} {version}", engine, version)
    return Identity("an unknown browser", None, None)


def hosted_reason(environ: Mapping[str, str] | None = None,
                  lab_location: Mapping[str, Any] | None = None) -> str | None:
    """One sentence when the learner's browser cannot reach this kernel's lab servers, else None.

    ``environ``: the kernel's environment (JupyterHub and Binder set their variables); ``lab_location``: what the
    widget's front end reported of the JupyterLab page (``hostname``): a JupyterLab opened from another machine
    cannot reach the kernel's loopback either."""
    environ = os.environ if environ is None else environ
    for variable, hub in HOSTED_VARIABLES.items():
        if environ.get(variable):
            return (f"This JupyterLab runs on {hub}: the lab servers listen on the kernel's own loopback, which your "
                    f"browser cannot reach, so the headless Chromium next to the kernel answers instead.")
    hostname = (lab_location or {}).get("hostname")
    if hostname and hostname.lower() not in _LOOPBACK_HOSTS:
        return (f"This JupyterLab is opened from {hostname}, not from this machine: the lab servers listen on the "
                f"kernel's loopback, which your browser cannot reach, so the headless Chromium next to the kernel "
                f"answers instead.")
    return None


# ---- the request, as the frame's script takes it ----------------------------------------------------------------
@dataclass
class OwnCall:
    """One call a page makes: ``api`` "fetch" (keyword arguments of `Browser.fetch`) or "xhr" (of `Browser.xhr`),
    from a page at ``origin`` ("null": the sandboxed frame)."""

    origin: str
    kwargs: dict
    api: str = "fetch"

    @classmethod
    def from_result(cls, result: FetchResult) -> "OwnCall":
        """The call an engine result came from (``result.request``), to run it again in the learner's browser."""
        request = dict(result.request)
        api = request.pop("api", "fetch")
        origin = request.pop("origin")
        request.pop("timeout", None)
        return cls(origin, request, api)

    @property
    def url(self) -> str:
        return self.kwargs["url"]

    def step(self, timeout_ms: int) -> dict:
        """The frame's step: ``{api, args}`` with the page script's arguments (`cors_lab.real.page_js`)."""
        k = self.kwargs
        if self.api == "xhr":
            args = bridge.xhr_arguments(k.get("method", "GET"), k["url"], k.get("headers"), k.get("body"),
                                        k.get("with_credentials", False), k.get("upload_listener", False))
            return {"api": "xhr", "args": args(timeout_ms)}
        init = bridge.fetch_init(k.get("method", "GET"), k.get("headers"), k.get("body"),
                                 k.get("credentials", "same-origin"), k.get("mode", "cors"),
                                 k.get("redirect", "follow"))
        return {"api": "fetch", "args": [k["url"], init, timeout_ms]}

    def run_in(self, tab) -> FetchResult:
        """The same call in another browser tab: the engine's `Browser`, or a headless bridge."""
        return (tab.xhr if self.api == "xhr" else tab.fetch)(**self.kwargs)


#: headers a browser never writes itself: a request that carries one came through a proxy (the course's proxies add
#: both), i.e. it is the proxy's own request upstream, not the learner's browser's
PROXY_HEADERS = ("Via", "X-Forwarded-For")


def from_the_browser(entry) -> bool:
    """Did the request in this log entry come from the browser itself (not from a proxy forwarding it)?"""
    return not any(name in entry.headers for name in PROXY_HEADERS)


# ---- what came back ---------------------------------------------------------------------------------------------
def exchanges_from_log(arrivals) -> list[Exchange]:
    """``(server, LogEntry)`` pairs, in the order they arrived, as the exchanges a browser put on the wire."""
    exchanges = []
    for server, entry in arrivals:
        url = server.url + entry.path + (f"?{entry.query}" if entry.query else "")
        kind = "preflight" if entry.is_preflight else "redirect" if 300 <= entry.status < 400 else "actual"
        response = Headers.from_pairs(entry.response_headers)
        cookies = [value for name, value in entry.response_headers if name.lower() == "set-cookie"]
        exchanges.append(Exchange(kind, entry.method, url, entry.headers, entry.status, response, cookies))
    return exchanges


def own_result(call: OwnCall, answer: Mapping[str, Any], arrivals, user_agent: str | None) -> FetchResult:
    """The frame's ``answer`` to ``call`` and what the lab servers received meanwhile, as a `FetchResult` (or an
    `XhrResult`) with ``source="your browser"`` and ``browser`` the engine that models it.

    ``arrivals``: ``(server, LogEntry)`` pairs that arrived while the call ran. ``error`` stays None: the console
    sentence is in DevTools only."""
    identity = identify(user_agent)
    engine = identity.engine or "chromium"
    exchanges = exchanges_from_log(arrivals)
    page_call = bridge.PageCall(out=dict(answer), console=[], error=None, exchanges=exchanges,
                                preflight=any(x.kind == "preflight" for x in exchanges),
                                timed_out=bool(answer.get("timeout")))
    request = dict(call.kwargs, origin=call.origin, api=call.api)
    if call.api == "xhr":
        result = bridge.xhr_result(page_call, request, engine, OwnBrowserError,
                                   lambda url: _cross_origin(call.origin, url))
    else:
        result = bridge.fetch_result(page_call, request, engine, browser_model(engine).network_error)
    result.source = "your browser"
    result.identity, result.user_agent = identity, user_agent or ""
    return result


def _cross_origin(origin: str, url: str) -> bool:
    if origin == "null" or url.lower().startswith("data:"):
        return origin == "null"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" != origin


# ---- the engine, reading the same answers ------------------------------------------------------------------------
class _Replayed:
    """One answer the lab log recorded, as the engine's network layer hands it over (`cors_lab.browser.network.
    Response`'s shape): status, the header lines as they went on the wire, and the body the page read."""

    def __init__(self, status: int, pairs: list[tuple[str, str]], body: bytes):
        self.status, self.headers, self.informational = status, pairs, []
        self.combined = [(name.lower(), value) for name, value in pairs]
        self._body = body

    def read_body(self, deadline: float | None = None, decode: bool = True) -> bytes:
        return self._body

    def close(self) -> None:
        pass


class Replay:
    """The engine's transport for one call: each request it would send is answered with the matching request the
    learner's browser really sent (same method and URL, in order), as the lab server answered it. Nothing goes on
    the network, so the lesson's servers see every request once, and the engine decides on exactly the answers the
    learner's browser got.

    ``unanswered``: what the engine would have sent that the learner's browser did not (a preflight it had cached,
    say); ``unused``: what the learner's browser sent that the engine would not."""

    def __init__(self, arrivals, body: bytes):
        self.pending = list(arrivals)  # (server, LogEntry), oldest first
        self.body = body  # what the page read of the last answer (the only body a script can see)
        self.unanswered: list[str] = []

    def __call__(self, method: str, url: str, headers, body, deadline, model=None, pool=None):
        for index, (server, entry) in enumerate(self.pending):
            if entry.method == method and server.url + entry.path + (f"?{entry.query}" if entry.query else "") == url:
                del self.pending[index]
                pairs = list(entry.wire_headers or entry.response_headers)
                # a script reads only the final answer's body; a preflight's and a redirect's are never read
                read = not entry.is_preflight and not 300 <= entry.status < 400
                return _Replayed(entry.status, pairs, self.body if read else b"")
        self.unanswered.append(f"{method} {url}")
        # a network error the engine's fetch turns into its result (a preflight the learner's browser had cached
        # leaves the engine's OPTIONS unanswered): the panel then says what the two sent differently
        raise network_error("net::ERR_FAILED", f"your browser sent no {method} {url} (the engine would have)",
                            connected=False)

    @property
    def unused(self) -> list[str]:
        return [f"{entry.method} {server.url}{entry.path}" for server, entry in self.pending]


def replayed(tab, call: OwnCall, arrivals, own: FetchResult) -> tuple[FetchResult, Replay]:
    """``call`` in the engine's ``tab``, answered from ``arrivals`` (what reached the lab servers from the learner's
    browser) instead of the network; the engine's result and the `Replay` (what did not match)."""
    replay = Replay(arrivals, (own.text or "").encode())
    network, tab.open_response = tab.open_response, replay
    try:
        return call.run_in(tab), replay
    finally:
        tab.open_response = network


# ---- agreement --------------------------------------------------------------------------------------------------
#: JupyterLab's (and JupyterHub's) own cookies: a cookie belongs to a host, not a port, so the learner's browser
#: sends them with every credentialed request to a lab server on the same host. Never a lesson's cookie.
JUPYTER_COOKIES = re.compile(r"^(_xsrf|username-.+|jupyterhub-.+)$")


def cookie_names(header: str | None) -> list[str]:
    """The names in a Cookie header (``"sid=1; _xsrf=2"`` -> ``["sid", "_xsrf"]``)."""
    return [part.split("=", 1)[0].strip() for part in (header or "").split(";") if part.strip()]


def jupyter_cookies(result: FetchResult) -> list[str]:
    """The names of JupyterLab's own cookies that went with ``result``'s requests."""
    return sorted({name for exchange in result.exchanges for name in
                   cookie_names(exchange.request_headers.get("cookie")) if JUPYTER_COOKIES.match(name)})


def wire(result: FetchResult, lab_urls) -> list[str]:
    """What of ``result``'s exchanges reached a lab server (its URL starts with one of ``lab_urls``): one line each,
    ``OPTIONS http://localhost:8002/api/x Origin: http://localhost:8001 (no cookie)``. JupyterLab's own cookies
    (`JUPYTER_COOKIES`) are left out: they are no part of the lesson."""
    lines = []
    for exchange in result.exchanges:
        if any(exchange.url == base or exchange.url.startswith(base + "/") for base in lab_urls):
            names = [name for name in cookie_names(exchange.request_headers.get("cookie"))
                     if not JUPYTER_COOKIES.match(name)]
            cookie = f"cookies: {', '.join(sorted(names))}" if names else "no cookie"
            lines.append(f"{exchange.method} {exchange.url} Origin: {exchange.origin_sent or '(none)'} ({cookie})")
    return lines


def other_site(lab_hostname: str | None, page_origin: str) -> bool:
    """Is JupyterLab (at ``lab_hostname``) on another site than the lesson's page? ``127.0.0.1`` and ``localhost``
    are two sites, so the frame is cross-site to the top page there (its SameSite cookies are neither stored nor
    sent, recorded in Chromium 156); an opaque (null) page is cross-site anyway."""
    if not lab_hostname or page_origin == "null":
        return False
    page_host = (urlsplit(page_origin).hostname or "").lower()
    return lab_hostname.strip("[]").lower() != page_host.strip("[]")


def agreement(engine: FetchResult, own: FetchResult, lab_urls, fields: tuple = SEEN_FIELDS) -> Agreement:
    """Did the learner's browser do what the engine predicts? Compared on ``fields`` (`SEEN_FIELDS`: what the
    page's script read, and what reached the lab servers at ``lab_urls``)."""
    engine.wire, own.wire = wire(engine, lab_urls), wire(own, lab_urls)
    return compare(engine, own, fields=fields)


__all__ = ["Identity", "identify", "hosted_reason", "OwnCall", "own_result", "exchanges_from_log", "agreement",
           "wire", "SEEN_FIELDS", "Replay", "replayed", "JUPYTER_COOKIES", "jupyter_cookies", "other_site",
           "from_the_browser", "PROXY_HEADERS"]
