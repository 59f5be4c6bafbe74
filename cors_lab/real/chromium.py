"""Ask a real browser: the same fetch() contract as `cors_lab.Browser`, run in headless Chromium.

    >>> from cors_lab import ChromiumBrowser
    >>> real = ChromiumBrowser(origin="http://localhost:8001")
    >>> real.fetch("http://localhost:8002/api/public")
    <FetchResult blocked>

How it works, and why:
- Debian's `chromium` binary, driven by Playwright's sync API (never `playwright install`). Playwright's sync API
  refuses to run in a thread with a running asyncio loop -- which a Jupyter kernel has -- so one dedicated worker
  thread owns Playwright and every call is handed to it. The browser starts on first use, is shared by every
  ChromiumBrowser (one browser context each, so cookies and preflight caches are separate) and closes at exit.
- The page: its URL (``origin + "/"``) is answered once by Playwright's router with an empty HTML page, then the route
  is removed, so interception is off when `fetch()` runs. A page answered that way has no IP address, so Chromium's
  Local Network Access check would treat it as a *public* page calling loopback and block every fetch ("Permission
  was denied for this request to access the `loopback` address space."). A page really served from 127.0.0.1 is a
  loopback page and is never asked; granting the context the `local-network-access` permission restores exactly that
  (checked scenario by scenario against a served page; the one difference left: a redirect loop is still worded as
  that refusal -- pass `route_page=False` and a `page_url` your server answers to load a real page instead).
- `preflight` and `exchanges` come from the Chrome DevTools Protocol Network domain: Playwright's own request events
  never show preflights, CDP reports them (initiator type "preflight") together with the headers really sent
  (`requestWillBeSentExtraInfo`: Cookie, Origin) and really received (`responseReceivedExtraInfo`: Set-Cookie).
- `set_cookie(url, cookie)` is a real top-level visit of `url` whose answer carries `Set-Cookie: <cookie>`, so
  Chromium applies its own rules (SameSite=None without Secure is refused, and so on).
- Chromium 156 blocks third-party cookies by default (a localhost page never sends 127.0.0.1's cookies); the bridge
  keeps that default, so the lessons show what a fresh Chromium does.
- `error` is the first console message of the call that is not the generic "Failed to load resource: ..." line; every
  console message of the call is kept in `result.console`.
"""
from __future__ import annotations

import atexit
import queue
import threading
from concurrent.futures import Future
from typing import Any, Callable

from cors_lab.browser.origin import Origin, URLError, origin_of, parse_origin, parse_url
from cors_lab.browser.result import Exchange, FetchResult
from cors_lab.errors import ChromiumError, ChromiumNotFoundError, CorsLabError, InputError
from cors_lab.headers import Headers
from cors_lab.real.binaries import CHROMIUM, find_chromium

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = CHROMIUM.missing
#: console lines Chromium prints for every failed load; they say nothing about CORS
IGNORED_CONSOLE_PREFIXES = ("Failed to load resource:",)
_BLANK_PAGE = ("<!doctype html><html><head><link rel=icon href='data:,'><title>cors_lab</title></head>"
               "<body></body></html>")

_FETCH_JS = """
async ([url, init, timeoutMs]) => {
  if (init.bodyBytes) { init.body = new Uint8Array(init.bodyBytes); delete init.bodyBytes; }
  const run = async () => {
    let r;
    try { r = await fetch(url, init); } catch (e) { return {rejected: String(e)}; }
    const headers = [];
    for (const [k, v] of r.headers) headers.push([k, v]);
    let text = '', bodyError = null;
    try { text = await r.text(); } catch (e) { bodyError = String(e); }
    return {type: r.type, status: r.status, headers, text, bodyError, url: r.url, redirected: r.redirected};
  };
  const timer = new Promise(resolve => setTimeout(() => resolve({timeout: true}), timeoutMs));
  return Promise.race([run(), timer]);
}
"""


def chromium_available() -> bool:
    """True when both the Chromium binary and the Playwright package are there, so `ChromiumBrowser` works.

        >>> if chromium_available():
        ...     real = ChromiumBrowser(origin="http://localhost:8001").fetch(api.url + "/api/public")
        ... else:
        ...     print(unavailable_reason())

    It does not start Chromium (that happens on the first `ChromiumBrowser.fetch`).
    """
    if find_chromium() is None:
        return False
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def unavailable_reason() -> str | None:
    """One line saying why real Chromium cannot be used here (and how to get it), or None when it can.

        >>> unavailable_reason()
        'Chromium was not found: install it with `sudo apt-get install chromium` (or run `make test` as root) (or
        set CORS_LAB_CHROMIUM).'
    """
    if find_chromium() is None:
        return INSTALL_HINT
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "The Playwright Python package is missing: pip install playwright (no `playwright install` needed)."
    return None


# ---- the worker thread that owns Playwright --------------------------------------------------------
class _Worker:
    """One headless Chromium, owned by one thread; `call(fn)` runs fn(browser) there and returns its result."""

    def __init__(self, disable_web_security: bool):
        self.disable_web_security = disable_web_security
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.browser = None
        self.version: str | None = None

    def call(self, fn: Callable[[Any], Any], timeout: float = 60.0) -> Any:
        if threading.current_thread() is self._thread:  # already on the worker (nested call)
            return fn(self._ensure_browser())
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="cors_lab:chromium", daemon=True)
                self._thread.start()
        future: Future = Future()
        self._jobs.put((fn, future))
        try:
            return future.result(timeout=timeout)
        except TimeoutError:
            raise ChromiumError(f"Chromium did not answer within {timeout:g} s.") from None

    def _ensure_browser(self):
        if self.browser is None or not self.browser.is_connected():
            path = find_chromium()
            if path is None:
                raise ChromiumNotFoundError()
            args = list(CHROMIUM_ARGS)
            if self.disable_web_security:
                args += ["--disable-web-security"]
            self.browser = self._pw.chromium.launch(executable_path=path, args=args, headless=True)
            self.version = self.browser.version
        return self.browser

    def _run(self) -> None:
        self._pw = None
        while True:
            job = self._jobs.get()
            if job is None:
                break
            fn, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                if self._pw is None:
                    try:
                        from playwright.sync_api import sync_playwright
                    except ImportError:
                        raise ChromiumNotFoundError("the playwright package is not installed") from None
                    self._pw = sync_playwright().start()
                future.set_result(fn(self._ensure_browser()))
            except BaseException as exc:  # noqa: BLE001 - handed back to the calling thread
                future.set_exception(exc)
        self._shutdown()

    def _shutdown(self) -> None:
        try:
            if self.browser is not None:
                self.browser.close()
        except Exception:
            pass
        try:
            if self._pw is not None:
                self._pw.stop()
        except Exception:
            pass
        self.browser = self._pw = None

    def stop(self, timeout: float = 10.0) -> None:
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._jobs.put(None)
            thread.join(timeout)
        self._thread = None


_workers: dict[bool, _Worker] = {}
_workers_lock = threading.Lock()


def _worker(disable_web_security: bool) -> _Worker:
    with _workers_lock:
        if disable_web_security not in _workers:
            _workers[disable_web_security] = _Worker(disable_web_security)
        return _workers[disable_web_security]


@atexit.register
def close_all() -> None:
    """Close every headless Chromium this process started (also runs at interpreter exit)."""
    for w in list(_workers.values()):
        w.stop()


# ---- one tab ----------------------------------------------------------------------------------------
def _page_origin(origin: str) -> Origin:
    """The page's origin, read by the engine's origin parser (so both browsers accept the same origins)."""
    try:
        return parse_origin(origin)
    except ValueError:  # the parser's InputError, said the way this bridge always said it
        raise InputError(f"{origin!r} is not an origin like 'http://localhost:8001'.") from None


class _Tab:
    """State living on the worker thread: a browser context, its page at the origin, and the recorders."""

    def __init__(self, browser, page_url: str, route_page: bool = True):
        self.browser = browser
        self.context = browser.new_context()
        try:
            self.context.grant_permissions(["local-network-access"])
        except Exception:
            pass  # a Chromium without Local Network Access checks
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.events: list[tuple[str, dict]] = []
        self.page.on("console", lambda m: self.console.append(m.text))
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Network.enable")
        for name in ("requestWillBeSent", "requestWillBeSentExtraInfo", "responseReceived",
                     "responseReceivedExtraInfo", "loadingFailed"):
            self.cdp.on(f"Network.{name}", lambda e, name=name: self.events.append((name, e)))

        def answer(route):
            route.fulfill(status=200, content_type="text/html", body=_BLANK_PAGE)

        if not route_page:  # the page really is served there
            self.page.goto(page_url)
            return
        self.page.route(page_url, answer)
        try:
            self.page.goto(page_url)
        finally:
            self.page.unroute(page_url)

    def close(self) -> None:
        try:
            self.context.close()
        except Exception:
            pass


class ChromiumBrowser:
    """A real headless-Chromium tab whose page has origin ``origin``: the same contract as `cors_lab.Browser`.

        >>> real = ChromiumBrowser(origin="http://localhost:8001")
        >>> real
        <ChromiumBrowser page http://localhost:8001>
        >>> real.fetch("http://localhost:8002/api/public").error
        "Access to fetch at 'http://localhost:8002/api/public' from origin 'http://localhost:8001' has been blocked
        by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
        >>> real.close()                     # or: with ChromiumBrowser(...) as real:

    - ``origin``: the page's origin (``Browser``'s rules: ``scheme://host:port``, no path); the page is an empty
      HTML page at ``origin + "/"``, answered by Playwright (no server needed at that origin).
    - ``page_url``: another page on that origin to stand in for (``"http://localhost:8001/app/"``).
    - ``timeout``: seconds one fetch may take before `ChromiumError`.
    - ``disable_web_security``: start Chromium with ``--disable-web-security`` (lesson 08: the same-origin policy
      is off in that browser only).
    - ``route_page``: False loads ``page_url`` from the real server at that origin instead of the stand-in page.

    Like a browser tab, it keeps cookies and cached preflights between calls (`clear`, `clear_cookies`). Every
    ChromiumBrowser shares one headless Chromium (started on first use, closed at exit), each in its own browser
    context, so two of them never share cookies. `chromium_available()` says whether it can run here.
    """

    def __init__(self, origin: str = "http://localhost:8001", page_url: str | None = None, timeout: float = 10.0,
                 disable_web_security: bool = False, route_page: bool = True):
        self.origin: Origin = _page_origin(origin)
        self.page_url = self.origin.serialize() + "/"
        if page_url is not None:
            try:
                self.page_url = parse_url(page_url)
            except URLError:
                raise InputError(f"page_url {page_url!r} is not on origin {self.origin.serialize()}.") from None
            if origin_of(self.page_url) != self.origin:
                raise InputError(f"page_url {page_url!r} is not on origin {self.origin.serialize()}.")
        self.timeout = timeout
        self.disable_web_security = disable_web_security
        self.route_page = route_page
        self._worker = _worker(disable_web_security)
        self._tab: _Tab | None = None
        self.last_console: list[str] = []

    def __repr__(self) -> str:
        flag = ", web security disabled" if self.disable_web_security else ""
        return f"<ChromiumBrowser page {self.origin.serialize()}{flag}>"

    def __enter__(self) -> "ChromiumBrowser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- lifecycle -----------------------------------------------------------------------------
    def _call(self, fn: Callable[["_Tab"], Any]) -> Any:
        reason = unavailable_reason()
        if reason:
            raise ChromiumNotFoundError() if find_chromium() is None else ChromiumError(reason)

        def job(browser):
            if self._tab is None or self._tab.browser is not browser:  # first use, or Chromium was restarted
                self._tab = _Tab(browser, self.page_url, self.route_page)
            return fn(self._tab)

        try:
            return self._worker.call(job, timeout=self.timeout + 30)
        except (CorsLabError, ValueError):
            raise
        except Exception as exc:  # Playwright's errors come with a driver log: keep the first line only
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ChromiumError(f"Real Chromium failed: {first}") from None

    def close(self) -> None:
        """Close this tab's browser context (cookies and preflight cache are forgotten)."""
        if self._tab is None:
            return
        tab, self._tab = self._tab, None
        try:
            self._worker.call(lambda browser: tab.close(), timeout=15)
        except Exception:
            pass

    def clear(self) -> None:
        """A fresh profile: forget cookies and cached preflights."""
        self.close()

    def clear_cookies(self) -> None:
        """Forget cookies only (cached preflights stay): cheaper than `clear()`."""
        if self._tab is not None:
            self._call(lambda tab: tab.context.clear_cookies())

    @property
    def version(self) -> str | None:
        """Chromium's version (``"156.0.8078.73"``) once it has started, else None."""
        return self._worker.version

    # ---- the contract ----------------------------------------------------------------------------
    def set_cookie(self, url: str, cookie: str) -> bool:
        """Have ``url`` answer a top-level visit with ``Set-Cookie: <cookie>``. Returns whether Chromium kept it.

            >>> real.set_cookie("http://localhost:8002/", "sid=abc; SameSite=Lax")
            True
            >>> real.set_cookie("http://localhost:8002/", "x=1; SameSite=None")      # None needs Secure
            False
        """
        try:
            target = origin_of(parse_url(url))
        except URLError:
            raise InputError(f"{url!r} is not a valid URL for set_cookie") from None
        if target.scheme not in ("http", "https") or not target.host:
            raise InputError(f"{url!r} is not a valid URL for set_cookie")
        name = cookie.split(";", 1)[0].split("=", 1)[0].strip()

        def job(tab: _Tab) -> bool:
            page = tab.context.new_page()
            try:
                def answer(route):
                    route.fulfill(status=200, content_type="text/html", headers={"Set-Cookie": cookie},
                                  body=_BLANK_PAGE)

                page.route(url, answer)
                page.goto(url)
            finally:
                page.close()
            return any(c["name"] == name for c in tab.context.cookies(url))

        return self._call(job)

    def fetch(self, url: str, method: str = "GET", headers=None, body=None, credentials: str = "same-origin",
              mode: str = "cors", redirect: str = "follow") -> FetchResult:
        """Run JavaScript's ``fetch(url, {method, headers, body, credentials, mode, redirect})`` in the page, for real.

            >>> url = "http://localhost:8002/api/items/1"
            >>> real = ChromiumBrowser(origin="http://localhost:8001")
            >>> r = real.fetch(url, method="PUT", credentials="include")
            >>> r.blocked, r.preflight
            (True, True)
            >>> print(r.error)
            Access to fetch at 'http://localhost:8002/api/items/1' from origin 'http://localhost:8001' has been
            blocked by CORS policy: Response to preflight request doesn't pass access control check: ...
            >>> compare(Browser(origin="http://localhost:8001").fetch(url, method="PUT", credentials="include"), r)
            <Agreement agrees>

        The parameters are those of `cors_lab.Browser.fetch`, which are JavaScript's:

        - ``url``: the URL to fetch (relative URLs are resolved against the page, ``origin + "/"``).
        - ``method``: ``"GET"``, ``"POST"``, ``"PUT"``, ... (Chromium upper-cases the standard ones).
        - ``headers``: a dict or a list of ``(name, value)`` pairs, as ``new Headers(...)`` takes them.
        - ``body``: a str or bytes (for JSON: ``json.dumps(...)`` and a Content-Type header).
        - ``credentials``: ``"omit"``, ``"same-origin"`` (the default) or ``"include"`` (send cookies cross-origin).
        - ``mode``: ``"cors"`` (the default), ``"no-cors"`` (an opaque answer) or ``"same-origin"``.
        - ``redirect``: ``"follow"`` (the default), ``"error"`` or ``"manual"``.

        Returns a `FetchResult` with the fields the engine fills, read from the real browser:

        - ``blocked``, ``type``, ``status``, ``headers`` (only what the script can read), ``text``: what the
          script got; ``exception`` is the rejection (``"TypeError: Failed to fetch"``).
        - ``error``: the DevTools console sentence, word for word: the first console message of this call that
          is not Chromium's generic ``"Failed to load resource: ..."`` line (every line is in ``result.console``).
        - ``preflight`` and ``exchanges`` (``kind``, ``method``, ``url``, headers sent and received, status, the
          raw Set-Cookie values): from the DevTools Protocol's network events, so a preflight shows up too.
        - ``source`` is ``"chromium"``; ``request`` repeats the call.

        What differs from the engine: real Chromium gives its verdict, not its reasons. ``steps`` is empty, so
        ``.explain()`` shows the verdict and points to ``cors_lab.Browser(origin=...)`` for the step-by-step;
        `compare(engine_result, real_result)` says whether the two agree. The tab keeps cookies and cached
        preflights between calls, like a browser tab.

        Raises `ChromiumNotFoundError` when Chromium or Playwright is missing (see `unavailable_reason`), and
        `ChromiumError` when Chromium does not answer within ``timeout`` seconds or fails.
        """
        init: dict[str, Any] = {"method": method, "credentials": credentials, "mode": mode, "redirect": redirect}
        if headers is not None:
            init["headers"] = [list(p) for p in headers] if isinstance(headers, (list, tuple)) else dict(headers)
        if isinstance(body, (bytes, bytearray, memoryview)):
            init["bodyBytes"] = list(bytes(body))
        elif body is not None:
            init["body"] = body
        request = {"origin": self.origin.serialize(), "url": url, "method": method, "headers": headers,
                   "body": body, "credentials": credentials, "mode": mode, "redirect": redirect}
        timeout_ms = int(self.timeout * 1000)

        def job(tab: _Tab):
            tab.console.clear()
            tab.events.clear()
            out = tab.page.evaluate(_FETCH_JS, [url, init, timeout_ms])
            tab.page.evaluate("0")  # a round trip, so every console message and network event has arrived
            return out, list(tab.console), list(tab.events)

        out, console, events = self._call(job)
        self.last_console = console
        if out.get("timeout"):
            raise ChromiumError(f"Chromium's fetch({url!r}) got no answer within {self.timeout:g} s.")
        exchanges, preflight = _exchanges(events)
        error = next((m for m in console if not m.startswith(IGNORED_CONSOLE_PREFIXES)), None)
        if "rejected" in out:
            result = FetchResult(blocked=True, type="error", exception=out["rejected"], error=error,
                                 preflight=preflight, exchanges=exchanges, request=request, source="chromium")
        else:
            result = FetchResult(blocked=False, type=out["type"], status=out["status"],
                                 headers=Headers(out["headers"]), text=out["text"], error=error,
                                 exception=out.get("bodyError"), preflight=preflight, exchanges=exchanges,
                                 request=request, source="chromium")
        result.console = console  # every console line of this call, unfiltered
        return result


def _headers(raw: dict | None) -> Headers:
    """CDP's header dict as a `Headers`. Names are stored lowercase, as the engine records them, so an exchange
    reads the same from both browsers (in diagrams, in ``comparable()``); lookups work in any case."""
    return Headers((name.lower(), value) for name, value in (raw or {}).items())


def _exchanges(events: list[tuple[str, dict]]) -> tuple[list[Exchange], bool]:
    """Rebuild the HTTP exchanges of one fetch from CDP Network events (best effort)."""
    hops: list[dict] = []  # in the order Chromium announced them
    by_id: dict[str, list[dict]] = {}
    extra_req: dict[str, list[dict]] = {}
    extra_resp: dict[str, list[dict]] = {}
    preflight = False
    wire_order: list[tuple[str, int]] = []  # (requestId, hop index) in the order requests went on the wire
    for name, e in events:
        rid = e.get("requestId")
        if name == "requestWillBeSent":
            is_preflight = (e.get("initiator") or {}).get("type") == "preflight" or e.get("type") == "Preflight"
            preflight = preflight or is_preflight
            chain = by_id.setdefault(rid, [])
            if e.get("redirectResponse") and chain:
                chain[-1]["kind"] = "redirect"
                chain[-1].setdefault("status", e["redirectResponse"].get("status", 0))
                chain[-1].setdefault("response_headers", _headers(e["redirectResponse"].get("headers")))
            hop = {"id": rid, "kind": "preflight" if is_preflight else "actual",
                   "method": e["request"]["method"], "url": e["request"]["url"],
                   "request_headers": _headers(e["request"].get("headers"))}
            chain.append(hop)
            hops.append(hop)
        elif name == "requestWillBeSentExtraInfo":
            extra_req.setdefault(rid, []).append(e)
            wire_order.append((rid, len(extra_req[rid]) - 1))
        elif name == "responseReceivedExtraInfo":
            extra_resp.setdefault(rid, []).append(e)
        elif name == "responseReceived" and by_id.get(rid):
            hop = by_id[rid][-1]
            hop.setdefault("status", e["response"].get("status", 0))
            hop.setdefault("response_headers", _headers(e["response"].get("headers")))
    exchanges = []
    for rid, chain in by_id.items():
        reqs, resps = extra_req.get(rid, []), extra_resp.get(rid, [])
        for i, hop in enumerate(chain):
            hop["sent"] = i < len(reqs)
            if i < len(reqs):
                hop["request_headers"] = _headers(reqs[i].get("headers"))
            if i < len(resps):
                hop["status"] = resps[i].get("statusCode", hop.get("status", 0))
                hop["response_headers"] = _headers(resps[i].get("headers"))
    ordered = [by_id[rid][i] for rid, i in wire_order if rid in by_id and i < len(by_id[rid])]
    ordered += [h for h in hops if not h.get("sent") and h.get("status")]
    for hop in ordered:
        raw = hop.get("response_headers", Headers())
        set_cookies = [v for v in raw.get("set-cookie", "").split("\n") if v]  # CDP joins repeated lines with \n
        exchanges.append(Exchange(kind=hop["kind"], method=hop["method"], url=hop["url"],
                                  request_headers=hop["request_headers"], status=hop.get("status", 0),
                                  response_headers=raw, set_cookies=set_cookies))
    return exchanges, preflight
