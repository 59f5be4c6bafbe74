"""A long notebook-like session: 10 000 requests, 50 server restarts and 20 real-browser fetches, after which the
process's memory, threads, file descriptors and child processes are back within a small margin of where they
started. It runs in a fresh interpreter so nothing else of the test session is measured, and prints its figures."""
import json
import subprocess
import sys
import textwrap

import pytest

from cors_lab.real.chromium import chromium_available

SESSION = textwrap.dedent('''
    import gc, json, threading
    import psutil
    from cors_lab import Browser, ChromiumBrowser, CorsPolicy, api_app, serve, stop_all

    REQUESTS, RESTARTS, REAL_FETCHES = 10_000, 50, {real_fetches}
    ORIGIN = "http://localhost:8001"
    process = psutil.Process()

    def snapshot():
        gc.collect()
        return {{"rss_mb": process.memory_info().rss / 2**20, "threads": threading.active_count(),
                 "fds": process.num_fds(), "children": len(children()),
                 "children_rss_mb": sum(rss(child) for child in children()) / 2**20}}

    def children():
        return process.children(recursive=True)

    def rss(child):
        try:
            return child.memory_info().rss
        except psutil.Error:  # a renderer that exited meanwhile
            return 0

    def one_round(long_lived, real_fetch):
        api = serve(api_app(CorsPolicy(allow_origins=[ORIGIN])), port=None, name="api")  # a cell re-run
        tab = Browser(ORIGIN)
        for _ in range(REQUESTS // RESTARTS // 2):
            assert tab.fetch(api.url + "/api/public").readable
            assert not tab.fetch(long_lived.url + "/api/public").blocked
        if real_fetch:
            real = ChromiumBrowser(ORIGIN)  # re-run a cell that makes a real browser and never closes it
            assert real.fetch(api.url + "/api/public").readable

    long_lived = serve(api_app(CorsPolicy(allow_origins=[ORIGIN])), port=None, name="long-lived")
    one_round(long_lived, REAL_FETCHES > 0)  # warm up: first imports, Chromium's first start, caches
    start = snapshot()
    every = RESTARTS // REAL_FETCHES if REAL_FETCHES else 0
    for n in range(RESTARTS):
        one_round(long_lived, bool(every) and n % every == 0)
    end = snapshot()
    print(json.dumps({{"start": start, "end": end, "long_lived_log": len(long_lived.log),
                      "long_lived_received": long_lived.received}}))
    stop_all()
''')


@pytest.mark.parametrize("real_fetches", [20], ids=["with-chromium"])
def test_a_long_session_ends_where_it_started(real_fetches):
    if not chromium_available():
        real_fetches = 0
    result = subprocess.run([sys.executable, "-c", SESSION.format(real_fetches=real_fetches)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    start, end = figures["start"], figures["end"]
    print("soak:", json.dumps(figures))
    assert end["rss_mb"] - start["rss_mb"] < 40, figures
    assert end["threads"] <= start["threads"] + 2, figures
    assert end["fds"] <= start["fds"] + 5, figures
    assert end["children"] <= start["children"], figures
    assert end["children_rss_mb"] - start["children_rss_mb"] < 150, figures  # Chromium's processes, all together
    assert figures["long_lived_log"] <= 1000 < figures["long_lived_received"], figures  # bounded log, exact count
