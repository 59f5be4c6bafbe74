"""Engine overhead vs raw HTTP on the same lab server. Prints medians and ratios (goal <= 1.3x).

    .venv/bin/python benchmarks/bench_engine.py
"""
import statistics
import time

import requests

from cors_lab import Browser, serve
from cors_lab.policy import CorsPolicy
from cors_lab.server.apps import api_app

try:  # the engine's socket code: its own module (browser/network.py) once the engine is split in named steps
    from cors_lab.browser.network import send
except ImportError:
    from cors_lab.browser.fetch import send

N = 300


def timed(fn, n=N):
    for _ in range(20):  # warm up
        fn()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main():
    page = "http://localhost:8001"
    policy = CorsPolicy(allow_origins=[page], allow_methods=("GET", "POST", "PUT", "DELETE"), max_age=0)
    with serve(api_app(policy), name="bench-api") as api:
        url_get, url_put = api.url + "/api/public", api.url + "/api/items/1"
        b = Browser(page)
        assert not b.fetch(url_get).blocked and b.fetch(url_put, method="PUT").preflight
        session = requests.Session()
        raw_get = timed(lambda: requests.get(url_get, headers={"Origin": page}))
        raw_get_session = timed(lambda: session.get(url_get, headers={"Origin": page}))
        eng_get = timed(lambda: b.fetch(url_get))

        def two_raw():
            requests.options(url_put, headers={"Origin": page, "Access-Control-Request-Method": "PUT"})
            requests.put(url_put, headers={"Origin": page})

        raw_pre = timed(two_raw)
        bare_get = timed(lambda: send("GET", url_get, {"Origin": page}, None, 10))
        preflight_headers = {"Origin": page, "Access-Control-Request-Method": "PUT"}
        bare_pre = timed(lambda: (send("OPTIONS", url_put, preflight_headers, None, 10),
                                  send("PUT", url_put, {"Origin": page}, None, 10)))
        eng_pre = timed(lambda: b.fetch(url_put, method="PUT"))  # Max-Age 0: every fetch preflights
    print(f"simple GET     : engine {eng_get * 1e3:.2f} ms | requests.get {raw_get * 1e3:.2f} ms "
          f"-> ratio {eng_get / raw_get:.2f}x (vs requests.Session: {eng_get / raw_get_session:.2f}x)")
    print(f"bare http.client (same socket code as the engine): GET {bare_get * 1e3:.2f} ms "
          f"-> engine/bare {eng_get / bare_get:.2f}x; "
          f"OPTIONS+PUT {bare_pre * 1e3:.2f} ms -> engine/bare {eng_pre / bare_pre:.2f}x")
    print(f"preflighted PUT: engine {eng_pre * 1e3:.2f} ms | 2 raw requests {raw_pre * 1e3:.2f} ms "
          f"-> ratio {eng_pre / raw_pre:.2f}x")


if __name__ == "__main__":
    main()
