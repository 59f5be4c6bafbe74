"""A learner's footprint (`cors_lab.real.footprint`): at most one real browser per process at a time, closed by
`stop_all()` and after `CORS_LAB_BROWSER_IDLE` seconds without a call, never hanging, leaving no process behind;
the next call after each close works in a fresh browser.

Browser processes are told by their program (/proc/<pid>/exe): Chromium's, Firefox's, and Playwright's driver (its
node). "Left behind" is checked three ways: no such process below this one, no zombie child of this one (a process
nobody reaped), and no living process in the process group of a browser that closed (an orphan, adopted by init).
"""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from support.processes import all_pids, stat_fields
from werkzeug.wrappers import Request, Response

from cors_lab import api_app, serve, stop_all
from cors_lab.real import footprint
from cors_lab.real.chromium import ChromiumBrowser, chromium_available
from cors_lab.real.chromium import unavailable_reason as chromium_unavailable

PAGE = "http://localhost:8001"
FIREFOX = "firefox"
CHROMIUM = "chromium"
DRIVER = "driver"
#: seconds a close may take in these tests: CLOSE_GRACE or SWITCH_GRACE, then a kill, plus a loaded machine's slack
BOUND = footprint.SWITCH_GRACE + 3.0

needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="counting processes needs /proc")
needs_chromium = pytest.mark.skipif(not chromium_available(),
                                    reason=f"real Chromium not available: {chromium_unavailable()}")


def _firefox_reason() -> str | None:
    from cors_lab.real.firefox import unavailable_reason

    return unavailable_reason()


needs_firefox = pytest.mark.skipif(_firefox_reason() is not None, reason=f"real Firefox not available: "
                                                                         f"{_firefox_reason()}")


# ---- processes, from /proc ------------------------------------------------------------------------------------
def kind(pid: int) -> str | None:
    """CHROMIUM, FIREFOX, DRIVER (Playwright's node) or None, from the program the process runs."""
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None
    if "playwright" in exe and os.path.basename(exe).startswith("node"):
        return DRIVER
    if "chromium" in exe:
        return CHROMIUM
    if "firefox" in exe:
        return FIREFOX
    return None


def descendants(pid: int | None = None) -> list[int]:
    """Every living process below ``pid`` (default: this one)."""
    children: dict[int, list[int]] = {}
    for child in all_pids():
        fields = stat_fields(child)
        if fields and fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(child)
    found, todo = [], [pid or os.getpid()]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def browsers() -> dict[str, list[int]]:
    """This process's browser processes by kind: ``{"chromium": [...], "driver": [...], "firefox": [...]}``."""
    found: dict[str, list[int]] = {}
    for pid in descendants():
        name = kind(pid)
        if name:
            found.setdefault(name, []).append(pid)
    return found


def groups() -> set[int]:
    """The process groups of this process's browser processes (Chromium and Firefox each lead one of their own)."""
    found = set()
    for pids in browsers().values():
        for pid in pids:
            fields = stat_fields(pid)
            if fields and int(fields[2]) != os.getpgrp():
                found.add(int(fields[2]))
    return found


def zombies() -> list[int]:
    """Children of this process that exited and were never reaped."""
    return [pid for pid in all_pids()
            if (fields := stat_fields(pid)) and fields[0] == "Z" and int(fields[1]) == os.getpid()]


def group_members(group_ids: set[int]) -> list[int]:
    """Living processes anywhere (an orphan is adopted by init) in one of ``group_ids``."""
    return [pid for pid in all_pids()
            if (fields := stat_fields(pid)) and fields[0] != "Z" and int(fields[2]) in group_ids]


def wait_until(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= end:
            return False
        time.sleep(0.05)
    return True


def assert_nothing_left(group_ids: set[int], seconds: float = BOUND) -> None:
    """No browser process below this one, no orphan in the groups the browsers had, no zombie child."""
    assert wait_until(lambda: not browsers() and not group_members(group_ids) and not zombies(), seconds), (
        f"left behind: {browsers()}, in groups {group_ids}: {group_members(group_ids)}, zombies {zombies()}")
    assert group_ids, "the browser was never seen running: this test measured nothing"


# ---- fixtures -------------------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _no_browser_before_or_after():
    """Each test starts with no real browser open and leaves none (whatever an earlier test left open)."""
    footprint.close_every_browser()
    yield
    footprint.close_every_browser()


@pytest.fixture
def api():
    """An API without CORS headers (a fresh one per test: `stop_all` stops it)."""
    return serve(api_app(), port=None, name="footprint-api")


def chromium_fetch(api, **options):
    result = ChromiumBrowser(PAGE, **options).fetch(api.url + "/api/public")
    assert result.blocked and result.source == "chromium"
    assert result.error.startswith(f"Access to fetch at '{api.url}/api/public' from origin '{PAGE}'"), result.error
    return result


def firefox_fetch(api):
    from cors_lab.real.firefox import FirefoxBrowser

    result = FirefoxBrowser(PAGE).fetch(api.url + "/api/public")
    assert result.blocked and result.source == "firefox" and result.reason_code == "CORSMissingAllowOrigin"
    return result


def lax_fetch(api):
    """A Chromium with web security disabled reads what CORS would block."""
    result = ChromiumBrowser(PAGE, disable_web_security=True).fetch(api.url + "/api/public")
    assert not result.blocked and result.status == 200
    return result


def browser_pid(kind_name: str) -> int:
    """The one browser process of that kind (Chromium's browser process leads its group, as Firefox's does)."""
    leaders = [pid for pid in browsers().get(kind_name, []) if (fields := stat_fields(pid)) and int(fields[2]) == pid]
    assert len(leaders) == 1, f"expected one {kind_name} browser, found {leaders} ({browsers()})"
    return leaders[0]


# ---- the idle setting (no browser needed) -----------------------------------------------------------------------
@pytest.mark.parametrize("value, seconds", [
    (None, footprint.DEFAULT_IDLE), ("30", 30.0), (" 2.5 ", 2.5), ("0", None), ("off", None), ("never", None),
    ("-3", footprint.DEFAULT_IDLE), ("ten", footprint.DEFAULT_IDLE), ("nan", footprint.DEFAULT_IDLE),
    ("inf", footprint.DEFAULT_IDLE), ("", footprint.DEFAULT_IDLE),
])
def test_the_idle_time_is_read_from_CORS_LAB_BROWSER_IDLE(monkeypatch, value, seconds):
    if value is None:
        monkeypatch.delenv(footprint.IDLE_ENV, raising=False)
    else:
        monkeypatch.setenv(footprint.IDLE_ENV, value)
    assert footprint.idle_seconds() == seconds


def test_the_default_idle_time_is_sensible():
    assert 30 <= footprint.DEFAULT_IDLE <= 600


# ---- stop_all ---------------------------------------------------------------------------------------------------
@needs_proc
@needs_chromium
def test_stop_all_closes_chromium_and_its_driver_and_the_next_call_starts_a_fresh_one(api):
    chromium_fetch(api)
    running = browsers()
    assert running.get(CHROMIUM) and len(running.get(DRIVER, [])) == 1, running
    first, seen = browser_pid(CHROMIUM), groups()
    started = time.monotonic()
    stop_all()
    assert time.monotonic() - started < BOUND
    assert_nothing_left(seen)
    assert footprint.running_browsers() == []
    api = serve(api_app(), port=None, name="footprint-api-again")  # stop_all stopped the servers too
    chromium_fetch(api)
    assert browser_pid(CHROMIUM) != first


@needs_proc
@needs_firefox
def test_stop_all_closes_firefox_and_the_next_call_starts_a_fresh_one(api):
    firefox_fetch(api)
    first, seen = browser_pid(FIREFOX), groups()
    assert len(group_members(seen)) > 1  # its content processes are in its group
    started = time.monotonic()
    stop_all()
    assert time.monotonic() - started < BOUND
    assert_nothing_left(seen)
    api = serve(api_app(), port=None, name="footprint-api-again")
    firefox_fetch(api)
    assert browser_pid(FIREFOX) != first


@needs_proc
@needs_chromium
def test_stop_all_works_from_another_thread(api):
    chromium_fetch(api)
    seen = groups()
    done = threading.Event()
    threading.Thread(target=lambda: (stop_all(), done.set()), daemon=True).start()
    assert done.wait(BOUND)
    assert_nothing_left(seen)


@needs_proc
@pytest.mark.parametrize("fetch", [pytest.param(chromium_fetch, marks=needs_chromium, id="chromium"),
                                   pytest.param(firefox_fetch, marks=needs_firefox, id="firefox")])
def test_stop_all_kills_a_browser_that_does_not_answer_and_never_hangs(api, fetch):
    fetch(api)
    seen = groups()
    for group in seen:
        os.killpg(group, signal.SIGSTOP)  # a frozen browser: its close is never answered
    started = time.monotonic()
    stop_all()
    assert time.monotonic() - started < BOUND
    assert_nothing_left(seen)
    api = serve(api_app(), port=None, name="footprint-api-again")
    fetch(api)


# ---- idle -------------------------------------------------------------------------------------------------------
@needs_proc
@needs_chromium
def test_an_idle_chromium_closes_after_CORS_LAB_BROWSER_IDLE_seconds_and_its_tab_works_again(api, monkeypatch):
    monkeypatch.setenv(footprint.IDLE_ENV, "1.5")
    tab = ChromiumBrowser(PAGE)
    assert tab.set_cookie(api.url + "/", "sid=before-idle; SameSite=Lax")
    tab.fetch(api.url + "/api/public")
    opened_at, seen = time.monotonic(), groups()
    assert browsers().get(CHROMIUM)
    assert_nothing_left(seen, seconds=1.5 + BOUND)
    assert time.monotonic() - opened_at >= 1.0  # not closed at once: after the idle time
    again = tab.fetch(api.url + "/api/public", credentials="include")  # the same tab, in a fresh Chromium
    assert again.blocked and again.error.startswith("Access to fetch at")
    assert "cookie" not in again.exchanges[-1].request_headers  # a fresh browser: the cookie went with the old one
    assert browsers().get(CHROMIUM)
    tab.close()


@needs_proc
@needs_chromium
def test_calls_closer_together_than_the_idle_time_keep_the_same_chromium(api, monkeypatch):
    monkeypatch.setenv(footprint.IDLE_ENV, "2")
    tab = ChromiumBrowser(PAGE)
    tab.fetch(api.url + "/api/public")
    first = browser_pid(CHROMIUM)
    for _ in range(4):  # 4 s in all, never 2 s without a call
        time.sleep(0.8)
        assert tab.fetch(api.url + "/api/public").blocked
        assert browser_pid(CHROMIUM) == first
    tab.close()


@needs_proc
@needs_firefox
def test_an_idle_firefox_closes_after_CORS_LAB_BROWSER_IDLE_seconds(api, monkeypatch):
    monkeypatch.setenv(footprint.IDLE_ENV, "1.5")
    firefox_fetch(api)
    seen = groups()
    assert browsers().get(FIREFOX)
    assert_nothing_left(seen, seconds=1.5 + BOUND)
    firefox_fetch(api)


@needs_proc
@needs_chromium
def test_an_idle_close_kills_a_chromium_that_does_not_answer(api, monkeypatch):
    monkeypatch.setenv(footprint.IDLE_ENV, "1")
    chromium_fetch(api)
    seen = groups()
    for group in seen:
        os.killpg(group, signal.SIGSTOP)
    assert_nothing_left(seen, seconds=1 + BOUND)
    chromium_fetch(api)


@needs_proc
@needs_chromium
def test_with_CORS_LAB_BROWSER_IDLE_0_an_idle_browser_stays_open(api, monkeypatch):
    monkeypatch.setenv(footprint.IDLE_ENV, "0")
    chromium_fetch(api)
    first = browser_pid(CHROMIUM)
    time.sleep(2.0)
    assert browser_pid(CHROMIUM) == first


# ---- one browser at a time ----------------------------------------------------------------------------------------
@needs_proc
@needs_chromium
def test_chromium_with_web_security_disabled_replaces_the_normal_one_and_back(api):
    chromium_fetch(api)
    normal, normal_groups = browser_pid(CHROMIUM), groups()
    lax_fetch(api)
    lax = browser_pid(CHROMIUM)  # exactly one Chromium browser process (and one driver) runs
    assert lax != normal and not group_members(normal_groups)
    assert len(browsers().get(DRIVER, [])) == 1
    chromium_fetch(api)
    assert browser_pid(CHROMIUM) not in (normal, lax)
    assert len(browsers().get(DRIVER, [])) == 1


@needs_proc
@needs_chromium
@needs_firefox
def test_chromium_then_firefox_then_chromium_runs_one_browser_at_a_time(api):
    chromium_fetch(api)
    chromium_groups = groups()
    firefox_fetch(api)
    assert set(browsers()) == {FIREFOX}, browsers()
    assert not group_members(chromium_groups)
    firefox_groups = groups()
    chromium_fetch(api)
    assert set(browsers()) == {CHROMIUM, DRIVER}, browsers()
    assert not group_members(firefox_groups)
    assert len(footprint.running_browsers()) == 1
    stop_all()
    assert_nothing_left(chromium_groups | firefox_groups | groups())


@needs_proc
@needs_chromium
@needs_firefox
def test_a_tab_kept_across_a_switch_opens_again_in_a_fresh_browser(api):
    from cors_lab.real.firefox import FirefoxBrowser

    chromium, firefox = ChromiumBrowser(PAGE), FirefoxBrowser(PAGE)
    for _ in range(2):  # back and forth: each call closes the other browser and still answers right
        assert chromium.fetch(api.url + "/api/public").error.startswith("Access to fetch at")
        assert set(browsers()) == {CHROMIUM, DRIVER}
        assert firefox.fetch(api.url + "/api/public").reason_code == "CORSMissingAllowOrigin"
        assert set(browsers()) == {FIREFOX}
    chromium.close(), firefox.close()


@needs_proc
@needs_chromium
def test_a_switch_waits_for_a_call_running_in_another_thread(api):
    """A browser busy with another thread's call is not killed under it: the call ends with its right answer."""
    @Request.application
    def slow_app(request):
        time.sleep(2)
        return Response("slow")  # no CORS header: blocked, once it has answered

    slow = serve(slow_app, port=None, name="footprint-slow")
    answers = []
    busy = threading.Thread(target=lambda: answers.append(ChromiumBrowser(PAGE).fetch(slow.url + "/x")))
    busy.start()
    time.sleep(0.8)  # the slow call is running in Chromium
    lax_fetch(api)
    busy.join(10)
    assert len(answers) == 1 and answers[0].blocked and not answers[0].timed_out
    assert answers[0].error.startswith("Access to fetch at")  # the CORS verdict, not a closed-browser error
    assert wait_until(lambda: len([p for p in browsers().get(CHROMIUM, [])
                                   if (f := stat_fields(p)) and int(f[2]) == p]) == 1, BOUND)


@needs_proc
@needs_chromium
@needs_firefox
def test_clearing_the_cookies_of_a_tab_whose_browser_closed_starts_no_browser(api):
    from cors_lab.real.firefox import FirefoxBrowser

    for tab in (ChromiumBrowser(PAGE), FirefoxBrowser(PAGE)):
        assert tab.fetch(api.url + "/api/public").blocked
        footprint.close_every_browser()
        tab.clear_cookies()  # a closed browser has no cookies left: nothing to start for that
        assert not browsers()
        assert tab.fetch(api.url + "/api/public").blocked
        tab.close()
