"""Browser.fetch(): the Fetch Standard's steps as Chromium 156 runs them, over real HTTP.

This module is the algorithm only; the socket code is in `cors_lab.browser.network` (how an HTTP/1 answer is read,
in `cors_lab.browser.http1`), the rules each step applies in the modules named after them (safelist, preflight,
check, redirects, cookies, origin, ports, data_url), and every failure's words in `cors_lab.browser.failures`. A call
reads as the standard does (https://fetch.spec.whatwg.org/):

    _Fetch.run
      construct_request         new Request(): validate_types, read_options, parse_url, check_mode, check_method,
                                read_headers, read_body
      main_fetch                data: URLs (scheme_fetch_data), then refuse_mode_or_scheme
        http_fetch              one hop: choose_response_tainting, cors_preflight_fetch, refuse_bad_port,
                                local_network_access, http_network_or_cache_fetch (Origin, cookies, the request on
                                the wire), store_cookies
        http_redirect_fetch     a 3xx: its Location, its CORS check, check_redirect_target, follow_redirect, then
                                http_fetch again
        finish                  the CORS check of the response, what the script may read of it, then its body
                                (read_response_body)

One deadline covers the whole call (``Browser(timeout=...)``, or ``fetch(timeout=...)`` for one call): the preflight,
every redirect hop and every read of headers and body take from it, so slow hops add up to the deadline and no more,
and running out of it is a result (``timed_out``), never a hang. Whatever a server sends -- bytes that are not HTTP, a
body cut short, absurd header values -- the result is the one Chromium gives, never a Python exception.

Where Chromium and the standard disagree, the engine does what Chromium does, and says so in a comment.
"""
from __future__ import annotations

import re
import time
from collections.abc import Mapping

from cors_lab.browser import data_url
from cors_lab.browser.browsers import BrowserModel, browser_model
from cors_lab.browser.check import cors_check, exposed_explanation, visible_headers
from cors_lab.browser.cookies import CookieJar
from cors_lab.browser.failures import FAILURES, console_text
from cors_lab.browser.network import ConnectionPool, Response, open_response
from cors_lab.browser.origin import (
    OpaqueOrigin,
    Origin,
    URLError,
    address_space,
    has_credentials,
    is_potentially_trustworthy,
    origin_of,
    parse_origin,
    parse_url,
    same_origin,
    same_site,
    sandboxed_frame,
)
from cors_lab.browser.ports import is_bad_port
from cors_lab.browser.preflight import PreflightCache, check_preflight, needs_preflight, preflight_headers
from cors_lab.browser.redirects import MAX_REDIRECTS, UNSAFE_SCHEMES, location, next_method, taints
from cors_lab.browser.result import Exchange, FetchResult, Step, StepKind
from cors_lab.browser.safelist import (
    SAFELISTED_METHODS,
    is_forbidden_method,
    is_forbidden_request_header,
    is_no_cors_safelisted,
    is_valid_header_name,
    is_valid_header_value,
    is_valid_method,
    normalize_header_value,
    normalize_method,
    unsafe_request_header_names,
)
from cors_lab.errors import InputError
from cors_lab.headers import Headers

SPEC = {  # where each step's rule lives, as the trace names it
    "request": "Fetch Standard: new Request() (Request class constructor)",
    "main": "Fetch Standard: main fetch",
    "safelist": "Fetch Standard: CORS-safelisted method / CORS-safelisted request-header",
    "forbidden": "Fetch Standard: forbidden request-header",
    "preflight": "Fetch Standard: CORS-preflight fetch",
    "cache": "Fetch Standard: CORS-preflight cache",
    "check": "Fetch Standard: CORS check",
    "redirect": "Fetch Standard: HTTP-redirect fetch",
    "cookies": "Fetch Standard: HTTP-network-or-cache fetch (credentials) + RFC 6265bis SameSite",
    "expose": "Fetch Standard: CORS-filtered response (Access-Control-Expose-Headers)",
    "network": "Fetch Standard: HTTP-network fetch",
    "data": "Fetch Standard: scheme fetch (data: URL processor)",
    "lna": "Chromium: Local Network Access (WICG Private Network Access)",
}
_PRIVACY = {"public": 0, "local": 1, "loopback": 2}  # Local Network Access: address spaces, least to most private
_ENUMS = {  # RequestInit members with a fixed set of values, and their WebIDL enum type (named in the TypeError)
    "credentials": (("omit", "same-origin", "include"), "RequestCredentials"),
    "mode": (("cors", "no-cors", "same-origin", "navigate"), "RequestMode"),
    "redirect": (("follow", "error", "manual"), "RequestRedirect"),
}
_TRANSPORT = {"connection", "date", "server", "vary", "keep-alive", "transfer-encoding"}  # nobody wants to expose
_BODY_HEADERS = {"content-type", "content-language", "content-encoding", "content-location"}  # dropped with the body
_ACAO, _ACAC = "access-control-allow-origin", "access-control-allow-credentials"
_SAME_SITE_ONLY = re.compile(r";\s*samesite\s*=\s*(lax|strict)\s*(;|$)", re.I)
_PARTITIONED = re.compile(r";\s*partitioned\s*(;|$)", re.I)


class Browser:
    """A model browser tab whose page has origin ``origin``: ``fetch()`` decides as Chromium 156 does, over real HTTP.

        >>> from cors_lab import Browser
        >>> tab = Browser(origin="http://localhost:8001")
        >>> result = tab.fetch("http://localhost:8002/api/public")                    # doctest: +SKIP
        >>> result.blocked, result.error                                              # doctest: +SKIP
        (True, "Access to fetch at 'http://localhost:8002/api/public' from origin 'http://localhost:8001' has ...")
        >>> print(result.explain())                      # every rule that applied, and the fix   # doctest: +SKIP

    - ``origin``: the page's origin, scheme://host[:port] (no path), e.g. "http://localhost:8001"; or ``"null"``: a
      script in a sandboxed frame (``<iframe sandbox="allow-scripts">``, without allow-same-origin), whose document
      has an opaque origin (see below).
    - ``page_url``: the page's own URL (default: the origin + "/"); relative URLs are resolved against it. With
      ``origin="null"``, the URL the sandboxed frame's document was loaded from (default
      `cors_lab.browser.origin.SANDBOXED_PAGE_URL`, ``http://localhost:8001/``).
    - ``timeout``: seconds one fetch may take, all of it (the preflight, every redirect hop, every read of the
      headers and the body): then it returns a blocked result with ``timed_out`` True. ``fetch(timeout=...)`` sets
      it for one call.
    - ``browser``: "chromium" (the default) or "firefox": the engine decides and words everything as that browser
      does (its console sentences, its exception, its behaviour where the two differ: `cors_lab.browser.browsers`).

    The tab keeps a cookie jar (``cookies``) and a preflight cache (``preflight_cache``) across calls, as a
    browser profile does; ``clear()`` empties both.

    ``Browser(origin="null", page_url="http://localhost:8001/lesson")`` models the frame "Send from my browser" loads
    with ``sandbox="allow-scripts"``, as both browsers run it (recorded from Chromium 156 and Firefox 153): every URL
    is cross-origin to it, its own URL's origin included; it sends ``Origin: null`` (so a server must answer
    ``Access-Control-Allow-Origin: null`` or ``*``); it sends no Referer; every request is cross-site
    (``Sec-Fetch-Site: cross-site``), so Chromium sends and stores no cookies at all and Firefox keeps the cookies
    that answers to the frame set in a partition of their own (never the cookies of a top-level visit);
    ``credentials: "same-origin"`` never sends cookies and ``mode: "same-origin"`` refuses every URL. The model
    assumes the frame sits in a top-level page on page_url's origin, as the bridges load it: recorded with the
    top-level page on JupyterLab's http://localhost:8888, on http://127.0.0.1:8888 and on the frame's own origin,
    the three behave the same, because an opaque origin is cross-site to everything.
    """

    def __init__(self, origin: str = "http://localhost:8001", page_url: str | None = None, timeout: float = 10.0,
                 browser: str = "chromium"):
        self.model: BrowserModel = browser_model(browser)
        self.origin: Origin | OpaqueOrigin
        if origin == "null":  # a sandboxed frame: an opaque origin, its document loaded from page_url
            self.origin, self.page_url = sandboxed_frame(page_url)
        else:
            self.origin = parse_origin(origin)
            self.page_url = page_url or self.origin.serialize() + "/"
        self.cookies = CookieJar(model=self.model)
        self.partitioned_cookies = CookieJar(model=self.model)  # Firefox: what cross-site servers set in answers
        self.preflight_cache = PreflightCache(model=self.model)
        self.connections = ConnectionPool()  # kept-alive connections, which Firefox reuses (network.py)
        # the transport: the network (network.open_response); "Send from my browser" replays the answers the
        # learner's browser got instead (cors_lab.real.own_browser.replayed), so the engine sends nothing twice
        self.open_response = open_response
        self.timeout = _seconds(timeout)

    @property
    def browser(self) -> str:
        """The browser this tab models: "chromium" or "firefox"."""
        return self.model.name

    @property
    def sandboxed(self) -> bool:
        """Does this tab model a sandboxed frame (``origin="null"``: an opaque origin)?"""
        return self.origin.opaque

    def __repr__(self) -> str:
        if self.sandboxed:
            return f"<Browser sandboxed frame, origin null, loaded from {self.page_url} ({self.model.title})>"
        return f"<Browser page {self.origin.serialize()} ({self.model.title})>"

    def set_cookie(self, url: str, cookie: str) -> bool:
        """Store a cookie as if ``url``'s server had answered ``Set-Cookie: <cookie>``. Returns whether it was kept.

            >>> tab.set_cookie("http://localhost:8002/", "session=abc; SameSite=Lax")   # doctest: +SKIP
            True

        The jar's rules apply (Domain, Secure, SameSite=None needs Secure, ...): a refused cookie returns False."""
        try:
            full = parse_url(url)
        except URLError:
            raise InputError(f"{url!r} is not a valid URL for set_cookie") from None
        stored, _ = self.cookies.set(full, cookie)
        return stored

    def clear(self) -> None:
        """Forget cookies and cached preflights, as a fresh browser profile.

            >>> tab.clear()        # the next PUT sends its preflight again   # doctest: +SKIP
        """
        self.cookies.clear()
        self.partitioned_cookies.clear()
        self.preflight_cache.clear()

    def fetch(self, url: str, method: str = "GET", headers=None, body=None, credentials: str = "same-origin",
              mode: str = "cors", redirect: str = "follow", timeout: float | None = None) -> FetchResult:
        """Run JavaScript's ``fetch(url, {method, headers, body, credentials, mode, redirect})`` from this page.

            >>> r = tab.fetch("http://localhost:8002/api/items/1", method="PUT",
            ...               headers={"Content-Type": "application/json"}, body='{"name": "pen"}',
            ...               credentials="include")                                  # doctest: +SKIP
            >>> r.preflight, r.blocked, r.reason()                                    # doctest: +SKIP
            (True, True, 'preflight: method not in Access-Control-Allow-Methods')

        - ``url``: absolute, or relative to the page (``page_url``).
        - ``method``: any HTTP method; DELETE, GET, HEAD, OPTIONS, POST and PUT are uppercased as in a browser,
          others are sent as written. CONNECT, TRACE and TRACK are refused.
        - ``headers``: a dict or a list of ``(name, value)`` pairs. Forbidden headers (Cookie, Host, ...) are
          dropped silently, as a browser does; a header that is not CORS-safelisted makes a preflight.
        - ``body``: str (sent as UTF-8, with ``Content-Type: text/plain;charset=UTF-8`` unless you set one) or
          bytes; for JSON pass ``json.dumps(...)``. GET and HEAD cannot have one.
        - ``credentials``: "same-origin" (default: cookies only to the page's own origin), "include" (cookies
          cross-origin too; the server must answer ``Access-Control-Allow-Credentials: true`` and name the origin)
          or "omit".
        - ``mode``: "cors" (default), "no-cors" (the request goes out, the script gets an opaque answer) or
          "same-origin" (cross-origin URLs are refused).
        - ``redirect``: "follow" (default), "error" (a redirect fails the fetch) or "manual" (an opaque-redirect).
        - ``timeout``: seconds this call may take, all of it (default: the browser's ``timeout``). Not a JavaScript
          option: a page would wait on; the engine gives up, and says so (``result.timed_out``).

        Returns a `FetchResult`: what the script sees (``blocked``, ``type``, ``status``, ``headers``, ``text``,
        ``exception``), what the console says (``error``), what went on the wire (``exchanges``, ``preflight``)
        and why (``steps``, ``explain()``). A blocked fetch is a result, not an exception; only Python mistakes
        (a body that is a dict, headers that are not pairs, a timeout that is no number) raise
        `cors_lab.errors.InputError`. Whatever the server answers, the call returns within ``timeout`` (plus a few
        milliseconds)."""
        seconds = self.timeout if timeout is None else _seconds(timeout)
        return _Fetch(self, url, method, headers, body, credentials, mode, redirect, seconds).run()

    def xhr(self, url: str, method: str = "GET", headers=None, body=None, with_credentials: bool = False,
            upload_listener: bool = False, timeout: float | None = None):
        """Send one XMLHttpRequest from this page, as axios and jQuery do: ``open(method, url)``, a
        ``setRequestHeader`` per header, ``withCredentials``, then ``send(body)``.

            >>> r = tab.xhr("http://localhost:8002/api/public")                       # doctest: +SKIP
            >>> r.blocked, r.status, r.events, r.ready_state                          # doctest: +SKIP
            (True, 0, ['loadstart', 'error', 'loadend'], 4)
            >>> print(r.error)                                                        # doctest: +SKIP
            Access to XMLHttpRequest at 'http://localhost:8002/api/public' from origin 'http://localhost:8001' ...

        - ``with_credentials``: XHR's ``withCredentials`` (fetch's ``credentials: 'include'``; axios'
          ``withCredentials: true``).
        - ``upload_listener``: a listener on ``xhr.upload`` (upload progress bars do it), which makes any
          cross-origin request with a body preflighted.
        - the rest as for `fetch`; ``timeout`` is the engine's deadline, not ``xhr.timeout``.

        Returns an `XhrResult` (`cors_lab.browser.result`): fetch()'s fields where they apply, ``events`` and
        ``upload_events`` (the events that fired, in order), ``ready_state``, ``all_headers`` (what
        ``getAllResponseHeaders()`` returns). An XHR never rejects: a blocked request fires ``error``, and
        ``exception`` is only set when ``open()``, ``setRequestHeader()`` or ``send()`` threw."""
        from cors_lab.browser.xhr import XhrCall

        seconds = self.timeout if timeout is None else _seconds(timeout)
        return XhrCall(self, url, method, headers, body, with_credentials, upload_listener, seconds).run()


def _seconds(value) -> float:
    """A timeout: a positive number of seconds (True is no number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
        raise InputError(f"timeout must be a positive number of seconds, such as 10, not {value!r}")
    return float(value)


class _Fetch:
    """One fetch() call, run once, step by step; the steps leave their trace in ``steps``."""

    api = "fetch"  # the script's API, as the console names it (`cors_lab.browser.xhr` runs XMLHttpRequest)

    def __init__(self, browser: Browser, url, method, headers, body, credentials, mode, redirect, seconds):
        self.browser = browser
        self.model = browser.model  # the browser being modelled: its words and, where it differs, its rules
        self.seconds = seconds  # the call's budget; run() turns it into one absolute deadline
        self.deadline = 0.0
        self.page = browser.origin  # the page's origin (a tuple, or opaque: a sandboxed frame), to compare
        self.page_origin = browser.origin.serialize()  # ... serialized: the Origin header, the console sentences
        # what the page's document was loaded from (a sandboxed frame's URL has a tuple origin, its document has
        # not): where it sits for Local Network Access and whether it is a secure context
        self.page_location = browser.origin.precursor
        # what the script passed, untouched: FetchResult.request echoes it
        self.options = dict(url=url, method=method, headers=headers, body=body, credentials=credentials, mode=mode,
                            redirect=redirect, timeout=seconds)
        self.credentials, self.mode, self.redirect_mode = credentials, mode, redirect
        # the request new Request() builds (construct_request's steps fill these in)
        self.header_pairs: list[tuple[str, str]] = []  # the headers as the script gave them, values as strings
        self.first_url = url  # where the fetch started: a console sentence names it after a redirect
        self.headers: dict[str, str] = {}  # lowercase name -> value (a repeated name's values combined)
        self.header_names: dict[str, str] = {}  # lowercase name -> the spelling the script used (sent so)
        self.method = ""  # normalised; a 301/302/303 may turn it into GET
        self.body: bytes | None = None
        # what the fetch carries from hop to hop (http_redirect_fetch updates it)
        self.url = ""  # the current URL (parsed; its fragment is never sent)
        self.response_tainting = "basic"  # "basic" | "cors" | "opaque", chosen by main fetch per hop
        self.origin_tainted = False  # a cross-origin hop from a cross-origin URL: the Origin header is now `null`
        self.redirect_count = 0
        # what http_fetch decides for the current hop
        self.cors_flag = False  # this hop is a CORS request (preflight and CORS check apply)
        self.origin_sent = ""  # this hop's Origin header
        self.include_credentials = False  # credentials (cookies) go with this hop
        self.send_cookies = False  # ... and Chromium really sends and stores them (same-site only)
        self.response: Exchange | None = None  # the last answer: a redirect hop, or the final response
        self.answer: Response | None = None  # ... its connection, whose body is read only if the script may read it
        self.timed_out = False  # the deadline passed before the answer was complete
        # the trace
        self.steps: list[Step] = []
        self.exchanges: list[Exchange] = []
        self.preflighted = False  # an OPTIONS preflight went out
        self.forced_preflight = False  # the use-CORS-preflight flag (XMLHttpRequest's upload listener sets it)
        self.warnings: list[tuple[str, str | None]] = []  # console warnings so far: (text, Firefox's reason code)

    @property
    def with_credentials(self) -> bool:
        """The credentials mode is 'include': what the CORS checks look at (a same-origin fetch never needs them)."""
        return self.credentials == "include"

    # ---- the trace and the results ----------------------------------------------------------------------------
    def note(self, kind: StepKind, title: str, spec: str, detail: str, passed: bool | None = None,
             tip: str | None = None) -> None:
        self.steps.append(Step(title, SPEC[spec], passed, detail, tip, kind=kind))

    def fail(self, failure: str, kind: StepKind, spec: str, detail: str, title: str | None = None,
             console: bool = True, **values) -> FetchResult:
        """A failed step with its failures-table row's fix, and the rejection the script sees.

        ``values`` fill the row's sentence (url, hint, preflight, ...); the page origin and where the fetch
        started are added here. ``console=False``: the browser writes no sentence for it this time (a failure
        that is a CORS failure only in mode 'cors')."""
        row = FAILURES[failure]
        values = self.failed_step(failure, kind, spec, detail, title, **values)
        values.setdefault("status", "(null)")  # Firefox's "Status code: (null)." when no answer came
        values.setdefault("page_url", self.page_named())
        values.setdefault("url", self.url or str(self.options["url"]))
        text = row.text(self.model.name, self.api, **values)
        if row.section == "silent" and not (self.model.names_network_errors and self.cors_flag):
            text = None  # Chromium names no network error; Firefox names those of a CORS request
        if row.section == "request":  # new Request() threw: the TypeError is what JavaScript catches
            return self.rejection(text)
        sentence = text if console else None
        if failure == "redirect_credentials" and self.model.name == "firefox":
            sentence = text if self.cors_flag else None
        return self.rejection(self.model.network_error, sentence,
                              reason_code=row.firefox_reason if sentence and self.model.name == "firefox" else None)

    def failed_step(self, failure: str, kind: StepKind, spec: str, detail: str, title: str | None = None,
                    **values) -> dict:
        """The failed step alone (the result may still be a response: a body that broke). Returns the values that
        fill the row's sentence: ``values`` plus the page origin and where the fetch started."""
        row = FAILURES[failure]
        url = values.get("url", "")
        if isinstance(values.get("hint"), str):  # Firefox reads the header's bytes as UTF-8 (recorded)
            values["hint"] = (console_text(values["hint"]) if self.model.console_header_bytes == "escaped" else
                              values["hint"].encode("latin-1", "replace").decode("utf-8", "replace"))
        values = {"origin": self.page_origin, "initial_url": self.first_url if self.first_url != url else None,
                  **values}
        self.steps.append(Step(title or row.short_for(**values), SPEC[spec], False, detail, row.fix_for(**values),
                               kind=kind, failure=failure))
        return values

    def page_named(self) -> str:
        """The page as console sentences name it: its URL; Firefox names a sandboxed frame by its null principal
        (``moz-nullprincipal:{uuid}?http://localhost:8001``, recorded)."""
        if self.page.opaque and self.model.name == "firefox":
            return self.page.firefox_principal()
        return self.browser.page_url

    def reject_request(self, failure: str, title: str | None = None, **fields) -> FetchResult:
        """new Request() rejects the call: its TypeError is the step's detail, and what JavaScript catches."""
        detail = FAILURES[failure].sentence(**fields).removeprefix("TypeError: ")
        return self.fail(failure, StepKind.REQUEST_REJECTED, "request", detail, title, **fields)

    def warn(self, failure: str, **values) -> None:
        """A console warning of a call that goes on (section 'warning'), in this browser's words, if it has any."""
        row = FAILURES[failure]
        text = row.text(self.model.name, self.api, **values)
        if text:
            self.warnings.append((text, row.firefox_reason if self.model.name == "firefox" else None))

    def result(self, **fields) -> FetchResult:
        fields.setdefault("blocked", False)
        error, code = fields.pop("error", None), fields.pop("reason_code", None)
        console = self.warnings + ([(error, code)] if error else [])  # the console, in order
        # `error`, as the bridges pick it: Chromium's first console line; Firefox's blocking sentence, else its first
        # warning (cors_lab.real.firefox)
        first = console[0] if console else (None, None)
        if error and self.model.error_is_blocking_sentence:
            first = (error, code)
        fields.update(error=first[0], reason_code=first[1], console=[text for text, _ in console])
        return FetchResult(preflight=self.preflighted, exchanges=self.exchanges, steps=self.steps,
                           request={**self.options, "origin": self.page_origin}, timed_out=self.timed_out,
                           browser=self.model.name, **fields)

    def rejection(self, exception: str, error: str | None = None, reason_code: str | None = None) -> FetchResult:
        return self.result(blocked=True, type="error", exception=exception, error=error, reason_code=reason_code)

    # ---- the algorithm ----------------------------------------------------------------------------------------
    def run(self) -> FetchResult:
        self.deadline = time.monotonic() + self.seconds  # the one deadline: every hop and every read takes from it
        try:
            rejection = self.construct_request()
            return rejection if rejection is not None else self.main_fetch()
        finally:
            if self.answer is not None:  # a body nobody reads (a blocked answer): close its connection now
                self.answer.close()

    # ---- new Request() (https://fetch.spec.whatwg.org/#dom-request) -------------------------------------------
    def construct_request(self) -> FetchResult | None:
        """new Request(input, init) (Fetch Standard #dom-request): everything fetch() rejects before any request is
        sent, in the order Chromium checks it. Python type mistakes raise InputError instead."""
        self.validate_types()
        for step in (self.read_options, self.parse_url, self.check_mode, self.check_method, self.read_headers,
                     self.read_body):
            rejection = step()
            if rejection is not None:
                return rejection
        self.first_url = self.url
        return None

    def validate_types(self) -> None:
        """What JavaScript would coerce or throw on, but a Python learner wants told in one sentence."""
        method, body, headers = self.options["method"], self.options["body"], self.options["headers"] or {}
        if not isinstance(method, str):
            raise InputError(f"method must be a string such as 'GET', not {method!r}")
        if body is not None and not isinstance(body, (str, bytes, bytearray)):
            raise InputError(f"body must be str or bytes (for JSON use json.dumps(...)), not {type(body).__name__}")
        if isinstance(headers, Mapping):
            pairs = list(headers.items())
        else:
            try:
                pairs = [(name, value) for name, value in headers]
            except (TypeError, ValueError):
                raise InputError("headers must be a dict such as {'X-Token': 'abc'} or a list of (name, value) "
                                 "pairs") from None
        if not all(isinstance(name, str) and isinstance(value, (str, int, float)) for name, value in pairs):
            raise InputError("header names must be strings and values strings (or numbers)")
        self.header_pairs = [(name, str(value)) for name, value in pairs]

    def read_options(self) -> FetchResult | None:
        """WebIDL reads RequestInit's members in alphabetical order: credentials, headers (converted to ByteStrings,
        so a code point above 255 throws), mode, redirect. So a bad mode wins over a bad URL."""
        rejection = self.read_enum("credentials")
        if rejection is None and any(ord(char) > 255 for pair in self.header_pairs for char in pair[0] + pair[1]):
            rejection = self.reject_request("non_latin1_header")
        return rejection or self.read_enum("mode") or self.read_enum("redirect")

    def read_enum(self, member: str) -> FetchResult | None:
        allowed, idl_type = _ENUMS[member]
        value = self.options[member]
        if value in allowed:
            return None
        return self.reject_request("bad_enum", member=member, value=value, idl_type=idl_type)

    def parse_url(self) -> FetchResult | None:
        """The URL parser, against the page's URL; a URL with user:password@ is refused."""
        try:
            self.url = parse_url(self.options["url"], base=self.browser.page_url,
                                 refused=self.model.host_code_points_refused)
        except URLError:
            return self.reject_request("invalid_url", url=self.options["url"])
        if has_credentials(self.url):
            return self.reject_request("url_with_credentials", url=self.url)
        return None

    def check_mode(self) -> FetchResult | None:
        """Mode 'navigate' is for the browser's own navigations, never for a script's Request."""
        return self.reject_request("navigate_mode") if self.mode == "navigate" else None

    def check_method(self) -> FetchResult | None:
        """A method must be a token and not forbidden; six names are uppercased; no-cors allows GET/HEAD/POST only."""
        method = self.options["method"]
        if not is_valid_method(method):
            return self.reject_request("invalid_method", method=self.model.shown(method))
        if is_forbidden_method(method):
            return self.reject_request("forbidden_method", method=self.model.shown(method))
        self.method = normalize_method(method)
        if self.method != method:
            self.note(StepKind.METHOD_NORMALISED, "method name normalised", "request",
                      f"'{method}' is one of the six methods fetch() uppercases: sent as {self.method}.")
        elif method.upper() != method:
            self.note(StepKind.METHOD_NORMALISED, "method name kept as written", "request",
                      f"'{method}' is not DELETE/GET/HEAD/OPTIONS/POST/PUT, so it is case-sensitive and sent exactly "
                      "as written.")
        if self.mode == "no-cors" and self.method not in SAFELISTED_METHODS:
            return self.reject_request("no_cors_method", method=self.method)
        return None

    def read_headers(self) -> FetchResult | None:
        """Each header is checked, then kept, or dropped silently when a script may not set it."""
        for name, value in self.header_pairs:
            value = normalize_header_value(value)
            if not is_valid_header_name(name):
                return self.reject_request("invalid_header_name", f"invalid header name {name!r}",
                                           name=self.model.shown(name, name=True))
            if not is_valid_header_value(value):
                return self.reject_request("invalid_header_value", f"invalid value for header {name!r}",
                                           value=self.model.shown(value))
            if is_forbidden_request_header(name, value):
                self.note(StepKind.HEADER_DROPPED, f"header {name} dropped", "forbidden",
                          f"{name} is a forbidden request-header: scripts cannot set it, the browser drops it "
                          "silently.")
            elif self.mode == "no-cors" and not is_no_cors_safelisted(name, value):
                self.note(StepKind.HEADER_DROPPED, f"header {name} dropped", "forbidden",
                          "mode 'no-cors' only keeps no-CORS-safelisted headers (Accept, Accept-Language, "
                          f"Content-Language, Content-Type with a safelisted value): {name}: {value} is dropped "
                          "silently.")
            else:
                self.add_header(name, value)
        return None

    def add_header(self, name: str, value: str) -> None:
        """Headers.append: a repeated name's values are combined, the first spelling is the one sent."""
        lower = name.lower()
        self.header_names.setdefault(lower, name)
        self.headers[lower] = f"{self.headers[lower]}, {value}" if lower in self.headers else value

    def read_body(self) -> FetchResult | None:
        """GET and HEAD have no body; a string body is UTF-8 and brings a default Content-Type."""
        body = self.options["body"]
        if body is not None and self.method in ("GET", "HEAD"):
            return self.reject_request("body_with_get_head")
        self.body = body.encode("utf-8") if isinstance(body, str) else (bytes(body) if body is not None else None)
        if isinstance(body, str) and "content-type" not in self.headers:
            self.headers["content-type"] = "text/plain;charset=UTF-8"
            self.header_names["content-type"] = "Content-Type"
        return None

    # ---- main fetch (https://fetch.spec.whatwg.org/#main-fetch) -----------------------------------------------
    def main_fetch(self) -> FetchResult:
        """Main fetch (Fetch Standard #main-fetch), in Blink's FetchManager order: a data: URL is a scheme fetch
        whatever the mode; then the mode and scheme checks; then HTTP fetch, hop by hop until no redirect."""
        if self.url.split(":", 1)[0] == "data":
            return self.scheme_fetch_data()
        refusal = self.refuse_mode_or_scheme()
        if refusal is not None:
            return refusal
        while True:
            outcome = self.http_fetch()  # None: a redirect was followed, so fetch the new URL
            if outcome is not None:
                return outcome

    def refuse_mode_or_scheme(self) -> FetchResult | None:
        """Main fetch's refusals before the network: mode 'same-origin' and cross-origin URLs, mode 'no-cors'
        without redirect 'follow', file: URLs (Chromium's own rule) and every scheme but http(s)."""
        scheme = self.url.split(":", 1)[0]
        web = scheme in ("http", "https")
        cross_origin = not web or not same_origin(self.page, origin_of(self.url))
        if web and self.page.opaque:
            self.note(StepKind.SAME_ORIGIN_CHECK, "same-origin or cross-origin?", "main",
                      "The page is a sandboxed frame (sandbox=\"allow-scripts\", loaded from "
                      f"{self.browser.page_url}): its origin is opaque, serialized null, and the same origin as "
                      f"nothing, not even {self.page_location.serialize()}. So {origin_of(self.url).serialize()} is "
                      "cross-origin - CORS rules apply, with Origin: null.")
        elif web:
            self.note(StepKind.SAME_ORIGIN_CHECK, "same-origin or cross-origin?", "main",
                      f"page {self.page_origin} fetches {origin_of(self.url).serialize()}: "
                      + ("cross-origin (scheme, host or port differ) - CORS rules apply." if cross_origin
                         else "same-origin - no CORS needed."))
        if self.mode == "same-origin" and cross_origin:
            return self.fail("same_origin_mode", StepKind.REQUEST_REFUSED, "main",
                             "mode 'same-origin' forbids cross-origin requests; nothing was sent.", url=self.url)
        if self.mode == "no-cors" and self.redirect_mode != "follow":
            return self.fail("no_cors_redirect_mode", StepKind.REQUEST_REFUSED, "main",
                             "mode 'no-cors' only works with redirect 'follow'.", url=self.url)
        if scheme == "file":  # Chromium: a web page may never load file: URLs (ResourceFetcher's CanDisplay check)
            return self.fail("local_resource", StepKind.REQUEST_REFUSED, "main",
                             "A web page may not load local files (file: URLs).", "URL scheme", url=self.url)
        if not web:
            return self.fail("unsupported_scheme", StepKind.REQUEST_REFUSED, "main",
                             f"fetch() cannot load '{scheme}:' URLs.", "URL scheme", url=self.url, scheme=scheme)
        return None

    def scheme_fetch_data(self) -> FetchResult:
        """Scheme fetch of a data: URL (Fetch Standard #scheme-fetch, #data-url-processor): no network, and
        Chromium answers a 'basic' 200 whatever the mode, method and credentials."""
        try:
            mime, body = data_url.process(self.url, charset_last=self.model.data_url_charset_last)
        except data_url.DataURLError as exc:  # the processor failed: a network error (net::ERR_INVALID_URL)
            return self.fail("invalid_data_url", StepKind.DATA_URL, "data",
                             f"The data: URL cannot be decoded ({exc}): network error.", "data: URL")
        answer = {"content-type": mime}
        if self.model.data_url_content_length and self.api == "fetch":  # recorded: Firefox's fetch() adds it
            answer["content-length"] = str(len(body))
        self.exchanges.append(Exchange("actual", self.method, self.url.split("#")[0], {}, 200, dict(answer)))
        self.note(StepKind.DATA_URL, "data: URL", "data", f"No network: the body comes from the URL itself "
                  f"({len(body)} bytes, Content-Type: {mime}); always a 'basic' 200, whatever the mode and method"
                  + (", even from a sandboxed frame (origin null)." if self.page.opaque else "."))
        text = "" if self.method == "HEAD" else body.decode("utf-8", "replace").removeprefix("\ufeff")
        return self.result(type="basic", status=200, headers=answer, text=text)

    # ---- HTTP fetch (https://fetch.spec.whatwg.org/#http-fetch) ------------------------------------------------
    def http_fetch(self) -> FetchResult | None:
        """HTTP fetch (Fetch Standard #http-fetch) of the current URL: the preflight when one is needed, the
        request itself, then either the redirect to follow (None: go round again) or the final result."""
        self.choose_response_tainting()
        unsafe = unsafe_request_header_names(self.headers, self.model.safelists_client_hints)
        if self.cors_flag and (needs_preflight(self.method, unsafe) or self.forced_preflight):
            failure = self.cors_preflight_fetch(unsafe)
            if failure is not None:
                return failure
        elif self.cors_flag:
            self.note(StepKind.SIMPLE_REQUEST, "simple request", "safelist", f"{self.method} with only "
                      "CORS-safelisted headers: no preflight, the request goes straight out.")
        failure = self.refuse_bad_port() or self.local_network_access(self.url) or self.http_network_or_cache_fetch()
        if failure is not None:
            return failure
        self.store_cookies()
        target = location(self.response.status, self.answer.headers)
        if target is None:
            return self.finish()
        return self.http_redirect_fetch(target)

    def refuse_bad_port(self) -> FetchResult | None:
        """Main fetch: "should request be blocked due to a bad port" (Chromium: net::ERR_UNSAFE_PORT). Chromium checks
        each request it would send, so a preflight is started and stopped (``preflight`` is True, nothing is sent);
        the port wins over Local Network Access, and the console has no sentence (recorded)."""
        port = origin_of(self.url).port
        if not is_bad_port(port, self.model.name):
            return None
        # recorded: Firefox names the refusal only on a redirect, with the URL that redirected there
        redirected_from = self.response.url if self.response is not None and self.redirect_count else None
        return self.fail("unsafe_port", StepKind.REQUEST_REFUSED, "main", f"Port {port} is on {self.model.title}'s "
                         "list of ports that belong to other protocols (mail, IRC, X11, SIP, ...): nothing was sent "
                         "(net::ERR_UNSAFE_PORT).", f"port {port} refused", console=redirected_from is not None,
                         **({"url": redirected_from} if redirected_from else {}))

    def choose_response_tainting(self) -> None:
        """Main fetch picks the response tainting for each hop: 'cors' for a cross-origin URL in mode 'cors' (and it
        stays 'cors' once set, even after a redirect back), 'opaque' for a cross-origin URL in mode 'no-cors'.
        From it follow the CORS flag, the Origin header and whether credentials go along."""
        cross_origin = not same_origin(self.page, origin_of(self.url))
        if self.mode == "cors" and (cross_origin or self.response_tainting == "cors"):
            self.response_tainting = "cors"
        elif self.mode == "no-cors" and cross_origin:
            self.response_tainting = "opaque"
        self.cors_flag = self.response_tainting == "cors"
        self.origin_sent = "null" if self.origin_tainted else self.page_origin
        self.include_credentials = self.with_credentials or (
            self.credentials == "same-origin" and self.response_tainting == "basic")

    def local_network_access(self, url: str) -> FetchResult | None:
        """Chromium's Local Network Access, checked on every request that would go out (preflight included): a page
        that is not a secure context may not reach a more-private address space.

        Modelled as the bridge (cors_lab.real.chromium) runs Chromium 156: the page's address space comes from its host
        (a page served from 127.0.0.1 is loopback), and the `local-network-access` permission is granted, so a secure
        page (https, or a loopback host) is let through; a real Chromium would ask the user first."""
        target, page = address_space(origin_of(url).host), address_space(self.page_location.host)
        if _PRIVACY[target] <= _PRIVACY[page] or not self.model.local_network_access:
            return None
        if is_potentially_trustworthy(self.page_location):
            self.note(StepKind.LOCAL_NETWORK_ACCESS, "Local Network Access", "lna", f"A {page} page calls a {target} "
                      "address: allowed, as the page is a secure context and has the local-network-access "
                      "permission (granted by the lab's Chromium).", passed=True)
            return None
        return self.fail("insecure_private_network", StepKind.LOCAL_NETWORK_ACCESS, "lna",
                         f"The page {self.page_origin} is in the {page} address space and not a secure context (http "
                         f"on a non-loopback host), the URL is in the more-private {target} space: nothing was sent.",
                         "Local Network Access", url=url, hint=target)

    # ---- CORS-preflight fetch (https://fetch.spec.whatwg.org/#cors-preflight-fetch) ---------------------------
    def cors_preflight_fetch(self, unsafe: list[str]) -> FetchResult | None:
        """CORS-preflight fetch (Fetch Standard #cors-preflight-fetch), unless the CORS-preflight cache
        (#cors-preflight-cache) already allows this method and these headers. None when the request may go."""
        why = ([f"method {self.method} is not GET/HEAD/POST"] if self.method not in SAFELISTED_METHODS else []) + (
            [f"header(s) {', '.join(unsafe)} are not CORS-safelisted"] if unsafe else []) + (
            ["the request has the use-CORS-preflight flag (a listener on xhr.upload)"] if self.forced_preflight
            else [])
        self.note(StepKind.PREFLIGHT_NEEDED, "preflight needed", "safelist", "A preflight is needed: "
                  + "; ".join(why) + ".")
        # a tainted (Origin: null) request neither uses nor fills the cache: Chromium keys it by an opaque origin
        cache = self.browser.preflight_cache
        entry = None
        if self.may_cache_preflights():
            entry = cache.lookup(self.page_origin, self.url, self.with_credentials, self.method, unsafe)
        if entry is not None:
            self.note(StepKind.PREFLIGHT_CACHE_HIT, "preflight cache hit", "cache", f"A cached preflight for "
                      f"{self.url} (Max-Age {entry.max_age}s) already allows this method and these headers: no "
                      "OPTIONS sent.", passed=True)
            return None
        failure = self.refuse_bad_port() if self.model.checks_port_before_preflight else None
        if failure is not None:
            return failure
        self.preflighted = True
        failure = self.refuse_bad_port() or self.local_network_access(self.url)  # stopped before it is sent
        if failure is not None:
            return failure
        exchange, failure = self.send_preflight(unsafe)
        return failure if failure is not None else self.check_preflight_answer(exchange, unsafe)

    def send_preflight(self, unsafe: list[str]) -> tuple[Exchange, FetchResult | None]:
        """The OPTIONS request: Origin, Access-Control-Request-Method and -Headers, never cookies."""
        origin = self.origin_sent if self.model.preflight_sends_null_after_redirect else self.page_origin
        headers = preflight_headers(origin, self.method, unsafe)
        exchange = Exchange("preflight", "OPTIONS", self.url.split("#")[0], dict(headers))
        self.exchanges.append(exchange)
        wire = {"Accept": headers["accept"], "Access-Control-Request-Method": self.method, "Origin": origin}
        if "access-control-request-headers" in headers:
            wire["Access-Control-Request-Headers"] = headers["access-control-request-headers"]
        self.note(StepKind.PREFLIGHT_SENT, "preflight sent", "preflight", f"OPTIONS {self.url} with "
                  + ", ".join(f"{name}: {value}" for name, value in wire.items()) + " (never cookies).")
        try:
            answer = self.browser.open_response("OPTIONS", self.url, wire, None, self.deadline, self.model,
                                                self.browser.connections)
        except ConnectionError as exc:  # the network layer's errors (http1.network_error)
            return exchange, self.network_failure(f"OPTIONS {self.url}", exc)
        answer.close()  # a preflight's body is never read: Chromium goes on once the headers are in
        self.record(exchange, answer)
        return exchange, None

    def check_preflight_answer(self, exchange: Exchange, unsafe: list[str]) -> FetchResult | None:
        """The preflight answer may not redirect, must pass the CORS check, have an ok status and allow the method
        and the headers (preflight.check_preflight, in Chromium's order). When it does, it may be cached."""
        answer = exchange.response_headers
        if location(exchange.status, answer.items()) is not None:
            return self.fail("preflight_redirect", StepKind.PREFLIGHT_CHECK, "preflight",
                             f"The preflight got {exchange.status} -> {answer['location']}.",
                             "preflight: " + FAILURES["preflight_redirect"].short, url=self.url, preflight=True,
                             status=exchange.status)
        origin = self.origin_sent if self.model.preflight_sends_null_after_redirect else self.page_origin
        problem, entry = check_preflight(exchange.status, answer, origin, self.with_credentials,
                                         self.method, unsafe, self.model, getattr(exchange, "allow_origin_lines", 1))
        if problem is not None:
            kind, hint = problem
            seen = ", ".join(f"{name}: {answer.get(name.lower(), '(absent)')}" for name in (
                "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers") if self.with_credentials or "Credentials" not in name)
            asked = (f"Origin {self.origin_sent}, method {self.method}"
                     + (f", headers {', '.join(unsafe)}" if unsafe else "")
                     + (", credentials" if self.with_credentials else ""))
            return self.fail(kind, StepKind.PREFLIGHT_CHECK, "preflight",
                             f"The preflight answer was {exchange.status} with {seen}; the request needs {asked}.",
                             "preflight: " + FAILURES[kind].short, url=self.url, hint=hint, preflight=True,
                             status=exchange.status)
        if "authorization" in unsafe and entry is not None and "authorization" not in entry.headers:
            self.warn("wildcard_allow_headers_authorization", url=self.url)  # let through by '*' (recorded)
        self.note(StepKind.PREFLIGHT_CHECK, "preflight response", "preflight", f"{exchange.status} with the right "
                  f"Access-Control-Allow-* headers: method {self.method}"
                  + (f" and headers {', '.join(unsafe)}" if unsafe else "") + " allowed.", passed=True)
        self.cache_preflight(exchange, entry)
        return None

    def cache_preflight(self, exchange: Exchange, entry) -> None:
        """CORS-preflight cache (Fetch Standard #cors-preflight-cache): kept for Max-Age seconds, as Chromium
        reads it (absent: 5 s, capped at 7200 s); never after a redirect tainted the origin."""
        if self.origin_tainted:
            self.note(StepKind.PREFLIGHT_NOT_CACHED, "preflight not cached", "cache",
                      "Sent with Origin: null after a redirect: Chromium does not reuse it.")
            return
        if not self.may_cache_preflights():
            self.note(StepKind.PREFLIGHT_NOT_CACHED, "preflight not cached", "cache", f"The page's origin is opaque "
                      f"(a sandboxed frame): {self.model.title} never reuses its preflights, each request sends one.")
            return
        self.browser.preflight_cache.store(self.page_origin, self.url, entry)
        if not entry.max_age:
            self.note(StepKind.PREFLIGHT_NOT_CACHED, "preflight not cached", "cache",
                      "Not cached (Access-Control-Max-Age is 0 or negative" + (
                          "" if self.model.unreadable_max_age_caches else ", or not digits only") + ").")
            return
        max_age = exchange.response_headers.get("access-control-max-age", f"absent -> {self.model.title} default 5")
        self.note(StepKind.PREFLIGHT_CACHED, "preflight cached", "cache", f"Kept for {entry.max_age}s "
                  f"(Access-Control-Max-Age: {max_age}; {self.model.title} caps at {self.model.max_age_cap}).")

    def may_cache_preflights(self) -> bool:
        """Does this request use and fill the preflight cache? Not after a redirect tainted its origin; from a page
        with an opaque origin only in a browser that keys its cache by that origin (Firefox; recorded)."""
        return not self.origin_tainted and (not self.page.opaque or self.model.caches_opaque_origin_preflights)

    # ---- HTTP-network-or-cache fetch (https://fetch.spec.whatwg.org/#http-network-or-cache-fetch) -------------
    def http_network_or_cache_fetch(self) -> FetchResult | None:
        """HTTP-network-or-cache fetch (Fetch Standard #http-network-or-cache-fetch): the headers the browser adds
        (Accept, Origin, Cookie), then HTTP-network fetch (#http-network-fetch) over the socket."""
        wire = self.request_headers_on_the_wire()
        exchange = Exchange("actual", self.method, self.url.split("#")[0],
                            {name.lower(): value for name, value in wire.items()})
        self.exchanges.append(exchange)
        if self.answer is not None:  # the previous hop's: a redirect, whose body is never read
            self.answer.close()
            self.answer = None
        try:
            answer = self.browser.open_response(self.method, self.url, wire, self.body, self.deadline, self.model,
                                                self.browser.connections)
        except ConnectionError as exc:  # the network layer's errors (http1.network_error)
            return self.network_failure(f"{self.method} {self.url}", exc)
        self.record(exchange, answer)
        self.response, self.answer = exchange, answer
        self.describe_credentials(exchange)
        return None

    def request_headers_on_the_wire(self) -> dict[str, str]:
        """The script's headers as spelled, Accept: */* unless it set one, Origin on a CORS request and on any
        request that is not GET/HEAD ('append a request Origin header'), and the jar's cookies when they may go."""
        wire = {"Accept": "*/*"} if "accept" not in self.headers else {}
        wire.update({self.header_names.get(name, name): value for name, value in self.headers.items()})
        referrer = self.referrer()
        if referrer:
            wire["Referer"] = referrer
        if self.cors_flag or self.method not in ("GET", "HEAD"):
            wire["Origin"] = self.origin_sent
        server = origin_of(self.url)
        self.cross_site = not same_site(self.page, server)
        self.send_cookies = self.include_credentials and (
            not self.cross_site or self.model.partitions_third_party_cookies)
        to_page = ("page (whose origin is opaque: a sandboxed frame is cross-site to every server, its own URL's "
                   "included)" if self.page.opaque else "page")
        if self.include_credentials and self.cross_site and self.send_cookies:
            self.note(StepKind.THIRD_PARTY_COOKIES, "cookies", "cookies", f"{server.serialize()} is cross-site to the "
                      f"{to_page}: {self.model.title} keeps its cookies for this page's site in a jar of their own "
                      "(Total Cookie Protection): the cookies it set as a first party are not sent, those it set in "
                      "answers to this page are (unless SameSite=Lax or Strict).")
        elif self.include_credentials and not self.send_cookies:
            why = ("third-party cookies are blocked" if self.model.name == "chromium" else
                   "Total Cookie Protection keeps a site's cookies apart from other sites' pages")
            self.note(StepKind.THIRD_PARTY_COOKIES, "cookies", "cookies", f"{server.serialize()} is cross-site to the "
                      f"{to_page}: {self.model.title} sends no cookies ({why}) and will not store any it sets.")
        if self.send_cookies and (cookie := self.cookie_jar().header_for(self.url)):
            wire["Cookie"] = cookie
        return wire

    def referrer(self) -> str | None:
        """The Referer header under both browsers' default policy, strict-origin-when-cross-origin: the page's URL
        to its own origin, only its origin (and "/") elsewhere, nothing from https to http (recorded). A sandboxed
        frame (an opaque origin) sends none at all, not even to its own URL's origin (recorded in both browsers)."""
        if self.page.opaque:
            return None
        page_url = self.browser.page_url.split("#")[0]
        if not page_url.startswith(("http://", "https://")):
            return None
        if same_origin(self.page, origin_of(self.url)):
            return page_url
        if page_url.startswith("https://") and self.url.startswith("http://"):
            return None
        return self.page_origin + "/"

    def cookie_jar(self):
        """Where this hop's cookies come from and go to: the tab's jar, or, for a cross-site server in a browser
        that partitions third-party cookies (Firefox), the jar of the page's site."""
        return self.browser.partitioned_cookies if getattr(self, "cross_site", False) else self.browser.cookies

    def network_failure(self, what: str, exc: ConnectionError) -> FetchResult:
        """No usable answer: a network error, which JavaScript sees as TypeError: Failed to fetch, with no reason
        (with a page served by a real server, Chromium's console shows only a net::ERR_... line)."""
        if getattr(exc, "headless", False) and self.cors_flag:  # Firefox: a 1xx, then the close: its CORS check
            # cannot list the headers of an answer that has none, and says there are several Allow-Origin (recorded)
            return self.fail("multiple_allow_origin", StepKind.CORS_CHECK, "check", f"{what}: {exc.detail}; the CORS "
                             "check finds no headers to read.", url=self.url)
        if exc.timed_out:
            self.timed_out = True
            return self.fail("timed_out", StepKind.TIMED_OUT, "network", f"{what}: no complete answer within the "
                             f"call's {self.seconds:g} s (a browser would wait on; the engine gives up).")
        if exc.connected:
            return self.fail("invalid_response", StepKind.INVALID_RESPONSE, "network", f"{what}: the server answered, "
                             f"but {exc.detail} ({exc.net_error}): a network error.",
                             f"invalid answer ({exc.net_error})")
        return self.fail("network_error", StepKind.NETWORK_ERROR, "network", f"{what} failed: {exc.net_error} "
                         f"({exc.detail}).", f"server unreachable ({exc.net_error})")

    def record(self, exchange: Exchange, answer: Response) -> None:
        """Keep the answer's headers (as Chromium parsed them) on the exchange, and say which 1xx came first."""
        exchange.status = answer.status
        pairs = [(name.lower(), value) for name, value in answer.headers]
        exchange.response_headers = Headers.from_pairs(getattr(answer, "combined", pairs))  # as the browser merges
        exchange.set_cookies.extend(value for name, value in pairs if name == "set-cookie")
        exchange.allow_origin_lines = sum(1 for name, _ in pairs if name == _ACAO)  # Firefox refuses two lines
        for status in answer.informational:
            self.note(StepKind.INFORMATIONAL, f"informational {status}", "network", f"{exchange.method} "
                      f"{exchange.url} first answered {status} (1xx: 100 Continue, 103 Early Hints, ...): the browser "
                      "skips it and reads the answer that follows.")

    def describe_credentials(self, exchange: Exchange) -> None:
        if self.credentials == "omit":
            text = "credentials 'omit': no cookies sent."
        elif self.credentials == "same-origin" and not self.include_credentials:
            text = "credentials 'same-origin' and this request is cross-origin: no cookies sent."
        else:
            text = f"credentials '{self.credentials}': " + (
                "cookies sent." if exchange.cookies_sent else "allowed, but no matching cookie in the jar.")
        self.note(StepKind.CREDENTIALS, "credentials", "cookies", text)

    def store_cookies(self) -> None:
        """Set-Cookie is stored whenever cookies could go with the request: before, and whatever, the CORS check."""
        exchange = self.response
        if self.send_cookies:
            for cookie in exchange.set_cookies:
                name = cookie.split("=", 1)[0].strip()
                if self.cross_site and _SAME_SITE_ONLY.search(cookie):  # never sent to it from a cross-site page
                    self.note(StepKind.SET_COOKIE, "Set-Cookie", "cookies", f"Set-Cookie: {cookie} -> refused: "
                              "SameSite=Lax or Strict, and the server is cross-site to the page.")
                    self.warn("cookie_cross_site_same_site", name=name)
                    continue
                outcome = self.cookie_jar().receive(self.url, cookie)
                stored, why = outcome.stored, outcome.reason
                for failure, values in outcome.warnings:  # what the browser's console says about this cookie
                    self.warn(failure, **values)
                if stored and self.cross_site and not _PARTITIONED.search(cookie):
                    self.warn("cookie_foreign_not_partitioned", name=name)
                self.note(StepKind.SET_COOKIE, "Set-Cookie", "cookies", f"Set-Cookie: {cookie} -> {why}.")
        elif exchange.set_cookies:
            self.note(StepKind.SET_COOKIE_IGNORED, "Set-Cookie ignored", "cookies",
                      "The response set cookies but credentials were not used for this request: not stored.")

    # ---- HTTP-redirect fetch (https://fetch.spec.whatwg.org/#http-redirect-fetch) -----------------------------
    def http_redirect_fetch(self, target: str) -> FetchResult | None:
        """HTTP-redirect fetch (Fetch Standard #http-redirect-fetch): the Location must parse (Chromium's network
        layer checks it first, whatever the redirect mode), then the redirect mode, the CORS check of the redirect
        response, the limit of 20, then the new URL's checks. None when the redirect is followed."""
        exchange = self.response
        exchange.kind = "redirect"
        try:
            next_url = parse_url(target, base=self.url)
        except URLError:
            next_url = None  # Firefox parses the Location only to follow it: 'manual' and 'error' never read it
        if next_url is None and (self.redirect_mode == "follow" or not self.model.parses_location_when_following):
            return self.fail("invalid_redirect_location", StepKind.REDIRECT_REFUSED, "redirect",
                             f"{self.url} answered {exchange.status} with Location {target}, which the URL parser "
                             "rejects: a network error (net::ERR_INVALID_REDIRECT), whatever the redirect mode.")
        self.note(StepKind.REDIRECT, f"redirect {exchange.status}", "redirect",
                  f"{self.url} answered {exchange.status} -> {next_url or target}.")
        if self.redirect_mode == "error":
            return self.fail("redirect_error_mode", StepKind.REDIRECT_REFUSED, "redirect",
                             "redirect mode 'error' rejects any redirect.")
        if (self.model.parses_location_when_following and self.redirect_mode == "follow"
                and next_url.split(":", 1)[0] in UNSAFE_SCHEMES):  # Firefox refuses data: and file: before the
            return self.check_redirect_target(next_url)  # CORS check of the redirect (recorded)
        if self.cors_flag:  # the CORS check runs on every redirect response too
            failure = self.check_response(exchange, "redirect response")
            if failure is not None:
                return failure
        if self.redirect_mode == "manual":
            self.note(StepKind.REDIRECT_MANUAL, "redirect 'manual'", "redirect", "redirect mode 'manual': JS gets "
                      "an opaque-redirect response (type 'opaqueredirect', status 0) and cannot read the Location.")
            return self.result(type="opaqueredirect", status=0)
        self.redirect_count += 1
        if self.redirect_count > MAX_REDIRECTS:
            return self.fail("too_many_redirects", StepKind.REDIRECT_REFUSED, "redirect",
                             "More than 20 redirects: net::ERR_TOO_MANY_REDIRECTS.")
        failure = self.check_redirect_target(next_url)
        if failure is not None:
            return failure
        self.follow_redirect(exchange.status, next_url)
        return None

    def check_redirect_target(self, next_url: str) -> FetchResult | None:
        """Where a redirect may lead: http(s) only, no user:password@, the same origin in mode 'same-origin'.
        The first two are CORS failures with a console sentence in mode 'cors' only."""
        in_cors_mode = self.mode == "cors"
        if next_url.split(":", 1)[0] in UNSAFE_SCHEMES:  # refused by the network layer, before any CORS rule
            if next_url.startswith("data:"):
                self.warn("data_url_redirect_refused", target=next_url)  # Firefox says so, in every mode
            return self.fail("unsafe_redirect", StepKind.REDIRECT_REFUSED, "redirect", f"Location {next_url}: "
                             f"{self.model.title} never follows a redirect to a data: or file: URL "
                             "(net::ERR_UNSAFE_REDIRECT).")
        if next_url.split(":", 1)[0] not in ("http", "https"):
            return self.fail("cors_disabled_scheme", StepKind.REDIRECT_REFUSED, "redirect",
                             f"Location {next_url} is not http(s).", "redirect scheme", console=in_cors_mode,
                             url=next_url)
        cross_origin = not same_origin(self.page, origin_of(next_url))
        # recorded: fetch() refuses every redirect to a URL with credentials; an XMLHttpRequest that is still
        # same-origin follows one to a same-origin URL (the standard's rule, which fetch() in Chromium is stricter than)
        xhr_may = ((self.api == "xhr" or self.model.fetch_follows_credentials_redirect)
                   and not (self.cors_flag or self.origin_tainted or cross_origin))
        if has_credentials(next_url) and not xhr_may:
            # Chromium blames the URL that redirected, not the Location
            return self.fail("redirect_credentials", StepKind.REDIRECT_REFUSED, "redirect",
                             f"Location {next_url} contains a username/password.", "redirect with credentials",
                             console=in_cors_mode and (self.cors_flag or self.origin_tainted or cross_origin),
                             url=self.url)
        if self.mode == "same-origin" and not same_origin(self.page, origin_of(next_url)):
            return self.fail("same_origin_mode_redirect", StepKind.REDIRECT_REFUSED, "redirect",
                             f"mode 'same-origin' cannot follow a redirect to {next_url}.", url=next_url,
                             page_url=self.browser.page_url)
        return None

    def follow_redirect(self, status: int, next_url: str) -> None:
        """The request the redirect makes: maybe a tainted origin, maybe a GET without a body, at the new URL."""
        if taints(self.page, self.url, next_url) and not self.origin_tainted:
            self.origin_tainted = True
            self.note(StepKind.ORIGIN_TAINTED, "origin tainted", "redirect", f"Redirect from {self.url} "
                      "(cross-origin to the page) to another origin: from now on the request sends `Origin: null`.")
        self.method, keeps_body = next_method(status, self.method)
        if not keeps_body:
            self.body = None
            self.headers = {name: value for name, value in self.headers.items() if name not in _BODY_HEADERS}
            self.note(StepKind.METHOD_CHANGED, "method changed", "redirect",
                      f"{status} turns the request into GET without a body.")
        self.url = next_url

    # ---- the end of main fetch: the CORS check and the filtered response ---------------------------------------
    def check_response(self, exchange: Exchange, what: str) -> FetchResult | None:
        """CORS check (Fetch Standard #cors-check) of ``exchange``, the response or a redirect response."""
        answer = exchange.response_headers
        problem = cors_check(answer.get(_ACAO), answer.get(_ACAC), self.origin_sent, self.with_credentials,
                             self.model, getattr(exchange, "allow_origin_lines", 1))
        if problem is None:
            self.note(StepKind.CORS_CHECK, f"CORS check ({what})", "check", f"Access-Control-Allow-Origin: "
                      f"{answer[_ACAO]} matches Origin: {self.origin_sent}"
                      + (" and Access-Control-Allow-Credentials: true" if self.with_credentials else "") + ".",
                      passed=True)
            return None
        kind, hint = problem
        short = FAILURES[kind].short
        seen = (f"Access-Control-Allow-Origin: {answer.get(_ACAO, '(absent)')}"
                + (f", Access-Control-Allow-Credentials: {answer.get(_ACAC, '(absent)')}" if self.with_credentials
                   else ""))
        return self.fail(kind, StepKind.CORS_CHECK, "check", f"{seen} vs Origin: {self.origin_sent} -> {short}.",
                         short + (f" (on the {what})" if what != "response" else ""), url=self.url, hint=hint,
                         status=exchange.status)

    def finish(self) -> FetchResult:
        """Main fetch's end (Fetch Standard #main-fetch): a CORS response must pass the CORS check; then the script
        gets the filtered response (#concept-filtered-response): opaque in no-cors, else the headers it may read."""
        exchange = self.response
        if self.response_tainting == "cors":
            failure = self.check_response(exchange, "response")
            if failure is not None:
                self.browser.preflight_cache.response_blocked(self.page_origin, self.url)  # Firefox forgets them
                return failure
        if self.response_tainting == "opaque" and self.model.opaque_waits_for_body:  # recorded: Firefox's Opaque
            try:  # Response Blocking reads the whole body (as it came, not decoded) before it lets an opaque answer
                self.answer.read_body(decode=False)  # through
            except ConnectionError as exc:
                return self.network_failure(f"reading the body of {self.url} (Opaque Response Blocking)", exc)
        if self.response_tainting == "opaque":
            self.note(StepKind.OPAQUE_RESPONSE, "opaque response", "main", "mode 'no-cors' + cross-origin: the request "
                      "went out, but JS gets an opaque response: type 'opaque', status 0, no headers, empty body.")
            return self.result(type="opaque", status=0)
        visible = visible_headers(exchange.response_headers, self.response_tainting, self.with_credentials)
        if self.response_tainting == "cors":
            self.explain_exposed_headers(exchange)
        body = self.read_response_body()
        if isinstance(body, FetchResult):
            return body
        return self.result(type=self.response_tainting, status=exchange.status, headers=visible, text=body or "",
                           exception=None if body is not None else getattr(self, "body_error", None))

    def read_response_body(self) -> str | FetchResult | None:
        """What response.text() gives the script. fetch() resolved when the headers came, so a body that breaks
        (cut short, a broken chunk, a coding that does not decode) makes text() reject: None; a body still coming
        at the deadline times the whole call out (a blocked result, as the real-browser bridge gives)."""
        answer, self.answer = self.answer, None
        try:
            data = answer.read_body()
        except ConnectionError as exc:  # the network layer's errors (http1.network_error)
            if exc.timed_out:
                return self.network_failure(f"reading the body of {self.url}", exc)
            self.body_error = getattr(exc, "script_error", self.model.network_error)  # Firefox names the cause
            self.failed_step("invalid_response", StepKind.INVALID_RESPONSE, "network", f"The headers were fine, so "
                             f"fetch() resolved, but the body is not: {exc.detail} ({exc.net_error}). response.text() "
                             f"rejects with {self.model.network_error}.", f"body cannot be read ({exc.net_error})")
            return None
        return data.decode("utf-8", "replace").removeprefix("\ufeff")

    def explain_exposed_headers(self, exchange: Exchange) -> None:
        """A CORS response shows the script the safelisted headers and those in Access-Control-Expose-Headers."""
        shown, hidden = exposed_explanation(exchange.response_headers, self.with_credentials)
        custom = [name for name in hidden if name not in _TRANSPORT]
        tip = None
        if custom:
            tip = (f"To let JS read {', '.join(custom)}, send Access-Control-Expose-Headers: {', '.join(custom)}"
                   + (" (with credentials '*' does not work: list the names)." if self.with_credentials else "."))
        self.note(StepKind.EXPOSED_HEADERS, "headers visible to JS", "expose",
                  f"visible: {', '.join(shown) or '(none)'}" + (f"; hidden: {', '.join(hidden)}" if hidden else "")
                  + ".", tip=tip)
