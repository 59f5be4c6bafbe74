"""`tab.xhr` vs `tab.fetch` for the same request, in the engine (goal: xhr within 1.3x of fetch). Prints medians.

Same lab server, same tab, three requests: a simple allowed GET, a blocked GET (no Access-Control-Allow-Origin),
and a preflighted PUT (Max-Age 0, so every call preflights); in both browser modes. Nothing is asserted.

    .venv/bin/python benchmarks/bench_xhr.py
"""
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cors_lab import Browser, serve  # noqa: E402
from cors_lab.policy import CorsPolicy  # noqa: E402
from cors_lab.server.apps import api_app  # noqa: E402

ROUNDS = 300
PAGE = "http://localhost:8001"


def median_ms(fn, rounds=ROUNDS) -> float:
    for _ in range(20):  # warm up
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def main():
    allowed = CorsPolicy(allow_origins=[PAGE], allow_methods=("GET", "POST", "PUT"), max_age=0)
    with serve(api_app(allowed), name="bench-xhr") as api, serve(api_app(CorsPolicy()), name="bench-xhr-none") as bare:
        cases = {
            "allowed GET": (api.url + "/api/public", {}),
            "blocked GET": (bare.url + "/api/public", {}),
            "preflighted PUT": (api.url + "/api/items/1", {"method": "PUT"}),
        }
        for browser in ("chromium", "firefox"):
            tab = Browser(PAGE, browser=browser)
            for name, (url, options) in cases.items():
                fetch_ms = median_ms(lambda tab=tab, url=url, options=options: tab.fetch(url, **options))
                xhr_ms = median_ms(lambda tab=tab, url=url, options=options: tab.xhr(url, **options))
                print(f"{browser:8} {name:16}: fetch {fetch_ms:.3f} ms | xhr {xhr_ms:.3f} ms "
                      f"-> xhr/fetch {xhr_ms / fetch_ms:.2f}x")


if __name__ == "__main__":
    main()
