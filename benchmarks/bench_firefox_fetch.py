"""Real-Firefox benchmark (prints the numbers; nothing is asserted).

A warm `FirefoxBrowser.fetch` (a simple allowed GET to a lab server: one page script, then the console and the
exchanges collected) against a raw ``fetch()`` timed inside the same Firefox page with ``performance.now()``, the
two alternating, the median of 20 each, and the ratio (goal: within 3x). The raw time is what the browser itself
takes; the bridge's is what a learner waits for, Marionette's round trips included.

    .venv/bin/python benchmarks/bench_firefox_fetch.py [--rounds 20]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.wrappers import Request, Response  # noqa: E402

from cors_lab import serve  # noqa: E402
from cors_lab.real.firefox import FirefoxBrowser, close_all, firefox_available, unavailable_reason  # noqa: E402

PAGE = "http://localhost:8001"
#: timed in the page: the same work FETCH_JS does for one call (fetch, headers, body), with performance.now()
#: (which Firefox rounds to 1 ms in a page that is not cross-origin isolated: the raw median is a whole number)
RAW_JS = """
const [url] = arguments, done = arguments[arguments.length - 1];
(async () => {
  const t = performance.now();
  const r = await fetch(url);
  const headers = [];
  for (const [k, v] of r.headers) headers.push([k, v]);
  await r.text();
  return performance.now() - t;
})().then(done, e => done(String(e)));
"""


@Request.application
def app(request: Request) -> Response:
    return Response("hello", 200, headers=[("Access-Control-Allow-Origin", PAGE)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    if not firefox_available():
        print(f"skipped: {unavailable_reason()}")
        return
    srv = serve(app, port=None, name="bench-firefox")
    url = srv.url + "/hello"
    try:
        real = FirefoxBrowser(PAGE)
        start = time.perf_counter()
        assert real.fetch(url).status == 200
        print(f"first call (starts Firefox {real.version}, opens the tab): {(time.perf_counter() - start):.2f} s")
        def raw_fetch() -> float:
            answer = real._call(lambda tab: tab.firefox.content(tab.handle, RAW_JS, [url], time.monotonic() + 10,
                                                                run_async=True), seconds=10)
            if isinstance(answer, str):
                raise SystemExit(f"the raw fetch failed in the page: {answer}")
            return answer

        ours, raw = [], []
        for i in range(rounds + 5):  # the two alternate, so a busy machine slows both alike; five warm up
            t = time.perf_counter()
            real.fetch(url)
            took = (time.perf_counter() - t) * 1000
            in_page = raw_fetch()
            if i >= 5:
                ours.append(took)
                raw.append(in_page)
        real.close()
    finally:
        srv.stop()
        close_all()
    mo, mr = statistics.median(ours), statistics.median(raw)
    print(f"warm fetch, median of {rounds}: FirefoxBrowser.fetch {mo:.2f} ms, raw fetch() in the page {mr:.2f} ms "
          f"-> ratio {mo / mr:.2f}x (goal <= 3x)")


if __name__ == "__main__":
    main()
