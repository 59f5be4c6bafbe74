"""The proxies against hostile set-ups and hostile traffic: loops, huge or compressed bodies, a rate limit a client
tries to walk around; and the table of what each proxy forwards upstream. Every test is bounded in time."""
import gzip
import http.client
import time
import tracemalloc

import pytest
import requests
from flask import Flask, Response, request

from cors_lab import serve
from cors_lab.server.apps import api_app, page_app
from cors_lab.server.lab import free_port
from cors_lab.server.proxy import RateLimiter, cors_proxy, dev_proxy

PAGE = "http://localhost:8001"


def raw(server, method: str, target: str, headers: dict | None = None, body=None) -> tuple[int, dict, bytes]:
    """One request exactly as written, the answer undecoded (http.client never inflates a gzip body)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        chunked = (headers or {}).get("Transfer-Encoding") == "chunked"
        conn.request(method, target, body=body, headers=headers or {}, encode_chunked=chunked)
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


# ---- loops --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "api.localhost"])
def test_a_dev_proxy_whose_api_is_its_own_address_answers_508_at_once(host):
    port = free_port()
    with serve(dev_proxy(page_app(), api_url=f"http://{host}:{port}", timeout=1), port=port, name="loop") as px:
        started = time.monotonic()
        answer = requests.get(px.url + "/api/public", timeout=3)
        took = time.monotonic() - started
        reached = len(px.log)
    assert answer.status_code == 508 and took < 0.5
    assert answer.text == (f"This proxy's upstream http://{host}:{port}/api/public is the proxy itself: "
                           "forwarding would loop.\n")
    assert reached == 1 and px.app.config["FORWARDED"] == []


def test_two_dev_proxies_pointing_at_each_other_stop_at_the_second_visit():
    port_a, port_b = free_port(), free_port()
    with serve(dev_proxy(page_app(), api_url=f"http://localhost:{port_b}", timeout=1), port=port_a, name="a") as a, \
            serve(dev_proxy(page_app(), api_url=f"http://localhost:{port_a}", timeout=1), port=port_b, name="b") as b:
        started = time.monotonic()
        answer = requests.get(a.url + "/api/public", timeout=3)
        took = time.monotonic() - started
        visits = (len(a.log), len(b.log))
    assert answer.status_code == 508 and took < 0.5
    assert answer.text.startswith("This request already went through this proxy (Via: 1.1 cors_lab-")
    assert answer.text.endswith("): proxies forwarding to each other would loop.\n")
    assert visits == (2, 1)  # A -> B -> A, refused there


def test_a_chain_of_cors_proxies_back_to_the_first_is_refused_with_508():
    with serve(api_app(), name="chain-api") as api:
        port_a, port_b = free_port(), free_port()
        a_origin, b_origin = f"http://localhost:{port_a}", f"http://localhost:{port_b}"
        with serve(cors_proxy([b_origin, api.origin], allow_origins=[PAGE]), port=port_a, name="a") as a, \
                serve(cors_proxy([a_origin], allow_origins=[PAGE]), port=port_b, name="b") as b:
            status, headers, body = raw(a, "GET", f"/{b_origin}/{a_origin}/{api.url}/api/public", {"Origin": PAGE})
            assert (status, len(a.log), len(b.log), api.log) == (508, 2, 1, [])
            assert headers["access-control-allow-origin"] == PAGE  # the page can read why
            assert b"proxies forwarding to each other would loop" in body


def test_each_proxy_adds_itself_to_via_and_keeps_the_hops_before_it():
    with serve(api_app(), name="via-api") as api, \
            serve(cors_proxy([api.origin], allow_origins=[PAGE]), name="via-cors") as cp, \
            serve(dev_proxy(page_app(), api_url=cp.url + "/" + api.url), name="via-dev") as dev:
        assert raw(dev, "GET", "/api/public", {"Via": "1.0 corporate"})[0] == 200
        seen = api.last_request().headers["Via"]
    first, dev_hop, cors_hop = seen.split(", ")
    assert first == "1.0 corporate"
    assert dev_hop.startswith("1.1 cors_lab-") and cors_hop.startswith("1.1 cors_lab-") and dev_hop != cors_hop


# ---- size caps ----------------------------------------------------------------------------------------------
@pytest.fixture()
def echo():
    app = Flask("echo")

    @app.post("/echo")
    def echo_body():
        return str(len(request.get_data()))

    with serve(app, name="limits-echo") as server:
        yield server


@pytest.fixture(params=["cors", "dev"])
def small_proxy(request, echo):
    """A proxy of each kind in front of ``echo``, forwarding at most 1000 bytes each way. Yields (server, prefix)."""
    if request.param == "cors":
        app = cors_proxy([echo.origin], allow_origins=[PAGE], max_request_bytes=1000, max_response_bytes=1000)
        prefix = "/" + echo.url
    else:
        app = dev_proxy(page_app(), api_url=echo.url, prefix="/echo", max_request_bytes=1000,
                        max_response_bytes=1000)
        prefix = ""
    with serve(app, name=f"limits-{request.param}") as server:
        yield server, prefix


def test_a_request_body_within_the_cap_is_forwarded_whole(small_proxy, echo):
    proxy, prefix = small_proxy
    assert raw(proxy, "POST", prefix + "/echo", {"Origin": PAGE}, b"x" * 1000)[::2] == (200, b"1000")


def test_a_request_body_over_the_cap_is_refused_with_413_and_nothing_is_forwarded(small_proxy, echo):
    proxy, prefix = small_proxy
    status, headers, body = raw(proxy, "POST", prefix + "/echo", {"Origin": PAGE}, b"x" * 5000)
    assert status == 413 and echo.log == []
    assert body == (b"The request body is over this proxy's cap of 1000 bytes (max_request_bytes); "
                    b"nothing was forwarded.\n")


def test_a_chunked_request_body_over_the_cap_is_refused_with_413_while_it_streams(small_proxy, echo):
    proxy, prefix = small_proxy
    sent = []

    def chunks():  # no Content-Length: the proxy only learns the size while reading
        for _ in range(100):
            sent.append(1)
            yield b"y" * 100

    status, _, body = raw(proxy, "POST", prefix + "/echo", {"Origin": PAGE, "Transfer-Encoding": "chunked"},
                          chunks())
    assert status == 413 and body.startswith(b"The request body is over this proxy's cap of 1000 bytes")
    assert echo.count(method="POST", since=0) <= 1 and all(e.status != 200 for e in echo.log)


@pytest.fixture()
def big():
    """An upstream with answers of every kind of size: with a length, chunked, and a gzip bomb."""
    app = Flask("big")
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # 50 MB of zeros in about 50 KB

    @app.get("/sized/<int:size>")
    def sized(size: int):
        return b"z" * size

    @app.get("/chunked/<int:size>")
    def chunked(size: int):
        return Response((b"z" * 100 for _ in range(size // 100)), mimetype="text/plain")

    @app.get("/bomb")
    def gzip_bomb():
        return Response(bomb, headers={"Content-Encoding": "gzip", "Content-Type": "text/plain"})

    app.config["BOMB"] = bomb
    with serve(app, name="limits-big") as server:
        yield server


@pytest.mark.parametrize("kind", ["cors", "dev"])
@pytest.mark.parametrize("path", ["/sized/5000", "/chunked/5000"])
def test_an_upstream_answer_over_the_cap_is_a_502_with_one_sentence(kind, path, big):
    app = (cors_proxy([big.origin], allow_origins=[PAGE], max_response_bytes=1000) if kind == "cors"
           else dev_proxy(page_app(), api_url=big.url, prefix=("/sized", "/chunked"), max_response_bytes=1000))
    with serve(app, name="limits-502") as px:
        status, _, body = raw(px, "GET", ("/" + big.url if kind == "cors" else "") + path, {"Origin": PAGE})
        small = raw(px, "GET", ("/" + big.url if kind == "cors" else "") + path.replace("5000", "1000"))
    assert status == 502
    assert body == (f"The upstream {big.url}{path} answered more than this proxy's cap of 1000 bytes "
                    "(max_response_bytes).\n").encode()
    assert small[::2] == (200, b"z" * 1000)


@pytest.mark.parametrize("kind", ["cors", "dev"])
def test_a_compressed_answer_is_passed_on_as_it_came_never_inflated(kind, big):
    app = (cors_proxy([big.origin], allow_origins=[PAGE]) if kind == "cors"
           else dev_proxy(page_app(), api_url=big.url, prefix="/bomb"))
    with serve(app, name="limits-bomb") as px:
        tracemalloc.start()
        try:
            status, headers, body = raw(px, "GET", ("/" + big.url if kind == "cors" else "") + "/bomb")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert (status, headers["content-encoding"], body) == (200, "gzip", big.app.config["BOMB"])
    # Inflated, it was 50 MB at least; werkzeug itself briefly takes 10 MB after each answer (its drain buffer), and
    # tracemalloc counts every thread of the process (in the full suite the peak was seen at 20.1 MB).
    assert peak < 40_000_000


@pytest.fixture()
def hostile():
    """An upstream that trickles its answer one byte at a time, and one that stops in the middle of its body."""
    def trickle(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        for _ in range(20):  # 20 bytes over 4 s: every read is quick, the whole answer is not
            time.sleep(0.2)
            yield b"."

    def cut_short(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "1000")])
        return [b"only ten b"]  # werkzeug then closes the connection: 990 bytes never come

    def route(environ, start_response):
        app = trickle if environ["PATH_INFO"] == "/trickle" else cut_short
        return app(environ, start_response)

    with serve(route, name="limits-hostile") as server:
        yield server


@pytest.mark.parametrize("kind", ["cors", "dev"])
def test_an_upstream_that_trickles_is_cut_off_at_the_timeout_for_the_whole_answer(kind, hostile):
    app = (cors_proxy([hostile.origin], allow_origins=[PAGE], timeout=0.5) if kind == "cors"
           else dev_proxy(page_app(), api_url=hostile.url, prefix="/trickle", timeout=0.5))
    with serve(app, name="limits-trickle") as px:
        started = time.monotonic()
        status, _, body = raw(px, "GET", ("/" + hostile.url if kind == "cors" else "") + "/trickle")
        took = time.monotonic() - started
    assert status == 504 and took < 1.5
    assert body == f"The upstream {hostile.url}/trickle did not finish its answer within 0.5 s.\n".encode()


@pytest.mark.parametrize("kind", ["cors", "dev"])
def test_an_upstream_that_closes_in_the_middle_of_its_body_is_a_502_with_one_sentence(kind, hostile):
    app = (cors_proxy([hostile.origin], allow_origins=[PAGE]) if kind == "cors"
           else dev_proxy(page_app(), api_url=hostile.url, prefix="/cut"))
    with serve(app, name="limits-cut") as px:
        status, _, body = raw(px, "GET", ("/" + hostile.url if kind == "cors" else "") + "/cut")
        errors = [entry.error for entry in px.log if entry.error]
    assert status == 502 and errors == []
    assert body == f"The upstream {hostile.url}/cut closed the connection in the middle of its answer.\n".encode()


# ---- the rate limit -----------------------------------------------------------------------------------------
CLIENT_CHOSEN = [
    pytest.param({"Origin": "http://localhost:8001"}, {"Origin": "http://localhost:8003"}, id="another-origin"),
    pytest.param({"X-Forwarded-For": "10.0.0.1"}, {"X-Forwarded-For": "10.0.0.2"}, id="x-forwarded-for"),
    pytest.param({"Forwarded": "for=10.0.0.1"}, {"Forwarded": "for=10.0.0.2"}, id="forwarded"),
    pytest.param({"X-Real-Ip": "10.0.0.1"}, {"X-Real-Ip": "10.0.0.2"}, id="x-real-ip"),
    pytest.param({}, {"Origin": "null"}, id="no-origin-then-null"),
]


@pytest.mark.parametrize("first, then", CLIENT_CHOSEN)
def test_changing_a_header_does_not_escape_the_rate_limit(first, then):
    with serve(api_app(), name="rate-api") as api, \
            serve(cors_proxy([api.origin], allow_origins="*", rate_limit=(3, 60.0)), name="rate-proxy") as px:
        statuses = [raw(px, "GET", f"/{api.url}/api/public", first)[0] for _ in range(3)]
        status, headers, body = raw(px, "GET", f"/{api.url}/api/public", then)
        assert statuses == [200, 200, 200] and status == 429
        assert body.startswith(b"Too many requests from 127.0.0.1: at most 3 per 60 s; retry in ")
        assert len(px.app.config["FORWARDED"]) == 3


def test_ten_thousand_distinct_keys_keep_the_rate_limiter_bounded():
    now = [0.0]
    limiter = RateLimiter(2, 60.0, clock=lambda: now[0])
    tracemalloc.start()
    try:
        for i in range(10_000):
            assert limiter.hit(f"10.0.{i // 256}.{i % 256}") is None
        grown, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(limiter) <= limiter.max_keys == 1000 and grown < 500_000


def test_the_rate_limiter_forgets_clients_whose_window_has_passed():
    now = [0.0]
    limiter = RateLimiter(1, 10.0, clock=lambda: now[0], max_keys=100)
    for i in range(50):
        limiter.hit(f"old-{i}")
    now[0] = 11.0
    assert limiter.hit("new") is None and len(limiter) == 1  # the 50 expired clients are gone
    assert limiter.hit("new") == 10  # and the newcomer is still limited


def test_a_full_rate_limiter_forgets_the_least_recently_seen_client_first():
    limiter = RateLimiter(1, 60.0, clock=lambda: 0.0, max_keys=3)
    for key in ["a", "b", "c"]:
        limiter.hit(key)
    assert limiter.hit("a") == 60  # seen again: now the most recent
    limiter.hit("d")  # over the cap: "b" goes
    assert len(limiter) == 3 and limiter.hit("a") == 60 and limiter.hit("c") == 60
    assert limiter.hit("b") is None  # forgotten: it starts afresh


@pytest.mark.parametrize("max_keys", [0, -1, True, 2.5])
def test_a_rate_limiter_needs_a_positive_whole_number_of_keys(max_keys):
    from cors_lab.errors import ProxyConfigError

    with pytest.raises(ProxyConfigError, match="max_keys"):
        RateLimiter(3, 60.0, max_keys=max_keys)


# ---- what goes upstream -----------------------------------------------------------------------------------------
# (header sent by the client, forwarded by the dev proxy?, by the CORS proxy?, by the CORS proxy with
#  forward_cookies=True?) -- the table of the module docstring of cors_lab.server.proxy
FORWARDED_UPSTREAM = [
    ("Cookie", "sid=abc", True, False, True),
    ("Authorization", "Bearer t0ken", True, True, True),
    ("Origin", PAGE, False, False, False),
    ("Referer", PAGE + "/page", True, False, False),
    ("Access-Control-Request-Method", "PUT", True, False, False),
    ("Proxy-Authorization", "Basic c2VjcmV0", False, False, False),
    ("Keep-Alive", "timeout=5", False, False, False),
    ("TE", "trailers", False, False, False),
    ("Upgrade", "websocket", False, False, False),
    ("X-Named-In-Connection", "1", False, False, False),
    ("X-Custom", "kept", True, True, True),
    ("Content-Type", "text/plain", True, True, True),
]


@pytest.fixture(scope="module")
def upstream_and_proxies():
    with serve(api_app(), name="table-api") as api, \
            serve(dev_proxy(page_app(), api.url), name="table-dev") as dev, \
            serve(cors_proxy([api.origin], allow_origins=[PAGE]), name="table-cors") as cors, \
            serve(cors_proxy([api.origin], allow_origins=[PAGE], forward_cookies=True), name="table-cookies") as jar:
        yield api, {"dev": (dev, ""), "cors": (cors, "/" + api.url), "cors+cookies": (jar, "/" + api.url)}


@pytest.mark.parametrize("name, value, by_dev, by_cors, by_cors_with_cookies", FORWARDED_UPSTREAM,
                         ids=[row[0] for row in FORWARDED_UPSTREAM])
def test_what_each_proxy_forwards_upstream(upstream_and_proxies, name, value, by_dev, by_cors, by_cors_with_cookies):
    api, proxies = upstream_and_proxies
    for kind, expected in [("dev", by_dev), ("cors", by_cors), ("cors+cookies", by_cors_with_cookies)]:
        proxy, prefix = proxies[kind]
        headers = {"Origin": PAGE, "Connection": "X-Named-In-Connection", name: value}
        if name == "Origin":
            headers.pop("Connection")
        status, _, _ = raw(proxy, "GET", prefix + "/api/public", headers)
        assert status == 200, kind
        seen = api.last_request().headers
        assert (seen.get(name) == value) is expected, f"{kind} {'drops' if expected else 'forwards'} {name}"


def test_the_proxies_say_who_asked_and_never_pass_on_what_a_client_claims(upstream_and_proxies):
    api, proxies = upstream_and_proxies
    for kind, (proxy, prefix) in proxies.items():
        claims = {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Host": "evil.example", "Host": "evil.example"}
        assert raw(proxy, "GET", prefix + "/api/public", {"Origin": PAGE, **claims})[0] == 200
        seen = api.last_request().headers
        assert seen["X-Forwarded-For"] == "127.0.0.1", kind  # the TCP peer, not what the client wrote
        assert seen["Host"] == f"localhost:{api.port}", kind
        assert seen["Accept-Encoding"] == "identity", kind
