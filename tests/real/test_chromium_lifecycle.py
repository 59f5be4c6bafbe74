"""Real-browser tabs over a long session: a ChromiumBrowser that goes away closes its tab, re-running a notebook cell
never adds processes, and neither `close_all()` nor the kernel's exit waits on a stuck request.

Processes are counted as this Python process's descendants whose name is ``chromium`` (read from /proc).
"""
from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from werkzeug.wrappers import Request, Response

from cors_lab import serve
from cors_lab.errors import ChromiumError
from cors_lab.real import chromium as bridge
from cors_lab.real.chromium import ChromiumBrowser, chromium_available, unavailable_reason

pytestmark = [
    pytest.mark.skipif(not chromium_available(), reason=f"real Chromium not available: {unavailable_reason()}"),
    pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="counting processes needs /proc"),
]

PAGE = "http://localhost:8001"


def descendants(pid: int) -> list[int]:
    """Every living process below ``pid`` (zombies, which are already gone but not yet reaped, are left out)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def chromium_processes(pid: int | None = None) -> list[int]:
    def name(p):
        try:
            with open(f"/proc/{p}/comm") as comm:
                return comm.read().strip()
        except OSError:
            return ""

    return [p for p in descendants(pid or os.getpid()) if name(p) == "chromium"]


def alive_chromium(pid: int) -> bool:
    """Is ``pid`` still a running Chromium (an orphan keeps running after its kernel has gone)?"""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return False
    return "(chromium)" in text and text.rsplit(")", 1)[1].split()[0] != "Z"


def settle(measure, target, seconds: float = 5.0):
    """``measure()`` once it is at most ``target`` (renderers take a moment to exit), or its last value."""
    end = time.monotonic() + seconds
    value = measure()
    while value > target and time.monotonic() < end:
        time.sleep(0.1)
        value = measure()
    return value


def contexts() -> int:
    return bridge._worker(False).call(lambda browser: len(browser.contexts), timeout=10)


@Request.application
def api(request: Request) -> Response:
    return Response("ok", headers={"Access-Control-Allow-Origin": "*"})


@pytest.fixture(scope="module")
def server():
    srv = serve(api, port=None, name="lifecycle-api")
    yield srv
    srv.stop()


def test_a_chromium_browser_that_goes_away_closes_its_tab(server):
    before = contexts()
    real = ChromiumBrowser(PAGE)
    assert real.fetch(server.url + "/").text == "ok"
    assert contexts() == before + 1
    del real  # the last reference: no garbage collection needed, as when a re-run cell rebinds `real`
    assert settle(contexts, before) == before


def test_a_collected_chromium_browser_left_in_a_reference_cycle_closes_its_tab_too(server):
    before = contexts()
    real = ChromiumBrowser(PAGE)
    real.fetch(server.url + "/")
    real.myself = real  # a cycle: only the garbage collector frees it
    del real
    gc.collect()
    assert settle(contexts, before) == before


def test_re_running_a_cell_twenty_times_keeps_processes_and_contexts_flat(server):
    real = ChromiumBrowser(PAGE)  # the cell, run once
    real.fetch(server.url + "/")
    first_contexts, first_processes = contexts(), len(chromium_processes())
    for _ in range(20):  # ... and run again without close(), as a learner re-runs it
        real = ChromiumBrowser(PAGE)
        assert real.fetch(server.url + "/").text == "ok"
    assert contexts() == first_contexts
    # a spare renderer may come and go, never one per re-run
    assert settle(lambda: len(chromium_processes()), first_processes) <= first_processes + 1
    real.close()


def test_close_is_bounded_when_the_worker_is_stuck(server):
    real = ChromiumBrowser(PAGE)
    real.fetch(server.url + "/")
    gate = threading.Event()
    blocker = threading.Thread(target=lambda: real._worker.call(lambda b: gate.wait(20), timeout=30))
    blocker.start()
    try:
        time.sleep(0.2)
        start = time.monotonic()
        real.close()
        assert time.monotonic() - start < 3
    finally:
        gate.set()
        blocker.join(5)
    assert real._tab is None


def test_close_all_returns_promptly_while_a_request_is_stuck_and_chromium_restarts_after(server, silent_port):
    stuck = ChromiumBrowser(PAGE, timeout=60)
    stuck.fetch(server.url + "/")
    box = {}

    def stuck_call():
        try:
            box["result"] = stuck.fetch(f"http://localhost:{silent_port}/")
        except ChromiumError as exc:
            box["error"] = str(exc)

    caller = threading.Thread(target=stuck_call, daemon=True)
    caller.start()
    time.sleep(0.5)  # the request is on the wire, the worker waits for its answer
    start = time.monotonic()
    bridge.close_all()
    assert time.monotonic() - start < 5
    assert settle(lambda: len(chromium_processes()), 0) == 0  # nothing of that Chromium is left
    caller.join(5)
    assert not caller.is_alive()  # the stuck call came back too, saying why
    assert box == {"error": "Chromium was closed while this call was running (close_all() or exit)."}
    again = ChromiumBrowser(PAGE)
    assert again.fetch(server.url + "/").text == "ok"  # the next call starts a fresh Chromium
    assert stuck.fetch(server.url + "/").text == "ok"  # and an older tab opens itself again
    again.close(), stuck.close()


EXITING_KERNEL = textwrap.dedent("""
    import sys, threading, time
    from cors_lab.real.chromium import ChromiumBrowser

    real = ChromiumBrowser("http://localhost:8001", timeout=60)
    assert real.fetch("data:text/plain,up").text == "up"  # Chromium has started
    threading.Thread(target=real.fetch, args=(sys.argv[1],), daemon=True).start()
    time.sleep(1)  # the request is on the wire and waits for an answer that never comes
    print("exiting", flush=True)
""")


def test_the_kernel_exits_at_once_while_a_request_is_stuck_and_leaves_no_chromium(silent_port):
    kernel = subprocess.Popen([sys.executable, "-c", EXITING_KERNEL, f"http://localhost:{silent_port}/"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert kernel.stdout.readline().strip() == "exiting"
        started = chromium_processes(kernel.pid)
        assert started, "the kernel started no Chromium"
        exit_began = time.monotonic()
        kernel.wait(15)
        assert time.monotonic() - exit_began < 4
        assert settle(lambda: sum(map(alive_chromium, started)), 0) == 0, "Chromium outlived the kernel"
    finally:
        if kernel.poll() is None:
            kernel.kill()
            kernel.wait()
