"""Ask a real browser: the same fetch() contract as `cors_lab.Browser`, run in headless Chromium.

    >>> from cors_lab import ChromiumBrowser
    >>> real = ChromiumBrowser(origin="http://localhost:8001")
    >>> real.fetch("http://localhost:8002/api/public")
    <FetchResult blocked>

How it works, and why:
- Debian's `chromium` binary, driven by Playwright's sync API (never `playwright install`). Playwright's sync API
  refuses to run in a thread with a running asyncio loop -- which a Jupyter kernel has -- so one dedicated worker
  thread owns Playwright and every call is handed to it. The browser starts on first use, is shared by every
  ChromiumBrowser (one browser context each, so cookies and preflight caches are separate) and closes, with its
  driver, when idle, at `stop_all()`, when another real browser starts, and at exit (`cors_lab.real.footprint`:
  one real browser per kernel at a time); the next call starts a fresh one.
- The page: its URL (``origin + "/"``) is answered once by Playwright's router with an empty HTML page, then the route
  is removed, so interception is off when `fetch()` runs. A page answered that way has no IP address, so Chromium's
  Local Network Access check would treat it as a *public* page calling loopback and block every fetch ("Permission
  was denied for this request to access the `loopback` address space."). A page really served from 127.0.0.1 is a
  loopback page and is never asked; granting the context the `local-network-access` permission restores exactly that
  (checked scenario by scenario against a served page; the one difference left: a redirect loop is still worded as
  that refusal -- pass `route_page=False` and a `page_url` your server answers to load a real page instead).
- A sandboxed frame (``origin="null"``): Playwright answers a top-level page on page_url's origin
  (`cors_lab.real.bridge.SANDBOX_TOP_PATH`) holding one ``<iframe sandbox="allow-scripts">`` of ``page_url``, and
  the page scripts run in that frame, whose origin is opaque. Chromium gives a sandboxed frame a renderer of its
  own, so the DevTools session that records its requests is attached to the frame, not the page.
- `preflight` and `exchanges` come from the Chrome DevTools Protocol Network domain: Playwright's own request events
  never show preflights, CDP reports them (initiator type "preflight") together with the headers really sent
  (`requestWillBeSentExtraInfo`: Cookie, Origin) and really received (`responseReceivedExtraInfo`: Set-Cookie).
- `set_cookie(url, cookie)` is a real top-level visit of `url` whose answer carries `Set-Cookie: <cookie>`, so
  Chromium applies its own rules (SameSite=None without Secure is refused, and so on).
- Chromium 156 blocks third-party cookies by default (a localhost page never sends 127.0.0.1's cookies); the bridge
  keeps that default, so the lessons show what a fresh Chromium does.
- `error` is the first console message of the call that is not the generic "Failed to load resource: ..." line; every
  console message of the call is kept in `result.console`.
- One deadline per call (``timeout``): the page's script aborts its fetch when the time is up (so every redirect hop
  and every byte of the body count, and Chromium closes the connection), and the calling thread never waits more
  than `DEADLINE_MARGIN` past it, even when Chromium or the worker thread is stuck. A call that ran out of time
  returns a blocked result with ``timed_out`` True, never an exception and never a hang.
- Tabs do not outlive their object: a ChromiumBrowser that is garbage-collected (a notebook cell re-run rebinds
  ``real``) closes its browser context, and with it its renderer processes. `close_all()` (also at exit) is bounded
  by `CLOSE_GRACE`: a Chromium that does not close in time is killed, never waited for.
"""
from __future__ import annotations

import atexit
import os
import signal
import threading
import time
import weakref
from typing import Any, Callable

from cors_lab.browser.failures import FAILED_TO_FETCH
from cors_lab.browser.origin import OpaqueOrigin, Origin, URLError, origin_of, parse_url
from cors_lab.browser.result import Exchange, FetchResult, XhrResult
from cors_lab.errors import ChromiumError, ChromiumNotFoundError, CorsLabError, InputError
from cors_lab.headers import Headers
from cors_lab.real import bridge, footprint
from cors_lab.real.binaries import CHROMIUM, find_chromium
from cors_lab.real.page_js import FETCH_JS, XHR_JS

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
#: seconds the calling thread waits past a call's deadline for the worker's answer before it gives up on it: the
#: page's own timer answers at the deadline, this only covers the way back (and a stuck worker)
DEADLINE_MARGIN = 0.5
#: seconds `close_all()` lets each Chromium close by itself before it kills it (so exit never waits on a request)
CLOSE_GRACE = 1.0
#: seconds `ChromiumBrowser.close()` waits for its tab to close (a busy worker closes it later, when it is free)
CLOSE_WAIT = 2.0
_BLANK_PAGE = ("<!doctype html><html><head><link rel=icon href='data:,'><title>cors_lab</title></head>"
               "<body></body></html>")



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


_seconds = bridge.seconds  # the shared check (cors_lab.real.bridge); this name is what firefox.py imported


# ---- the worker thread that owns Playwright --------------------------------------------------------
def _late(timeout: float) -> ChromiumError:
    """The error of a call whose deadline passed before Chromium answered (`bridge.late`)."""
    return bridge.late(ChromiumError, "Chromium", timeout)


_is_late = bridge.is_late


class _Session(bridge.WorkerSession):
    """One worker thread with its own Playwright driver and headless Chromium; jobs run there one at a time
    (`bridge.WorkerSession`: the queue, the deadlines, the stop).

    The Playwright objects belong to the session, not to `_Worker`: a session abandoned because it is stuck can
    never touch the objects of the session started after it."""

    error_class = ChromiumError
    browser_name = "Chromium"
    thread_name = "cors_lab:chromium"

    def __init__(self, worker: "_Worker"):
        self.worker = worker
        self.pw = self.browser = None
        self.browser_pid: int | None = None  # Chromium's browser process: the leader of its process group
        self.driver_pid: int | None = None  # Playwright's node driver, Chromium's parent
        super().__init__()  # starts the thread: everything it reads is set above

    def _ensure_browser(self):
        if self.browser is None or not self.browser.is_connected():
            path = find_chromium()
            if path is None:
                raise ChromiumNotFoundError()
            if self.pw is None:
                try:
                    from playwright.sync_api import sync_playwright
                except ImportError:
                    raise ChromiumNotFoundError("the playwright package is not installed") from None
                self.pw = sync_playwright().start()
            args = list(CHROMIUM_ARGS)
            if self.worker.disable_web_security:
                args += ["--disable-web-security"]
            self.browser = self.pw.chromium.launch(executable_path=path, args=args, headless=True)
            self.worker.version = self.browser.version
            self.browser_pid, self.driver_pid = _browser_processes(self.browser)
        return self.browser

    def _shutdown(self) -> None:
        # the driver goes too (it is ~50 MB of the footprint): the next start runs a fresh one
        try:
            if self.browser is not None:
                self.browser.close()
        except Exception:
            pass
        try:
            if self.pw is not None:
                self.pw.stop()
        except Exception:
            pass
        self.browser = self.pw = None
        self.browser_pid = self.driver_pid = None

    def _processes(self) -> list[tuple[int, bool, str]]:
        """(pid, kill its whole group?, name) of this session's Chromium and then its driver, those known now."""
        return [(pid, group, name) for pid, group, name in
                ((self.browser_pid, True, "chromium"), (self.driver_pid, False, "node")) if pid is not None]

    def _killer(self) -> Callable[[], None]:
        processes = self._processes()

        def kill() -> None:
            for process in processes:
                _kill_process(*process)

        return kill

    def kill(self) -> None:
        """Kill this session's Chromium (its whole process group) and then its driver: the stuck Playwright call
        fails at once, and the thread closes what is left. Only processes this session started are touched."""
        for process in self._processes():
            if _kill_process(*process):
                self.thread.join(0.5)
                if not self.thread.is_alive():
                    return


def _kill_process(pid: int, group: bool, name: str) -> bool:
    """SIGKILL ``pid`` (``group``: its whole process group) if it still is a running ``name``; was it?"""
    if not _is_process(pid, name):
        return False  # gone already (or the number was reused by another program)
    try:
        if group:
            os.killpg(pid, signal.SIGKILL)
        else:
            os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    return True


def _browser_processes(browser) -> tuple[int | None, int | None]:
    """(Chromium's browser process, its parent the Playwright driver), asked from Chromium itself over CDP.

    Playwright's Python API does not give the process; killing needs it when Chromium is stuck. Chromium runs in
    a process group of its own (Playwright starts it detached), so killing that group ends every renderer too."""
    try:
        session = browser.new_browser_cdp_session()
        try:
            info = session.send("SystemInfo.getProcessInfo")
        finally:
            session.detach()
        pid = next(p["id"] for p in info["processInfo"] if p["type"] == "browser")
    except Exception:
        return None, None
    try:
        with open(f"/proc/{pid}/stat") as stat:
            parent = int(stat.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        parent = None
    try:
        group_leader = os.getpgid(pid) == pid
    except OSError:
        group_leader = False
    return (pid if group_leader else None), parent


def _is_process(pid: int, name: str) -> bool:
    """Is ``pid`` still a running process whose name starts with ``name``? (True where /proc cannot tell.)"""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except FileNotFoundError:
        return not os.path.isdir("/proc/self")  # no /proc at all: trust the number
    except OSError:
        return False
    command, state = text.split("(", 1)[1].rsplit(")", 1)
    return command.startswith(name) and state.split()[0] != "Z"


class _Worker:
    """One headless Chromium per flavour (web security on or off), run by the current `_Session`.

    ``call(fn)`` runs fn(browser) on the worker thread; a session that was stopped (or whose thread died) is
    replaced by a fresh one on the next call."""

    def __init__(self, disable_web_security: bool):
        self.disable_web_security = disable_web_security
        self._lock = threading.Lock()
        self._session: _Session | None = None
        self.version: str | None = None

    def session(self) -> _Session:
        """The running session, started on first use (or after `close_all`)."""
        with self._lock:
            if self._session is None or not self._session.alive:
                self._session = _Session(self)
            return self._session

    def call(self, fn: Callable[[Any], Any], timeout: float = 60.0, cancel: bool = True) -> Any:
        """Run fn(browser) on the worker thread; `ChromiumError` when it gives no answer within ``timeout`` s."""
        current = self._session
        if current is not None and threading.current_thread() is current.thread:
            return current.call(fn, timeout)
        return self.session().call(fn, timeout, cancel)

    def stop(self) -> _Session | None:
        """Ask the running session to close (without waiting); returns it, to wait for or kill."""
        with self._lock:
            session, self._session = self._session, None
        if session is not None and session.thread.is_alive():
            session.request_stop()
            return session
        return None


_workers: dict[bool, _Worker] = {}
_workers_lock = threading.Lock()


def _worker(disable_web_security: bool) -> _Worker:
    with _workers_lock:
        if disable_web_security not in _workers:
            _workers[disable_web_security] = _Worker(disable_web_security)
        return _workers[disable_web_security]


@atexit.register
def close_all(timeout: float = CLOSE_GRACE) -> None:
    """Close every headless Chromium this process started (also runs at interpreter exit).

        >>> close_all()          # every ChromiumBrowser opens a fresh Chromium on its next call

    - ``timeout``: seconds Chromium may take to close by itself; one that is still busy then (a request that
      never ends, a hung renderer) is killed, so this never waits on a stuck request.

    A call running meanwhile in another thread gets a `ChromiumError`; cookies and cached preflights are gone.
    """
    stopping = [session for session in (w.stop() for w in list(_workers.values())) if session is not None]
    footprint.close_sessions(stopping, timeout)


# ---- one tab ----------------------------------------------------------------------------------------
_ms = bridge.ms_left


class _Tab:
    """State living on the worker thread: a browser context, its page at the origin, and the recorders.

    Made inside a call, so opening the page counts against that call's deadline; a tab that could not open its
    page closes its context at once (a half-made tab would be a context nobody can close)."""

    def __init__(self, session: _Session, browser, page_url: str, route_page: bool, deadline: float,
                 sandboxed: bool = False):
        self.session = session
        self.browser = browser
        self.context = browser.new_context()
        try:
            self._open(page_url, route_page, deadline, sandboxed)
        except BaseException:
            self.close()
            raise

    def _open(self, page_url: str, route_page: bool, deadline: float, sandboxed: bool = False) -> None:
        """Open the page at ``page_url``, or (``sandboxed``) a top-level page on its origin with one
        ``<iframe sandbox="allow-scripts">`` of ``page_url``; ``self.frame`` is where the page scripts run."""
        try:
            self.context.grant_permissions(["local-network-access"])
        except Exception:
            pass  # a Chromium without Local Network Access checks
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.events: list[tuple[str, dict]] = []
        self.page.on("console", lambda m: self.console.append(m.text))
        self.cdp = self._record_network(self.page)

        def answer(route):
            route.fulfill(status=200, content_type="text/html", body=_BLANK_PAGE)

        routed = {page_url: answer} if route_page else {}  # else the page really is served there
        top_url = page_url
        if sandboxed:  # the top page is the bridge's own; the frame's document is page_url
            top_url = bridge.sandbox_top_url(page_url)
            top = bridge.sandbox_top_page(page_url)
            routed[top_url] = lambda route: route.fulfill(status=200, content_type="text/html", body=top)
        for url, handler in routed.items():
            self.page.route(url, handler)
        try:
            self.page.goto(top_url, timeout=_ms(deadline))
        finally:
            for url in routed:
                self.page.unroute(url)
        self.frame = self.page.main_frame
        if sandboxed:
            self.frame = next((frame for frame in self.page.frames if frame is not self.page.main_frame), None)
            if self.frame is None or self.frame.evaluate("self.origin") != "null":
                raise ChromiumError(f"Chromium could not load {page_url} in a sandboxed frame.")
            # Chromium runs a sandboxed frame in a renderer of its own (an out-of-process iframe): the page's
            # DevTools session never sees its requests, a session attached to the frame does
            try:
                self.cdp = self._record_network(self.frame)
            except Exception:
                pass  # the frame shares the page's renderer: the page's session sees its requests

    def _record_network(self, target):
        """A DevTools session on ``target`` (the page, or an out-of-process frame) whose Network events are kept
        in ``self.events``."""
        cdp = self.context.new_cdp_session(target)
        cdp.send("Network.enable")
        for name in ("requestWillBeSent", "requestWillBeSentExtraInfo", "responseReceived",
                     "responseReceivedExtraInfo", "loadingFailed"):
            cdp.on(f"Network.{name}", lambda e, name=name: self.events.append((name, e)))
        return cdp

    def close(self) -> None:
        try:
            self.context.close()
        except Exception:
            pass


class _Slot:
    """Where a ChromiumBrowser keeps its tab: shared with its jobs and its finalizer, which must not hold the
    browser itself. ``gone``: the ChromiumBrowser was collected, so a job still queued for it opens no tab."""

    __slots__ = ("tab", "gone")

    def __init__(self):
        self.tab: _Tab | None = None
        self.gone = False


def _close_when_collected(slot: _Slot) -> None:
    """The finalizer of a ChromiumBrowser: have the worker close its tab, without waiting (the collector may run
    this on any thread, the worker's included, where waiting would wait on itself)."""
    slot.gone = True
    tab, slot.tab = slot.tab, None
    if tab is not None:
        tab.session.post(tab.close)


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
      HTML page at ``origin + "/"``, answered by Playwright (no server needed at that origin). Or ``"null"``: the
      scripts run in an ``<iframe sandbox="allow-scripts">`` whose document is ``page_url`` (its origin is opaque,
      as ``Browser("null", page_url=...)`` models it), in a top-level page on page_url's origin that Playwright
      answers (`cors_lab.real.bridge.SANDBOX_TOP_PATH`).
    - ``page_url``: another page on that origin to stand in for (``"http://localhost:8001/app/"``); with
      ``origin="null"``, the sandboxed frame's URL (default ``http://localhost:8001/``).
    - ``timeout``: seconds one call may take, all of it (starting Chromium, opening the page, every redirect hop,
      reading the body): then `fetch` returns a blocked result with ``timed_out`` True. ``fetch(timeout=...)``
      sets it for one call.
    - ``disable_web_security``: start Chromium with ``--disable-web-security`` (lesson 08: the same-origin policy
      is off in that browser only).
    - ``route_page``: False loads ``page_url`` from the real server at that origin instead of the stand-in page.

    Like a browser tab, it keeps cookies and cached preflights between calls (`clear`, `clear_cookies`), as long as
    its Chromium runs: a Chromium closed (idle for `CORS_LAB_BROWSER_IDLE` seconds, by `stop_all()`, or because
    another real browser started) comes back fresh on the next call. Every ChromiumBrowser shares one headless
    Chromium (started on first use), each in its own browser context, so two of them never share cookies.
    `chromium_available()` says whether it can run here. A ChromiumBrowser nobody refers to any more closes its tab
    by itself, so re-running a cell that makes one never adds a tab (or its processes).
    """

    def __init__(self, origin: str = "http://localhost:8001", page_url: str | None = None, timeout: float = 10.0,
                 disable_web_security: bool = False, route_page: bool = True):
        self.origin: Origin | OpaqueOrigin
        self.origin, self.page_url = bridge.page_of(origin, page_url)
        self.timeout = _seconds(timeout)
        self.disable_web_security = disable_web_security
        self.route_page = route_page
        self._worker = _worker(disable_web_security)
        self._slot = _Slot()
        # closes the tab when this object is collected; not at exit, where close_all closes the whole browser
        weakref.finalize(self, _close_when_collected, self._slot).atexit = False
        self.last_console: list[str] = []

    def __repr__(self) -> str:
        flag = ", web security disabled" if self.disable_web_security else ""
        return f"<ChromiumBrowser {bridge.describe_page(self.origin, self.page_url)}{flag}>"

    @property
    def sandboxed(self) -> bool:
        """Do the scripts run in a sandboxed frame (``origin="null"``)?"""
        return self.origin.opaque

    def __enter__(self) -> "ChromiumBrowser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- lifecycle -----------------------------------------------------------------------------
    @property
    def _tab(self) -> _Tab | None:
        return self._slot.tab

    def _call(self, fn: Callable[["_Tab"], Any], deadline: float | None = None, seconds: float | None = None) -> Any:
        """Run fn(tab) on the worker, opening the tab first if needed, all before ``deadline`` (time.monotonic();
        default: ``seconds``, itself by default ``timeout``, from now). Raises a `ChromiumError` marked
        ``timed_out`` when the deadline passes first."""
        seconds = self.timeout if seconds is None else seconds
        if deadline is None:
            deadline = time.monotonic() + seconds
        reason = unavailable_reason()
        if reason:
            raise ChromiumNotFoundError() if find_chromium() is None else ChromiumError(reason)
        session = self._worker.session()
        # the job names what it needs, never `self`: Playwright keeps the frames of its last call in a reference
        # cycle, and a job frame holding the ChromiumBrowser would keep it (and its tab) alive until the next
        # garbage collection
        slot, page_url, route_page, sandboxed = self._slot, self.page_url, self.route_page, self.sandboxed

        def job(browser):
            # it waited behind another job until its time was up, or until nobody was waiting for it any more
            if time.monotonic() >= deadline or slot.gone:
                raise _late(seconds)
            try:
                tab = slot.tab
                if tab is None or tab.browser is not browser:  # first use, or Chromium was restarted
                    slot.tab = None
                    slot.tab = tab = _Tab(session, browser, page_url, route_page, deadline, sandboxed)
                    if slot.gone:  # collected while the tab opened: the finalizer found no tab to close
                        slot.tab = None
                        tab.close()
                        raise _late(seconds)
                return fn(tab)
            except CorsLabError:
                raise
            except Exception as exc:
                if time.monotonic() >= deadline:  # a Playwright timeout set from the deadline, or any failure past it
                    raise _late(seconds) from exc
                raise

        try:
            return session.call(job, deadline - time.monotonic() + DEADLINE_MARGIN)
        except ChromiumError as exc:
            if _is_late(exc):  # said with the call's own timeout, not the wait that gave up on it
                raise _late(seconds) from None
            raise
        except (CorsLabError, ValueError):
            raise
        except Exception as exc:  # Playwright's errors come with a driver log: keep the first line only
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ChromiumError(f"Real Chromium failed: {first}") from None

    def close(self) -> None:
        """Close this tab's browser context (cookies and preflight cache are forgotten).

        Waits at most `CLOSE_WAIT` seconds: a worker busy with a stuck request closes the tab when it is free."""
        tab, self._slot.tab = self._slot.tab, None
        if tab is None or not tab.session.alive:  # never opened, or its Chromium is closing anyway
            return
        try:
            tab.session.call(tab.close, timeout=CLOSE_WAIT, cancel=False, needs_browser=False)
        except Exception:
            pass

    def clear(self) -> None:
        """A fresh profile: forget cookies and cached preflights."""
        self.close()

    def clear_cookies(self) -> None:
        """Forget cookies only (cached preflights stay): cheaper than `clear()`."""
        tab = self._tab
        if tab is not None and tab.session.alive and tab.session.browser is tab.browser:
            self._call(lambda tab: tab.context.clear_cookies())
        else:  # its Chromium was closed (idle, stop_all, another browser): nothing is left to forget
            self._slot.tab = None

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
        deadline = time.monotonic() + self.timeout

        def job(tab: _Tab) -> bool:
            page = tab.context.new_page()
            try:
                def answer(route):
                    route.fulfill(status=200, content_type="text/html", headers={"Set-Cookie": cookie},
                                  body=_BLANK_PAGE)

                page.route(url, answer)
                page.goto(url, timeout=_ms(deadline))
            finally:
                page.close()
            return any(c["name"] == name for c in tab.context.cookies(url))

        return self._call(job, deadline)  # running out of time: a ChromiumError (no result to say it in)

    def fetch(self, url: str, method: str = "GET", headers=None, body=None, credentials: str = "same-origin",
              mode: str = "cors", redirect: str = "follow", timeout: float | None = None) -> FetchResult:
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
        - ``timeout``: seconds this call may take, all of it (default: the browser's ``timeout``). Not a
          JavaScript option: a page would wait on; this bridge gives up.

        Returns a `FetchResult` with the fields the engine fills, read from the real browser:

        - ``blocked``, ``type``, ``status``, ``headers`` (only what the script can read), ``text``: what the
          script got; ``exception`` is the rejection (``"TypeError: Failed to fetch"``).
        - ``error``: the DevTools console sentence, word for word: the first console message of this call that
          is not Chromium's generic ``"Failed to load resource: ..."`` line (every line is in ``result.console``).
        - ``preflight`` and ``exchanges`` (``kind``, ``method``, ``url``, headers sent and received, status, the
          raw Set-Cookie values): from the DevTools Protocol's network events, so a preflight shows up too.
        - ``source`` is ``"chromium"``; ``request`` repeats the call, with the ``timeout`` it had.
        - ``timed_out``: True when the deadline passed first (a slow server, a slow redirect, a body that
          trickles, a stuck Chromium): the result is then blocked, with ``"TypeError: Failed to fetch"``, and its
          exchanges show what went out before the time was up. The page aborts its request, so Chromium stops
          reading and closes the connection.

        What differs from the engine: real Chromium gives its verdict, not its reasons. ``steps`` is empty, so
        ``.explain()`` shows the verdict and points to ``cors_lab.Browser(origin=...)`` for the step-by-step;
        `compare(engine_result, real_result)` says whether the two agree. The tab keeps cookies and cached
        preflights between calls, like a browser tab.

        Raises `ChromiumNotFoundError` when Chromium or Playwright is missing (see `unavailable_reason`), and
        `ChromiumError` when Chromium fails (it crashed, or `close_all` closed it during the call). Running out of
        time is a result, never an exception: the call returns within ``timeout`` + `DEADLINE_MARGIN` seconds.
        """
        seconds = self.timeout if timeout is None else _seconds(timeout)
        init = bridge.fetch_init(method, headers, body, credentials, mode, redirect)
        request = bridge.fetch_request(self.origin, url, method, headers, body, credentials, mode, redirect, seconds)
        call = self._run_script(FETCH_JS, lambda ms: [url, init, ms], seconds)
        # a timed-out call: what the script would see if it gave up then (a page itself would wait on)
        return bridge.fetch_result(call, request, "chromium", FAILED_TO_FETCH)

    def xhr(self, url: str, method: str = "GET", headers=None, body=None, with_credentials: bool = False,
            upload_listener: bool = False, timeout: float | None = None) -> XhrResult:
        """Send one ``XMLHttpRequest`` from the page, for real, the way axios and jQuery send theirs.

            >>> real = ChromiumBrowser(origin="http://localhost:8001")
            >>> r = real.xhr("http://localhost:8002/api/public")
            >>> r.blocked, r.status, r.events
            (True, 0, ['loadstart', 'error', 'loadend'])
            >>> print(r.error)
            Access to XMLHttpRequest at 'http://localhost:8002/api/public' from origin 'http://localhost:8001' has
            been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.

        The page runs ``xhr.open(method, url)``, ``xhr.setRequestHeader(name, value)`` for each header,
        ``xhr.withCredentials = with_credentials``, and ``xhr.send(body)``:

        - ``url``: the URL (relative URLs are resolved against the page).
        - ``method``: ``"GET"``, ``"POST"``, ``"PUT"``, ... (``open()`` upper-cases the standard ones and throws
          on TRACE, CONNECT and TRACK).
        - ``headers``: a dict or a list of ``(name, value)`` pairs, set one by one with ``setRequestHeader``.
        - ``body``: a str (XHR sends it as ``text/plain;charset=UTF-8`` unless a Content-Type header says
          otherwise) or bytes; ignored by XHR on GET and HEAD.
        - ``with_credentials``: True sends cookies cross-origin (fetch's ``credentials: "include"``).
        - ``upload_listener``: True adds listeners on ``xhr.upload`` (as a progress bar does), which makes a
          cross-origin request with a body need a preflight.
        - ``timeout``: seconds this call may take, all of it (default: the browser's ``timeout``). Not the XHR's
          own ``xhr.timeout``: the bridge gives up and aborts the request.

        Returns an `XhrResult`, read from the real browser:

        - ``blocked``: the request failed (an ``error``, ``abort`` or ``timeout`` event, a throw, or the deadline);
          ``type`` is then ``"error"``, else what fetch() would have said (``"basic"``, ``"cors"``).
        - ``status``, ``text`` (``responseText``), ``headers`` (``getAllResponseHeaders()`` parsed, names
          lowercase; the raw text is ``all_headers``), ``ready_state``, ``events`` and ``upload_events`` (the
          names of the events that fired, in order).
        - ``exception``: what ``open()``, ``setRequestHeader()`` or ``send()`` threw (``"SyntaxError: ..."``), word
          for word. An XHR never rejects: a CORS failure is an ``error`` event, and the console sentence.
        - ``error``, ``console``, ``preflight``, ``exchanges``, ``timed_out``, ``source`` (``"chromium"``): as for
          `fetch`. A call that ran out of time is blocked, with ``timed_out`` True, never an exception.

        Raises `ChromiumNotFoundError` when Chromium or Playwright is missing, and `ChromiumError` when Chromium
        fails; the call returns within ``timeout`` + `DEADLINE_MARGIN` seconds.
        """
        seconds = self.timeout if timeout is None else _seconds(timeout)
        request = bridge.xhr_request(self.origin, url, method, headers, body, with_credentials, upload_listener,
                                     seconds)
        arguments = bridge.xhr_arguments(method, url, headers, body, with_credentials, upload_listener)
        call = self._run_script(XHR_JS, arguments, seconds)
        return bridge.xhr_result(call, request, "chromium", ChromiumError, self._cross_origin)

    def _cross_origin(self, url: str) -> bool:
        """Is ``url`` (relative ones are resolved against the page) on another origin than the page?"""
        return bridge.cross_origin(self.page_url, self.origin, url)

    def _run_script(self, script: str, arguments: Callable[[int], list], seconds: float) -> "_PageCall":
        """Run one of the page scripts (`cors_lab.real.page_js`) in the tab, within one deadline of ``seconds``.

        ``arguments(ms)`` builds the script's argument list with the milliseconds left for the page's own timer
        (opening the tab first takes from the same deadline). What both `fetch` and `xhr` need is collected here:
        the console lines and DevTools network events of this call only, and the exchanges rebuilt from them."""
        deadline = time.monotonic() + seconds  # the one deadline: every step below takes from it

        def job(tab: _Tab):
            tab.console.clear()
            tab.events.clear()
            out = tab.frame.evaluate(script, arguments(_ms(deadline)))  # the page's timer: what is left
            tab.frame.evaluate("0")  # a round trip, so every console message and network event has arrived
            return out, list(tab.console), list(tab.events)

        try:
            out, console, events = self._call(job, deadline, seconds)
        except ChromiumError as exc:  # no answer at all: Chromium, its start or the worker stuck past the deadline
            if not _is_late(exc):
                raise
            out, console, events = {"timeout": True}, [], []
        self.last_console = console
        exchanges, preflight = _exchanges(events)
        error = next((m for m in console if not m.startswith(IGNORED_CONSOLE_PREFIXES)), None)
        return _PageCall(out, console, error, exchanges, preflight, bool(out.get("timeout")))


_PageCall = bridge.PageCall
_xhr_headers = bridge.xhr_headers


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
