"""Browser.fetch(): the Fetch Standard's steps as Chromium 156 runs them, over real HTTP. The only module with I/O."""
from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

from cors_lab.browser import data_url, messages as msg
from cors_lab.browser.check import cors_check, exposed_explanation, visible_headers
from cors_lab.browser.cookies import CookieJar
from cors_lab.browser.explain import fix_for
from cors_lab.browser.origin import (
    URLError, address_space, has_credentials, is_potentially_trustworthy, origin_of, parse_origin, parse_url, same_origin,
    same_site,
)
from cors_lab.browser.preflight import PreflightCache, check_preflight, needs_preflight, preflight_headers
from cors_lab.browser.redirects import MAX_REDIRECTS, location, next_method, taints
from cors_lab.browser.result import Exchange, FetchResult, Step
from cors_lab.errors import InputError
from cors_lab.browser.safelist import (
    SAFELISTED_METHODS, is_forbidden_method, is_forbidden_request_header, is_no_cors_safelisted, is_valid_header_name,
    is_valid_header_value, is_valid_method, normalize_header_value, normalize_method, unsafe_request_header_names,
)

SPEC = {
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
_ENUMS = (("credentials", ("omit", "same-origin", "include"), "RequestCredentials"),
          ("mode", ("cors", "no-cors", "same-origin", "navigate"), "RequestMode"),
          ("redirect", ("follow", "error", "manual"), "RequestRedirect"))
_TRANSPORT = {"connection", "date", "server", "vary", "keep-alive", "transfer-encoding"}
_BODY_HEADERS = {"content-type", "content-language", "content-encoding", "content-location"}


class _Conn(http.client.HTTPConnection):
    """HTTPConnection that tries 127.0.0.1 first for localhost and *.localhost (Chromium resolves those names to
    loopback itself; lab servers bind 127.0.0.1 only)."""

    def connect(self):
        if self.host == "localhost" or self.host.endswith(".localhost"):
            try:
                self.sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
            except ConnectionRefusedError:
                self.sock = socket.create_connection(("::1", self.port), self.timeout)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        else:
            super().connect()


def _net_error(exc: BaseException) -> str:
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
    """One HTTP request (no redirects followed, no default headers added). Returns (status, [(name, value)], body)."""
    parts = urlsplit(url)
    conn_cls = _Conn if parts.scheme == "http" else http.client.HTTPSConnection
    conn = conn_cls(parts.hostname, parts.port or (80 if parts.scheme == "http" else 443), timeout=timeout)
    try:
        conn.putrequest(method, (parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
                        skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value.encode("latin-1"))
        if body is not None or method in ("POST", "PUT"):  # Chromium sends Content-Length: 0 for an empty POST/PUT
            conn.putheader("Content-Length", str(len(body or b"")))
        conn.endheaders(body)
        resp = conn.getresponse()
        data = b"" if method == "HEAD" else resp.read()
        return resp.status, resp.getheaders(), data
    finally:
        conn.close()


class Browser:
    """A model browser tab whose page has origin `origin`; `fetch()` behaves like Chromium 156's."""

    def __init__(self, origin: str = "http://localhost:8001", page_url: str | None = None, timeout: float = 10.0):
        self.origin = parse_origin(origin)
        self.page_url = page_url or self.origin.serialize() + "/"
        self.cookies = CookieJar()
        self.preflight_cache = PreflightCache()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<Browser page {self.origin.serialize()}>"

    def set_cookie(self, url: str, cookie: str) -> bool:
        """Store a cookie as if `url`'s server had sent `Set-Cookie: <cookie>`. Returns whether it was kept."""
        try:
            full = parse_url(url)
        except URLError:
            raise InputError(f"{url!r} is not a valid URL for set_cookie") from None
        stored, _ = self.cookies.set(full, cookie)
        return stored

    def clear(self) -> None:
        """Forget cookies and cached preflights (a fresh profile)."""
        self.cookies.clear()
        self.preflight_cache.clear()

    def fetch(self, url: str, method: str = "GET", headers=None, body=None, credentials: str = "same-origin",
              mode: str = "cors", redirect: str = "follow") -> FetchResult:
        return _Fetch(self, url, method, headers, body, credentials, mode, redirect).run()


class _Fetch:
    def __init__(self, b: Browser, url, method, headers, body, credentials, mode, redirect):
        self.b, self.page = b, b.origin
        self.page_s = b.origin.serialize()
        self.args = dict(url=url, method=method, headers=headers, body=body, credentials=credentials, mode=mode,
                         redirect=redirect)
        self.steps: list[Step] = []
        self.exchanges: list[Exchange] = []
        self.preflighted = False
        self.first_url = url

    # ---- result builders -------------------------------------------------------------------------
    def step(self, rule, spec, passed, detail, fix=None):
        self.steps.append(Step(rule, SPEC[spec], passed, detail, fix))

    def result(self, **kw) -> FetchResult:
        kw.setdefault("blocked", False)
        return FetchResult(preflight=self.preflighted, exchanges=self.exchanges, steps=self.steps,
                           request={**self.args, "origin": self.page_s}, **kw)

    def reject(self, exception: str, error: str | None = None) -> FetchResult:
        return self.result(blocked=True, type="error", exception=exception, error=error)

    def cors_fail(self, url, kind, hint, preflight=False) -> FetchResult:
        error = msg.cors_blocked(url, self.first_url, self.page_s, kind, hint, preflight)
        return self.reject(msg.FAILED_TO_FETCH, error)

    # ---- the algorithm ---------------------------------------------------------------------------
    def run(self) -> FetchResult:
        bad = self.validate()
        if bad is not None:
            return bad
        early = self.refuse_early()
        if early is not None:
            return early
        return self.loop()

    def validate(self) -> FetchResult | None:
        """new Request(): everything fetch() rejects before any request is sent."""
        a = self.args
        if not isinstance(a["method"], str):
            raise InputError(f"method must be a string such as 'GET', not {a['method']!r}")
        if a["body"] is not None and not isinstance(a["body"], (str, bytes, bytearray)):
            raise InputError(f"body must be str or bytes (for JSON use json.dumps(...)), not {type(a['body']).__name__}")
        raw = a["headers"] or {}
        if isinstance(raw, dict):
            pairs = list(raw.items())
        else:
            try:
                pairs = [(n, v) for n, v in raw]
            except (TypeError, ValueError):
                raise InputError("headers must be a dict such as {'X-Token': 'abc'} or a list of (name, value) pairs") from None
        if not all(isinstance(n, str) and isinstance(v, (str, int, float)) for n, v in pairs):
            raise InputError("header names must be strings and values strings (or numbers)")
        pairs = [(n, str(v)) for n, v in pairs]
        reject = lambda text, rule: (self.step(rule, "request", False, text.removeprefix("TypeError: ")), self.reject(text))[1]
        for member, allowed, idl in _ENUMS[:1]:  # RequestInit members are read in alphabetical order
            if a[member] not in allowed:
                return reject(msg.bad_enum(member, a[member], idl), f"unknown {member} value")
        if any(ord(c) > 255 for n, v in pairs for c in n + v):
            return reject(msg.NON_LATIN1_HEADER, "header outside ISO-8859-1")
        for member, allowed, idl in _ENUMS[1:]:
            if a[member] not in allowed:
                return reject(msg.bad_enum(member, a[member], idl), f"unknown {member} value")
        try:
            self.url = parse_url(a["url"], base=self.b.page_url)
        except URLError:
            return reject(msg.invalid_url(a["url"]), "URL cannot be parsed")
        if has_credentials(self.url):
            return reject(msg.url_with_credentials(self.url), "URL contains a username/password")
        if a["mode"] == "navigate":
            return reject(msg.NAVIGATE_MODE, "mode 'navigate' is not for fetch()")
        m = a["method"]
        if not is_valid_method(m):
            return reject(msg.invalid_method(m), "invalid method name")
        if is_forbidden_method(m):
            return reject(msg.forbidden_method(m), "forbidden method")
        self.method = normalize_method(m)
        if self.method != m:
            self.step("method name normalised", "request", None, f"'{m}' is one of the six methods fetch() uppercases: sent as {self.method}.")
        elif m.upper() != m:
            self.step("method name kept as written", "request", None,
                      f"'{m}' is not DELETE/GET/HEAD/OPTIONS/POST/PUT, so it is case-sensitive and sent exactly as written.")
        if a["mode"] == "no-cors" and self.method not in SAFELISTED_METHODS:
            return reject(msg.no_cors_method(self.method), "method not allowed in no-cors mode")
        self.headers: dict[str, str] = {}
        self.names: dict[str, str] = {}
        for name, value in pairs:
            value = normalize_header_value(value)
            if not is_valid_header_name(name):
                return reject(msg.INVALID_HEADER_NAME, f"invalid header name {name!r}")
            if not is_valid_header_value(value):
                return reject(msg.INVALID_HEADER_VALUE, f"invalid value for header {name!r}")
            low = name.lower()
            if is_forbidden_request_header(name, value):  # forbidden request-headers are dropped silently
                self.step(f"header {name} dropped", "forbidden", None,
                          f"{name} is a forbidden request-header: scripts cannot set it, the browser drops it silently.")
                continue
            if a["mode"] == "no-cors" and not is_no_cors_safelisted(name, value):  # no-cors keeps only 4 safelisted headers
                self.step(f"header {name} dropped", "forbidden", None,
                          f"mode 'no-cors' only keeps no-CORS-safelisted headers (Accept, Accept-Language, Content-Language, "
                          f"Content-Type with a safelisted value): {name}: {value} is dropped silently.")
                continue
            self.names.setdefault(low, name)
            self.headers[low] = f"{self.headers[low]}, {value}" if low in self.headers else value
        body = a["body"]
        if body is not None and self.method in ("GET", "HEAD"):
            return reject(msg.BODY_WITH_GET_HEAD, "GET/HEAD with a body")
        self.body = body.encode("utf-8") if isinstance(body, str) else (bytes(body) if body is not None else None)
        if isinstance(body, str) and "content-type" not in self.headers:  # a string body gets a default Content-Type
            self.headers["content-type"] = "text/plain;charset=UTF-8"
            self.names["content-type"] = "Content-Type"
        self.first_url = self.url
        return None

    def refuse_early(self) -> FetchResult | None:
        """main fetch, in Blink's FetchManager order: data: URLs, then mode checks, then file: and other schemes."""
        a, url = self.args, self.url
        scheme = url.split(":", 1)[0]
        if scheme == "data":  # main fetch: a data: URL is a scheme fetch whatever the mode (basic, no network)
            return self.fetch_data(url)
        web = scheme in ("http", "https")
        cross = not web or not same_origin(self.page, origin_of(url))
        if web:
            self.step("same-origin or cross-origin?", "main", None,
                      f"page {self.page_s} fetches {origin_of(url).serialize()}: "
                      + ("cross-origin (scheme, host or port differ) - CORS rules apply." if cross else "same-origin - no CORS needed."))
        if a["mode"] == "same-origin" and cross:  # mode 'same-origin' refuses any cross-origin URL
            self.step("mode 'same-origin'", "main", False, "mode 'same-origin' forbids cross-origin requests; nothing was sent.",
                      "Nothing on the server can fix this: use mode 'cors' (the default) and let the server allow the origin.")
            return self.reject(msg.FAILED_TO_FETCH, msg.same_origin_mode(url, self.page_s))
        if a["mode"] == "no-cors" and a["redirect"] != "follow":  # main fetch: no-cors needs redirect 'follow'
            self.step("no-cors needs redirect 'follow'", "main", False, "mode 'no-cors' only works with redirect 'follow'.")
            return self.reject(msg.FAILED_TO_FETCH, msg.no_cors_redirect_mode(url))
        if scheme == "file":  # Chromium: a web page may never load file: URLs (ResourceFetcher's CanDisplay check)
            self.step("URL scheme", "main", False, "A web page may not load local files (file: URLs).")
            return self.reject(msg.FAILED_TO_FETCH, msg.local_resource(url))
        if not web:  # fetch() only loads http(s) (and data:)
            self.step("URL scheme", "main", False, f"fetch() cannot load '{scheme}:' URLs.")
            return self.reject(msg.FAILED_TO_FETCH, msg.unsupported_scheme(url, scheme))
        return None

    def local_network_access(self, url) -> FetchResult | None:
        """Chromium's Local Network Access, checked on every request that would go out (preflight included): a page
        that is not a secure context may not reach a more-private address space.

        Modelled as the bridge (cors_lab.chromium) runs Chromium 156: the page's address space comes from its host
        (a page served from 127.0.0.1 is loopback), and the `local-network-access` permission is granted, so a secure
        page (https, or a loopback host) is let through; a real Chromium would ask the user first."""
        target, page = address_space(origin_of(url).host), address_space(self.page.host)
        if _PRIVACY[target] <= _PRIVACY[page]:
            return None
        if is_potentially_trustworthy(self.page):
            self.step("Local Network Access", "lna", True, f"A {page} page calls a {target} address: allowed, as the page "
                      "is a secure context and has the local-network-access permission (granted by the lab's Chromium).")
            return None
        self.step("Local Network Access", "lna", False, f"The page {self.page_s} is in the {page} address space and not a "
                  f"secure context (http on a non-loopback host), the URL is in the more-private {target} space: nothing "
                  "was sent.", "Serve the page over https (or from localhost), or call the API from the same network.")
        return self.cors_fail(url, "insecure_private_network", target)

    def fetch_data(self, url) -> FetchResult:
        try:
            mime, body = data_url.process(url)
        except data_url.DataURLError as exc:  # the data: URL processor failed: network error (net::ERR_INVALID_URL)
            self.step("data: URL", "data", False, f"The data: URL cannot be decoded ({exc}): network error.")
            return self.reject(msg.FAILED_TO_FETCH)
        self.exchanges.append(Exchange("actual", self.method, url.split("#")[0], {}, 200, {"content-type": mime}))
        self.step("data: URL", "data", None, f"No network: the body comes from the URL itself ({len(body)} bytes, "
                  f"Content-Type: {mime}); always a 'basic' 200, whatever the mode and method.")
        text = "" if self.method == "HEAD" else body.decode("utf-8", "replace").removeprefix("\ufeff")
        return self.result(type="basic", status=200, headers={"content-type": mime}, text=text)

    def loop(self) -> FetchResult:
        a = self.args
        mode, creds = a["mode"], a["credentials"]
        current, method, body = self.url, self.method, self.body
        headers = dict(self.headers)
        tainting, tainted, redirects = "basic", False, 0
        while True:
            cur_origin = origin_of(current)
            cross = not same_origin(self.page, cur_origin)
            if mode == "cors" and (cross or tainting == "cors"):  # CORS flag: cross-origin (or once tainted by a hop)
                tainting = "cors"
            elif mode == "no-cors" and cross:
                tainting = "opaque"
            cors_flag = tainting == "cors"
            origin_sent = "null" if tainted else self.page_s
            include = creds == "include" or (creds == "same-origin" and tainting == "basic")
            unsafe = unsafe_request_header_names(headers)
            # ---- CORS-preflight fetch
            if cors_flag and needs_preflight(method, unsafe):
                why = ([f"method {method} is not GET/HEAD/POST"] if method not in SAFELISTED_METHODS else []) + (
                    [f"header(s) {', '.join(unsafe)} are not CORS-safelisted"] if unsafe else [])
                self.step("preflight needed", "safelist", None, "A preflight is needed: " + "; ".join(why) + ".")
                fail = self.preflight(current, origin_sent, creds == "include", method, unsafe, tainted)
                if fail is not None:
                    return fail
            elif cors_flag:
                self.step("simple request", "safelist", None,
                          f"{method} with only CORS-safelisted headers: no preflight, the request goes straight out.")
            # ---- the request itself
            if (fail := self.local_network_access(current)) is not None:
                return fail
            h = {"Accept": "*/*"} if "accept" not in headers else {}
            h.update({self.names.get(k, k): v for k, v in headers.items()})
            if cors_flag or method not in ("GET", "HEAD"):  # 'append a request Origin header'
                h["Origin"] = origin_sent
            cookie_ok = include and same_site(self.page, cur_origin)
            if include and not cookie_ok:
                self.step("cookies", "cookies", None, f"{cur_origin.serialize()} is cross-site to the page: Chromium sends "
                          "no cookies (third-party cookies are blocked) and will not store any it sets.")
            if cookie_ok and (jar := self.b.cookies.header_for(current)):
                h["Cookie"] = jar
            ex = Exchange("actual", method, current.split("#")[0], {k.lower(): v for k, v in h.items()})
            self.exchanges.append(ex)
            try:
                status, raw_headers, data = send(method, current, h, body, self.b.timeout)
            except (OSError, http.client.HTTPException) as exc:
                self.step(f"server unreachable ({_net_error(exc)})", "network", False, f"{method} {current} failed: {_net_error(exc)} ({exc}).",
                          "Is the server running? Start it with serve(...) and check the port.")
                return self.reject(msg.FAILED_TO_FETCH)
            self.record(ex, status, raw_headers)
            self.describe_credentials(creds, include, ex)
            if cookie_ok:  # Set-Cookie is stored whenever credentials were allowed (before and whatever the CORS check)
                for sc in ex.set_cookies:
                    stored, why = self.b.cookies.set(current, sc)
                    self.step("Set-Cookie", "cookies", None, f"Set-Cookie: {sc} -> {why}.")
            elif ex.set_cookies:
                self.step("Set-Cookie ignored", "cookies", None,
                          f"The response set cookies but credentials were not used for this request: not stored.")
            nxt = location(status, ex.response_headers, current)
            if nxt is None:
                break
            # ---- HTTP-redirect fetch
            ex.kind = "redirect"
            self.step(f"redirect {status}", "redirect", None, f"{current} answered {status} -> {nxt}.")
            if a["redirect"] == "error":  # redirect 'error': any redirect is a network error
                self.step("redirect 'error'", "redirect", False, "redirect mode 'error' rejects any redirect.",
                          "Point the request at the final URL, or use redirect 'follow'.")
                return self.reject(msg.FAILED_TO_FETCH)
            if cors_flag:  # the CORS check runs on every redirect response too
                fail = self.check(current, ex, origin_sent, creds == "include", "redirect response")
                if fail is not None:
                    return fail
            if a["redirect"] == "manual":
                self.step("redirect 'manual'", "redirect", None, "redirect mode 'manual': JS gets an opaque-redirect "
                          "response (type 'opaqueredirect', status 0) and cannot read the Location.")
                return self.result(type="opaqueredirect", status=0)
            redirects += 1
            if redirects > MAX_REDIRECTS:  # at most 20 redirects
                self.step("too many redirects", "redirect", False, "More than 20 redirects: net::ERR_TOO_MANY_REDIRECTS.",
                          "Fix the redirect loop on the server.")
                return self.reject(msg.FAILED_TO_FETCH)
            try:
                nxt = parse_url(nxt)
            except URLError:
                return self.reject(msg.FAILED_TO_FETCH)
            scheme = nxt.split(":", 1)[0]
            if scheme not in ("http", "https"):  # redirects may only lead to http(s)
                self.step("redirect scheme", "redirect", False, f"Location {nxt} is not http(s).")
                return self.cors_fail_at(nxt, "cors_disabled_scheme", "", mode)
            if has_credentials(nxt):  # a Location with user:password@ is refused
                self.step("redirect with credentials", "redirect", False, f"Location {nxt} contains a username/password.",
                          "Redirect to a URL without user:password@.")
                if mode == "cors" and (cors_flag or tainted or not same_origin(self.page, origin_of(nxt))):
                    return self.cors_fail(current, "redirect_credentials", "")
                return self.reject(msg.FAILED_TO_FETCH)
            if mode == "same-origin" and not same_origin(self.page, origin_of(nxt)):
                self.step("mode 'same-origin' redirect", "redirect", False, f"mode 'same-origin' cannot follow a redirect to {nxt}.")
                return self.reject(msg.FAILED_TO_FETCH, msg.same_origin_mode_redirect(nxt, self.b.page_url))
            if taints(self.page, current, nxt) and not tainted:  # cross-origin hop from a cross-origin URL taints the origin
                tainted = True
                self.step("origin tainted", "redirect", None, f"Redirect from {current} (cross-origin to the page) to another "
                          "origin: from now on the request sends `Origin: null`.")
            method, keep = next_method(status, method)
            if not keep:
                body = None
                headers = {k: v for k, v in headers.items() if k not in _BODY_HEADERS}
                self.step("method changed", "redirect", None, f"{status} turns the request into GET without a body.")
            current = nxt
        return self.finish(ex, current, data, tainting, origin_sent, creds == "include", method)

    def cors_fail_at(self, url, kind, hint, mode):
        if mode == "cors":
            return self.cors_fail(url, kind, hint)
        return self.reject(msg.FAILED_TO_FETCH)

    def record(self, ex: Exchange, status: int, raw_headers) -> None:
        ex.status = status
        for name, value in raw_headers:
            low, value = name.lower(), value.strip(" \t")  # HTTP strips leading/trailing whitespace from field values
            ex.response_headers[low] = f"{ex.response_headers[low]}, {value}" if low in ex.response_headers else value
            if low == "set-cookie":
                ex.set_cookies.append(value)

    def describe_credentials(self, creds, include, ex) -> None:
        sent = "cookie" in ex.request_headers
        if creds == "omit":
            text = "credentials 'omit': no cookies sent."
        elif creds == "same-origin" and not include:
            text = "credentials 'same-origin' and this request is cross-origin: no cookies sent."
        else:
            text = f"credentials '{creds}': " + ("cookies sent." if sent else "allowed, but no matching cookie in the jar.")
        self.step("credentials", "cookies", None, text)

    def preflight(self, url, origin_sent, include, method, unsafe, tainted=False) -> FetchResult | None:
        # a tainted (Origin: null) request neither uses nor fills the cache: Chromium keys it by an opaque origin
        entry = None if tainted else self.b.preflight_cache.lookup(self.page_s, url, include, method, unsafe)
        if entry is not None:  # a fresh matching cache entry skips the preflight
            self.step("preflight cache hit", "cache", True, f"A cached preflight for {url} (Max-Age {entry.max_age}s) "
                      "already allows this method and these headers: no OPTIONS sent.")
            return None
        self.preflighted = True
        if (fail := self.local_network_access(url)) is not None:  # the preflight is stopped before it is sent
            return fail
        h = preflight_headers(origin_sent, method, unsafe)
        ex = Exchange("preflight", "OPTIONS", url.split("#")[0], dict(h))
        self.exchanges.append(ex)
        wire = {"Accept": h["accept"], "Access-Control-Request-Method": method, "Origin": origin_sent}
        if "access-control-request-headers" in h:
            wire["Access-Control-Request-Headers"] = h["access-control-request-headers"]
        self.step("preflight sent", "preflight", None, "OPTIONS " + url + " with " + ", ".join(f"{k}: {v}" for k, v in wire.items()) + " (never cookies).")
        try:
            status, raw, _ = send("OPTIONS", url, wire, None, self.b.timeout)
        except (OSError, http.client.HTTPException) as exc:
            self.step(f"server unreachable ({_net_error(exc)})", "network", False, f"OPTIONS {url} failed: {_net_error(exc)}.", "Is the server running?")
            return self.reject(msg.FAILED_TO_FETCH)
        self.record(ex, status, raw)
        if location(status, ex.response_headers, url) is not None:  # a preflight may not be redirected
            self.step("preflight: " + msg.SHORT["preflight_redirect"], "preflight", False, f"The preflight got {status} -> {ex.response_headers['location']}.",
                      fix_for("preflight_redirect", "", origin_sent, include, method, unsafe))
            return self.cors_fail(url, "preflight_redirect", "", preflight=True)
        err, entry = check_preflight(status, ex.response_headers, origin_sent, include, method, unsafe)
        if err is not None:
            kind, hint = err
            seen = ", ".join(f"{n}: {ex.response_headers.get(n.lower(), '(absent)')}" for n in (
                "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers") if include or "Credentials" not in n)
            self.step("preflight: " + msg.SHORT[kind], "preflight", False, f"The preflight answer was {status} with {seen}; "
                      f"the request needs Origin {origin_sent}, method {method}" + (f", headers {', '.join(unsafe)}" if unsafe else "")
                      + (", credentials" if include else "") + ".", fix_for(kind, hint, origin_sent, include, method, unsafe))
            return self.cors_fail(url, kind, hint, preflight=True)
        self.step("preflight response", "preflight", True, f"{status} with the right Access-Control-Allow-* headers: "
                  f"method {method}" + (f" and headers {', '.join(unsafe)}" if unsafe else "") + " allowed.")
        if tainted:
            self.step("preflight not cached", "cache", None, "Sent with Origin: null after a redirect: Chromium does not reuse it.")
            return None
        self.b.preflight_cache.store(self.page_s, url, entry)
        self.step("preflight cached", "cache", None, f"Kept for {entry.max_age}s (Access-Control-Max-Age: "
                  f"{ex.response_headers.get('access-control-max-age', 'absent -> Chromium default 5')}; Chromium caps at 7200)."
                  if entry.max_age else "Not cached (Access-Control-Max-Age is 0 or negative).")
        return None

    def check(self, url, ex: Exchange, origin_sent, include, what) -> FetchResult | None:
        rh = ex.response_headers
        err = cors_check(rh.get("access-control-allow-origin"), rh.get("access-control-allow-credentials"), origin_sent, include)
        if err is not None:
            kind, hint = err
            self.step(msg.SHORT[kind] + (f" (on the {what})" if what != "response" else ""), "check", False,
                      f"Access-Control-Allow-Origin: {rh.get('access-control-allow-origin', '(absent)')}"
                      + (f", Access-Control-Allow-Credentials: {rh.get('access-control-allow-credentials', '(absent)')}" if include else "")
                      + f" vs Origin: {origin_sent} -> {msg.SHORT[kind]}.",
                      fix_for(kind, hint, origin_sent, include, ex.method, []))
            return self.cors_fail(url, kind, hint)
        self.step(f"CORS check ({what})", "check", True, f"Access-Control-Allow-Origin: {rh['access-control-allow-origin']} "
                  f"matches Origin: {origin_sent}" + (" and Access-Control-Allow-Credentials: true" if include else "") + ".")
        return None

    def finish(self, ex, url, data, tainting, origin_sent, include, method) -> FetchResult:
        if tainting == "cors":
            fail = self.check(url, ex, origin_sent, include, "response")
            if fail is not None:
                return fail
        if tainting == "opaque":
            self.step("opaque response", "main", None, "mode 'no-cors' + cross-origin: the request went out, but JS gets an "
                      "opaque response: type 'opaque', status 0, no headers, empty body.")
            return self.result(type="opaque", status=0)
        visible = visible_headers(ex.response_headers, tainting, include)
        if tainting == "cors":
            shown, hidden = exposed_explanation(ex.response_headers, include)
            custom = [h for h in hidden if h not in _TRANSPORT]
            self.step("headers visible to JS", "expose", None, f"visible: {', '.join(shown) or '(none)'}"
                      + (f"; hidden: {', '.join(hidden)}" if hidden else "") + ".",
                      (f"To let JS read {', '.join(custom)}, send Access-Control-Expose-Headers: {', '.join(custom)}"
                       + (" (with credentials '*' does not work: list the names)." if include else ".")) if custom else None)
        text = "" if method == "HEAD" else data.decode("utf-8", "replace").removeprefix("\ufeff")
        return self.result(type=tainting, status=ex.status, headers=visible, text=text)
