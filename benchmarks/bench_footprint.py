"""A learner's footprint, measured in one run (prints the numbers; nothing is asserted).

1. memory of this kernel-like process and everything below it (RSS; USS and PSS, which count shared pages once,
   where psutil can read them) with no browser, with headless Chromium open, with Firefox open, and after
   `stop_all()` closed them;
2. what closing costs: a warm call, a call that has to start the browser again (after `stop_all()` or an idle
   close), and a call that switches browser (Chromium -> Firefox -> Chromium), so `CORS_LAB_BROWSER_IDLE`'s
   default can be chosen from numbers.

    .venv/bin/python benchmarks/bench_footprint.py [--rounds 5]

Run it inside ``unshare -n sh -c 'ip link set lo up && ...'`` when other tests use the machine's loopback.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cors_lab import ChromiumBrowser, api_app, serve, stop_all  # noqa: E402
from cors_lab.real import footprint  # noqa: E402
from cors_lab.real.chromium import chromium_available  # noqa: E402
from cors_lab.real.firefox import FirefoxBrowser, firefox_available  # noqa: E402

PAGE = "http://localhost:8001"
MB = 2 ** 20

try:
    import psutil
except ImportError:  # RSS only, from /proc
    psutil = None


def tree_memory() -> dict[str, float]:
    """MB used by this process and its descendants: rss (pages counted in every process that maps them), uss
    (pages only that process has) and pss (shared pages split between their users), and the process count."""
    if psutil is None:
        return {"processes": 1, "rss": _proc_rss(os.getpid()) / MB}
    me = psutil.Process()
    total = {"processes": 0, "rss": 0.0, "uss": 0.0, "pss": 0.0}
    for process in [me, *me.children(recursive=True)]:
        try:
            info = process.memory_full_info()
        except (psutil.Error, AttributeError):
            continue
        total["processes"] += 1
        total["rss"] += info.rss / MB
        total["uss"] += getattr(info, "uss", 0) / MB
        total["pss"] += getattr(info, "pss", 0) / MB
    return total


def _proc_rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def settled_memory(seconds: float = 1.0) -> dict[str, float]:
    """Memory once renderers started or exited by a call have settled."""
    time.sleep(seconds)
    return tree_memory()


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def show_memory(label: str, memory: dict[str, float], base: dict[str, float] | None = None) -> None:
    parts = [f"{memory['processes']:>3} processes"] + [f"{key} {memory[key]:7.1f} MB" for key in ("rss", "uss", "pss")
                                                       if key in memory]
    if base is not None:
        parts += [f"(+{memory['pss' if 'pss' in memory else 'rss'] - base['pss' if 'pss' in base else 'rss']:.0f} "
                  f"MB {'pss' if 'pss' in memory else 'rss'})"]
    print(f"  {label:<34}" + "  ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    have_chromium, have_firefox = chromium_available(), firefox_available()
    if not have_chromium:
        print("Chromium is not available here: only Firefox is measured." if have_firefox else
              "Neither Chromium nor Firefox is available here: nothing to measure.")
    api = serve(api_app(), port=None, name="bench-api")
    url = api.url + "/api/public"

    def chromium(**options):  # blocked, or read with web security off: an answer either way, never a time-out
        result = ChromiumBrowser(PAGE, **options).fetch(url)
        assert not result.timed_out and result.blocked != bool(options.get("disable_web_security"))

    def firefox():
        result = FirefoxBrowser(PAGE).fetch(url)
        assert not result.timed_out and result.blocked

    def again():  # the browser closes, as stop_all() or an idle close does (the API keeps running)
        footprint.close_every_browser()

    print(f"Memory of this process and its children (psutil {'yes' if psutil else 'missing: RSS only'}):")
    base = settled_memory()
    show_memory("no browser", base)
    if have_chromium:
        chromium()
        show_memory("Chromium open (one tab closed)", settled_memory(), base)
        with ChromiumBrowser(PAGE) as tab:
            tab.fetch(url)
            show_memory("Chromium open, one tab open", settled_memory(), base)
        stop_all()
        api = serve(api_app(), port=None, name="bench-api")
        url = api.url + "/api/public"
        show_memory("after stop_all()", settled_memory(), base)
    if have_firefox:
        firefox()
        show_memory("Firefox open", settled_memory(), base)
        footprint.close_every_browser()
        show_memory("after closing Firefox", settled_memory(), base)

    print(f"\nSeconds per call, median of {rounds} (min-max):")
    rows: list[tuple[str, list[float]]] = []
    for name, available, call in (("Chromium", have_chromium, chromium), ("Firefox", have_firefox, firefox),
                                  ("Chromium, web security off", have_chromium,
                                   lambda: chromium(disable_web_security=True))):
        if not available:
            continue
        call()
        rows.append((f"{name}: warm call", [timed(call) for _ in range(rounds)]))
        cold = []
        for _ in range(rounds):
            again()
            cold.append(timed(call))
        rows.append((f"{name}: call that starts it again", cold))
        closing = []
        for _ in range(rounds):
            call()
            closing.append(timed(footprint.close_every_browser))
        rows.append((f"{name}: closing it", closing))
    if have_chromium and have_firefox:
        switches = []
        for _ in range(rounds):
            chromium()
            switches.append(timed(firefox))
            switches.append(timed(chromium))
        rows.append(("a switch (Chromium <-> Firefox)", switches))
    for label, values in rows:
        print(f"  {label:<42}{statistics.median(values):6.2f}  ({min(values):.2f}-{max(values):.2f})")
    print(f"\nIdle close after {footprint.idle_seconds()} s without a call (CORS_LAB_BROWSER_IDLE); "
          f"default {footprint.DEFAULT_IDLE:g} s.")
    stop_all()


if __name__ == "__main__":
    main()
