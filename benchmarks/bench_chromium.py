"""Real-Chromium benchmarks, measured in one run (prints the numbers; nothing is asserted).

1. a warm `ChromiumBrowser.fetch` (simple allowed GET) vs a raw Playwright `page.evaluate(fetch)` in a browser of
   its own, same server, same flags (goal: <= 3x);
2. the wall time of the whole differential suite (tests/real/test_chromium_agreement.py, run by pytest).

Both browsers are the one Chromium `cors_lab.real.binaries` finds, started with the bridge's own flags.

    .venv/bin/python benchmarks/bench_chromium.py [--rounds 200] [--no-suite]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.wrappers import Request, Response  # noqa: E402

from cors_lab import serve  # noqa: E402
from cors_lab.real.binaries import find_chromium  # noqa: E402
from cors_lab.real.chromium import CHROMIUM_ARGS, ChromiumBrowser, chromium_available, unavailable_reason  # noqa: E402

PAGE = "http://localhost:8001"
JS = """async (url) => { const r = await fetch(url); const h = {}; for (const [k, v] of r.headers) h[k] = v;
  return {type: r.type, status: r.status, headers: h, text: await r.text()}; }"""


@Request.application
def app(request: Request) -> Response:
    return Response("hello", 200, headers=[("Access-Control-Allow-Origin", PAGE)])


def timed(fn, rounds: int) -> list[float]:
    for _ in range(10):  # warm-up
        fn()
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def bench_fetch(rounds: int) -> None:
    from playwright.sync_api import sync_playwright

    srv = serve(app, port=None, name="bench-chromium")
    url = srv.url + "/hello"
    try:
        bridge = ChromiumBrowser(PAGE)
        ours = timed(lambda: bridge.fetch(url), rounds)
        bridge.close()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context()
            context.grant_permissions(["local-network-access"])
            page = context.new_page()
            page.route(PAGE + "/", lambda route: route.fulfill(status=200, content_type="text/html", body="<p>"))
            page.goto(PAGE + "/")
            page.unroute(PAGE + "/")
            raw = timed(lambda: page.evaluate(JS, url), rounds)
            browser.close()
    finally:
        srv.stop()
    mo, mr = statistics.median(ours), statistics.median(raw)
    print(f"warm fetch, median of {rounds}: ChromiumBrowser.fetch {mo * 1000:.2f} ms, "
          f"raw page.evaluate(fetch) {mr * 1000:.2f} ms -> ratio {mo / mr:.2f}x (goal <= 3x)")


def bench_suite() -> None:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/real/test_chromium_agreement.py"], cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"differential suite wall time: {wall:.1f} s ({summary})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--no-suite", action="store_true")
    args = parser.parse_args()
    if not chromium_available():
        print(unavailable_reason())
        return
    bench_fetch(args.rounds)
    if not args.no_suite:
        bench_suite()


if __name__ == "__main__":
    main()
