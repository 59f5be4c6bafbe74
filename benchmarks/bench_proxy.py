"""What a proxy costs, measured in one run (prints numbers; asserts nothing).

The same GET /api/public three ways: straight to the API, through the same-origin dev proxy, and through the
CORS-adding proxy. Each proxy adds a second HTTP request (proxy -> API) per browser request; the ratio is that hop.
"""
import statistics
import time

import requests

from cors_lab import CorsPolicy, serve
from cors_lab.server.apps import api_app, page_app
from cors_lab.server.proxy import cors_proxy, dev_proxy

PAGE = "http://localhost:8001"


def median_ms(url: str, n: int = 200) -> float:
    session = requests.Session()
    for _ in range(20):
        session.get(url, headers={"Origin": PAGE})
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        assert session.get(url, headers={"Origin": PAGE}).status_code == 200
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main():
    api = serve(api_app(CorsPolicy(allow_origins=[PAGE])), name="bench-api")
    dev = serve(dev_proxy(page_app(api_url=""), api.url), name="bench-dev")
    cors = serve(cors_proxy([api.origin], allow_origins=[PAGE], rate_limit=None), name="bench-cors")
    direct = median_ms(api.url + "/api/public")
    via_dev = median_ms(dev.url + "/api/public")
    via_cors = median_ms(f"{cors.url}/{api.url}/api/public")
    print(f"direct to the API        {direct:6.2f} ms")
    print(f"through the dev proxy    {via_dev:6.2f} ms  ({via_dev / direct:.1f}x)")
    print(f"through the CORS proxy   {via_cors:6.2f} ms  ({via_cors / direct:.1f}x)")
    for server in (api, dev, cors):
        server.stop()


if __name__ == "__main__":
    main()
