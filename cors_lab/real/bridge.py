"""What the two real-browser bridges (`chromium`, Playwright; `firefox`, Marionette) share, written once.

Both run the same page scripts (`cors_lab.real.page_js`) and must answer exactly as the engine does, so the
parts that do not depend on how the browser is driven live here: the deadline arithmetic, the arguments and the
``request`` dict of a call, and turning the page script's answer into a `FetchResult` or an `XhrResult`. A fix
made here reaches both browsers, so the two cannot drift apart. Each bridge passes what is its own: its error
class, its name, the rejection its fetch() gives when the time runs out, and its extra result fields.
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
import time
from concurrent.futures import Future, wait
from html import escape
from typing import Any, Callable, NamedTuple
from urllib.parse import urljoin

from cors_lab.browser.origin import (
    OpaqueOrigin,
    Origin,
    URLError,
    origin_of,
    parse_origin,
    parse_url,
    sandboxed_frame,
)
from cors_lab.browser.result import Exchange, FetchResult, XhrResult
from cors_lab.errors import CorsLabError, InputError
from cors_lab.headers import Headers
from cors_lab.real import footprint


# ---- deadlines ------------------------------------------------------------------------------------------------
def seconds(value: Any, name: str = "timeout") -> float:
    """A duration a learner typed, checked: a number of seconds above 0 (``True`` is not a duration)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise InputError(f"{name} must be a number of seconds above 0, such as 10, not {value!r}.")
    return float(value)


def ms_left(deadline: float) -> int:
    """Milliseconds left until ``deadline`` (a `time.monotonic` time), for the driver and the page's timer: at
    least 1 (Playwright reads 0 as "never") and at most 2**31 - 1 (a longer setTimeout delay overflows and fires
    at once)."""
    return min(max(1, int((deadline - time.monotonic()) * 1000)), 2**31 - 1)


def late(error_class: type[CorsLabError], browser_name: str, timeout: float) -> CorsLabError:
    """The error of a call whose deadline passed before the browser answered: an ``error_class`` marked
    ``timed_out`` (errors.py draws no subclass for it), which `fetch` and `xhr` turn into a timed-out result."""
    error = error_class(f"{browser_name} did not answer within {timeout:g} s.")
    error.timed_out = True
    return error


def is_late(error: BaseException) -> bool:
    """Is ``error`` one that `late` made (the deadline passed), rather than a real failure of the browser?"""
    return getattr(error, "timed_out", False) is True


# ---- the page: a tab's own page, or a sandboxed frame in it -----------------------------------------------------
#: the top-level page a sandboxed frame sits in: on the frame URL's origin, answered by the bridge itself. Recorded:
#: whether the top page is there, on JupyterLab's http://localhost:8888 or on http://127.0.0.1:8888 changes nothing
#: either browser does from the frame (an opaque origin is cross-site to everything)
SANDBOX_TOP_PATH = "/.cors-lab/sandbox-top"


def page_of(origin: str, page_url: str | None) -> tuple[Origin | OpaqueOrigin, str]:
    """(the page's origin, its URL) for a bridge made with ``origin`` and ``page_url``; one sentence when they do not
    fit. ``origin="null"``: a sandboxed frame (``<iframe sandbox="allow-scripts">``) whose document is loaded from
    ``page_url`` (default `cors_lab.browser.origin.SANDBOXED_PAGE_URL`): its origin is opaque, as
    `cors_lab.Browser("null")` models it (`cors_lab.browser.origin.sandboxed_frame`, the one parser of both)."""
    if origin == "null":
        return sandboxed_frame(page_url)
    try:
        page = parse_origin(origin)
    except ValueError:  # the parser's InputError, said the way the bridges always said it
        raise InputError(f"{origin!r} is not an origin like 'http://localhost:8001' (or 'null': a sandboxed "
                         "frame).") from None
    if page_url is None:
        return page, page.serialize() + "/"
    try:
        url = parse_url(page_url)
    except URLError:
        raise InputError(f"page_url {page_url!r} is not on origin {page.serialize()}.") from None
    if origin_of(url) != page:
        raise InputError(f"page_url {page_url!r} is not on origin {page.serialize()}.")
    return page, url


def sandbox_top_url(frame_url: str) -> str:
    """The URL of the top-level page a sandboxed frame loaded from ``frame_url`` sits in (`SANDBOX_TOP_PATH`)."""
    return origin_of(frame_url).serialize() + SANDBOX_TOP_PATH


def sandbox_top_page(frame_url: str) -> str:
    """The top-level page's HTML: one ``<iframe sandbox="allow-scripts">`` of ``frame_url``, as "Send from my
    browser" loads the lab's frame to show ``Origin: null`` (scripts run, allow-same-origin is not given)."""
    return ("<!doctype html><html><head><link rel=icon href='data:,'><title>cors_lab: sandboxed frame</title></head>"
            f"<body><iframe id=sandboxed sandbox='allow-scripts' src='{escape(frame_url, quote=True)}'></iframe>"
            "</body></html>")


def describe_page(origin: Origin | OpaqueOrigin, page_url: str) -> str:
    """The words a bridge's repr uses for its page: ``page http://localhost:8001`` or ``sandboxed frame, origin null,
    loaded from http://localhost:8001/x``."""
    if origin.opaque:
        return f"sandboxed frame, origin null, loaded from {page_url}"
    return f"page {origin.serialize()}"


# ---- one call of a page script ---------------------------------------------------------------------------------
class PageCall(NamedTuple):
    """What one page script left behind: its answer, the console lines and the exchanges of that call."""

    out: dict
    console: list[str]
    error: str | None  # the call's console sentence, chosen by the bridge
    exchanges: list[Exchange]
    preflight: bool
    timed_out: bool
    reason_code: str | None = None  # Firefox's reason code of that sentence; Chromium has none


def cross_origin(page_url: str, origin: Origin, url: str) -> bool:
    """Is ``url`` (relative ones are resolved against ``page_url``) on another origin than ``origin``? A data:
    URL is not: fetch() answers it with a 'basic' response, whatever the page."""
    if url.lower().startswith("data:"):
        return False
    try:
        return origin_of(parse_url(urljoin(page_url, url))) != origin
    except (URLError, ValueError):
        return True


def fetch_init(method, headers, body, credentials, mode, redirect) -> dict[str, Any]:
    """The ``init`` dict FETCH_JS hands to ``fetch(url, init)``; bytes travel as a list of numbers (JSON)."""
    init: dict[str, Any] = {"method": method, "credentials": credentials, "mode": mode, "redirect": redirect}
    if headers is not None:
        init["headers"] = [list(p) for p in headers] if isinstance(headers, (list, tuple)) else dict(headers)
    if isinstance(body, (bytes, bytearray, memoryview)):
        init["bodyBytes"] = list(bytes(body))
    elif body is not None:
        init["body"] = body
    return init


def fetch_request(origin: Origin, url, method, headers, body, credentials, mode, redirect, timeout) -> dict:
    """The call as the result repeats it (``result.request``), with the ``timeout`` it had."""
    return {"origin": origin.serialize(), "url": url, "method": method, "headers": headers, "body": body,
            "credentials": credentials, "mode": mode, "redirect": redirect, "timeout": timeout}


def xhr_arguments(method, url, headers, body, with_credentials, upload_listener) -> Callable[[int], list]:
    """XHR_JS's argument list, given the milliseconds left: headers as pairs for ``setRequestHeader``, a text
    body or the bytes as a list of numbers."""
    pairs = [] if headers is None else [[str(k), str(v)] for k, v in
                                          (headers.items() if isinstance(headers, dict) else headers)]
    is_bytes = isinstance(body, (bytes, bytearray, memoryview))
    text_body = None if body is None or is_bytes else str(body)
    byte_body = list(bytes(body)) if is_bytes else None
    return lambda ms: [method, url, pairs, text_body, byte_body, bool(with_credentials), bool(upload_listener), ms]


def xhr_request(origin: Origin, url, method, headers, body, with_credentials, upload_listener, timeout) -> dict:
    """The XHR call as the result repeats it (``result.request``); ``"api": "xhr"`` tells it from a fetch."""
    return {"origin": origin.serialize(), "url": url, "method": method, "headers": headers, "body": body,
            "with_credentials": with_credentials, "upload_listener": upload_listener, "timeout": timeout,
            "api": "xhr"}


def _common(call: PageCall, request: dict, browser: str, extra: dict) -> dict:
    return dict(error=call.error, preflight=call.preflight, exchanges=call.exchanges, request=request,
                source=browser, browser=browser, timed_out=call.timed_out, console=call.console, **extra)


def fetch_result(call: PageCall, request: dict, browser: str, network_error: str,
                 bridge_failure: Callable[[str], CorsLabError | None] | None = None,
                 extra: dict | None = None) -> FetchResult:
    """FETCH_JS's answer as a `FetchResult`: ``{"timeout": true}`` (the deadline passed: blocked, rejected with
    ``network_error``, what the script would see if it gave up then), ``{"rejected": text}`` (fetch() rejected),
    or the response the script read. ``bridge_failure(text)`` may turn a rejection that is the bridge's own
    failure into an error to raise (Firefox's wrapper marks those); ``extra`` holds the bridge's own fields."""
    out = call.out
    common = _common(call, request, browser, extra or {})
    if call.timed_out:
        return FetchResult(blocked=True, type="error", exception=network_error, **common)
    if "rejected" in out:
        failure = bridge_failure(out["rejected"]) if bridge_failure is not None else None
        if failure is not None:
            raise failure
        return FetchResult(blocked=True, type="error", exception=out["rejected"], **common)
    return FetchResult(blocked=False, type=out["type"], status=out["status"], headers=Headers(out["headers"]),
                       text=out["text"], exception=out.get("bodyError"), **common)


def xhr_result(call: PageCall, request: dict, browser: str, error_class: type[CorsLabError],
               is_cross_origin: Callable[[str], bool], extra: dict | None = None) -> XhrResult:
    """XHR_JS's answer as an `XhrResult`: ``{"timeout": true}`` (the deadline passed: blocked), ``{"thrown":
    text}`` (open/setRequestHeader/send threw), ``{"rejected": text}`` (the bridge's own script failed: raised
    as ``error_class``), or the events and the response. ``type`` is what fetch() would say: "error" after an
    error/abort/timeout event, else "cors" when any hop was cross-origin, else "basic"."""
    out = call.out
    common = _common(call, request, browser, dict(extra or {}, events=list(out.get("events", [])),
                                                  upload_events=list(out.get("uploadEvents", [])),
                                                  ready_state=out.get("readyState", 0)))
    if call.timed_out:
        return XhrResult(blocked=True, type="error", **common)
    if "thrown" in out:
        return XhrResult(blocked=True, type="error", exception=out["thrown"], **common)
    if "rejected" in out:  # the bridge's own script failed
        raise error_class(f"Real {browser.capitalize()} failed: {out['rejected']}")
    if any(name in out["events"] for name in ("error", "abort", "timeout")):
        kind = "error"
    else:
        url = request["url"]
        hops = [url, out.get("responseURL") or url, *(x.url for x in call.exchanges)]
        kind = "cors" if any(is_cross_origin(hop) for hop in hops) else "basic"
    result = XhrResult(blocked=kind == "error", type=kind, status=out["status"], text=out["text"],
                       all_headers=out["allHeaders"], headers=xhr_headers(out["allHeaders"]), **common)
    # XhrResult has no such fields yet: xhr.responseURL and xhr.statusText
    result.response_url, result.status_text = out.get("responseURL", ""), out.get("statusText", "")
    return result


def xhr_headers(all_headers: str) -> Headers:
    """``getAllResponseHeaders()``'s text (``"name: value\\r\\n"`` lines) as a `Headers` with lowercase names."""
    pairs = []
    for line in all_headers.split("\r\n"):
        name, sep, value = line.partition(": ")
        if sep:
            pairs.append((name.lower(), value))
    return Headers.from_pairs(pairs)


# ---- the worker thread that owns the driver ---------------------------------------------------------------------
class WorkerSession:
    """One worker thread that owns one browser driver; jobs run there one at a time, each caller waiting on a
    future with its own deadline.

    Neither Playwright's sync API nor a Marionette socket may be used from two threads, and a call stuck inside
    the driver must not hang the learner's cell: so the driver lives on this thread alone, a caller gives up at
    its deadline (a `late` error), and a stuck session is abandoned (`request_stop`, `kill`) while calls go to a
    new one. A subclass says how its browser starts (`_ensure_browser`), closes (`_shutdown`) and is killed
    (`_killer`, `kill`), and sets `error_class`, `browser_name` and `thread_name` before calling
    ``super().__init__()``, which starts the thread.

    The browser is open from the first job that needs it until the thread ends, the browser has been idle for
    `cors_lab.real.footprint.idle_seconds()`, or another real browser starts (`cors_lab.real.footprint`: one at a
    time); the thread stays, and its next job starts a fresh browser.
    """

    error_class: type[CorsLabError] = CorsLabError
    browser_name = "The browser"
    thread_name = "cors_lab:browser"

    def __init__(self) -> None:
        # SimpleQueue.put is reentrant: a finalizer run by the garbage collector in the middle of a put (even on
        # the worker thread itself) can post a job without deadlocking
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self.stopping = False
        self.browser_open = False  # set on the worker thread: a browser was started and not closed since
        self.last_use = time.monotonic()  # when the last job that needed the browser ended (the idle clock)
        self.thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        footprint.register(self)
        self.thread.start()

    @property
    def alive(self) -> bool:
        return not self.stopping and self.thread.is_alive()

    def __repr__(self) -> str:
        state = "browser open" if self.browser_open else "no browser"
        return f"<{self.browser_name} session, {state}{', stopping' if self.stopping else ''}>"

    def _browser(self) -> Any:
        """The running browser for a job, on the worker thread: one that starts first closes any other real
        browser of this process (`cors_lab.real.footprint`: one at a time)."""
        if not self.browser_open:
            footprint.take_turn(self)
        browser = self._ensure_browser()
        self.browser_open = True
        return browser

    def _close_browser(self) -> None:
        """Close the browser and keep the thread, on the worker thread: the next job starts a fresh browser.

        Bounded: a browser whose close has not returned within `footprint.SWITCH_GRACE` seconds is killed (its
        stuck close then fails at once)."""
        if not self.browser_open:
            return
        self.browser_open = False
        try:
            with self._killed_after(footprint.SWITCH_GRACE):
                self._shutdown()
        finally:
            footprint.give_up_turn(self)

    @contextlib.contextmanager
    def _killed_after(self, seconds: float):
        """Kill the browser running now if the block has not ended within ``seconds``: a close that a frozen
        browser never answers then fails at once, so the thread (and the idle clock) goes on."""
        done, kill = threading.Event(), self._killer()  # the processes of this browser, not of the next one
        watchdog = threading.Timer(seconds, lambda: done.is_set() or kill())
        watchdog.daemon = True
        watchdog.start()
        try:
            yield
        finally:
            done.set()
            watchdog.cancel()

    def close_browser_soon(self, wait_at_most: float) -> None:
        """Have the worker thread close the browser (another real browser is starting), waiting at most
        ``wait_at_most`` seconds; from any thread. A thread busy with a call closes it when that call is done."""
        if self.stopping or not self.thread.is_alive():
            return  # closing anyway
        if threading.current_thread() is self.thread:
            self._close_browser()
            return
        future: Future = Future()
        self.jobs.put((self._close_browser, future, False))
        wait([future], wait_at_most)

    def _idle_wait(self) -> float | None:
        """Seconds the thread may wait for a job before its browser counts as idle (None: no limit)."""
        idle = footprint.idle_seconds()
        if not self.browser_open or idle is None:
            return None
        return max(0.0, self.last_use + idle - time.monotonic())

    def _ensure_browser(self) -> Any:
        """The running browser (started first if needed); called on the worker thread only."""
        raise NotImplementedError

    def _shutdown(self) -> None:
        """Close what this session started; called on the worker thread when it ends."""

    def _job_failed(self, error: BaseException) -> None:
        """A job raised ``error`` on the worker thread: a chance to drop a browser that is of no more use."""

    def _killer(self) -> Callable[[], None]:
        """A function that kills the processes of the browser running now (and only those), from any thread."""
        return lambda: None

    def kill(self) -> None:
        """Kill this session's browser from another thread (it is stuck): its stuck call fails at once."""
        self._killer()()

    def call(self, fn: Callable[..., Any], timeout: float, cancel: bool = True, needs_browser: bool = True) -> Any:
        """Run fn(browser) on this session's thread and return its result, waiting at most ``timeout`` seconds.

        Raises an ``error_class`` marked ``timed_out`` when no answer came in time. ``cancel``: a job that has not
        started by then never runs (False: it still runs when the thread is free, as closing a tab should).
        ``needs_browser=False``: run fn() without starting the browser (closing a tab never starts one)."""
        if threading.current_thread() is self.thread:  # already on the worker (nested call)
            return fn(self._browser()) if needs_browser else fn()
        future: Future = Future()
        self.jobs.put((fn, future, needs_browser))
        if not wait([future], max(timeout, 0.0)).done:
            if cancel:
                future.cancel()
            raise late(self.error_class, self.browser_name, timeout)
        return future.result()

    def post(self, fn: Callable[[], Any]) -> None:
        """Run fn() on this session's thread some time soon, without waiting and without starting the browser.

        Safe from a finalizer on any thread; does nothing once the session is closing (its browser goes anyway)."""
        if not self.stopping:
            self.jobs.put((fn, None, False))

    def _run(self) -> None:
        try:
            while True:
                try:
                    job = self.jobs.get(timeout=self._idle_wait())
                except queue.Empty:  # no call for CORS_LAB_BROWSER_IDLE seconds: the browser closes, the thread stays
                    if self._idle_wait() == 0.0:
                        self._close_browser()
                    continue
                if job is None:
                    break
                self._run_one(*job)
                # no reference to the job may stay in this frame while the thread waits for the next one: what
                # its closure holds (a tab, a caller's objects) would live on until the next job arrives
                del job
        finally:
            self.browser_open = False
            try:
                self._shutdown()
            finally:
                footprint.give_up_turn(self)
                self._refuse_the_rest()

    def _run_one(self, fn: Callable, future: Future | None, needs_browser: bool) -> None:
        if future is not None and not future.set_running_or_notify_cancel():
            return  # its caller gave up before it started
        try:
            if needs_browser:
                value = fn(self._browser())
            else:  # closing a tab (or the browser): bounded, so a frozen browser cannot hold the thread for good
                with self._killed_after(footprint.SWITCH_GRACE):
                    value = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the calling thread
            self._job_failed(exc)
            if future is not None:  # the browser closed (or killed) under this job is said as such
                closed = f"{self.browser_name} was closed while this call was running (close_all() or exit)."
                future.set_exception(self.error_class(closed) if self.stopping else exc)
        else:
            if future is not None:
                future.set_result(value)
        finally:
            if needs_browser:
                self.last_use = time.monotonic()

    def _refuse_the_rest(self) -> None:
        """Jobs queued after the stop (a call racing close_all) get an error now, not a wait for their deadline."""
        while True:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None and job[1] is not None and job[1].set_running_or_notify_cancel():
                job[1].set_exception(self.error_class(f"{self.browser_name} was closed before this call could run."))

    def request_stop(self) -> None:
        """Ask the thread to close the browser once its current job is done; new calls go to a new session."""
        self.stopping = True
        self.jobs.put(None)
