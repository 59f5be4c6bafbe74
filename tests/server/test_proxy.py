"""The two proxies: the same-origin dev proxy and the CORS-adding proxy (safe by default), with real servers."""
import http.client
import time

import pytest
import requests
from flask import Flask, Response

from cors_lab import CorsPolicy, serve
from cors_lab.errors import ProxyConfigError
from cors_lab.server.apps import api_app, page_app
from cors_lab.server.proxy import (
    RateLimiter,
    Refusal,
    Upstream,
    _connection_named,
    _is_self,
    _strip_cookie_domain,
    check_upstream,
    cors_proxy,
    dev_proxy,
    parse_upstream_origin,
)

PAGE = "http://localhost:8001"  # the page origin the CORS proxy serves (no server needed for the engine)


# ---- browsers, when their modules exist ---------------------------------------------------------------------
def _engine():
    try:
        from cors_lab.browser.fetch import Browser
    except ImportError:
        return None
    return Browser


def _chromium():
    try:
        from cors_lab.real.chromium import ChromiumBrowser, unavailable_reason
    except ImportError:
        return None
    return None if unavailable_reason() else ChromiumBrowser


def browser_kinds():
    return [
        pytest.param(_engine, id="engine",
                     marks=pytest.mark.skipif(_engine() is None, reason="cors_lab.browser.fetch has no Browser yet")),
        pytest.param(_chromium, id="chromium",
                     marks=pytest.mark.skipif(_chromium() is None, reason="real Chromium is not available here")),
    ]


# ---- live servers shared by the module ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def api():
    # The API's own CORS policy allows some other origin: the proxy must replace, not add to, its headers.
    with serve(api_app(CorsPolicy(allow_origins=["http://elsewhere.example"], allow_credentials=True)),
               name="proxy-test-api") as server:
        yield server


@pytest.fixture(scope="module")
def other():
    """A second server on loopback that is NOT on the allowlist: it must never be reached through the proxy."""
    with serve(api_app(), name="proxy-test-other") as server:
        yield server


@pytest.fixture()
def proxy(api):
    with serve(cors_proxy(allow_upstreams=[api.origin], allow_origins=[PAGE]), name="proxy-test-cors") as server:
        yield server


def via(proxy_server, target: str) -> str:
    return f"{proxy_server.url}/{target}"


def raw_get(server, target: str, headers: dict | None = None) -> http.client.HTTPResponse:
    """GET exactly ``/<target>`` (no client-side URL clean-up), as a browser or curl could send it."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/" + target, headers={"Origin": PAGE, **(headers or {})})
    response = conn.getresponse()
    response.text = response.read().decode()
    conn.close()
    return response


# ---- pure: which URLs may be forwarded ------------------------------------------------------------------------
ALLOW = ["http://localhost:8002"]


@pytest.mark.parametrize("target, path", [
    ("http://localhost:8002/api/public?x=1", "/api/public?x=1"),
    ("http://localhost:8002", "/"),
    ("HTTP://LOCALHOST:8002/api/public", "/api/public"),
    ("http://localhost:08002/api/public", "/api/public"),
])
def test_an_allowlisted_upstream_is_accepted_and_rebuilt_from_the_allowlist(target, path):
    assert check_upstream(target, ALLOW) == Upstream("http://localhost:8002", path)


@pytest.mark.parametrize("target, words", [
    ("", "No upstream URL"),
    ("http://localhost:8003/api/public", "not on this proxy's allowlist"),
    ("http://127.0.0.1:8002/api/public", "not on this proxy's allowlist"),
    ("https://localhost:8002/api/public", "not on this proxy's allowlist"),
    ("http://localhost/api/public", "not on this proxy's allowlist"),
    ("http://localhost.:8002/", "not on this proxy's allowlist"),
    ("http://evil.example#@localhost:8002/", "not on this proxy's allowlist"),
    ("http://user:pass@localhost:8002/api/public", "credentials"),
    ("http://localhost:8002@evil.example/", "credentials"),
    ("http://localhost:8002\\@evil.example/", "not a well-formed URL"),
    ("file:///etc/passwd", "'file' scheme is refused"),
    ("ftp://localhost:8002/", "'ftp' scheme is refused"),
    ("gopher://localhost:8002/_SET%20x", "'gopher' scheme is refused"),
    ("http://[::1", "not a well-formed URL"),
    ("http://localhost:99999/", "not a well-formed URL"),
    ("http:/localhost:8002/api/public", "no host"),
    ("//localhost:8002/api/public", "not an absolute URL"),
    ("localhost:8002/api/public", "has no scheme"),
])
def test_anything_else_is_refused_with_one_sentence(target, words):
    decision = check_upstream(target, ALLOW)
    assert isinstance(decision, Refusal)
    assert words in decision.reason
    assert decision.reason.count(". ") == 0 and decision.reason.endswith(".")


@pytest.mark.parametrize("spec, origin", [
    ("http://localhost:8002", "http://localhost:8002"),
    ("HTTP://LocalHost:8002/", "http://localhost:8002"),
    ("http://localhost:80", "http://localhost"),
    ("https://localhost:443", "https://localhost"),
    ("http://[::1]:8002", "http://[::1]:8002"),
])
def test_an_allowlist_entry_is_serialised_as_the_engine_serialises_origins(spec, origin):
    from cors_lab.browser.origin import parse_origin

    assert parse_upstream_origin(spec) == origin == parse_origin(spec).serialize()


@pytest.mark.parametrize("origin, port, is_self", [
    ("http://localhost:8011", "8011", True),
    ("http://127.0.0.1:8011", "8011", True),
    ("http://[::1]:8011", "8011", True),
    ("http://api.localhost:8011", "8011", True),  # Chromium and the engine resolve *.localhost to loopback
    ("http://localhost:8002", "8011", False),
    ("http://example.com:8011", "8011", False),
    ("http://localhost", "80", True),  # the default port is the proxy's port too
])
def test_the_proxy_knows_when_an_upstream_is_itself(origin, port, is_self):
    assert _is_self(origin, {"SERVER_PORT": port}) is is_self


def test_the_headers_a_connection_header_lists_are_hop_by_hop_in_any_case():
    lines = [("Connection", "close, X-Hop"), ("connection", "X-Other "), ("X-Hop", "1")]
    assert _connection_named(lines) == {"close", "x-hop", "x-other"}
    assert _connection_named([("X-Hop", "1")]) == set()


@pytest.mark.parametrize("spec", ["http://localhost:8002/api", "file:///tmp", "localhost:8002",
                                  "http://u:p@localhost:8002", "http://localhost:http"])
def test_an_allowlist_entry_that_is_not_an_origin_is_a_configuration_error(spec):
    with pytest.raises(ProxyConfigError):
        parse_upstream_origin(spec)
    with pytest.raises(ProxyConfigError):
        cors_proxy(allow_upstreams=[spec])


def test_an_allowlist_entry_is_normalised_like_an_origin():
    assert parse_upstream_origin("HTTP://LocalHost:8002/") == "http://localhost:8002"
    assert parse_upstream_origin("http://localhost:80") == "http://localhost"


def test_forwarding_cookies_to_any_origin_is_refused_at_configuration():
    with pytest.raises(ProxyConfigError, match="exact origins"):
        cors_proxy(allow_upstreams=ALLOW, allow_origins="*", forward_cookies=True)


def test_rate_limiter_allows_the_limit_then_says_how_long_to_wait():
    now = [100.0]
    limiter = RateLimiter(3, 10.0, clock=lambda: now[0])
    assert [limiter.hit("a") for _ in range(3)] == [None, None, None]
    now[0] = 104.2
    assert limiter.hit("a") == 6
    assert limiter.hit("b") is None  # per client
    now[0] = 110.0
    assert limiter.hit("a") is None


def test_set_cookie_domain_is_removed_so_the_cookie_belongs_to_the_proxy():
    assert _strip_cookie_domain("sid=1; Domain=api.example; Path=/; HttpOnly") == "sid=1; Path=/; HttpOnly"
    assert _strip_cookie_domain("sid=1; Path=/") == "sid=1; Path=/"


# ---- the CORS-adding proxy, live --------------------------------------------------------------------------------
def test_an_allowed_upstream_is_fetched_and_answered_with_the_proxys_cors_headers(api, proxy):
    r = requests.get(via(proxy, api.url + "/api/custom-headers?x=1"), headers={"Origin": PAGE}, timeout=10)
    assert r.status_code == 200 and r.json() == {"message": "look at my headers"}
    assert r.headers["Access-Control-Allow-Origin"] == PAGE  # not the API's own http://elsewhere.example
    assert "Access-Control-Allow-Credentials" not in r.headers  # the API's credentials flag is dropped too
    assert {"X-Request-Id", "X-RateLimit-Remaining"} <= set(r.headers["Access-Control-Expose-Headers"].split(", "))
    assert proxy.app.config["FORWARDED"] == [("GET", api.url + "/api/custom-headers?x=1", 200)]
    arrived = api.log[-1]
    assert (arrived.path, arrived.query, arrived.origin) == ("/api/custom-headers", "x=1", None)


def test_the_proxy_answers_preflights_itself_and_forwards_the_actual_request(api, proxy):
    before = len(api.log)
    pre = requests.options(via(proxy, api.url + "/api/echo"), timeout=10, headers={
        "Origin": PAGE, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert pre.status_code == 204 and pre.headers["Access-Control-Allow-Origin"] == PAGE
    assert "content-type" in pre.headers["Access-Control-Allow-Headers"]
    assert len(api.log) == before  # the preflight is the proxy's business
    r = requests.post(via(proxy, api.url + "/api/echo"), json={"a": 1}, headers={"Origin": PAGE}, timeout=10)
    assert r.json() == {"body": {"a": 1}, "content_type": "application/json"}


@pytest.mark.parametrize("kind", browser_kinds())
def test_an_allowed_upstream_works_through_the_proxy_in_a_browser(kind, api, proxy):
    browser = kind()(origin=PAGE)
    got = browser.fetch(via(proxy, api.url + "/api/custom-headers"))
    assert (got.blocked, got.type, got.status) == (False, "cors", 200)
    assert got.text == '{"message":"look at my headers"}\n'
    assert got.headers["x-request-id"] == "req-42"  # readable thanks to the proxy's Expose-Headers
    posted = browser.fetch(via(proxy, api.url + "/api/echo"), method="POST",
                           headers={"Content-Type": "application/json"}, body='{"a": 1}')
    assert (posted.blocked, posted.preflight, posted.status) == (False, True, 200)
    assert '"body":{"a":1}' in posted.text


@pytest.mark.parametrize("kind", browser_kinds())
def test_without_the_proxy_the_same_request_is_blocked_in_a_browser(kind, api):
    got = kind()(origin=PAGE).fetch(api.url + "/api/public")
    assert got.blocked and got.exception == "TypeError: Failed to fetch"


@pytest.mark.parametrize("kind", browser_kinds())
def test_a_refusal_reaches_the_page_as_a_readable_403_in_a_browser(kind, api, other, proxy):
    got = kind()(origin=PAGE).fetch(via(proxy, other.url + "/api/public"))
    assert (got.blocked, got.status) == (False, 403)
    assert got.text.strip() == f"The upstream {other.origin} is not on this proxy's allowlist (it allows {api.origin})."
    assert other.log == [] and proxy.app.config["FORWARDED"] == []


REFUSED = {
    "a non-allowlisted upstream": lambda api, other, proxy: other.url + "/api/public",
    "the same API under another host name": lambda api, other, proxy: f"http://127.0.0.1:{api.port}/api/public",
    "another port on loopback": lambda api, other, proxy: f"http://localhost:{other.port}/api/private",
    "the proxy itself": lambda api, other, proxy: proxy.url + "/" + api.url + "/api/public",
    "a URL with credentials": lambda api, other, proxy: f"http://alice:secret@localhost:{api.port}/api/public",
    "a userinfo trick": lambda api, other, proxy: f"http://localhost:{api.port}@localhost:{other.port}/api/public",
    "a file URL": lambda api, other, proxy: "file:///etc/passwd",
    "an ftp URL": lambda api, other, proxy: f"ftp://localhost:{api.port}/",
    "a gopher URL": lambda api, other, proxy: f"gopher://localhost:{api.port}/_GET%20/api/public",
    "a malformed URL": lambda api, other, proxy: "http://[::1/api/public",
    "a bad port": lambda api, other, proxy: "http://localhost:123456/api/public",
    "a missing host": lambda api, other, proxy: f"http:/localhost:{api.port}/api/public",
    "a missing URL": lambda api, other, proxy: "",
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_proxy_refuses_with_403_and_forwards_nothing(case, api, other, proxy):
    target = REFUSED[case](api, other, proxy)
    api.clear_log()
    other.clear_log()
    r = raw_get(proxy, target)
    assert r.status == 403
    assert r.getheader("Content-Type").startswith("text/plain")
    assert r.text.count("\n") == 1 and r.text.strip().endswith(".")
    assert api.log == [] and other.log == []
    assert proxy.app.config["FORWARDED"] == []
    assert proxy.app.config["REFUSED"] == [(target, r.text.strip())]
    assert len(proxy.log) == 1  # only the request to the proxy itself


def test_the_proxy_refuses_a_page_origin_it_does_not_serve(api, proxy):
    r = raw_get(proxy, api.url + "/api/public", headers={"Origin": "http://localhost:8666"})
    assert r.status == 403 and "http://localhost:8666 may not use this proxy" in r.text
    assert "Access-Control-Allow-Origin" not in dict(r.getheaders())
    assert proxy.app.config["FORWARDED"] == []


def test_the_proxy_rewrites_a_redirect_so_the_next_hop_is_checked_again(api, other, proxy):
    r = requests.get(via(proxy, api.url + f"/api/redirect?to={other.url}/api/public"), headers={"Origin": PAGE},
                     allow_redirects=False, timeout=10)
    assert r.status_code == 302
    assert r.headers["Location"] == via(proxy, other.url + "/api/public")
    followed = requests.get(r.headers["Location"], headers={"Origin": PAGE}, timeout=10)
    assert followed.status_code == 403 and other.log == []


@pytest.mark.parametrize("kind", browser_kinds())
def test_a_relative_redirect_is_followed_through_the_proxy_in_a_browser(kind, api, proxy):
    got = kind()(origin=PAGE).fetch(via(proxy, api.url + "/api/redirect?to=/api/public"))
    assert (got.blocked, got.status) == (False, 200) and "Hello from the API" in got.text
    assert [status for _, _, status in proxy.app.config["FORWARDED"]] == [302, 200]


def test_hop_by_hop_and_proxy_credentials_are_not_forwarded(api, proxy):
    conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
    conn.request("GET", "/" + api.url + "/api/public", headers={
        "Origin": PAGE, "Connection": "close, X-Hop", "X-Hop": "1", "Keep-Alive": "timeout=5",
        "Proxy-Authorization": "Basic c2VjcmV0", "X-Kept": "yes"})
    assert conn.getresponse().status == 200
    conn.close()
    sent = {name.lower() for name in api.log[-1].headers}
    assert "x-kept" in sent
    assert not sent & {"x-hop", "keep-alive", "proxy-authorization", "origin"}


def test_hop_by_hop_response_headers_are_dropped_and_upstream_cors_headers_replaced():
    upstream = Flask("upstream")

    @upstream.get("/")
    def index():
        return Response("hi", headers={"Keep-Alive": "timeout=5", "Access-Control-Allow-Origin": "*",
                                       "Access-Control-Allow-Methods": "PUT", "X-Kept": "yes"})

    with serve(upstream, name="proxy-test-hop") as up, \
            serve(cors_proxy([up.origin], allow_origins=[PAGE]), name="proxy-test-hop-proxy") as px:
        r = raw_get(px, up.url + "/")
        headers = [(name.lower(), value) for name, value in r.getheaders()]
    assert r.status == 200 and r.text == "hi"
    assert ("x-kept", "yes") in headers and "keep-alive" not in dict(headers)
    assert [v for n, v in headers if n == "access-control-allow-origin"] == [PAGE]
    assert "access-control-allow-methods" not in dict(headers)


def test_require_header_refuses_requests_without_it(api):
    with serve(cors_proxy([api.origin], allow_origins=[PAGE], require_header="X-Requested-With"),
               name="proxy-test-require") as px:
        r = raw_get(px, api.url + "/api/public")
        assert r.status == 403 and r.text.strip() == "This proxy needs a X-Requested-With header on every request."
        assert px.app.config["FORWARDED"] == []
        ok = raw_get(px, api.url + "/api/public", headers={"X-Requested-With": "fetch"})
        assert ok.status == 200 and len(px.app.config["FORWARDED"]) == 1


@pytest.mark.parametrize("kind", browser_kinds())
def test_require_header_is_allowed_in_the_preflight_so_a_page_can_send_it(kind, api):
    with serve(cors_proxy([api.origin], allow_origins=[PAGE], require_header="X-Requested-With"),
               name="proxy-test-require-browser") as px:
        browser = kind()(origin=PAGE)
        bare = browser.fetch(via(px, api.url + "/api/public"))
        assert bare.status == 403
        got = browser.fetch(via(px, api.url + "/api/public"), headers={"X-Requested-With": "fetch"})
        assert (got.blocked, got.preflight, got.status) == (False, True, 200)


def test_the_rate_limit_answers_429_with_retry_after_per_client_address(api):
    with serve(cors_proxy([api.origin], allow_origins=[PAGE, "http://localhost:8003"], rate_limit=(3, 60.0)),
               name="proxy-test-rate") as px:
        statuses = [raw_get(px, api.url + "/api/public").status for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = raw_get(px, api.url + "/api/public")
        assert limited.status == 429 and 1 <= int(limited.getheader("Retry-After")) <= 60
        assert limited.getheader("Access-Control-Allow-Origin") == PAGE  # the page can read why
        assert "at most 3 per 60 s" in limited.text
        assert len(px.app.config["FORWARDED"]) == 3
        other_page = raw_get(px, api.url + "/api/public", headers={"Origin": "http://localhost:8003"})
        assert other_page.status == 429  # same client address: another Origin header does not reset the count


def test_cookies_are_stripped_both_ways_by_default(api, proxy):
    login = requests.post(via(proxy, api.url + "/login"), headers={"Origin": PAGE}, timeout=10)
    assert login.status_code == 200 and "Set-Cookie" not in login.headers
    assert api.log[-1].response_header("Set-Cookie")  # the API did set one; the proxy kept it
    sid = api.log[-1].response_header("Set-Cookie").split(";")[0]
    private = requests.get(via(proxy, api.url + "/api/private"), headers={"Origin": PAGE, "Cookie": sid}, timeout=10)
    assert private.status_code == 401
    assert "Cookie" not in api.log[-1].headers


def test_cookies_are_forwarded_when_asked(api):
    with serve(cors_proxy([api.origin], allow_origins=[PAGE], forward_cookies=True), name="proxy-test-cookies") as px:
        login = requests.post(via(px, api.url + "/login"), headers={"Origin": PAGE}, timeout=10)
        assert login.headers["Access-Control-Allow-Credentials"] == "true"
        sid = login.headers["Set-Cookie"].split(";")[0]
        private = requests.get(via(px, api.url + "/api/private"), headers={"Origin": PAGE, "Cookie": sid}, timeout=10)
        assert private.status_code == 200 and private.json()["user"] == "alice"


@pytest.mark.parametrize("kind", browser_kinds())
def test_a_cookie_login_works_through_a_cookie_forwarding_proxy_in_a_browser(kind, api):
    with serve(cors_proxy([api.origin], allow_origins=[PAGE], forward_cookies=True),
               name="proxy-test-cookies-browser") as px:
        browser = kind()(origin=PAGE)
        login = browser.fetch(via(px, api.url + "/login"), method="POST", credentials="include")
        assert (login.blocked, login.status) == (False, 200)
        private = browser.fetch(via(px, api.url + "/api/private"), credentials="include")
        assert (private.blocked, private.status) == (False, 200) and "alice" in private.text


def test_an_upstream_that_does_not_answer_gives_a_502_with_a_sentence():
    gone = serve(api_app(), name="proxy-test-gone")
    origin = gone.origin
    gone.stop()
    with serve(cors_proxy([origin], allow_origins=[PAGE]), name="proxy-test-502") as px:
        r = raw_get(px, origin + "/api/public")
    assert r.status == 502
    assert r.text.strip() == (f"The upstream {origin}/api/public could not be reached "
                              "(connection refused: is that server running?).")
    assert r.getheader("Access-Control-Allow-Origin") == PAGE


def test_a_slow_upstream_times_out_with_a_504():
    slow = Flask("slow")

    @slow.get("/")
    def index():
        time.sleep(1.5)
        return "late"

    with serve(slow, name="proxy-test-slow") as up, \
            serve(cors_proxy([up.origin], allow_origins=[PAGE], timeout=0.3), name="proxy-test-504") as px:
        started = time.monotonic()
        r = raw_get(px, up.url + "/")
        assert time.monotonic() - started < 1.4
    assert r.status == 504 and "did not answer within 0.3 s" in r.text
    assert px.app.config["FORWARDED"] == [("GET", up.url + "/", 504)]


# ---- the same-origin dev proxy -------------------------------------------------------------------------------
@pytest.fixture()
def dev(api):
    with serve(dev_proxy(page_app(api_url=""), api.url, prefix=("/api", "/login")), name="proxy-test-dev") as server:
        yield server


def test_the_dev_proxy_serves_the_frontend_and_the_api_on_one_origin(api, dev):
    page = requests.get(dev.url + "/", timeout=10)
    assert page.status_code == 200 and "<h1>Frontend</h1>" in page.text
    data = requests.get(dev.url + "/api/public?x=1", timeout=10)
    assert data.json()["message"] == "Hello from the API"
    assert dev.app.config["FORWARDED"] == [("GET", api.url + "/api/public?x=1", 200)]
    assert requests.get(dev.url + "/apis", timeout=10).status_code == 404  # not under /api: the frontend's 404
    assert len(dev.app.config["FORWARDED"]) == 1


def test_the_dev_proxy_passes_cookies_and_never_shows_the_api_a_cross_origin_origin(api, dev):
    api.clear_log()
    session = requests.Session()
    login = session.post(dev.url + "/login", headers={"Origin": dev.origin}, timeout=10)
    assert login.status_code == 200 and "sid=" in login.headers["Set-Cookie"]
    private = session.get(dev.url + "/api/private", timeout=10)
    assert private.status_code == 200 and private.json()["user"] == "alice"
    assert [entry.path for entry in api.log] == ["/login", "/api/private"]
    assert api.log[1].headers.get("Cookie", "").startswith("sid=")
    assert all(entry.origin is None for entry in api.log)
    assert api.log[0].headers["X-Forwarded-Host"] == f"localhost:{dev.port}"


def test_the_dev_proxy_passes_redirects_on_as_they_are(api, dev):
    r = requests.get(dev.url + "/api/redirect?to=http://localhost:9/x", allow_redirects=False, timeout=10)
    assert r.status_code == 302 and r.headers["Location"] == "http://localhost:9/x"


@pytest.mark.parametrize("kind", browser_kinds())
def test_through_the_dev_proxy_a_cookie_login_is_same_origin_in_a_browser(kind, api, dev):
    api.clear_log()
    browser = kind()(origin=dev.origin)
    login = browser.fetch(dev.url + "/login", method="POST")
    assert (login.blocked, login.type, login.preflight) == (False, "basic", False)
    private = browser.fetch(dev.url + "/api/private")
    assert (private.blocked, private.type, private.status) == (False, "basic", 200) and "alice" in private.text
    assert [entry.path for entry in api.log] == ["/login", "/api/private"]
    assert all(entry.origin is None for entry in api.log)  # the browser's Origin on the POST was dropped
    assert "Cookie" in api.log[1].headers


def test_the_dev_proxy_can_forward_the_frontend_to_a_running_server_too(api):
    with serve(page_app(title="Served elsewhere"), name="proxy-test-frontend") as front, \
            serve(dev_proxy(front.url, api.url), name="proxy-test-dev-url") as px:
        assert "Served elsewhere" in requests.get(px.url + "/", timeout=10).text
        assert requests.get(px.url + "/api/public", timeout=10).status_code == 200
        assert [url for _, url, _ in px.app.config["FORWARDED"]] == [front.url + "/", api.url + "/api/public"]


@pytest.mark.parametrize("bad", [dict(api_url="localhost:8002"), dict(api_url="ftp://x"), dict(prefix="api")])
def test_a_dev_proxy_with_a_bad_setting_is_a_configuration_error(bad):
    with pytest.raises(ProxyConfigError):
        dev_proxy(page_app(), **{"api_url": "http://localhost:8002", **bad})
