"""The XMLHttpRequest scenario table: what axios- and jQuery-style requests meet, run in the engine and real browsers.

Data only, in the style of `support.scenarios` (same `Reply` / `Scenario` machinery, routes and placeholders): each
scenario's calls are `XhrCall`s, answered by the same scenario app (`support.scenario_server.ScenarioApp`, given
this table). Every id starts with ``xhr-``, so a URL (which carries the id) never collides with the fetch table's
and a cached preflight of one table never serves the other. The group (`Scenario.bullet`) says what the scenario
is about. Expected outcomes are never written here: the real browsers are the truth, so there are no claims.
"""

from __future__ import annotations

from support.scenarios import ACAC, ACAO_PAGE, ACAO_STAR, Reply, Scenario, XhrCall, acao, ok, pre

XHR_SCENARIOS: list[Scenario] = []

#: the groups, in the order of the table
GROUPS = ("missing-acao", "wrong-acao", "credentials", "preflight", "upload", "exposed-headers", "redirects",
          "xhr-rules", "sandboxed-frame")


def add(id, group, about, calls, routes=None, origin="{page}", cookies=(), served_page=False):
    """One scenario of the table; ``calls`` is one `XhrCall` or a tuple of them (run in order, in one tab)."""
    assert id.startswith("xhr-"), id
    assert group in GROUPS, group
    assert all(s.id != id for s in XHR_SCENARIOS), id
    if isinstance(calls, XhrCall):
        calls = (calls,)
    XHR_SCENARIOS.append(Scenario(id, group, about, tuple(calls), dict(routes or {}), origin, tuple(cookies), {},
                                  served_page))


def loc(target, status=302, *extra):
    return Reply(status, (("Location", target),) + tuple(extra), "")


ECHO = ("origin", "cookie", "method", "content-type")
#: axios's defaults for a JSON body: the Accept it always sends and the Content-Type of an object body
AXIOS_JSON = (("Accept", "application/json, text/plain, */*"), ("Content-Type", "application/json"))
ALLOW_PUT_X = (ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT, DELETE"), ("Access-Control-Allow-Headers", "X-Custom"))

# ---------------------------------------------------------------------------------------------------------------
G = "missing-acao"
add("xhr-no-acao-get", G, "cross-origin GET, no Access-Control-Allow-Origin", XhrCall("{API}/d"), {"/d": ok()})
add("xhr-no-acao-post", G, "cross-origin POST of a text body, no ACAO: it went out, the answer is hidden",
    XhrCall("{API}/d", "POST", body="hello"), {"/d": ok(echo=("method",))})
add("xhr-no-acao-404", G, "a 404 without ACAO", XhrCall("{API}/missing"), {"/missing": ok(status=404, body="nf")})
add("xhr-no-acao-500", G, "a 500 without ACAO", XhrCall("{API}/boom"), {"/boom": ok(status=500, body="boom")})
add("xhr-acao-page", G, "ACAO names the page: allowed", XhrCall("{API}/d"), {"/d": ok(ACAO_PAGE, echo=ECHO)})
add("xhr-acao-star", G, "ACAO *: allowed", XhrCall("{API}/d"), {"/d": ok(ACAO_STAR, echo=ECHO)})
add("xhr-acao-404-allowed", G, "a 404 with ACAO is readable: load, not error", XhrCall("{API}/missing"),
    {"/missing": ok(ACAO_PAGE, status=404, body="nf")})

G = "wrong-acao"
add("xhr-acao-other-origin", G, "ACAO names another origin", XhrCall("{API}/d"),
    {"/d": ok(acao("http://evil.test"))})
add("xhr-acao-api-origin", G, "ACAO names the API's own origin", XhrCall("{API}/d"), {"/d": ok(acao("{api}"))})
add("xhr-acao-two-values", G, "ACAO with two origins in one value", XhrCall("{API}/d"),
    {"/d": ok(acao("{page}, {api2}"))})
add("xhr-acao-two-headers", G, "two ACAO header lines, both the page", XhrCall("{API}/d"),
    {"/d": ok(ACAO_PAGE, ACAO_PAGE)})
add("xhr-acao-star-and-page", G, "ACAO * and ACAO page, two lines", XhrCall("{API}/d"),
    {"/d": ok(ACAO_STAR, ACAO_PAGE)})
add("xhr-acao-trailing-slash", G, "ACAO is the page with a trailing slash", XhrCall("{API}/d"),
    {"/d": ok(acao("{page}/"))})
add("xhr-acao-invalid", G, "ACAO is not an origin at all", XhrCall("{API}/d"), {"/d": ok(acao("not an origin"))})
add("xhr-acao-null", G, "ACAO null for a page with a real origin", XhrCall("{API}/d"), {"/d": ok(acao("null"))})
add("xhr-acao-empty", G, "ACAO present but empty", XhrCall("{API}/d"), {"/d": ok(acao(""))})
add("xhr-acao-uppercase", G, "ACAO in upper case (HTTP://LOCALHOST:port)", XhrCall("{API}/d"),
    {"/d": ok(acao("HTTP://LOCALHOST:{page_port}"))})

G = "credentials"
_ECHO_COOKIE = ("cookie",)
add("xhr-cred-star", G, "withCredentials and ACAO *", XhrCall("{API}/d", with_credentials=True),
    {"/d": ok(ACAO_STAR, ACAC, echo=_ECHO_COOKIE)}, cookies=(("{api}/", "sid=1"),))
add("xhr-cred-no-acac", G, "withCredentials, ACAO page, no ACAC", XhrCall("{API}/d", with_credentials=True),
    {"/d": ok(ACAO_PAGE, echo=_ECHO_COOKIE)}, cookies=(("{api}/", "sid=1"),))
add("xhr-cred-acac-capital", G, "withCredentials, ACAC: True (capital T)", XhrCall("{API}/d", with_credentials=True),
    {"/d": ok(ACAO_PAGE, ("Access-Control-Allow-Credentials", "True"), echo=_ECHO_COOKIE)})
add("xhr-cred-acac-false", G, "withCredentials, ACAC: false", XhrCall("{API}/d", with_credentials=True),
    {"/d": ok(ACAO_PAGE, ("Access-Control-Allow-Credentials", "false"), echo=_ECHO_COOKIE)})
add("xhr-cred-ok-cookie-sent", G, "withCredentials, ACAO page + ACAC: the cookie goes out",
    XhrCall("{API}/d", with_credentials=True), {"/d": ok(ACAO_PAGE, ACAC, echo=_ECHO_COOKIE)},
    cookies=(("{api}/", "sid=1"),))
add("xhr-cred-off-cookie-not-sent", G, "without withCredentials the cookie stays home",
    XhrCall("{API}/d"), {"/d": ok(ACAO_PAGE, ACAC, echo=_ECHO_COOKIE)}, cookies=(("{api}/", "sid=1"),))
add("xhr-cred-acac-without-credentials", G, "ACAC true but withCredentials off: allowed, no cookie",
    XhrCall("{API}/d"), {"/d": ok(ACAO_STAR, ACAC, echo=_ECHO_COOKIE)}, cookies=(("{api}/", "sid=1"),))
_SET_GET = {"/set": ok(ACAO_PAGE, ACAC, ("Set-Cookie", "fresh=1; Path=/")),
            "/get": ok(ACAO_PAGE, ACAC, echo=_ECHO_COOKIE)}
add("xhr-cred-cookie-stored", G, "withCredentials: Set-Cookie of the answer is stored, sent next time",
    (XhrCall("{API}/set", with_credentials=True), XhrCall("{API}/get", with_credentials=True)), _SET_GET)
add("xhr-cred-cookie-not-stored", G, "without withCredentials, Set-Cookie is ignored",
    (XhrCall("{API}/set"), XhrCall("{API}/get", with_credentials=True)), _SET_GET)
add("xhr-cred-cookie-blocked-answer", G, "a blocked credentialed answer (no ACAC): is its Set-Cookie stored?",
    (XhrCall("{API}/set", with_credentials=True), XhrCall("{API}/get", with_credentials=True)),
    {"/set": ok(ACAO_PAGE, ("Set-Cookie", "fresh=1; Path=/")), "/get": ok(ACAO_PAGE, ACAC, echo=_ECHO_COOKIE)})
add("xhr-cred-preflight-star", G, "withCredentials PUT, the preflight answers ACAO *",
    XhrCall("{API}/d", "PUT", with_credentials=True),
    {"OPTIONS /d": pre(ACAO_STAR, ACAC, ("Access-Control-Allow-Methods", "PUT")), "/d": ok(ACAO_PAGE, ACAC)})
add("xhr-cred-preflight-no-acac", G, "withCredentials PUT, the preflight lacks ACAC",
    XhrCall("{API}/d", "PUT", with_credentials=True),
    {"OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT")), "/d": ok(ACAO_PAGE, ACAC)})
add("xhr-cred-preflight-ok", G, "withCredentials PUT, preflight and answer both allow credentials",
    XhrCall("{API}/d", "PUT", with_credentials=True),
    {"OPTIONS /d": pre(ACAO_PAGE, ACAC, ("Access-Control-Allow-Methods", "PUT")),
     "/d": ok(ACAO_PAGE, ACAC, echo=_ECHO_COOKIE)}, cookies=(("{api}/", "sid=1"),))

G = "preflight"
add("xhr-pf-custom-header-allowed", G, "X-Custom header, allowed by the preflight",
    XhrCall("{API}/d", headers={"X-Custom": "1"}),
    {"OPTIONS /d": pre(*ALLOW_PUT_X), "/d": ok(ACAO_PAGE, echo=("x-custom",))})
add("xhr-pf-custom-header-not-allowed", G, "X-Custom header, the preflight allows no headers",
    XhrCall("{API}/d", headers={"X-Custom": "1"}), {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE)})
add("xhr-pf-x-requested-with", G, "jQuery's X-Requested-With: XMLHttpRequest needs a preflight",
    XhrCall("{API}/d", headers={"X-Requested-With": "XMLHttpRequest"}),
    {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE)})
add("xhr-pf-put-allowed", G, "PUT, allowed", XhrCall("{API}/d", "PUT", body="x"),
    {"OPTIONS /d": pre(*ALLOW_PUT_X), "/d": ok(ACAO_PAGE, echo=("method",))})
add("xhr-pf-delete-allowed", G, "DELETE, allowed", XhrCall("{API}/d", "DELETE"),
    {"OPTIONS /d": pre(*ALLOW_PUT_X), "/d": ok(ACAO_PAGE, echo=("method",))})
add("xhr-pf-put-lowercase", G, "open('put', ...): the method is upper-cased", XhrCall("{API}/d", "put"),
    {"OPTIONS /d": pre(*ALLOW_PUT_X), "/d": ok(ACAO_PAGE, echo=("method",))})
add("xhr-pf-patch-lowercase", G, "open('patch', ...): not upper-cased, so ACAM PATCH does not match",
    XhrCall("{API}/d", "patch"),
    {"OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PATCH")), "/d": ok(ACAO_PAGE)})
add("xhr-pf-json-axios", G, "axios posting JSON: Content-Type application/json", XhrCall(
    "{API}/d", "POST", AXIOS_JSON, '{"a":1}'),
    {"OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "Content-Type")),
     "/d": ok(ACAO_PAGE, echo=("content-type", "accept"))})
add("xhr-pf-json-not-allowed", G, "JSON Content-Type, the preflight does not allow it",
    XhrCall("{API}/d", "POST", AXIOS_JSON, '{"a":1}'), {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE)})
add("xhr-pf-status-500", G, "the preflight answers 500", XhrCall("{API}/d", "PUT"),
    {"OPTIONS /d": pre(*ALLOW_PUT_X, status=500), "/d": ok(ACAO_PAGE)})
add("xhr-pf-status-404", G, "the preflight answers 404 (no OPTIONS route)", XhrCall("{API}/d", "PUT"),
    {"OPTIONS /d": pre(ACAO_PAGE, status=404), "/d": ok(ACAO_PAGE)})
add("xhr-pf-redirected", G, "the preflight answers a redirect", XhrCall("{API}/d", "PUT"),
    {"OPTIONS /d": loc("{API}/e", 302, *ALLOW_PUT_X), "/d": ok(ACAO_PAGE)})
add("xhr-pf-no-acao", G, "the preflight has no ACAO", XhrCall("{API}/d", "PUT"),
    {"OPTIONS /d": pre(("Access-Control-Allow-Methods", "PUT")), "/d": ok(ACAO_PAGE)})
add("xhr-pf-wrong-acao", G, "the preflight's ACAO names another origin", XhrCall("{API}/d", "PUT"),
    {"OPTIONS /d": pre(acao("http://evil.test"), ("Access-Control-Allow-Methods", "PUT")), "/d": ok(ACAO_PAGE)})
add("xhr-pf-method-not-allowed", G, "DELETE, the preflight allows only PUT", XhrCall("{API}/d", "DELETE"),
    {"OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT")), "/d": ok(ACAO_PAGE)})
add("xhr-pf-no-methods", G, "PUT, the preflight names no methods", XhrCall("{API}/d", "PUT"),
    {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE)})
add("xhr-pf-header-not-allowed", G, "X-Other header, the preflight allows X-Custom only",
    XhrCall("{API}/d", "PUT", {"X-Other": "1"}), {"OPTIONS /d": pre(*ALLOW_PUT_X), "/d": ok(ACAO_PAGE)})
add("xhr-pf-ok-actual-no-acao", G, "the preflight passes, the answer lacks ACAO", XhrCall("{API}/d", "PUT"),
    {"OPTIONS /d": pre(*ALLOW_PUT_X), "/d": ok()})
add("xhr-pf-cached", G, "two PUTs: the second uses the cached preflight (Max-Age 60)",
    (XhrCall("{API}/d", "PUT"), XhrCall("{API}/d", "PUT")),
    {"OPTIONS /d": pre(*ALLOW_PUT_X, ("Access-Control-Max-Age", "60")), "/d": ok(ACAO_PAGE)})

G = "upload"
_UPLOAD_ROUTES = {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE, echo=("method", "content-type"))}
_UPLOAD_NO_PREFLIGHT = {"OPTIONS /d": pre(status=404), "/d": ok(ACAO_PAGE, echo=("method",))}
add("xhr-upload-post-body", G, "POST a body with an upload listener: does a preflight go out?",
    XhrCall("{API}/d", "POST", body="payload", upload_listener=True), _UPLOAD_ROUTES)
add("xhr-upload-post-body-preflight-fails", G, "POST a body with an upload listener, OPTIONS answers 404 no ACAO",
    XhrCall("{API}/d", "POST", body="payload", upload_listener=True), _UPLOAD_NO_PREFLIGHT)
add("xhr-upload-post-no-listener", G, "the same POST without an upload listener",
    XhrCall("{API}/d", "POST", body="payload"), _UPLOAD_NO_PREFLIGHT)
add("xhr-upload-post-no-body", G, "POST without a body, with an upload listener",
    XhrCall("{API}/d", "POST", upload_listener=True), _UPLOAD_NO_PREFLIGHT)
add("xhr-upload-post-empty-body", G, "POST an empty string, with an upload listener",
    XhrCall("{API}/d", "POST", body="", upload_listener=True), _UPLOAD_NO_PREFLIGHT)
add("xhr-upload-get", G, "GET with an upload listener", XhrCall("{API}/d", upload_listener=True),
    _UPLOAD_NO_PREFLIGHT)
add("xhr-upload-get-with-body", G, "GET with a body (dropped) and an upload listener",
    XhrCall("{API}/d", body="payload", upload_listener=True), _UPLOAD_NO_PREFLIGHT)
add("xhr-upload-same-origin", G, "same-origin POST with an upload listener",
    XhrCall("{PAGE}/d", "POST", body="payload", upload_listener=True), {"/d": ok(echo=("method", "origin"))})
add("xhr-upload-bytes", G, "POST bytes with an upload listener",
    XhrCall("{API}/d", "POST", body=b"\x00\x01\x02", upload_listener=True), _UPLOAD_ROUTES)
add("xhr-upload-blocked-answer", G, "POST a body with an upload listener, the answer lacks ACAO",
    XhrCall("{API}/d", "POST", body="payload", upload_listener=True), {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok()})

G = "exposed-headers"
_STD = (("Cache-Control", "no-store"), ("Content-Language", "en"), ("Expires", "0"),
        ("Last-Modified", "Tue, 01 Dec 2026 10:00:00 GMT"), ("Pragma", "no-cache"), ("X-Custom", "1"),
        ("X-Other", "2"), ("Set-Cookie", "hidden=1"), ("Content-Type", "text/plain"))
add("xhr-expose-none", G, "no Access-Control-Expose-Headers: what getAllResponseHeaders lists",
    XhrCall("{API}/d"), {"/d": ok(ACAO_PAGE, *_STD)})
add("xhr-expose-one", G, "ACEH: X-Custom", XhrCall("{API}/d"),
    {"/d": ok(ACAO_PAGE, *_STD, ("Access-Control-Expose-Headers", "X-Custom"))})
add("xhr-expose-star", G, "ACEH: * without credentials", XhrCall("{API}/d"),
    {"/d": ok(ACAO_PAGE, *_STD, ("Access-Control-Expose-Headers", "*"))})
add("xhr-expose-star-credentials", G, "ACEH: * with credentials: only a header named '*' is exposed",
    XhrCall("{API}/d", with_credentials=True),
    {"/d": ok(ACAO_PAGE, ACAC, *_STD, ("Access-Control-Expose-Headers", "*"))})
add("xhr-expose-set-cookie", G, "ACEH: Set-Cookie never exposes it", XhrCall("{API}/d"),
    {"/d": ok(ACAO_PAGE, *_STD, ("Access-Control-Expose-Headers", "Set-Cookie, X-Other"))})
add("xhr-expose-same-origin", G, "same-origin: every header but Set-Cookie", XhrCall("{PAGE}/d"),
    {"/d": ok(*_STD)})
add("xhr-expose-repeated", G, "a header repeated on two lines, and mixed-case names: format and order",
    XhrCall("{API}/d"), {"/d": ok(ACAO_PAGE, ("X-Multi", "a"), ("x-zeta", "z"), ("X-MULTI", "b"),
                                  ("X-Alpha", "A"), ("Access-Control-Expose-Headers", "x-multi, X-Zeta, x-alpha"))})
add("xhr-expose-same-origin-order", G, "same-origin: names in mixed case, repeated: format and order",
    XhrCall("{PAGE}/d"), {"/d": ok(("X-Multi", "a"), ("x-zeta", "z"), ("X-MULTI", "b"), ("X-Alpha", "A"))})

G = "redirects"
add("xhr-redir-same-origin", G, "same-origin redirect: responseURL is the target", XhrCall("{PAGE}/a"),
    {"/a": loc("{PAGE}/b"), "/b": ok(echo=ECHO)})
add("xhr-redir-same-to-cross", G, "same-origin URL redirecting to the API, ACAO on the target", XhrCall("{PAGE}/a"),
    {"/a": loc("{API}/b"), "/b": ok(ACAO_PAGE, echo=ECHO)})
add("xhr-redir-same-to-cross-no-acao", G, "same-origin URL redirecting to the API, no ACAO", XhrCall("{PAGE}/a"),
    {"/a": loc("{API}/b"), "/b": ok(echo=ECHO)})
add("xhr-redir-cross-within", G, "API redirect within the API, ACAO on both", XhrCall("{API}/a"),
    {"/a": loc("{API}/b", 302, ACAO_PAGE), "/b": ok(ACAO_PAGE, echo=ECHO)})
add("xhr-redir-hop-no-acao", G, "the 302 itself lacks ACAO", XhrCall("{API}/a"),
    {"/a": loc("{API}/b"), "/b": ok(ACAO_PAGE, echo=ECHO)})
add("xhr-redir-cross-to-cross-page", G, "API -> API2: Origin becomes null, ACAO page fails", XhrCall("{API}/a"),
    {"/a": loc("{API2}/b", 302, ACAO_PAGE), "/b": ok(ACAO_PAGE, echo=ECHO)})
add("xhr-redir-cross-to-cross-null", G, "API -> API2 answering ACAO null", XhrCall("{API}/a"),
    {"/a": loc("{API2}/b", 302, ACAO_PAGE), "/b": ok(acao("null"), echo=ECHO)})
add("xhr-redir-cross-to-cross-star", G, "API -> API2 answering ACAO *", XhrCall("{API}/a"),
    {"/a": loc("{API2}/b", 302, ACAO_PAGE), "/b": ok(ACAO_STAR, echo=ECHO)})
add("xhr-redir-back-to-page", G, "API redirects back to the page origin", XhrCall("{API}/a"),
    {"/a": loc("{PAGE}/b", 302, ACAO_PAGE), "/b": ok(echo=ECHO)})
add("xhr-redir-to-credentials-url", G, "cross-origin redirect to a URL with user:pass", XhrCall("{API}/a"),
    {"/a": loc("http://u:p@localhost:{api_port}/s/xhr-redir-to-credentials-url/b", 302, ACAO_PAGE),
     "/b": ok(ACAO_PAGE)})
add("xhr-redir-same-origin-to-credentials-url", G, "same-origin redirect to a same-origin URL with user:pass",
    XhrCall("{PAGE}/a"), {"/a": loc("http://u:p@localhost:{page_port}/s/xhr-redir-same-origin-to-credentials-url/b"),
                          "/b": ok()})
add("xhr-redir-303-post", G, "POST answered 303: a GET without the body follows", XhrCall("{API}/a", "POST", body="x"),
    {"/a": loc("{API}/b", 303, ACAO_PAGE), "/b": ok(ACAO_PAGE, echo=ECHO)})
add("xhr-redir-307-put", G, "preflighted PUT answered 307 within the API", XhrCall("{API}/d", "PUT", body="x"),
    {"OPTIONS /d": pre(*ALLOW_PUT_X), "/d": loc("{API}/e", 307, ACAO_PAGE), "OPTIONS /e": pre(*ALLOW_PUT_X),
     "/e": ok(ACAO_PAGE, echo=ECHO)})
add("xhr-redir-credentials-cookie", G, "withCredentials across a redirect within the API",
    XhrCall("{API}/a", with_credentials=True),
    {"/a": loc("{API}/b", 302, ACAO_PAGE, ACAC), "/b": ok(ACAO_PAGE, ACAC, echo=ECHO)}, cookies=(("{api}/", "sid=1"),))

G = "xhr-rules"
for method in ("TRACE", "CONNECT", "TRACK", "trace"):
    add(f"xhr-method-{method}", G, f"open('{method}', ...) is a forbidden method", XhrCall("{API}/d", method),
        {"/d": ok(ACAO_PAGE)})
add("xhr-method-invalid-token", G, "open('GE T', ...): not a method token", XhrCall("{API}/d", "GE T"),
    {"/d": ok(ACAO_PAGE)})
add("xhr-url-invalid", G, "open() with a URL that does not parse", XhrCall("http://[bad/d"), {})
for name, value in (("Cookie", "a=1"), ("Host", "evil.test"), ("Origin", "http://evil.test"),
                    ("Referer", "http://evil.test/"), ("Sec-Custom", "1"), ("Proxy-Custom", "1"),
                    ("Content-Length", "1"), ("Connection", "close"), ("Access-Control-Request-Method", "PUT")):
    add(f"xhr-forbidden-{name.lower()}", G, f"setRequestHeader('{name}', ...) on a cross-origin GET",
        XhrCall("{API}/d", headers={name: value}),
        {"OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "*")),
         # "name?value": did the script's value go out? (what else a browser sends there is its transport's business)
         "/d": ok(ACAO_PAGE, echo=(f"{name.lower()}?{value}", "origin"))})
add("xhr-forbidden-cookie-same-origin", G, "setRequestHeader('Cookie', ...) on a same-origin GET",
    XhrCall("{PAGE}/d", headers={"Cookie": "a=1"}), {"/d": ok(echo=("cookie",))})
add("xhr-header-invalid-name", G, "setRequestHeader with a space in the name", XhrCall(
    "{API}/d", headers={"Bad Name": "1"}), {"/d": ok(ACAO_PAGE)})
add("xhr-header-invalid-value", G, "setRequestHeader with a newline in the value", XhrCall(
    "{API}/d", headers={"X-Custom": "a\nb"}), {"/d": ok(ACAO_PAGE)})
add("xhr-header-set-twice", G, "setRequestHeader twice with one name: the values are combined",
    XhrCall("{API}/d", headers=(("X-Custom", "a"), ("X-Custom", "b"))),
    {"OPTIONS /d": pre(*ALLOW_PUT_X), "/d": ok(ACAO_PAGE, echo=("x-custom",))})
add("xhr-get-with-body", G, "GET with a body: the body is dropped", XhrCall("{API}/d", body="payload"),
    {"/d": ok(ACAO_PAGE, echo=("method", "content-type", "body"))})
add("xhr-head-with-body", G, "HEAD with a body", XhrCall("{API}/d", "HEAD", body="payload"), {"/d": ok(ACAO_PAGE)})
add("xhr-ct-default-str", G, "POST a str body: the default Content-Type", XhrCall("{API}/d", "POST", body="hi"),
    {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE, echo=("content-type", "body"))})
add("xhr-ct-default-bytes", G, "POST bytes: the default Content-Type", XhrCall("{API}/d", "POST", body=b"hi"),
    {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE, echo=("content-type", "body"))})
add("xhr-ct-charset-rewritten", G, "POST a str with Content-Type text/plain;charset=latin1",
    XhrCall("{API}/d", "POST", {"Content-Type": "text/plain;charset=latin1"}, "hi"),
    {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE, echo=("content-type",))})
add("xhr-ct-no-charset", G, "POST a str with Content-Type text/plain (no charset)",
    XhrCall("{API}/d", "POST", {"Content-Type": "text/plain"}, "hi"),
    {"OPTIONS /d": pre(ACAO_PAGE), "/d": ok(ACAO_PAGE, echo=("content-type",))})
add("xhr-ct-default-same-origin", G, "same-origin POST of a str: the default Content-Type",
    XhrCall("{PAGE}/d", "POST", body="hi"), {"/d": ok(echo=("content-type", "origin"))})
add("xhr-same-origin-get", G, "same-origin GET", XhrCall("{PAGE}/d"), {"/d": ok(echo=ECHO)})
add("xhr-same-origin-relative", G, "a relative URL resolves against the page", XhrCall("/s/xhr-same-origin-relative/d"),
    {"/d": ok(echo=ECHO)})
add("xhr-same-origin-put-custom", G, "same-origin PUT with a custom header: no preflight",
    XhrCall("{PAGE}/d", "PUT", {"X-Custom": "1"}, "x"), {"/d": ok(echo=("method", "x-custom", "origin"))})
add("xhr-unreachable-port", G, "nothing listens on the port", XhrCall("{closed}/x"), {})
add("xhr-bad-port-9", G, "port 9 is on the bad-port list", XhrCall("http://localhost:9/x"), {})
add("xhr-bad-port-6000", G, "port 6000 (X11) is on the bad-port list, something listens", XhrCall("{bad6000}/x"), {})
add("xhr-empty-body", G, "an allowed answer with an empty body: the events", XhrCall("{API}/d"),
    {"/d": ok(ACAO_PAGE, body="")})
add("xhr-204", G, "an allowed 204 No Content", XhrCall("{API}/d"), {"/d": ok(ACAO_PAGE, status=204, body="")})
add("xhr-body-events", G, "an allowed answer with a body: the events", XhrCall("{API}/d"),
    {"/d": ok(ACAO_PAGE, body="x" * 5000)})
add("xhr-data-url", G, "a data: URL", XhrCall("data:text/plain,hi"), {})
add("xhr-status-text", G, "an unusual status code, same-origin", XhrCall("{PAGE}/d"), {"/d": ok(status=299)})

# ---------------------------------------------------------------------------------------------------------------
# the page is a sandboxed frame (<iframe sandbox="allow-scripts">, served at {page}/__page__): its origin is `null`
G = "sandboxed-frame"
ACAO_NULL = acao("null")
_COOKIES = (("{api}/", "sid=1; SameSite=None; Secure"), ("{api}/", "plain=1"))
add("xhr-null-no-acao", G, "an XHR from a sandboxed frame, no ACAO", XhrCall("{API}/d"), {"/d": ok()}, origin="null")
add("xhr-null-acao-null", G, "ACAO: null lets the sandboxed frame read", XhrCall("{API}/d"),
    {"/d": ok(ACAO_NULL, echo=ECHO)}, origin="null")
add("xhr-null-acao-frame-url-origin", G, "ACAO naming the origin the frame came from does not match null",
    XhrCall("{API}/d"), {"/d": ok(ACAO_PAGE)}, origin="null")
add("xhr-null-own-origin", G, "the frame's own URL's origin, no ACAO: blocked", XhrCall("{PAGE}/d"), {"/d": ok()},
    origin="null")
add("xhr-null-credentials", G, "withCredentials, ACAO null + ACAC: readable, no cookie sent",
    XhrCall("{API}/d", with_credentials=True), {"/d": ok(ACAO_NULL, ACAC, echo=ECHO)}, origin="null",
    cookies=_COOKIES)
add("xhr-null-credentials-star", G, "withCredentials and ACAO *: blocked", XhrCall("{API}/d", with_credentials=True),
    {"/d": ok(ACAO_STAR, ACAC)}, origin="null", cookies=_COOKIES)
add("xhr-null-preflight", G, "a PUT with a JSON body: the preflight's ACAO null allows it",
    XhrCall("{API}/d", "PUT", AXIOS_JSON, '{"a": 1}'),
    {"OPTIONS /d": pre(ACAO_NULL, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers",
                                                                            "Content-Type")),
     "/d": ok(ACAO_NULL, echo=ECHO)}, origin="null")
add("xhr-null-upload-listener", G, "an upload listener from the frame: preflighted, ACAO null",
    XhrCall("{API}/d", "POST", body="x", upload_listener=True),
    {"OPTIONS /d": pre(ACAO_NULL, ("Access-Control-Allow-Methods", "POST")), "/d": ok(ACAO_NULL)}, origin="null")
add("xhr-null-data-url", G, "a data: URL from the frame", XhrCall("data:text/plain,hi"), {}, origin="null")
