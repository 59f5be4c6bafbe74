"""A learner's footprint: at most one real browser per kernel at a time, closed when idle and by `stop_all()`.

    >>> import cors_lab
    >>> cors_lab.ChromiumBrowser(FRONTEND).fetch(API + "/api/public")      # starts headless Chromium
    <FetchResult blocked>
    >>> cors_lab.FirefoxBrowser(FRONTEND).fetch(API + "/api/public")       # closes Chromium, starts Firefox
    <FetchResult blocked>
    >>> cors_lab.stop_all()                                                 # closes Firefox too
    >>> running_browsers()
    []

Why: a kernel that used Chromium kept a Playwright driver and ~8 Chromium processes (~240 MB) until the kernel
died, and JupyterLab keeps every kernel alive, so a learner who followed the eleven notebooks held ~2.2 GB on a hub.
Three rules bound that, each for one way the memory stayed:

- **One real browser at a time, per kernel.** There are three: Chromium, Chromium with web security disabled
  (lesson 08, a separate process: the flag is a start-up switch) and Firefox. Starting one closes the one that ran
  before (it waits `SWITCH_GRACE` seconds for it, so the next call sees one tree; a browser busy with another
  thread's call then closes when that call is done). Lessons switch browsers only between cells: 02 confirms in
  Chromium then Firefox (each confirm already starts fresh), 08 runs a tool in Chromium, then in Chromium without
  web security. No lesson keeps a real tab across cells: each cell's ``with ChromiumBrowser(...)`` (or widget
  press) opens and closes its tab, so its cookies and cached preflights live and end inside that cell.
- **Closed when idle**: `CORS_LAB_BROWSER_IDLE` seconds (default `DEFAULT_IDLE`) after its last call. Measured on
  2 cores (`benchmarks/bench_footprint.py`): an open Chromium holds 180-300 MB of its own (USS; 8 processes with
  its driver), Firefox 330-400 MB (11 processes); starting again makes the next call 0.6 s slower for Chromium
  (1.1 s instead of 0.5 s) and 2.4 s for Firefox (2.7 s instead of 0.3 s); closing takes 0.2 s. Two minutes keeps
  the browser through a run of cells and costs a learner who paused longer one restart, at most 2% of the pause;
  `0` (or ``off``) never closes an idle browser.
- **Closed by `stop_all()`**, the last cell of every lesson, so a notebook left open holds no browser after it.

What a closed browser costs a tab kept in a variable: its next call opens it again in a fresh browser, so its cookies
and cached preflights are gone, as after `ChromiumBrowser.clear()`. The next call after a close, from any tab, starts
a fresh browser as the first did. Closing never hangs: a browser that does not close within its grace is killed,
with its whole process group (every renderer and content process), and its driver.

The simplest rule that keeps the lessons right: sharing one browser between a learner's kernels would need a
process outside every kernel and a protocol to it; one per kernel, closed when idle, keeps the footprint of a learner
who follows the course in order at one browser, and of one who opens every notebook at one browser per kernel that
ran a real cell in the last `DEFAULT_IDLE` seconds.
"""
from __future__ import annotations

import math
import os
import threading
import time
import weakref
from typing import Any

IDLE_ENV = "CORS_LAB_BROWSER_IDLE"
#: seconds without a call after which a real browser closes (see the module docstring for why this number)
DEFAULT_IDLE = 120.0
#: seconds a browser that is starting lets the one that ran before close by itself (both close in ~0.2 s); a
#: browser still busy with another thread's call then closes when it is done. Also the bound on closing a tab or a
#: browser on its worker thread: past it the browser is killed (a frozen browser never answers a close)
SWITCH_GRACE = 3.0
#: seconds `close_every_browser()` lets every real browser close by itself before it kills the rest
CLOSE_GRACE = 1.0

_lock = threading.Lock()
_holder: Any = None  # the session whose browser runs now (the last to start one)
_sessions: "weakref.WeakSet[Any]" = weakref.WeakSet()  # every session not yet ended, of every bridge


def idle_seconds() -> float | None:
    """Seconds a real browser may stay idle before it closes (`CORS_LAB_BROWSER_IDLE`), or None: never.

        >>> os.environ["CORS_LAB_BROWSER_IDLE"] = "30"
        >>> idle_seconds()
        30.0

    Read at every wait, so a change applies from the next call on; a value that is not a number of seconds is
    ignored (the default applies): a typo must not keep a browser open for good."""
    raw = os.environ.get(IDLE_ENV, "").strip().lower()
    if raw in ("0", "off", "never", "no"):
        return None
    try:
        value = float(raw)
    except ValueError:
        return DEFAULT_IDLE
    return value if value > 0 and math.isfinite(value) else DEFAULT_IDLE


def register(session: Any) -> None:
    """Count ``session`` (a `cors_lab.real.bridge.WorkerSession`) among those `close_every_browser` closes."""
    with _lock:
        _sessions.add(session)


def take_turn(session: Any) -> None:
    """``session`` is about to start its browser: close the browser that ran before, if another session's.

    Called on ``session``'s worker thread; waits at most `SWITCH_GRACE` seconds for the other browser to close."""
    global _holder
    with _lock:
        previous, _holder = _holder, session
    if previous is not None and previous is not session:
        previous.close_browser_soon(SWITCH_GRACE)


def give_up_turn(session: Any) -> None:
    """``session``'s browser closed: no browser runs now, unless another session started one meanwhile."""
    global _holder
    with _lock:
        if _holder is session:
            _holder = None


def running_browsers() -> list[Any]:
    """The sessions whose browser is open now (at most one, unless two threads use two browsers at once).

        >>> running_browsers()
        [<Chromium session, browser open>]
    """
    with _lock:
        sessions = list(_sessions)
    return [s for s in sessions if s.browser_open and s.thread.is_alive()]


def close_sessions(sessions: list[Any], timeout: float) -> None:
    """Wait for ``sessions`` (already asked to stop) to close their browsers, sharing one deadline ``timeout`` s
    away; kill the browsers of those still running then. Never waits on the calling thread itself."""
    end = time.monotonic() + timeout
    me = threading.current_thread()
    for session in sessions:
        if session.thread is not me:
            session.thread.join(max(0.0, end - time.monotonic()))
    for session in sessions:
        if session.thread is not me and session.thread.is_alive():
            session.kill()


def close_every_browser(timeout: float = CLOSE_GRACE) -> None:
    """Close every real browser this process started, Chromium and Firefox, in one bounded wait (`stop_all` calls
    this): each may take ``timeout`` seconds to close by itself, then it is killed.

        >>> close_every_browser()
        >>> running_browsers()
        []

    The next call of any real-browser tab starts a fresh browser (cookies and cached preflights are gone). A call
    running meanwhile in another thread gets the bridge's error ("... was closed while this call was running")."""
    with _lock:
        sessions = [s for s in _sessions if s.thread.is_alive()]
    for session in sessions:
        session.request_stop()
    close_sessions(sessions, timeout)


__all__ = ["IDLE_ENV", "DEFAULT_IDLE", "SWITCH_GRACE", "CLOSE_GRACE", "idle_seconds", "running_browsers",
           "close_every_browser"]
