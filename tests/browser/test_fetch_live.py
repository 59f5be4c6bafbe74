"""The engine against live lab servers: real HTTP, checked in the servers' logs.
Expected values are what Chromium 156 did in the same scenarios."""
import pytest
from werkzeug.wrappers import Request, Response

from cors_lab import Browser, serve
from cors_lab.browser.preflight import PreflightCache

ROUTES = {}


def scripted(environ, start_response):
    req = Request(environ)
    status, headers, body = ROUTES.get(req.path, lambda r: (404, [], "no route"))(req)
    resp = Response(body, status=status)
    resp.headers.clear()
    for k, v in headers:
        resp.headers.add(k, v)
    return resp(environ, start_response)


@pytest.fixture(scope="module")
def servers():
    page, api, other = (serve(scripted, name=f"engine-test-{n}") for n in ("page", "api", "other"))
    yield page, api, other
    for s in (page, api, other):
        s.stop()


@pytest.fixture
def lab(servers):
    page, api, other = servers
    for s in servers:
        s.clear_log()
    ROUTES.clear()
    return page, api, other, Browser(page.origin)


def acao(v):
    return ("Access-Control-Allow-Origin", v)


ACAC = ("Access-Control-Allow-Credentials", "true")


def answer(pre=None, actual=(), status=200, body="hi"):
    def h(req):
        if req.method == "OPTIONS" and pre is not None:
            return 204, list(pre), ""
        return status, [("Content-Type", "text/plain"), *actual], body
    return h


def logged(srv):
    return [(e.method, e.path, e.headers.get("Origin"), e.headers.get("Cookie")) for e in srv.log]


def test_a_simple_get_without_acao_is_sent_then_blocked(lab):
    page, api, _, b = lab
    ROUTES["/a"] = answer()
    r = b.fetch(api.url + "/a")
    assert (r.blocked, r.type, r.status, r.exception) == (True, "error", 0, "TypeError: Failed to fetch")
    assert r.error == (f"Access to fetch at '{api.url}/a' from origin '{page.origin}' has been blocked by CORS policy: "
                       "No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert logged(api) == [("GET", "/a", page.origin, None)]  # the request really went out
    assert "Access-Control-Allow-Origin" in r.explain() and "fix:" in r.explain()


def test_a_matching_acao_gives_a_cors_response_with_only_safelisted_headers(lab):
    page, api, _, b = lab
    ROUTES["/a"] = answer(actual=[acao(page.origin), ("X-Foo", "1"), ("Cache-Control", "no-cache"),
                                  ("Set-Cookie", "a=b")])
    r = b.fetch(api.url + "/a")
    assert (r.blocked, r.type, r.status, r.text, r.preflight) == (False, "cors", 200, "hi", False)
    assert set(r.headers) == {"cache-control", "content-length", "content-type"}


def test_expose_headers_star_shows_all_but_set_cookie_without_credentials(lab):
    page, api, _, b = lab
    ROUTES["/a"] = answer(actual=[acao("*"), ("X-Foo", "1"), ("Set-Cookie", "q=1"),
                                  ("Access-Control-Expose-Headers", "*")])
    r = b.fetch(api.url + "/a")
    assert r.headers["x-foo"] == "1" and "set-cookie" not in r.headers and "date" in r.headers


def test_a_put_is_preflighted_and_the_server_sees_both_requests(lab):
    page, api, _, b = lab
    ROUTES["/p"] = answer(pre=[acao(page.origin), ("Access-Control-Allow-Methods", "PUT"),
                               ("Access-Control-Allow-Headers", "x-b, X-A")], actual=[acao(page.origin)])
    r = b.fetch(api.url + "/p", method="put", headers={"X-B": "1", "x-a": "2"})
    assert (r.blocked, r.status, r.preflight) == (False, 200, True)
    opt = api.log[0]
    assert (opt.method, opt.headers.get("Access-Control-Request-Method"),
            opt.headers.get("Access-Control-Request-Headers")) == (
        "OPTIONS", "PUT", "x-a,x-b")
    assert [e.method for e in api.log] == ["OPTIONS", "PUT"]
    assert [e.kind for e in r.exchanges] == ["preflight", "actual"]


@pytest.mark.parametrize("pre, error_tail", [
    ([], "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is "
         "present on the requested resource."),
    ("ACAO", "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."),
    ("ACAO+ACAM*cred", "Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."),
])
def test_failed_preflights_stop_before_the_actual_request(lab, pre, error_tail):
    page, api, _, b = lab
    headers = {"": [], "ACAO": [acao(page.origin)],
               "ACAO+ACAM*cred": [acao(page.origin), ACAC, ("Access-Control-Allow-Methods", "*")]}
    ROUTES["/p"] = answer(pre=headers[pre if pre else ""], actual=[acao(page.origin)])
    r = b.fetch(api.url + "/p", method="PUT", credentials="include" if "cred" in str(pre) else "same-origin")
    assert r.blocked and r.error.endswith(error_tail)
    assert [e.method for e in api.log] == ["OPTIONS"]


def test_authorization_is_covered_by_acah_star_in_chromium_156(lab):
    page, api, _, b = lab
    ROUTES["/p"] = answer(pre=[acao(page.origin), ("Access-Control-Allow-Headers", "*")], actual=[acao(page.origin)])
    assert b.fetch(api.url + "/p", headers={"Authorization": "Bearer x"}).blocked is False


def test_a_redirected_preflight_fails(lab):
    page, api, _, b = lab
    ROUTES["/p"] = lambda req: (302, [("Location", "/elsewhere"), acao(page.origin)], "")
    r = b.fetch(api.url + "/p", method="PUT")
    assert r.error.endswith("Response to preflight request doesn't pass access control check: Redirect is not allowed "
                            "for a preflight request.")


def test_the_preflight_cache_skips_the_second_preflight_until_max_age_zero(lab):
    page, api, _, b = lab
    ROUTES["/c"] = answer(pre=[acao(page.origin), ("Access-Control-Allow-Methods", "PUT")], actual=[acao(page.origin)])
    assert b.fetch(api.url + "/c", method="PUT").preflight is True
    second = b.fetch(api.url + "/c", method="PUT")
    assert second.preflight is False and [e.method for e in api.log] == ["OPTIONS", "PUT", "PUT"]
    ROUTES["/z"] = answer(pre=[acao(page.origin), ("Access-Control-Allow-Methods", "PUT"),
                               ("Access-Control-Max-Age", "0")],
                          actual=[acao(page.origin)])
    assert b.fetch(api.url + "/z", method="PUT").preflight and b.fetch(api.url + "/z", method="PUT").preflight


def test_the_preflight_cache_expires_after_the_default_five_seconds(lab):
    page, api, _, b = lab
    now = [0.0]
    b.preflight_cache = PreflightCache(clock=lambda: now[0])
    ROUTES["/c"] = answer(pre=[acao(page.origin), ("Access-Control-Allow-Methods", "PUT")], actual=[acao(page.origin)])
    b.fetch(api.url + "/c", method="PUT")
    now[0] = 4.9
    assert b.fetch(api.url + "/c", method="PUT").preflight is False
    now[0] = 5.0
    assert b.fetch(api.url + "/c", method="PUT").preflight is True


def test_credentials_decide_whether_cookies_go(lab):
    page, api, _, b = lab
    b.set_cookie(api.url + "/", "sid=abc; SameSite=Lax")
    ROUTES["/k"] = answer(actual=[acao(page.origin), ACAC])
    b.fetch(api.url + "/k")  # same-origin credentials, cross-origin URL: no cookie
    b.fetch(api.url + "/k", credentials="omit")
    b.fetch(api.url + "/k", credentials="include")  # same site (ports do not matter): cookie goes
    b.fetch(page.url + "/k")  # same-origin: cookie goes (cookies ignore ports)
    assert [c for *_, c in logged(api)] == [None, None, "sid=abc"]
    assert logged(page)[0][3] == "sid=abc"


def test_a_cross_site_request_sends_no_cookies(lab):
    page, api, _, b = lab
    assert b.set_cookie(f"http://127.0.0.1:{api.port}/", "sid=abc; SameSite=None; Secure") is True
    ROUTES["/k"] = answer(actual=[acao(page.origin), ACAC])
    r = b.fetch(f"http://127.0.0.1:{api.port}/k", credentials="include")
    assert r.blocked is False and api.log[0].headers.get("Cookie") is None


def test_a_shop_localhost_page_is_its_own_site(lab):
    _, api, _, _ = lab
    shop_api = f"http://shop.localhost:{api.port}"
    b = Browser(f"http://shop.localhost:{lab[0].port}")
    b.set_cookie(api.url + "/", "sid=home; SameSite=None; Secure")
    b.set_cookie(shop_api + "/", "sid=shop")
    ROUTES["/k"] = answer(actual=[acao(b.origin.serialize()), ACAC])
    assert not b.fetch(api.url + "/k", credentials="include").blocked  # localhost is another site: no cookie
    assert not b.fetch(shop_api + "/k", credentials="include").blocked  # shop.localhost on another port: same site
    assert [e.headers.get("Cookie") for e in api.log] == [None, "sid=shop"]
    assert api.log[1].headers.get("Host") == f"shop.localhost:{api.port}"


def test_set_cookie_is_stored_even_when_the_cors_check_fails_but_never_readable(lab):
    page, api, _, b = lab
    ROUTES["/s"] = answer(actual=[acao(page.origin), ("Set-Cookie", "fromapi=1; Path=/")])  # no ACAC
    r = b.fetch(api.url + "/s", credentials="include")
    assert r.blocked and "'Access-Control-Allow-Credentials' header in the response is ''" in r.error
    ROUTES["/k"] = answer(actual=[acao(page.origin), ACAC, ("Access-Control-Expose-Headers", "Set-Cookie")])
    r2 = b.fetch(api.url + "/k", credentials="include")
    assert api.log[-1].headers.get("Cookie") == "fromapi=1" and "set-cookie" not in r2.headers


def test_set_cookie_is_ignored_when_credentials_were_not_used(lab):
    page, api, _, b = lab
    ROUTES["/s"] = answer(actual=[acao(page.origin), ("Set-Cookie", "nope=1; Path=/")])
    b.fetch(api.url + "/s")
    assert b.cookies.header_for(api.url + "/") is None


def test_a_cross_origin_hop_from_a_cross_origin_url_sends_origin_null(lab):
    page, api, other, b = lab
    ROUTES["/r"] = lambda req: (302, [("Location", other.url + "/x"), acao(page.origin)], "")
    ROUTES["/x"] = answer(actual=[acao("null")])
    r = b.fetch(api.url + "/r")
    assert (r.blocked, r.status, [e.kind for e in r.exchanges]) == (False, 200, ["redirect", "actual"])
    assert other.log[0].headers.get("Origin") == "null"


def test_the_cors_check_runs_on_each_redirect_hop(lab):
    page, api, other, b = lab
    ROUTES["/r"] = lambda req: (302, [("Location", other.url + "/x")], "")
    r = b.fetch(api.url + "/r")
    assert r.blocked and r.error.startswith(f"Access to fetch at '{api.url}/r' from origin")
    assert other.log == []


def test_a_blocked_final_hop_names_both_urls(lab):
    page, api, other, b = lab
    ROUTES["/r"] = lambda req: (302, [("Location", other.url + "/x"), acao(page.origin)], "")
    ROUTES["/x"] = answer(actual=[acao(page.origin)])  # the page's origin, but Origin was null
    r = b.fetch(api.url + "/r")
    assert r.error.startswith(f"Access to fetch at '{other.url}/x' (redirected from '{api.url}/r') from origin "
                              f"'{page.origin}'")
    assert "has a value '" + page.origin + "' that is not equal to the supplied origin" in r.error


@pytest.mark.parametrize("mode_kwargs, expected", [
    ({"redirect": "manual"}, (False, "opaqueredirect", 0, None)),
    ({"redirect": "error"}, (True, "error", 0, "TypeError: Failed to fetch")),
])
def test_redirect_manual_and_error(lab, mode_kwargs, expected):
    page, api, other, b = lab
    ROUTES["/r"] = lambda req: (302, [("Location", other.url + "/x"), acao(page.origin)], "")
    r = b.fetch(api.url + "/r", **mode_kwargs)
    assert (r.blocked, r.type, r.status, r.exception) == expected and r.error is None and other.log == []


def test_a_preflighted_request_is_preflighted_again_after_a_redirect(lab):
    page, api, other, b = lab
    preflight_answer = (204, [acao(page.origin), ("Access-Control-Allow-Methods", "PUT")], "")
    ROUTES["/r"] = lambda req: (preflight_answer if req.method == "OPTIONS"
                                else (307, [("Location", other.url + "/x"), acao(page.origin)], ""))
    ROUTES["/x"] = answer(pre=[acao("null"), ("Access-Control-Allow-Methods", "PUT")], actual=[acao("null")])
    r = b.fetch(api.url + "/r", method="PUT")
    assert r.blocked is False
    assert [(e.method, e.headers.get("Origin")) for e in other.log] == [("OPTIONS", "null"), ("PUT", "null")]


def test_no_cors_gives_an_opaque_response_and_drops_unsafe_headers(lab):
    page, api, _, b = lab
    ROUTES["/n"] = answer(actual=[("X-Foo", "1")])
    r = b.fetch(api.url + "/n", mode="no-cors", headers={"X-Foo": "1", "Accept": "text/x"})
    assert (r.blocked, r.type, r.status, r.headers, r.text) == (False, "opaque", 0, {}, "")
    sent = api.log[0].headers
    assert sent.get("X-Foo") is None and sent.get("Accept") == "text/x" and sent.get("Origin") is None


def test_same_origin_responses_are_basic_and_show_every_header_but_set_cookie(lab):
    page, _, _, b = lab
    ROUTES["/s"] = answer(actual=[("X-Foo", "1"), ("Set-Cookie", "z=1")])
    r = b.fetch("/s")
    assert (r.type, r.headers["x-foo"], "set-cookie" in r.headers) == ("basic", "1", False)
    assert logged(page) == [("GET", "/s", None, None)]  # same-origin GET: no Origin header


def test_forbidden_headers_are_dropped_silently(lab):
    page, api, _, b = lab
    ROUTES["/f"] = answer(actual=[acao(page.origin)])
    r = b.fetch(api.url + "/f", headers={"Cookie": "x=1", "Origin": "http://evil", "Sec-Foo": "1", "Accept": "text/x"})
    assert r.blocked is False and r.preflight is False
    sent = api.log[0].headers
    assert (sent.get("Origin"), sent.get("Cookie"), sent.get("Sec-Foo"), sent.get("Accept")) == (
        page.origin, None, None, "text/x")


def test_bad_input_sends_nothing(lab):
    page, api, _, b = lab
    for kwargs in ({"method": "TRACE"}, {"headers": {"X": "a\nb"}}, {"mode": "bogus"}, {"body": "x"}):
        assert b.fetch(api.url + "/a", **kwargs).blocked
    assert api.log == []


def test_a_json_post_is_preflighted_for_its_content_type_and_a_text_post_is_not(lab):
    page, api, _, b = lab
    ROUTES["/j"] = answer(pre=[acao(page.origin)], actual=[acao(page.origin)])
    r = b.fetch(api.url + "/j", method="POST", headers={"Content-Type": "application/json"}, body="{}")
    assert r.error.endswith("Request header field content-type is not allowed by Access-Control-Allow-Headers in "
                            "preflight response.")
    ok = b.fetch(api.url + "/j", method="POST", body="plain")
    assert ok.preflight is False and api.log[-1].headers.get("Content-Type") == "text/plain;charset=UTF-8"


def test_results_render_as_text_and_html(lab):
    page, api, _, b = lab
    ROUTES["/a"] = answer()
    r = b.fetch(api.url + "/a", method="PUT")
    assert repr(r).startswith("<FetchResult blocked")
    html = r._repr_html_()
    assert "<table" in html and "Access-Control-Allow-Origin" in html
    assert "rule: Fetch Standard: CORS-preflight fetch" in r.explain()


def test_the_lab_api_with_a_credentialed_policy_lets_a_logged_in_page_read_private_data():
    from cors_lab.policy import CorsPolicy
    from cors_lab.server.apps import api_app

    page = "http://localhost:8001"
    policy = CorsPolicy(allow_origins=[page], allow_credentials=True, allow_methods=("GET", "POST"))
    with serve(api_app(policy), name="engine-test-lab-api") as api:
        b = Browser(page)
        assert b.fetch(api.url + "/api/private", credentials="include").status == 401  # not logged in yet
        login = b.fetch(api.url + "/login?user=alice", method="POST", credentials="include")
        assert login.blocked is False and "set-cookie" not in login.headers
        r = b.fetch(api.url + "/api/private", credentials="include")
        assert (r.blocked, r.status) == (False, 200) and api.log[-1].headers.get("Cookie", "").startswith("sid=")
        no_creds = b.fetch(api.url + "/api/private")
        assert no_creds.status == 401 and "Cookie" not in api.log[-1].headers


def test_the_repr_names_the_failed_rule():
    r = Browser("http://localhost:8001").fetch("http://localhost:2/x")
    assert repr(r) == "<FetchResult blocked: server unreachable (net::ERR_CONNECTION_REFUSED)>"
    refused = Browser("http://localhost:8001").fetch("http://localhost:9/x")
    assert repr(refused) == "<FetchResult blocked: port 9 refused>"


def test_response_header_values_are_trimmed_before_the_cors_check(lab):
    page, api, _, b = lab
    ROUTES["/t"] = answer(actual=[acao(page.origin + "\t")])
    assert b.fetch(api.url + "/t").blocked is False


def test_the_fragment_is_never_sent_but_stays_in_the_console_sentence(lab):
    page, api, _, b = lab
    ROUTES["/f"] = answer()
    r = b.fetch(api.url + "/f#frag")
    assert api.log[0].path == "/f" and r.exchanges[0].url == api.url + "/f"
    assert r.error.startswith(f"Access to fetch at '{api.url}/f#frag' from origin")
