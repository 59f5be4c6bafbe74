"""Real Firefox over a long session: a FirefoxBrowser that goes away closes its tab, re-running a cell never adds
tabs, no call outlives its deadline, `close_all()` and the kernel's exit leave no Firefox process, and Firefox talks
to loopback only.

Firefox's processes are found by process group: the bridge starts Firefox as the leader of a group of its own, and
every process it forks (content processes, the fork server, the socket process) stays in that group.
"""
from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from support.processes import stat_fields
from werkzeug.wrappers import Request, Response

from cors_lab import serve
from cors_lab.errors import FirefoxError
from cors_lab.real import firefox as bridge
from cors_lab.real.firefox import (
    BACKGROUND_PREFS,
    DEADLINE_MARGIN,
    FirefoxBrowser,
    firefox_available,
    unavailable_reason,
)

pytestmark = [
    pytest.mark.skipif(not firefox_available(), reason=f"real Firefox not available: {unavailable_reason()}"),
    pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finding processes and sockets needs /proc"),
]

PAGE = "http://localhost:8001"


def group_processes(group: int) -> list[int]:
    """The living processes (zombies are already gone) of process group ``group``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = stat_fields(int(entry))
            if fields and fields[0] != "Z" and int(fields[3]) == group:
                found.append(int(entry))
    return found


def firefox_pid() -> int:
    """The running Firefox's process id (starting it if needed)."""
    return bridge._worker.session().call(lambda firefox: firefox.pid, timeout=30)


def chrome(script: str, *args):
    """Run ``script`` in the running Firefox's parent process."""
    return bridge._worker.session().call(lambda ff: ff.chrome(script, list(args), time.monotonic() + 10), timeout=15)


def tabs() -> int:
    """The tabs open in Firefox, as its window counts them (and the bridge's own table agrees)."""
    shown, known = chrome("return [gBrowser.tabs.length, globalThis.corsLab.tabs.size];")
    assert shown == known + 1, (shown, known)  # the window's first tab is Firefox's own about:blank
    return shown


def settle(measure, target, seconds: float = 5.0):
    """``measure()`` once it is at most ``target``, or its last value."""
    end = time.monotonic() + seconds
    value = measure()
    while value > target and time.monotonic() < end:
        time.sleep(0.1)
        value = measure()
    return value


@Request.application
def api(request: Request) -> Response:
    return Response("ok", headers={"Access-Control-Allow-Origin": "*"})


@pytest.fixture(scope="module")
def server():
    srv = serve(api, port=None, name="firefox-lifecycle-api")
    yield srv
    srv.stop()


def test_a_firefox_browser_that_goes_away_closes_its_tab(server):
    real = FirefoxBrowser(PAGE)
    assert real.fetch(server.url + "/").text == "ok"
    before = tabs()
    del real  # the last reference, as when a re-run cell rebinds `real`
    assert settle(tabs, before - 1) == before - 1


def test_a_collected_firefox_browser_left_in_a_reference_cycle_closes_its_tab_too(server):
    real = FirefoxBrowser(PAGE)
    real.fetch(server.url + "/")
    before = tabs()
    real.myself = real  # a cycle: only the garbage collector frees it
    del real
    gc.collect()
    assert settle(tabs, before - 1) == before - 1


def test_re_running_a_cell_twenty_times_keeps_tabs_and_processes_flat(server):
    for _ in range(3):  # the cell, run a few times: Firefox fills its pool of spare content processes meanwhile
        real = FirefoxBrowser(PAGE)
        real.fetch(server.url + "/")
    time.sleep(2)
    first_tabs, first_processes = tabs(), len(group_processes(firefox_pid()))
    for _ in range(20):  # ... and run again without close(), as a learner re-runs it
        real = FirefoxBrowser(PAGE)
        assert real.fetch(server.url + "/").text == "ok"
    assert settle(tabs, first_tabs) == first_tabs
    # a spare process may come and go, never one per re-run
    assert settle(lambda: len(group_processes(firefox_pid())), first_processes + 1, 10) <= first_processes + 1
    real.close()


@pytest.mark.parametrize("api_name", ["fetch", "xhr"])
def test_a_call_against_a_silent_server_times_out_within_its_deadline(silent_port, api_name):
    with FirefoxBrowser(PAGE) as real:
        real.fetch("data:text/plain,warm")  # Firefox and the tab are up: only the call itself is timed
        start = time.monotonic()
        r = getattr(real, api_name)(f"http://localhost:{silent_port}/", timeout=1.5)
        took = time.monotonic() - start
    assert r.timed_out and r.blocked
    assert 1.4 <= took <= 1.5 + DEADLINE_MARGIN + 0.3, took


def test_a_stuck_firefox_gives_a_timed_out_result_and_is_replaced(server):
    real = FirefoxBrowser(PAGE)
    real.fetch(server.url + "/")
    pid = firefox_pid()
    os.kill(pid, signal.SIGSTOP)  # Firefox stops answering, as a hung browser does
    try:
        start = time.monotonic()
        r = real.fetch(server.url + "/", timeout=2)
        assert r.timed_out and time.monotonic() - start <= 2 + DEADLINE_MARGIN + 0.3
    finally:
        os.kill(pid, signal.SIGCONT)
    assert real.fetch(server.url + "/", timeout=20).text == "ok"  # a fresh Firefox (or the same, woken up)
    real.close()


def test_close_is_bounded_when_the_worker_is_stuck(server):
    real = FirefoxBrowser(PAGE)
    real.fetch(server.url + "/")
    gate = threading.Event()
    session = bridge._worker.session()
    blocker = threading.Thread(target=lambda: session.call(lambda ff: gate.wait(20), timeout=30))
    blocker.start()
    try:
        time.sleep(0.2)
        start = time.monotonic()
        real.close()
        assert time.monotonic() - start < 3
    finally:
        gate.set()
        blocker.join(5)
    assert real._slot.tab is None


def test_close_all_returns_promptly_while_a_request_is_stuck_and_leaves_no_firefox(server, silent_port):
    stuck = FirefoxBrowser(PAGE, timeout=60)
    stuck.fetch(server.url + "/")
    pid = firefox_pid()
    assert group_processes(pid), "Firefox has no processes?"
    box = {}

    def stuck_call():
        try:
            box["result"] = stuck.fetch(f"http://localhost:{silent_port}/")
        except FirefoxError as exc:
            box["error"] = str(exc)

    caller = threading.Thread(target=stuck_call, daemon=True)
    caller.start()
    time.sleep(0.5)  # the request is on the wire, the worker waits for its answer
    start = time.monotonic()
    bridge.close_all()
    assert time.monotonic() - start < 5
    assert settle(lambda: len(group_processes(pid)), 0) == 0, "a Firefox process outlived close_all()"
    caller.join(5)
    assert not caller.is_alive()
    assert box == {"error": "Firefox was closed while this call was running (close_all() or exit)."}
    again = FirefoxBrowser(PAGE)
    assert again.fetch(server.url + "/").text == "ok"  # the next call starts a fresh Firefox
    assert stuck.fetch(server.url + "/").text == "ok"  # and an older tab opens itself again
    again.close(), stuck.close()


EXITING_KERNEL = textwrap.dedent("""
    import sys, threading, time
    from cors_lab.real import firefox

    real = firefox.FirefoxBrowser("http://localhost:8001", timeout=60)
    assert real.fetch("data:text/plain,up").text == "up"  # Firefox has started
    print(firefox._worker._session.firefox.pid, flush=True)
    threading.Thread(target=real.fetch, args=(sys.argv[1],), daemon=True).start()
    time.sleep(1)  # the request is on the wire and waits for an answer that never comes
    print("exiting", flush=True)
""")


def test_the_kernel_exits_at_once_while_a_request_is_stuck_and_leaves_no_firefox(silent_port):
    kernel = subprocess.Popen([sys.executable, "-c", EXITING_KERNEL, f"http://localhost:{silent_port}/"],
                              stdout=subprocess.PIPE, text=True)
    try:
        pid = int(kernel.stdout.readline())
        assert group_processes(pid), "the kernel started no Firefox"
        assert kernel.stdout.readline().strip() == "exiting"
        exit_began = time.monotonic()
        kernel.wait(15)
        assert time.monotonic() - exit_began < 4
        assert settle(lambda: len(group_processes(pid)), 0) == 0, "Firefox outlived the kernel"
    finally:
        if kernel.poll() is None:
            kernel.kill()
            kernel.wait()


# ---- loopback only ---------------------------------------------------------------------------------------------
def test_firefox_runs_with_non_local_connections_disabled(server):
    FirefoxBrowser(PAGE).fetch(server.url + "/")
    with open(f"/proc/{firefox_pid()}/environ", "rb") as environ:
        variables = dict(item.split(b"=", 1) for item in environ.read().split(b"\0") if b"=" in item)
    assert variables.get(b"MOZ_DISABLE_NONLOCAL_CONNECTIONS") == b"1"


def test_the_background_service_prefs_read_back_from_the_running_firefox(server):
    FirefoxBrowser(PAGE).fetch(server.url + "/")
    names = sorted(BACKGROUND_PREFS)
    values = chrome("""
        const types = {[Services.prefs.PREF_BOOL]: 'getBoolPref', [Services.prefs.PREF_INT]: 'getIntPref',
                       [Services.prefs.PREF_STRING]: 'getStringPref'};
        return arguments[0].map(n => { const t = types[Services.prefs.getPrefType(n)];
                                       return t ? Services.prefs[t](n) : '<unset>'; });""", names)
    wrong = {name: (BACKGROUND_PREFS[name], got) for name, got in zip(names, values, strict=True)
             if got != BACKGROUND_PREFS[name]}
    assert not wrong, f"prefs Firefox did not take: {wrong}"


def _loopback(address_hex: str) -> bool:
    """Is a /proc/net/tcp address (hex, kernel byte order) loopback, or unset (listening / unconnected)?"""
    if len(address_hex) == 8:  # IPv4, little-endian
        first = int(address_hex[6:8], 16)
        return address_hex == "00000000" or first == 127
    raw = bytes.fromhex(address_hex)
    words = [raw[i:i + 4][::-1] for i in range(0, 16, 4)]  # each 32-bit word is in host order
    address = b"".join(words)
    if address == bytes(16) or address == bytes(15) + b"\x01":
        return True
    return address[:12] == bytes(10) + b"\xff\xff" and address[12] == 127  # ::ffff:127.x.y.z


def firefox_remote_addresses(group: int) -> list[str]:
    """The remote addresses of every TCP/UDP socket held by a process of Firefox's group (hex, as in /proc)."""
    inodes = set()
    for pid in group_processes(group):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    remotes = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        try:
            with open(f"/proc/{group}/net/{table}") as lines:
                rows = lines.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[9] in inodes:
                remotes.append(fields[2].split(":")[0])
    return remotes


def test_no_firefox_socket_is_connected_to_anything_but_loopback_after_a_run(server):
    with FirefoxBrowser("https://shop.example.com") as real:  # a non-loopback page origin too
        real.fetch(server.url + "/")
        real.fetch(server.url + "/", method="PUT")
        real.xhr(server.url + "/")
    group = firefox_pid()
    remotes = firefox_remote_addresses(group)
    assert remotes, "no socket found: the check would pass for the wrong reason"
    assert all(_loopback(address) for address in remotes), remotes


def test_the_loopback_check_itself_tells_loopback_from_other_addresses():
    assert _loopback("0100007F") and _loopback("00000000")  # 127.0.0.1, unset
    assert not _loopback("0A01A8C0")  # 192.168.1.10
    assert _loopback("00000000000000000000000001000000")  # ::1
    assert not _loopback("B80D0120000000000000000001000000")  # 2001:db8::1
