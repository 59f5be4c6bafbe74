"""The scenario table shared by the engine tests and the real-Chromium agreement tests.

A scenario is data: the page origin, the fetch() calls its script makes (in order), what the servers answer
(a route table of raw scripted replies: status, header list with duplicates allowed, body), and cookies set
beforehand. `claims` says what the scenario is meant to exercise (e.g. "blocked", "a preflight went out"); it is
checked against real Chromium so a scenario cannot silently test something else. Expected outcomes are never
written here: the engine is compared with what Chromium actually does.

Placeholders, filled per run (ports may differ from the teaching ports when those are taken):
  lowercase = an origin:      {page} {api} {api2} {page_ip} {api_ip} {api2_ip}
  UPPERCASE = this scenario's base URL on that origin (origin + "/s/<id>"): {PAGE} {API} {API2} {PAGE_IP} ...
  *_uc / *_UC = the same with the host written LOCALHOST
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

ROLES = ("page", "api", "api2")


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: tuple = ()  # ((name, value), ...) duplicates allowed, placeholders allowed
    body: str = "ok"
    echo: tuple = ()  # request facts appended to the body: header names, "method", "body"


@dataclass(frozen=True)
class Raw:
    """A reply no well-behaved server sends, played by the raw-socket server (`support.hostile_server`) on {raw}:
    ``parts`` are bytes, sent as they are once the placeholders are filled, and numbers, pauses in seconds; after the
    last part the server keeps the connection open ``hold`` seconds (or until the client closes it), then closes."""

    parts: tuple
    hold: float = 0.0


@dataclass(frozen=True)
class Call:
    url: str
    method: str = "GET"
    headers: Any = None  # dict or tuple of pairs
    body: str | None = None
    credentials: str = "same-origin"
    mode: str = "cors"
    redirect: str = "follow"
    sleep_before: float = 0.0
    timeout: float | None = None  # the call's deadline (the engine's and the bridge's fetch(timeout=...))

    def kwargs(self, urls: dict[str, str], sid: str) -> dict:
        headers = self.headers
        if isinstance(headers, dict):
            headers = {k: fill(v, urls, sid) for k, v in headers.items()}
        options = dict(
            url=fill(self.url, urls, sid),
            method=self.method,
            headers=headers,
            body=self.body,
            credentials=self.credentials,
            mode=self.mode,
            redirect=self.redirect,
        )
        if self.timeout is not None:
            options["timeout"] = self.timeout
        return options


@dataclass(frozen=True)
class XhrCall:
    """One XMLHttpRequest the scenario's script sends (`Browser.xhr` / `ChromiumBrowser.xhr`), as axios sends it."""

    url: str
    method: str = "GET"
    headers: Any = None  # dict or tuple of pairs, set one by one with setRequestHeader
    body: Any = None  # str or bytes
    with_credentials: bool = False
    upload_listener: bool = False  # listeners on xhr.upload (a progress bar)
    sleep_before: float = 0.0
    timeout: float | None = None

    def kwargs(self, urls: dict[str, str], sid: str) -> dict:
        headers = self.headers
        if isinstance(headers, dict):
            headers = {k: fill(v, urls, sid) for k, v in headers.items()}
        elif isinstance(headers, (tuple, list)):
            headers = tuple((k, fill(v, urls, sid)) for k, v in headers)
        options = dict(url=fill(self.url, urls, sid), method=self.method, headers=headers, body=self.body,
                       with_credentials=self.with_credentials, upload_listener=self.upload_listener)
        if self.timeout is not None:
            options["timeout"] = self.timeout
        return options


@dataclass(frozen=True)
class Scenario:
    id: str
    bullet: str  # which "What it must model" bullet of issue 4
    about: str
    calls: tuple
    routes: dict = field(default_factory=dict)  # "METHOD /path" or "/path" -> Reply
    origin: str = "{page}"
    cookies: tuple = ()  # ((url template, cookie string), ...)
    claims: dict = field(default_factory=dict)  # about the LAST call: blocked / preflight / type / preflights (server)
    served_page: bool = False  # load the page from the scenario server instead of Chromium's routed stand-in
    # origin "null": the page is a sandboxed frame (<iframe sandbox="allow-scripts">) whose document the scenario
    # server serves at PAGE_PATH on this origin (Browser("null", page_url=...) and the bridges' origin="null")
    frame_origin: str = "{page}"

    def __hash__(self) -> int:
        return hash(self.id)


#: ports where a raw server listens (when free) to show nothing is sent there: four Chromium 156 refuses
#: (net::ERR_UNSAFE_PORT), and 4190, on the Fetch Standard's bad-port list but not on Chromium's
LISTENED_PORTS = {"bad6000": 6000, "bad6667": 6667, "bad10080": 10080, "bad5060": 5060, "port4190": 4190}


def url_map(ports: dict[str, int], closed_port: int = 2) -> dict[str, str]:
    """Placeholders for these ports; `closed` is a URL where nothing listens (port 2: not one Chromium refuses, so
    the connection is really tried and refused; port 1 is on its restricted list). Starts the raw-socket servers of the
    hostile scenarios (once per process): {raw}, and one per LISTENED_PORTS name."""
    from support import hostile_server

    urls = {"closed": f"http://localhost:{closed_port}"}
    for role in ROLES:
        urls[role] = f"http://localhost:{ports[role]}"
        urls[role + "_ip"] = f"http://127.0.0.1:{ports[role]}"
        urls[role + "_uc"] = f"http://LOCALHOST:{ports[role]}"
        urls[role + "_shop"] = f"http://shop.localhost:{ports[role]}"  # its own site: localhost is no public suffix
        urls[role + "_port"] = str(ports[role])  # for URLs that spell the host their own way
    raw_servers = hostile_server.start(SCENARIOS, LISTENED_PORTS)
    urls["raw"] = f"http://localhost:{raw_servers['raw'].port}"
    urls["raw_port"] = str(raw_servers["raw"].port)
    urls.update({name: f"http://localhost:{port}" for name, port in LISTENED_PORTS.items()})
    hostile_server.share(raw_servers, urls)
    return urls


def fill(text: str, urls: dict[str, str], sid: str) -> str:
    if not isinstance(text, str) or "{" not in text:
        return text
    for key, origin in urls.items():
        text = text.replace("{" + key.upper() + "}", f"{origin}/s/{sid}").replace("{" + key + "}", origin)
    return text


PAGE_PATH = "/__page__"  # where the scenario server serves a real page (scenario.served_page)


def page_url(scenario: Scenario, urls: dict[str, str]) -> str:
    if scenario.origin == "null":  # a sandboxed frame: its document is always really served (the lab serves it)
        return fill(scenario.frame_origin, urls, scenario.id) + PAGE_PATH
    origin = fill(scenario.origin, urls, scenario.id)
    return origin + (PAGE_PATH if scenario.served_page else "/")


def run(scenario: Scenario, browser_factory, urls: dict[str, str], close: bool = True) -> list:
    """Run the scenario's calls in a fresh browser from `browser_factory(origin=..., page_url=...)`."""
    browser = browser_factory(origin=fill(scenario.origin, urls, scenario.id), page_url=page_url(scenario, urls))
    try:
        for url, cookie in scenario.cookies:
            browser.set_cookie(fill(url, urls, scenario.id), cookie)
        results = []
        for call in scenario.calls:
            if call.sleep_before:
                time.sleep(call.sleep_before)
            send = browser.xhr if isinstance(call, XhrCall) else browser.fetch
            results.append(send(**call.kwargs(urls, scenario.id)))
        return results
    finally:
        if close and hasattr(browser, "close"):
            browser.close()


# ---------------------------------------------------------------------------------------------------------------
# building blocks
ACAO_PAGE = ("Access-Control-Allow-Origin", "{page}")
ACAO_STAR = ("Access-Control-Allow-Origin", "*")
ACAC = ("Access-Control-Allow-Credentials", "true")


def acao(value: str = "{page}") -> tuple:
    return ("Access-Control-Allow-Origin", value)


def ok(*headers, body="ok", status=200, echo=()) -> Reply:
    return Reply(status, tuple(headers), body, tuple(echo))


def pre(*headers, status=204) -> Reply:
    return Reply(status, tuple(headers), "")


SCENARIOS: list[Scenario] = []


def add(id, bullet, about, calls, routes=None, origin="{page}", cookies=(), served_page=False, frame_origin="{page}",
        **claims):
    if isinstance(calls, Call):
        calls = (calls,)
    assert all(s.id != id for s in SCENARIOS), id
    SCENARIOS.append(
        Scenario(id, bullet, about, tuple(calls), dict(routes or {}), origin, tuple(cookies), claims, served_page,
                 frame_origin)
    )


# ---------------------------------------------------------------------------------------------------------------
# 1. same-origin vs cross-origin
B = "origin"
add("so-get", B, "same-origin GET needs no CORS headers", Call("{PAGE}/d"), {"/d": ok()}, blocked=False, type="basic")
add(
    "so-get-relative",
    B,
    "a relative URL resolves against the page",
    Call("/s/so-get-relative/d"),
    {"/d": ok()},
    blocked=False,
    type="basic",
)
add(
    "so-put-json",
    B,
    "same-origin PUT with JSON: no preflight",
    Call("{PAGE}/d", "PUT", {"Content-Type": "application/json", "X-Custom": "1"}, '{"a":1}'),
    {"/d": ok(echo=("method", "origin"))},
    blocked=False,
    preflight=False,
    preflights=0,
)
add(
    "so-post-origin-header",
    B,
    "same-origin POST carries Origin",
    Call("{PAGE}/d", "POST", body="x"),
    {"/d": ok(echo=("origin",))},
    blocked=False,
)
add(
    "so-get-no-origin-header",
    B,
    "same-origin GET sends no Origin",
    Call("{PAGE}/d"),
    {"/d": ok(echo=("origin",))},
    blocked=False,
)
add(
    "so-all-headers-visible",
    B,
    "same-origin: every response header but Set-Cookie is visible",
    Call("{PAGE}/d"),
    {"/d": ok(("X-Custom", "1"), ("Date-Ish", "2"), ("Set-Cookie", "a=1"))},
    blocked=False,
)
add(
    "so-ignores-wrong-acao",
    B,
    "same-origin ignores a wrong ACAO",
    Call("{PAGE}/d"),
    {"/d": ok(acao("http://evil.test"))},
    blocked=False,
    type="basic",
)
add("xo-port-no-acao", B, "another port is another origin", Call("{API}/d"), {"/d": ok()}, blocked=True)
add(
    "xo-port-acao",
    B,
    "cross-port GET allowed by ACAO",
    Call("{API}/d"),
    {"/d": ok(ACAO_PAGE)},
    blocked=False,
    type="cors",
)
add(
    "xo-localhost-vs-ip",
    B,
    "localhost and 127.0.0.1 are different origins (same port)",
    Call("{PAGE_IP}/d"),
    {"/d": ok()},
    blocked=True,
)
add(
    "xo-ip-page-localhost-acao",
    B,
    "page on 127.0.0.1, ACAO names localhost",
    Call("{PAGE}/d"),
    {"/d": ok(ACAO_PAGE)},
    origin="{page_ip}",
    blocked=True,
)
add(
    "xo-ip-page-ip-acao",
    B,
    "page on 127.0.0.1 allowed by ACAO http://127.0.0.1",
    Call("{API_IP}/d"),
    {"/d": ok(acao("{page_ip}"))},
    origin="{page_ip}",
    blocked=False,
)
add(
    "so-ip-page",
    B,
    "page on 127.0.0.1 fetching 127.0.0.1 same port is same-origin",
    Call("{PAGE_IP}/d"),
    {"/d": ok()},
    origin="{page_ip}",
    blocked=False,
    type="basic",
)
add("xo-uppercase-host", B, "host names are case-insensitive", Call("{API_UC}/d"), {"/d": ok(ACAO_PAGE)}, blocked=False)
add(
    "xo-404-with-acao",
    B,
    "a 404 with ACAO is readable",
    Call("{API}/missing"),
    {"/missing": ok(ACAO_PAGE, status=404, body="nf")},
    blocked=False,
)
add("xo-500-no-acao", B, "a 500 without ACAO is blocked", Call("{API}/boom"), {"/boom": ok(status=500)}, blocked=True)
add("xo-204-acao", B, "204 with ACAO", Call("{API}/d"), {"/d": ok(ACAO_PAGE, status=204, body="")}, blocked=False)
add(
    "xo-origin-echo",
    B,
    "cross-origin GET sends Origin",
    Call("{API}/d"),
    {"/d": ok(ACAO_PAGE, echo=("origin",))},
    blocked=False,
)
add("xo-connection-refused", B, "nothing listens: network error", Call("{closed}/x"), {}, blocked=True)
add("xo-unsafe-port", B, "port 9 is on Chromium's unsafe-port list", Call("http://localhost:9/x"), {}, blocked=True)

# 2. safelisted methods and request headers -> simple or preflight
B = "safelist"
SIMPLE_OK = {"/d": ok(ACAO_PAGE, echo=("method",)), "OPTIONS /d": pre(ACAO_PAGE)}
for i, ct in enumerate(
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain; charset=utf-8",
        "TEXT/PLAIN",
        "text/plain;charset=UTF-8",
        " text/plain ",
    ]
):
    add(
        f"ct-simple-{i}",
        B,
        f"POST Content-Type {ct!r} is safelisted",
        Call("{API}/d", "POST", {"Content-Type": ct}, "x"),
        SIMPLE_OK,
        preflight=False,
        blocked=False,
    )
for i, ct in enumerate(
    [
        "application/json",
        "text/html",
        "text/plain, application/json",
        "text/xml",
        "application/octet-stream",
        'text/plain; x="a\x7fb"' if False else 'text/plain; a="b"',
        "multipart/related",
        "text/plain(x)",
    ]
):
    add(
        f"ct-preflight-{i}",
        B,
        f"POST Content-Type {ct!r} needs a preflight (none allowed -> blocked)",
        Call("{API}/d", "POST", {"Content-Type": ct}, "x"),
        SIMPLE_OK,
        preflight=True,
        blocked=True,
    )
for name, value, kind in [
    ("Accept", "application/json", "simple"),
    ("Accept", "a" * 128, "simple"),
    ("Accept", "a" * 129, "preflight"),
    ("Accept", 'text/"x"', "preflight"),
    ("Accept", "text/html{x}", "preflight"),
    ("Accept-Language", "en-US,en;q=0.9", "simple"),
    ("Accept-Language", "en_US", "preflight"),
    ("Content-Language", "de", "simple"),
    ("Content-Language", "de@x", "preflight"),
    ("Content-Language", "d" * 129, "preflight"),
    ("Content-Type", "text/plain;" + "a" * 117, "simple"),
    ("Content-Type", "text/plain;" + "a" * 118, "preflight"),
    ("Range", "bytes=0-10", "simple"),
    ("Range", "bytes=5-", "simple"),
    ("Range", "bytes=-5", "preflight"),
    ("Range", "bytes=0-1,3-4", "preflight"),
    ("Range", "bytes=10-5", "preflight"),
    ("X-Custom", "1", "preflight"),
    ("Authorization", "Bearer x", "preflight"),
    ("x-requested-with", "XMLHttpRequest", "preflight"),
    ("Cache-Control", "no-cache", "preflight"),
    ("DPR", "2", "simple"),
    ("Save-Data", "on", "simple"),
    ("Device-Memory", "8", "simple"),
    ("Viewport-Width", "800", "simple"),
    ("Width", "100", "simple"),
    ("DPR", "abc", "preflight"),
    ("Save-Data", "off!", "preflight"),
]:
    tag = f"{name.lower()}-{len(value)}-{kind}"
    add(
        f"hdr-{tag}",
        B,
        f"request header {name}: {value[:20]!r}... -> {kind}",
        Call("{API}/d", headers={name: value}),
        {"/d": ok(ACAO_PAGE, status=206 if name == "Range" else 200)},
        preflight=(kind == "preflight"),
        blocked=(kind == "preflight"),
    )
add(
    "hdr-total-under-1024",
    B,
    "Accept, Accept-Language, Content-Language at 128 bytes each: still simple",
    Call(
        "{API}/d",
        "POST",
        {
            "Accept": "a" * 128,
            "Accept-Language": "b" * 128,
            "Content-Language": "c" * 128,
            "Content-Type": "text/plain;" + "d" * 117,
        },
        "x",
    ),
    SIMPLE_OK,
    preflight=False,
)
BIG_SAFELISTED = {
    "Accept": "a" * 128,
    "Accept-Language": "b" * 128,
    "Content-Language": "c" * 128,
    "Content-Type": "text/plain;" + "d" * 117,
    "DPR": "2." + "0" * 126,
    "Device-Memory": "8." + "0" * 126,
    "Viewport-Width": "0" * 127 + "1",
    "Width": "0" * 127 + "1",
}
add(
    "hdr-total-1024",
    B,
    "eight safelisted headers of 128 bytes: exactly 1024 bytes of values",
    Call("{API}/d", "POST", BIG_SAFELISTED, "x"),
    SIMPLE_OK,
)
add(
    "hdr-total-over-1024",
    B,
    "the same plus Save-Data: on -> 1026 bytes, more than 1024: preflight (ACAH * allows)",
    Call("{API}/d", "POST", {**BIG_SAFELISTED, "Save-Data": "on"}, "x"),
    {"/d": ok(ACAO_PAGE), "OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "*"))},
    preflight=True,
    blocked=False,
)
for name, value in [
    ("Downlink", "10.5"),
    ("RTT", "50"),
    ("ECT", "4g"),
    ("ECT", "5g"),
    ("Device-Memory", "8GB"),
    ("Width", "1.5"),
    ("Save-Data", "ON"),
]:
    add(
        f"hdr-client-hint-{name.lower()}-{value.lower().replace('.', '_')}",
        B,
        f"client hint {name}: {value}",
        Call("{API}/d", headers={name: value}),
        {"/d": ok(ACAO_PAGE)},
    )
add(
    "hdr-duplicate-accept-joined",
    B,
    "two Accept values are joined with ', ' and still simple",
    Call("{API}/d", headers=(("Accept", "text/a"), ("Accept", "text/b"))),
    {"/d": ok(ACAO_PAGE, echo=("accept",))},
    preflight=False,
)
add(
    "hdr-name-case",
    B,
    "header names are case-insensitive: X-CUSTOM needs a preflight",
    Call("{API}/d", headers={"X-CUSTOM": "1"}),
    {"/d": ok(ACAO_PAGE), "OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "x-custom"))},
    preflight=True,
    blocked=False,
)
for m, kind in [
    ("GET", "simple"),
    ("HEAD", "simple"),
    ("POST", "simple"),
    ("get", "simple"),
    ("post", "simple"),
    ("PUT", "preflight"),
    ("DELETE", "preflight"),
    ("PATCH", "preflight"),
    ("OPTIONS", "preflight"),
    ("delete", "preflight"),
    ("FOO", "preflight"),
]:
    add(
        f"method-{m}-{kind}",
        B,
        f"method {m} is {kind}",
        Call("{API}/d", m, body=None),
        {"/d": ok(ACAO_PAGE, echo=("method",))},
        preflight=(kind == "preflight"),
        blocked=(kind == "preflight"),
    )

# 3. preflight responses
B = "preflight"
PUTX = dict(method="PUT", headers={"X-Custom": "1"})


def pf(id, about, preflight_reply, call=None, actual=None, **claims):
    call = call or Call("{API}/d", **PUTX)
    add(
        f"pf-{id}",
        B,
        about,
        call,
        {"OPTIONS /d": preflight_reply, "/d": actual or ok(ACAO_PAGE, echo=("method",))},
        preflight=True,
        **claims,
    )


ALLOW_PUTX = (ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom"))
pf("ok", "preflight allows PUT + X-Custom", pre(*ALLOW_PUTX), blocked=False)
pf("ok-200", "preflight answered 200 is ok", pre(*ALLOW_PUTX, status=200), blocked=False)
for st in (401, 403, 404, 500, 302, 301):
    pf(f"status-{st}", f"preflight answered {st} fails", pre(*ALLOW_PUTX, status=st), blocked=True)
pf(
    "no-acao",
    "preflight without ACAO",
    pre(("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")),
    blocked=True,
)
pf(
    "wrong-acao",
    "preflight ACAO names another origin",
    pre(acao("{api2}"), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")),
    blocked=True,
)
pf(
    "acao-star",
    "preflight ACAO * without credentials",
    pre(ACAO_STAR, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")),
    actual=ok(ACAO_STAR),
    blocked=False,
)
pf(
    "acao-multi",
    "preflight with two ACAO values",
    pre(acao("{page}, {api2}"), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")),
    blocked=True,
)
pf(
    "acao-star-creds",
    "preflight ACAO * with credentials include",
    pre(ACAO_STAR, ACAC, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")),
    call=Call("{API}/d", credentials="include", **PUTX),
    blocked=True,
)
pf(
    "no-acac",
    "credentialed preflight without ACAC",
    pre(*ALLOW_PUTX),
    call=Call("{API}/d", credentials="include", **PUTX),
    blocked=True,
)
pf(
    "acac-True",
    "ACAC must be exactly 'true'",
    pre(*ALLOW_PUTX, ("Access-Control-Allow-Credentials", "True")),
    call=Call("{API}/d", credentials="include", **PUTX),
    blocked=True,
)
pf(
    "acac-ok",
    "credentialed preflight with ACAC true",
    pre(*ALLOW_PUTX, ACAC),
    call=Call("{API}/d", credentials="include", **PUTX),
    actual=ok(ACAO_PAGE, ACAC),
    blocked=False,
)
pf("acam-missing", "ACAM missing for PUT", pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "X-Custom")), blocked=True)
pf(
    "acam-other",
    "ACAM lists GET, POST but not PUT",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "GET, POST"), ("Access-Control-Allow-Headers", "X-Custom")),
    blocked=True,
)
pf(
    "acam-lower",
    "ACAM 'put' for PUT (normalized method)",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "put"), ("Access-Control-Allow-Headers", "X-Custom")),
)
pf(
    "acam-star",
    "ACAM * without credentials",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Headers", "X-Custom")),
    blocked=False,
)
pf(
    "acam-star-creds",
    "ACAM * with credentials is the literal method '*'",
    pre(ACAO_PAGE, ACAC, ("Access-Control-Allow-Methods", "*"), ("Access-Control-Allow-Headers", "X-Custom")),
    call=Call("{API}/d", credentials="include", **PUTX),
    actual=ok(ACAO_PAGE, ACAC),
    blocked=True,
)
pf(
    "acam-parse-error",
    "ACAM that is not a list of tokens",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT POST"), ("Access-Control-Allow-Headers", "X-Custom")),
    blocked=True,
)
pf(
    "acam-two-lines",
    "ACAM split over two header lines",
    pre(
        ACAO_PAGE,
        ("Access-Control-Allow-Methods", "GET"),
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "X-Custom"),
    ),
    blocked=False,
)
pf(
    "patch-lower-vs-upper",
    "method 'patch' is not normalized; ACAM PATCH does not match",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PATCH")),
    call=Call("{API}/d", "patch"),
    blocked=True,
)
pf(
    "patch-lower-ok",
    "method 'patch' allowed by ACAM 'patch'",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "patch")),
    call=Call("{API}/d", "patch"),
    blocked=False,
)
pf(
    "patch-upper-ok",
    "method PATCH allowed by ACAM PATCH",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PATCH")),
    call=Call("{API}/d", "PATCH"),
    blocked=False,
)
pf(
    "custom-method",
    "custom method FOO allowed by ACAM",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "FOO")),
    call=Call("{API}/d", "FOO"),
    blocked=False,
)
pf("acah-missing", "ACAH missing for X-Custom", pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT")), blocked=True)
pf(
    "acah-case",
    "ACAH names compare case-insensitively",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-CUSTOM")),
    blocked=False,
)
pf(
    "acah-star",
    "ACAH * without credentials",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*")),
    blocked=False,
)
pf(
    "acah-star-creds",
    "ACAH * with credentials is the literal name '*'",
    pre(ACAO_PAGE, ACAC, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*")),
    call=Call("{API}/d", credentials="include", **PUTX),
    actual=ok(ACAO_PAGE, ACAC),
    blocked=True,
)
pf(
    "acah-star-authorization",
    "does ACAH * cover Authorization?",
    pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "*")),
    call=Call("{API}/d", headers={"Authorization": "Bearer t"}),
)
pf(
    "acah-authorization",
    "ACAH names Authorization",
    pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "Authorization")),
    call=Call("{API}/d", headers={"Authorization": "Bearer t"}),
    blocked=False,
)
pf(
    "acah-star-and-authorization",
    "ACAH '*, Authorization'",
    pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "*, Authorization")),
    call=Call("{API}/d", headers={"Authorization": "Bearer t"}),
    blocked=False,
)
pf(
    "acah-partial",
    "ACAH allows x-a but not x-b",
    pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "x-a")),
    call=Call("{API}/d", headers={"X-A": "1", "X-B": "2"}),
    blocked=True,
)
pf(
    "acah-json",
    "JSON Content-Type allowed by ACAH content-type",
    pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "Content-Type")),
    call=Call("{API}/d", "POST", {"Content-Type": "application/json"}, "{}"),
    blocked=False,
)
pf(
    "acah-parse-error",
    "ACAH that is not a list of tokens",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "x-custom x-b")),
    blocked=True,
)
pf(
    "two-headers-missing",
    "X-B and X-A both not allowed: which one does the message name?",
    pre(ACAO_PAGE),
    call=Call("{API}/d", headers=(("X-B", "1"), ("X-A", "1"))),
    blocked=True,
)
pf(
    "three-headers-missing",
    "X-Zed, X-Mid, X-Alpha not allowed",
    pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "x-mid")),
    call=Call("{API}/d", headers=(("X-Zed", "1"), ("X-Mid", "1"), ("X-Alpha", "1"))),
    blocked=True,
)
pf(
    "acrh-sorted",
    "several non-safelisted headers: ACRH lowercased, sorted",
    pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "x-b, x-a, x-c")),
    call=Call("{API}/d", headers={"X-C": "1", "X-A": "1", "X-B": "1"}),
    blocked=False,
)
pf("actual-no-acao", "preflight passes, actual response has no ACAO", pre(*ALLOW_PUTX), actual=ok(), blocked=True)
pf(
    "actual-404",
    "preflight passes, actual answers 404 with ACAO",
    pre(*ALLOW_PUTX),
    actual=ok(ACAO_PAGE, status=404),
    blocked=False,
)
pf(
    "acao-null",
    "preflight ACAO null",
    pre(acao("null"), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")),
    blocked=True,
)
pf("empty-body-200", "preflight 200 with a body is fine", Reply(200, ALLOW_PUTX, "hello"), blocked=False)

# 4. the preflight cache
B = "cache"


def cache(id, about, preflight_reply, calls, **claims):
    add(
        f"cache-{id}",
        B,
        about,
        calls,
        {
            "OPTIONS /d": preflight_reply,
            "OPTIONS /e": preflight_reply,
            "/d": ok(ACAO_PAGE, ACAC),
            "/e": ok(ACAO_PAGE, ACAC),
        },
        **claims,
    )


C1 = Call("{API}/d", **PUTX)
cache(
    "hit",
    "second identical request skips the preflight",
    pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "600")),
    (C1, C1),
    preflight=False,
)
cache("default-5s", "no Max-Age: cached for 5 s", pre(*ALLOW_PUTX), (C1, C1), preflight=False)
cache(
    "max-age-0", "Max-Age 0: never cached", pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "0")), (C1, C1), preflight=True
)
cache("max-age-neg", "Max-Age -1", pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "-1")), (C1, C1))
cache("max-age-junk", "Max-Age 'soon'", pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "soon")), (C1, C1))
cache("max-age-float", "Max-Age '5.5'", pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "5.5")), (C1, C1))
cache(
    "max-age-huge",
    "Max-Age 86400 (capped at 2 h in Chromium)",
    pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "86400")),
    (C1, C1),
    preflight=False,
)
cache(
    "expires",
    "Max-Age 1 expires after 1.5 s",
    pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "1")),
    (C1, Call("{API}/d", sleep_before=1.5, **PUTX)),
    preflight=True,
)
cache(
    "other-url",
    "cache is per URL",
    pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "600")),
    (C1, Call("{API}/e", **PUTX)),
    preflight=True,
)
cache(
    "omit-then-include",
    "cache is per credentials mode",
    pre(*ALLOW_PUTX, ACAC, ("Access-Control-Max-Age", "600")),
    (C1, Call("{API}/d", credentials="include", **PUTX)),
    preflight=True,
)
cache(
    "include-then-omit",
    "an entry made with credentials covers a request without?",
    pre(*ALLOW_PUTX, ACAC, ("Access-Control-Max-Age", "600")),
    (Call("{API}/d", credentials="include", **PUTX), Call("{API}/d", credentials="omit", **PUTX)),
)
cache(
    "same-origin-then-omit",
    "credentials same-origin and omit on a cross-origin URL",
    pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "600")),
    (C1, Call("{API}/d", credentials="omit", **PUTX)),
)
cache(
    "new-header-covered",
    "a second header the cached entry already allows: no new preflight",
    pre(
        ACAO_PAGE,
        ("Access-Control-Allow-Methods", "PUT"),
        ("Access-Control-Allow-Headers", "X-Custom, X-Other"),
        ("Access-Control-Max-Age", "600"),
    ),
    (C1, Call("{API}/d", "PUT", {"X-Custom": "1", "X-Other": "2"})),
)
cache(
    "new-header",
    "a header the cached entry does not allow needs a new preflight",
    pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "600")),
    (C1, Call("{API}/d", "PUT", {"X-Custom": "1", "X-Other": "2"})),
    preflight=True,
)
cache(
    "other-method-listed",
    "a method listed in the cached ACAM reuses the entry",
    pre(
        ACAO_PAGE,
        ("Access-Control-Allow-Methods", "PUT, DELETE"),
        ("Access-Control-Allow-Headers", "X-Custom"),
        ("Access-Control-Max-Age", "600"),
    ),
    (C1, Call("{API}/d", "DELETE", {"X-Custom": "1"})),
)
cache(
    "other-method-unlisted",
    "a method not in the cached entry needs a new preflight",
    pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "600")),
    (C1, Call("{API}/d", "DELETE", {"X-Custom": "1"})),
    preflight=True,
)
cache(
    "failed-not-cached",
    "a failed preflight is not cached",
    pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "600")),
    (C1, C1),
    preflight=True,
    blocked=True,
)
cache(
    "simple-after",
    "a simple request never uses the cache",
    pre(*ALLOW_PUTX, ("Access-Control-Max-Age", "600")),
    (C1, Call("{API}/d")),
    preflight=False,
)

# 5. the CORS check of the actual response
B = "check"
for i, (value, creds) in enumerate(
    [
        ("{page}", "same-origin"),
        ("*", "same-origin"),
        ("*", "omit"),
        ("*", "include"),
        ("{page}, {api2}", "same-origin"),
        ("null", "same-origin"),
        ("{page}/", "same-origin"),
        ("{api2}", "same-origin"),
        ("{page_uc}", "same-origin"),
        ("", "same-origin"),
        ("{page_ip}", "same-origin"),
        ("{page} ", "same-origin"),
        ("*, {page}", "same-origin"),
        ("{page},{page}", "same-origin"),
        ("{page}:80", "same-origin"),
    ]
):
    add(
        f"acao-{i}",
        B,
        f"actual ACAO {value!r} with credentials {creds}",
        Call("{API}/d", credentials=creds),
        {"/d": ok(acao(value))},
    )
add("acao-two-lines", B, "two ACAO header lines", Call("{API}/d"), {"/d": ok(ACAO_PAGE, ACAO_PAGE)}, blocked=True)
add(
    "acao-two-lines-star",
    B,
    "two ACAO lines '*' and the page",
    Call("{API}/d"),
    {"/d": ok(ACAO_STAR, ACAO_PAGE)},
    blocked=True,
)
add(
    "creds-include-ok",
    B,
    "include with exact ACAO and ACAC true",
    Call("{API}/d", credentials="include"),
    {"/d": ok(ACAO_PAGE, ACAC)},
    blocked=False,
)
add(
    "creds-include-no-acac",
    B,
    "include without ACAC",
    Call("{API}/d", credentials="include"),
    {"/d": ok(ACAO_PAGE)},
    blocked=True,
)
add(
    "creds-include-acac-false",
    B,
    "include with ACAC false",
    Call("{API}/d", credentials="include"),
    {"/d": ok(ACAO_PAGE, ("Access-Control-Allow-Credentials", "false"))},
    blocked=True,
)
add(
    "creds-include-acac-TRUE",
    B,
    "include with ACAC TRUE",
    Call("{API}/d", credentials="include"),
    {"/d": ok(ACAO_PAGE, ("Access-Control-Allow-Credentials", "TRUE"))},
    blocked=True,
)
add(
    "creds-include-acac-two",
    B,
    "include with ACAC sent twice",
    Call("{API}/d", credentials="include"),
    {"/d": ok(ACAO_PAGE, ACAC, ACAC)},
)
add(
    "creds-omit-acac-ignored",
    B,
    "omit: ACAC is not looked at",
    Call("{API}/d", credentials="omit"),
    {"/d": ok(ACAO_PAGE, ("Access-Control-Allow-Credentials", "nope"))},
    blocked=False,
)
add(
    "check-redirect-status-error",
    B,
    "actual 500 with ACAO is readable",
    Call("{API}/d"),
    {"/d": ok(ACAO_PAGE, status=500, body="err")},
    blocked=False,
)

# 6. credentials and cookies
B = "cookies"
ECHO_C = {"/d": ok(ACAO_PAGE, ACAC, echo=("cookie",)), "/e": ok(ACAO_PAGE, ACAC, echo=("cookie",))}
for same_site in (
    "",
    "; SameSite=Lax",
    "; SameSite=Strict",
    "; SameSite=None",
    "; SameSite=None; Secure",
    "; Secure",
    "; HttpOnly",
):
    tag = same_site.replace("; ", "-").replace("=", "").lower() or "-plain"
    for creds in ("include", "omit", "same-origin"):
        add(
            f"cookie{tag}-api-{creds}",
            B,
            f"cookie 'sid=1{same_site}' on api, credentials {creds}",
            Call("{API}/d", credentials=creds),
            ECHO_C,
            cookies=(("{api}/", "sid=1" + same_site),),
        )
    add(
        f"cookie{tag}-api-ip-include",
        B,
        f"cookie 'sid=1{same_site}' on 127.0.0.1 (cross-site), include",
        Call("{API_IP}/d", credentials="include"),
        ECHO_C,
        cookies=(("{api_ip}/", "sid=1" + same_site),),
    )
add(
    "cookie-same-origin-default",
    B,
    "same-origin fetch sends the page's cookies by default",
    Call("{PAGE}/d"),
    ECHO_C,
    cookies=(("{page}/", "sid=1"),),
    blocked=False,
)
add(
    "cookie-same-origin-omit",
    B,
    "same-origin fetch with omit sends no cookie",
    Call("{PAGE}/d", credentials="omit"),
    ECHO_C,
    cookies=(("{page}/", "sid=1"),),
    blocked=False,
)
add(
    "cookie-ports-same-site",
    B,
    "a cookie set for localhost:8002 also goes to localhost:8003 (cookies ignore ports)",
    Call("{API2}/d", credentials="include"),
    ECHO_C,
    cookies=(("{api}/", "sid=1; SameSite=Strict"),),
)
add(
    "cookie-path",
    B,
    "a cookie with Path=/other is not sent to /s/<id>/d",
    Call("{API}/d", credentials="include"),
    ECHO_C,
    cookies=(("{api}/", "sid=1; Path=/other"),),
)
add(
    "cookie-set-then-sent",
    B,
    "a cookie set by a credentialed response goes out next time",
    (Call("{API}/login", credentials="include"), Call("{API}/d", credentials="include")),
    {"/login": ok(ACAO_PAGE, ACAC, ("Set-Cookie", "tok=9; Path=/")), **ECHO_C},
)
for same_site in ("", "; SameSite=Lax", "; SameSite=None; Secure"):
    tag = same_site.replace("; ", "-").replace("=", "").lower() or "-plain"
    add(
        f"cookie-cross-site-set-then-sent{tag}",
        B,
        f"a cross-site API (127.0.0.1) sets 'tok=9{same_site}' in a credentialed answer: sent next time?",
        (Call("{API_IP}/login", credentials="include"), Call("{API_IP}/d", credentials="include")),
        {"/login": ok(ACAO_PAGE, ACAC, ("Set-Cookie", "tok=9; Path=/" + same_site)), **ECHO_C},
    )
add(
    "cookie-set-without-creds-ignored",
    B,
    "a Set-Cookie on a non-credentialed response is ignored",
    (Call("{API}/login"), Call("{API}/d", credentials="include")),
    {"/login": ok(ACAO_PAGE, ("Set-Cookie", "tok=9; Path=/")), **ECHO_C},
)
add(
    "cookie-set-cookie-hidden",
    B,
    "Set-Cookie is never visible to JS, even exposed",
    Call("{API}/d", credentials="include"),
    {"/d": ok(ACAO_PAGE, ACAC, ("Set-Cookie", "a=1"), ("Access-Control-Expose-Headers", "Set-Cookie"))},
)
add(
    "cookie-blocked-still-sent",
    B,
    "include without ACAC: blocked, but the cookie went out",
    Call("{API}/d", credentials="include"),
    {"/d": ok(ACAO_PAGE, echo=("cookie",))},
    cookies=(("{api}/", "sid=1"),),
    blocked=True,
)
add(
    "cookie-preflight-no-cookie",
    B,
    "credentialed preflight: the preflight carries no cookie",
    Call("{API}/d", credentials="include", **PUTX),
    {"OPTIONS /d": pre(*ALLOW_PUTX, ACAC), "/d": ok(ACAO_PAGE, ACAC, echo=("cookie",))},
    cookies=(("{api}/", "sid=1"),),
    preflight=True,
)

# 7. headers visible to JS
B = "expose"
STD = (
    ("Cache-Control", "no-store"),
    ("Content-Language", "en"),
    ("Expires", "0"),
    ("Last-Modified", "Tue, 01 Jan 2030 00:00:00 GMT"),
    ("Pragma", "no-cache"),
    ("X-Custom", "1"),
    ("X-Other", "2"),
    ("Date-Custom", "3"),
    ("Set-Cookie", "a=1"),
)
for i, (aceh, creds) in enumerate(
    [
        (None, "same-origin"),
        ("X-Custom", "same-origin"),
        ("x-custom", "same-origin"),
        ("X-Custom, X-Other", "same-origin"),
        ("*", "same-origin"),
        ("*", "include"),
        ("*, X-Custom", "include"),
        ("X-Custom", "include"),
        ("Set-Cookie", "same-origin"),
        ("X-Custom X-Other", "same-origin"),
        ("X-Custom,,X-Other", "same-origin"),
        ("", "same-origin"),
        ("Content-Length", "same-origin"),
    ]
):
    headers = (
        (ACAO_PAGE,)
        + STD
        + ((ACAC,) if creds == "include" else ())
        + ((("Access-Control-Expose-Headers", aceh),) if aceh is not None else ())
    )
    add(
        f"expose-{i}",
        B,
        f"ACEH {aceh!r} with credentials {creds}",
        Call("{API}/d", credentials=creds),
        {"/d": ok(*headers)},
        blocked=False,
    )
add(
    "expose-two-lines",
    B,
    "ACEH over two lines",
    Call("{API}/d"),
    {
        "/d": ok(
            ACAO_PAGE, *STD, ("Access-Control-Expose-Headers", "X-Custom"), ("Access-Control-Expose-Headers", "X-Other")
        )
    },
    blocked=False,
)
add(
    "expose-acao-star",
    B,
    "ACEH * with ACAO *",
    Call("{API}/d"),
    {"/d": ok(ACAO_STAR, *STD, ("Access-Control-Expose-Headers", "*"))},
    blocked=False,
)
add(
    "expose-duplicate-values",
    B,
    "a header sent twice is joined with ', '",
    Call("{API}/d"),
    {"/d": ok(ACAO_PAGE, ("X-Custom", "a"), ("X-Custom", "b"), ("Access-Control-Expose-Headers", "X-Custom"))},
    blocked=False,
)
add(
    "expose-preflighted",
    B,
    "exposed headers after a preflight",
    Call("{API}/d", **PUTX),
    {"OPTIONS /d": pre(*ALLOW_PUTX), "/d": ok(ACAO_PAGE, *STD, ("Access-Control-Expose-Headers", "X-Custom"))},
    blocked=False,
)

# 8. redirects
B = "redirects"


def loc(target, status=302, *extra):
    return Reply(status, (("Location", target),) + tuple(extra), "")


ECHO_O = ("origin", "cookie", "method")
add(
    "redir-same-origin",
    B,
    "same-origin redirect",
    Call("{PAGE}/a"),
    {"/a": loc("{PAGE}/b"), "/b": ok(echo=ECHO_O)},
    blocked=False,
)
add(
    "redir-same-to-cross",
    B,
    "same-origin URL redirecting to the api",
    Call("{PAGE}/a"),
    {"/a": loc("{API}/b"), "/b": ok(ACAO_PAGE, echo=ECHO_O)},
    blocked=False,
)
add(
    "redir-same-to-cross-no-acao",
    B,
    "same-origin URL redirecting to an api without ACAO",
    Call("{PAGE}/a"),
    {"/a": loc("{API}/b"), "/b": ok(echo=ECHO_O)},
    blocked=True,
)
add(
    "redir-cross-same-host",
    B,
    "api redirect within the api, ACAO on both",
    Call("{API}/a"),
    {"/a": loc("{API}/b", 302, ACAO_PAGE), "/b": ok(ACAO_PAGE, echo=ECHO_O)},
    blocked=False,
)
add(
    "redir-cross-missing-acao-on-hop",
    B,
    "the 302 itself lacks ACAO",
    Call("{API}/a"),
    {"/a": loc("{API}/b"), "/b": ok(ACAO_PAGE, echo=ECHO_O)},
    blocked=True,
)
add(
    "redir-third-origin-page-acao",
    B,
    "api -> api2: Origin becomes null, ACAO page fails",
    Call("{API}/a"),
    {"/a": loc("{API2}/b", 302, ACAO_PAGE), "/b": ok(ACAO_PAGE, echo=ECHO_O)},
    blocked=True,
)
add(
    "redir-third-origin-null-acao",
    B,
    "api -> api2 with ACAO null",
    Call("{API}/a"),
    {"/a": loc("{API2}/b", 302, ACAO_PAGE), "/b": ok(acao("null"), echo=ECHO_O)},
    blocked=False,
)
add(
    "redir-third-origin-star",
    B,
    "api -> api2 with ACAO *",
    Call("{API}/a"),
    {"/a": loc("{API2}/b", 302, ACAO_PAGE), "/b": ok(ACAO_STAR, echo=ECHO_O)},
    blocked=False,
)
add(
    "redir-third-origin-null-creds",
    B,
    "api -> api2 with ACAO null + ACAC and include",
    Call("{API}/a", credentials="include"),
    {"/a": loc("{API2}/b", 302, ACAO_PAGE, ACAC), "/b": ok(acao("null"), ACAC, echo=ECHO_O)},
)
add(
    "redir-back-to-page",
    B,
    "api redirects back to the page origin",
    Call("{API}/a"),
    {"/a": loc("{PAGE}/b", 302, ACAO_PAGE), "/b": ok(echo=ECHO_O)},
)
add(
    "redir-back-to-page-star",
    B,
    "api redirects back to the page origin which answers ACAO *",
    Call("{API}/a"),
    {"/a": loc("{PAGE}/b", 302, ACAO_PAGE), "/b": ok(ACAO_STAR, echo=ECHO_O)},
)
for st in (301, 302, 303, 307, 308):
    add(
        f"redir-post-{st}",
        B,
        f"POST answered {st}: method and body after the hop",
        Call("{API}/a", "POST", body="payload"),
        {"/a": loc("{API}/b", st, ACAO_PAGE), "/b": ok(ACAO_PAGE, echo=("method", "body", "content-type"))},
        blocked=False,
    )
add(
    "redir-preflight-302",
    B,
    "a redirected preflight fails",
    Call("{API}/d", **PUTX),
    {"OPTIONS /d": loc("{API}/e", 302, *ALLOW_PUTX), "/d": ok(ACAO_PAGE), "OPTIONS /e": pre(*ALLOW_PUTX)},
    blocked=True,
    preflight=True,
)
add(
    "redir-after-preflight-same-origin",
    B,
    "preflighted request redirected within the api: new preflight",
    Call("{API}/d", **PUTX),
    {
        "OPTIONS /d": pre(*ALLOW_PUTX),
        "/d": loc("{API}/e", 307, ACAO_PAGE),
        "OPTIONS /e": pre(*ALLOW_PUTX),
        "/e": ok(ACAO_PAGE, echo=ECHO_O),
    },
    blocked=False,
)
add(
    "redir-after-preflight-cross",
    B,
    "preflighted request redirected to api2: preflight with Origin null",
    Call("{API}/d", **PUTX),
    {
        "OPTIONS /d": pre(*ALLOW_PUTX),
        "/d": loc("{API2}/e", 307, ACAO_PAGE),
        "OPTIONS /e": pre(
            acao("null"), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")
        ),
        "/e": ok(acao("null"), echo=ECHO_O),
    },
)
add(
    "redir-manual",
    B,
    "redirect manual gives an opaque-redirect",
    Call("{API}/a", redirect="manual"),
    {"/a": loc("{API}/b", 302, ACAO_PAGE), "/b": ok(ACAO_PAGE)},
    blocked=False,
    type="opaqueredirect",
)
add(
    "redir-manual-same-origin",
    B,
    "redirect manual, same origin",
    Call("{PAGE}/a", redirect="manual"),
    {"/a": loc("{PAGE}/b"), "/b": ok()},
    blocked=False,
    type="opaqueredirect",
)
add(
    "redir-manual-no-acao",
    B,
    "redirect manual on a 302 without ACAO",
    Call("{API}/a", redirect="manual"),
    {"/a": loc("{API}/b"), "/b": ok(ACAO_PAGE)},
)
add(
    "redir-error",
    B,
    "redirect error rejects",
    Call("{API}/a", redirect="error"),
    {"/a": loc("{API}/b", 302, ACAO_PAGE), "/b": ok(ACAO_PAGE)},
    blocked=True,
)
add(
    "redir-error-same-origin",
    B,
    "redirect error, same origin",
    Call("{PAGE}/a", redirect="error"),
    {"/a": loc("{PAGE}/b"), "/b": ok()},
    blocked=True,
)
add(
    "redir-no-location",
    B,
    "a 302 without Location is just a response",
    Call("{API}/a"),
    {"/a": Reply(302, (ACAO_PAGE,), "no location")},
    blocked=False,
)
# A routed stand-in page makes Chromium word a redirect loop as a Local Network Access refusal: use a served page.
add(
    "redir-loop",
    B,
    "more than 20 redirects",
    Call("{API}/a"),
    {"/a": loc("{API}/a", 302, ACAO_PAGE)},
    served_page=True,
    blocked=True,
)
add(
    "redir-to-credentials-url",
    B,
    "cross-origin redirect to a URL with user:pass",
    Call("{API}/a"),
    {"/a": loc("http://u:p@localhost:1/x", 302, ACAO_PAGE)},
    blocked=True,
)
add(
    "redir-same-origin-to-credentials-url",
    B,
    "same-origin fetch redirected to a same-origin URL with user:pass",
    Call("{PAGE}/a"),
    {"/a": loc("http://u:p@localhost:{page_port}/s/redir-same-origin-to-credentials-url/b"), "/b": ok()},
)
add(
    "redir-same-origin-to-credentials-url-no-cors",
    B,
    "the same in mode no-cors",
    Call("{PAGE}/a", mode="no-cors"),
    {"/a": loc("http://u:p@localhost:{page_port}/s/redir-same-origin-to-credentials-url-no-cors/b"), "/b": ok()},
)
add(
    "redir-cookie-on-hop",
    B,
    "include: cookie goes to both hops within the api",
    Call("{API}/a", credentials="include"),
    {"/a": loc("{API}/b", 302, ACAO_PAGE, ACAC), "/b": ok(ACAO_PAGE, ACAC, echo=ECHO_O)},
    cookies=(("{api}/", "sid=1"),),
)
add(
    "redir-to-unsupported-scheme",
    B,
    "redirect to ftp:",
    Call("{API}/a"),
    {"/a": loc("ftp://localhost/x", 302, ACAO_PAGE)},
    blocked=True,
)

# 9. no-cors and same-origin modes
B = "modes"
add(
    "nocors-get",
    B,
    "no-cors GET cross-origin is opaque",
    Call("{API}/d", mode="no-cors"),
    {"/d": ok(echo=ECHO_O)},
    blocked=False,
    type="opaque",
)
add(
    "nocors-get-acao",
    B,
    "no-cors ignores ACAO: still opaque",
    Call("{API}/d", mode="no-cors"),
    {"/d": ok(ACAO_PAGE)},
    type="opaque",
)
add(
    "nocors-post",
    B,
    "no-cors POST text/plain",
    Call("{API}/d", "POST", {"Content-Type": "text/plain"}, "x", mode="no-cors"),
    {"/d": ok()},
    type="opaque",
)
add(
    "nocors-post-json",
    B,
    "no-cors POST application/json: the header is dropped, not an error",
    Call("{API}/d", "POST", {"Content-Type": "application/json"}, "{}", mode="no-cors"),
    {"/d": ok()},
    type="opaque",
    preflight=False,
)
add(
    "nocors-put",
    B,
    "no-cors PUT is refused before sending",
    Call("{API}/d", "PUT", mode="no-cors"),
    {"/d": ok()},
    blocked=True,
    preflights=0,
)
add("nocors-patch", B, "no-cors PATCH is refused", Call("{API}/d", "PATCH", mode="no-cors"), {"/d": ok()}, blocked=True)
add(
    "nocors-custom-header",
    B,
    "no-cors drops a non-safelisted header",
    Call("{API}/d", headers={"X-Custom": "1"}, mode="no-cors"),
    {"/d": ok()},
    type="opaque",
    preflight=False,
)
add(
    "nocors-same-origin",
    B,
    "no-cors to the same origin is basic",
    Call("{PAGE}/d", mode="no-cors"),
    {"/d": ok(("X-Custom", "1"))},
    type="basic",
)
add("nocors-500", B, "no-cors hides a 500", Call("{API}/d", mode="no-cors"), {"/d": ok(status=500)}, type="opaque")
add(
    "nocors-redirect",
    B,
    "no-cors follows a cross-origin redirect",
    Call("{API}/a", mode="no-cors"),
    {"/a": loc("{API2}/b"), "/b": ok()},
    type="opaque",
)
add("nocors-refused", B, "no-cors to a closed port", Call("{closed}/x", mode="no-cors"), {}, blocked=True)
add(
    "nocors-manual",
    B,
    "no-cors with redirect manual",
    Call("{API}/a", mode="no-cors", redirect="manual"),
    {"/a": loc("{API}/b"), "/b": ok()},
)
add(
    "sameorigin-mode-ok",
    B,
    "mode same-origin to the same origin",
    Call("{PAGE}/d", mode="same-origin"),
    {"/d": ok()},
    blocked=False,
    type="basic",
)
add(
    "sameorigin-mode-cross",
    B,
    "mode same-origin to another origin rejects",
    Call("{API}/d", mode="same-origin"),
    {"/d": ok(ACAO_PAGE)},
    blocked=True,
    preflights=0,
)
add(
    "sameorigin-mode-redirect-cross",
    B,
    "mode same-origin redirected cross-origin",
    Call("{PAGE}/a", mode="same-origin"),
    {"/a": loc("{API}/b"), "/b": ok(ACAO_PAGE)},
    blocked=True,
)
add(
    "cors-mode-same-origin-url",
    B,
    "mode cors to the same origin is basic",
    Call("{PAGE}/d", mode="cors"),
    {"/d": ok()},
    type="basic",
)

# 10. bad input
B = "bad-input"
for i, url in enumerate(
    [
        "http://localhost:99999/x",
        "http://[::1/x",
        "http://exa mple.test/",
        "ftp://localhost/x",
        "http://u:p@localhost:1/x",
        "javascript:alert(1)",
        "file:///etc/hostname",
        "about:blank",
        "",
        "data:text/plain,hi",
        "{API}/d#frag",
        "d",
        "{API}/d?q=a b",
        "HTTP://LOCALHOST:{port}/x".replace("{port}", "1"),
    ]
):
    add(f"bad-url-{i}", B, f"URL {url!r}", Call(url), {"/d": ok(ACAO_PAGE)})
for i, (name, value) in enumerate(
    [
        ("X-A", "a\r\nb"),
        ("X-A", "a\nb"),
        ("X-A", "a\x00b"),
        ("X A", "1"),
        ("X:A", "1"),
        ("", "1"),
        ("X-A", "  padded  "),
        ("X-A", "é"),
        ("X-\u00e9", "1"),
    ]
):
    add(
        f"bad-header-{i}",
        B,
        f"header {name!r}: {value!r}",
        Call("{PAGE}/d", headers={name: value}),
        {"/d": ok(echo=("x-a",))},
    )
for field_, value in [
    ("mode", "xyz"),
    ("mode", "navigate"),
    ("mode", "CORS"),
    ("credentials", "all"),
    ("credentials", "Include"),
    ("redirect", "never"),
    ("redirect", "Manual"),
]:
    add(
        f"bad-{field_}-{value}",
        B,
        f"{field_}={value!r}",
        Call("{PAGE}/d", **{field_: value}),
        {"/d": ok()},
        blocked=True,
    )
for m in ("TRACE", "trace", "TRACK", "CONNECT", "connect", "GE T", "", "G\u00e9T"):
    add(
        f"bad-method-{m.encode('ascii', 'replace').decode() or 'empty'}",
        B,
        f"method {m!r}",
        Call("{PAGE}/d", m),
        {"/d": ok()},
        blocked=True,
        preflights=0,
    )
add("bad-get-body", B, "GET with a body", Call("{PAGE}/d", "GET", body="x"), {"/d": ok()}, blocked=True)
add("bad-head-body", B, "HEAD with a body", Call("{PAGE}/d", "HEAD", body="x"), {"/d": ok()}, blocked=True)
for name, value in [
    ("Host", "evil.test"),
    ("Cookie", "sid=forged"),
    ("Origin", "http://evil.test"),
    ("Referer", "http://evil.test/"),
    ("Connection", "close"),
    ("Content-Length", "5"),
    ("Sec-Custom", "1"),
    ("Proxy-Authorization", "x"),
    ("X-HTTP-Method-Override", "TRACE"),
    ("Keep-Alive", "1"),
    ("Access-Control-Request-Method", "PUT"),
    ("Date", "x"),
    ("DNT", "1"),
    ("Via", "x"),
]:
    add(
        f"forbidden-{name.lower()}",
        B,
        f"forbidden header {name} set by hand is dropped silently",
        Call("{API}/d", headers={name: value}),
        {
            "/d": ok(ACAO_PAGE, echo=(f"{name.lower()}?{value}",)),
            "OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Headers", "*")),
        },
    )

# ---------------------------------------------------------------------------------------------------------------
# 11. client hints at the edge of Chromium's value rules (cors.cc IsCorsSafelistedHeader)
B = "safelist"
for name, value in [
    ("ECT", "2G"),
    ("ECT", "slow-2g"),
    ("DPR", ".5"),
    ("DPR", "1."),
    ("Width", "-1"),
    ("RTT", "1.5"),
    ("Downlink", "1e3"),
    ("Downlink", ""),
    ("Device-Memory", "0.25"),
    ("Save-Data", "On"),
    ("Intervention", "x"),
]:
    add(
        f"hdr-hint-edge-{name.lower()}-{value.lower().replace('.', '_') or 'empty'}",
        B,
        f"client hint {name}: {value!r}",
        Call("{API}/d", headers={name: value}),
        {"/d": ok(ACAO_PAGE, echo=(name.lower(),))},
    )

# 12. data: and file: URLs, hosts Chromium's URL parser escapes or refuses
B = "bad-input"
for i, (url, kw) in enumerate(
    [
        ("data:,hi", {}),
        ("data:text/plain;base64,aGk", {}),
        ("data:text/plain;base64,a", {}),
        ("data:hi", {}),
        ("data:TEXT/Plain;Charset=utf-8;foo=bar,hi", {}),
        ("data:text/plain,hi", {"mode": "same-origin"}),
        ("data:text/plain,hi", {"mode": "no-cors"}),
        ("data:text/plain,hi", {"method": "HEAD"}),
        (
            "data:application/json,%7B%22a%22%3A1%7D",
            {"method": "PUT", "headers": {"X-Custom": "1"}, "credentials": "include"},
        ),
        ("file:///etc/hostname", {"mode": "no-cors"}),
        ("file:///etc/hostname", {"mode": "same-origin"}),
        ("FILE:///tmp/a b#f", {}),
        ("http://exa*mple.test/", {}),
        ("http://exa^mple.test/", {}),
        ("http://exa mple.test/", {"method": "PUT"}),
    ]
):
    add(f"url-scheme-{i}", B, f"URL {url!r} {kw}", Call(url, **kw), {})

# 13. page origins other than http://localhost:<port>: sites, cookies and Local Network Access
# {page_shop} / {API_SHOP} ...: the same ports on the host shop.localhost (Chromium resolves *.localhost to loopback)

B = "origin"
SHOP_ECHO = {"/d": ok(acao("{page_shop}"), ACAC, echo=("cookie", "origin"))}
for tag, cookie in (("lax", "sid=1; SameSite=Lax"), ("none-secure", "sid=1; SameSite=None; Secure")):
    add(
        f"site-shop-page-localhost-api-{tag}",
        B,
        f"page shop.localhost -> localhost API: cross-site, cookie '{cookie}' stays home",
        Call("{API}/d", credentials="include"),
        SHOP_ECHO,
        origin="{page_shop}",
        cookies=(("{api}/", cookie),),
        blocked=False,
    )
add(
    "site-shop-page-shop-api",
    B,
    "page shop.localhost -> shop.localhost on another port: same site, the cookie goes",
    Call("{API_SHOP}/d", credentials="include"),
    SHOP_ECHO,
    origin="{page_shop}",
    cookies=(("{api_shop}/", "sid=1"),),
    blocked=False,
)
add(
    "site-localhost-page-shop-api",
    B,
    "page localhost -> shop.localhost API: cross-site, no cookie",
    Call("{API_SHOP}/d", credentials="include"),
    ECHO_C,
    cookies=(("{api_shop}/", "sid=1; SameSite=None; Secure"),),
    blocked=False,
)
add(
    "site-shop-page-no-acao",
    B,
    "page shop.localhost -> localhost API without ACAO",
    Call("{API}/d"),
    {"/d": ok()},
    origin="{page_shop}",
    blocked=True,
)
add(
    "site-shop-page-acao-localhost",
    B,
    "page shop.localhost, ACAO names http://localhost:<page port>",
    Call("{API}/d"),
    {"/d": ok(ACAO_PAGE)},
    origin="{page_shop}",
    blocked=True,
)
add(
    "site-shop-page-same-origin",
    B,
    "page shop.localhost fetching its own origin sends its cookie",
    Call("{PAGE_SHOP}/d"),
    {"/d": ok(echo=("cookie", "origin"))},
    origin="{page_shop}",
    cookies=(("{page_shop}/", "sid=1"),),
    type="basic",
)
add(
    "site-shop-page-preflight",
    B,
    "page shop.localhost: a preflighted PUT allowed for its origin",
    Call("{API}/d", **PUTX),
    {
        "OPTIONS /d": pre(
            acao("{page_shop}"), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")
        ),
        "/d": ok(acao("{page_shop}")),
    },
    origin="{page_shop}",
    preflight=True,
    blocked=False,
)
add(
    "site-cookie-domain-localhost-refused",
    B,
    "shop.localhost cannot set a cookie for Domain=localhost",
    Call("{API}/d", credentials="include"),
    ECHO_C,
    cookies=(("{api_shop}/", "sid=1; Domain=localhost"),),
    blocked=False,
)
IP_ECHO = {"/d": ok(acao("{page_ip}"), ACAC, echo=("cookie", "origin"))}
add(
    "site-ip-page-localhost-api",
    B,
    "page 127.0.0.1 -> localhost API: cross-site, no cookie",
    Call("{API}/d", credentials="include"),
    IP_ECHO,
    origin="{page_ip}",
    cookies=(("{api}/", "sid=1"),),
    blocked=False,
)
add(
    "site-ip-page-ip-api",
    B,
    "page 127.0.0.1 -> 127.0.0.1 on another port: same site, the cookie goes",
    Call("{API_IP}/d", credentials="include"),
    IP_ECHO,
    origin="{page_ip}",
    cookies=(("{api_ip}/", "sid=1; SameSite=Strict"),),
    blocked=False,
)
add(
    "site-ip-page-localhost-same-port",
    B,
    "page 127.0.0.1 -> localhost on the same port: cross-origin",
    Call("{PAGE}/d"),
    {"/d": ok(acao("{page_ip}"), echo=("origin",))},
    origin="{page_ip}",
    type="cors",
)
add(
    "site-loopback-127-0-0-2",
    B,
    "page on 127.0.0.2 (loopback) reaches localhost",
    Call("{API}/d"),
    {"/d": ok(acao("http://127.0.0.2:8001"))},
    origin="http://127.0.0.2:8001",
    blocked=False,
)
EVIL = "http://shop.example.com.evil.net"
for tag, call in (
    ("get", Call("{API}/d")),
    ("put", Call("{API}/d", **PUTX)),
    ("nocors", Call("{API}/d", mode="no-cors")),
    ("ip", Call("{API_IP}/d", credentials="include")),
):
    add(
        f"lna-public-http-page-{tag}",
        B,
        f"a public http page cannot reach loopback ({tag})",
        call,
        {
            "/d": ok(acao(EVIL), ACAC),
            "OPTIONS /d": pre(
                acao(EVIL), ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom")
            ),
        },
        origin=EVIL,
        blocked=True,
        preflights=0,
    )
add(
    "lna-private-ip-http-page",
    B,
    "a page on a private IP over http cannot reach loopback",
    Call("{API}/d"),
    {"/d": ok(acao("http://192.168.1.10:8001"))},
    origin="http://192.168.1.10:8001",
    blocked=True,
)
add(
    "lna-public-https-page",
    B,
    "a public https page reaches loopback (the bridge grants local-network-access)",
    Call("{API}/d"),
    {"/d": ok(acao("https://shop.example.com"))},
    origin="https://shop.example.com",
    blocked=False,
)

# ---------------------------------------------------------------------------------------------------------------
# 14. hostile servers: answers no well-behaved server gives, played byte for byte by the raw-socket server {raw}
# (support/hostile_server.py). The page is served by a real server (served_page): with the bridge's routed stand-in
# page, Chromium 156 words every network failure after a connection as "Permission was denied for this request to
# access the `loopback` address space." (a Local Network Access refusal), which a page served from a real address
# never shows: it gets only the console's "Failed to load resource: net::ERR_..." line.
B = "hostile"
_A = b"Access-Control-Allow-Origin: {page}\r\n"
_STAR = b"Access-Control-Allow-Origin: *\r\n"
_EXPOSE = b"Access-Control-Expose-Headers: *\r\n"
_PUT_OK = pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT"))


def answer(status_line: bytes = b"HTTP/1.1 200 OK", *lines: bytes, body: bytes = b"ok", length: bool = True) -> bytes:
    """Raw response bytes: the status line, the header lines given (each ending CRLF), a Content-Length unless
    ``length`` is False, the blank line and the body."""
    head = status_line + b"\r\n" + b"".join(lines)
    if length:
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body


def hostile(id, about, routes, call=None, origin="{page}", served_page=True, **claims):
    """A scenario whose /d (unless ``routes`` is a route table) is the raw bytes or parts given."""
    if isinstance(routes, bytes):
        routes = (routes,)
    if isinstance(routes, (tuple, Raw)):
        routes = {"/d": routes if isinstance(routes, Raw) else Raw(routes), "OPTIONS /d": _PUT_OK}
    add(id, B, about, call or Call("{RAW}/d"), routes, origin=origin, served_page=served_page, **claims)


def header_block(size: int) -> bytes:
    """A 200 whose header block (status line to blank line) is exactly ``size`` bytes, then a 2-byte body."""
    head = b"HTTP/1.1 200 OK\r\n" + _STAR + _EXPOSE + b"Content-Length: 2\r\n"
    return head + b"X-Fill: " + b"f" * (size - len(head) - len(b"X-Fill: \r\n\r\n")) + b"\r\n\r\nok"


def redirect_to(location: bytes, status: bytes = b"302 Found", *lines: bytes) -> Raw:
    return Raw((answer(b"HTTP/1.1 " + status, _A, *lines, b"Location: " + location + b"\r\n", body=b""),))


# ports Chromium refuses (net::ERR_UNSAFE_PORT): nothing is sent, not even a preflight; a raw server listens there
for name in ("bad6000", "bad6667", "bad10080", "bad5060"):
    hostile(f"port-{name}", f"port {LISTENED_PORTS[name]} is refused", {"/d": ok(ACAO_PAGE)},
            Call("{" + name.upper() + "}/d"), blocked=True, preflights=0)
hostile("port-put-no-preflight", "a PUT to port 6000: refused before the preflight", {"/d": ok(ACAO_PAGE)},
        Call("{BAD6000}/d", "PUT"), blocked=True, preflights=0)
hostile("port-nocors", "no-cors to port 6000 is refused too", {"/d": ok(ACAO_PAGE)},
        Call("{BAD6000}/d", mode="no-cors"), blocked=True)
hostile("port-zero", "port 0 is refused", {}, Call("http://localhost:0/x"), blocked=True)
hostile("port-same-origin", "a page on port 6000 cannot fetch its own origin", {"/d": ok()}, Call("{BAD6000}/d"),
        origin="{bad6000}", served_page=False, blocked=True)
hostile("port-4190-allowed", "4190 is on the Fetch Standard's bad-port list, not on Chromium 156's",
        {"/d": ok(ACAO_PAGE), "OPTIONS /d": _PUT_OK}, Call("{PORT4190}/d", "PUT"), blocked=False, preflights=1)
hostile("port-redirect", "a redirect to port 6000 is refused", {"/r": loc("{BAD6000}/d", 302, ACAO_PAGE)},
        Call("{API}/r"), blocked=True)
hostile("port-redirect-same-origin", "a same-origin redirect to port 6000 is refused",
        {"/r": loc("{BAD6000}/d")}, Call("{PAGE}/r"), blocked=True)
hostile("port-redirect-nocors", "a no-cors redirect to port 6000 is refused",
        {"/r": loc("{BAD6000}/d", 302)}, Call("{API}/r", mode="no-cors"), blocked=True)
hostile("port-redirect-preflight", "a 307 PUT to port 6000: the second preflight is refused",
        {"/r": loc("{BAD6000}/d", 307, ACAO_PAGE), "OPTIONS /r": _PUT_OK}, Call("{API}/r", "PUT"), blocked=True,
        preflights=1)

# numeric IPv4 hosts: the URL parser writes them dotted (console sentences name 127.0.0.1), or refuses them
for i, host in enumerate(["2130706433", "0x7f.0.0.1", "127.1", "0177.0.0.1", "0x7f000001", "127.0.1", "127.0.0.1.",
                          "0X7F.1", "127.0.0x1", "0x7f.0x.1", "127.00000000000000001", "4294967296", "127.0.0.256",
                          "09.0.0.1", "1.2.3.09", "1.2.3.4.5", "999999999999", "a.0x1", "0x100000000"]):
    hostile(f"ip-host-{i}", f"host {host}", {"/d": ok()}, Call("http://" + host + ":{api_port}/s/ip-host-%d/d" % i),
            served_page=False, blocked=True)
hostile("ip-host-redirect", "a Location with a numeric host is written dotted",
        {"/r": loc("http://2130706433:{api_port}/s/ip-host-redirect/d", 302, ACAO_PAGE), "/d": ok()},
        Call("{API}/r"), served_page=False, blocked=True)

# informational 1xx answers before the real one: skipped
_OK = answer(b"HTTP/1.1 200 OK", _A)
for code in (b"100 Continue", b"102 Processing", b"103 Early Hints\r\nLink: </x.css>; rel=preload", b"199 Whatever",
             b"101 Switching Protocols"):
    hostile(f"info-{code[:3].decode()}", f"{code[:3].decode()} before the answer is skipped",
            b"HTTP/1.1 " + code + b"\r\n\r\n" + _OK, blocked=False)
hostile("info-twice", "100 then 103 then the answer", b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n"
        + _OK, blocked=False)
hostile("info-slow", "a 100, a pause, then the answer", (b"HTTP/1.1 100 Continue\r\n\r\n", 0.3, _OK), blocked=False)
hostile("info-only", "a 100 and then the connection closes", b"HTTP/1.1 100 Continue\r\n\r\n", blocked=True)
hostile("info-preflight", "a 100 before the preflight's answer",
        {"OPTIONS /d": Raw((b"HTTP/1.1 100 Continue\r\n\r\n" + answer(b"HTTP/1.1 204 No Content", _A,
                                                                      b"Access-Control-Allow-Methods: PUT\r\n",
                                                                      body=b""),)), "/d": ok(ACAO_PAGE)},
        Call("{RAW}/d", "PUT"), blocked=False, preflights=1)

# status lines
for sid, raw_answer in {
    "status-not-http": b"HELLO WORLD\r\n\r\n",
    "status-html": b"<html>not http at all</html>",
    "status-empty": b"",
    "status-short-junk": b"HTT",
    "status-slop-4": b"\r\n\r\n" + _OK,
    "status-slop-5": b"xxxxx" + _OK,
    "status-no-headers-end": b"HTTP/1.1 200 OK\r\n" + _A + b"X-A: 1",
    "status-version-only": b"HTTP/1.1",
    "status-icy": answer(b"ICY 200 OK", _A),
    "status-http2": answer(b"HTTP/2 200 OK", _A),
    "status-lowercase": answer(b"http/1.1 200 ok", _A),
    "status-https-version": answer(b"HTTPS/1.1 201 X", _A),
    "status-letters": answer(b"HTTP/1.1 abc OK", _A),
    "status-99": answer(b"HTTP/1.1 99 X", _A),
    "status-0": answer(b"HTTP/1.1 0 X", _A),
    "status-1000": answer(b"HTTP/1.1 1000 X", _A),
    "status-70000": answer(b"HTTP/1.1 70000 X", _A),
    "status-65536": answer(b"HTTP/1.1 65536 X", _A),
    "status-overflow": answer(b"HTTP/1.1 99999999999 X", _A),
    "status-2x0": answer(b"HTTP/1.1 2x0 X", _A),
    "status-glued": answer(b"HTTP/1.1 201OK", _A),
    "status-tab": answer(b"HTTP/1.1\t201 X", _A),
    "status-long-reason": answer(b"HTTP/1.1 200 " + b"O" * 100000, _A),
}.items():
    hostile(sid, f"status line {raw_answer[:24]!r}", raw_answer)

# header blocks: large, garbled, non-ASCII, contradictory
_X = (_A, _EXPOSE)
for sid, raw_answer in {
    "headers-300": answer(b"HTTP/1.1 200 OK", *_X, *(b"X-H%d: %d\r\n" % (i, i) for i in range(300))),
    "headers-100k-line": answer(b"HTTP/1.1 200 OK", *_X, b"X-Long: " + b"a" * 100000 + b"\r\n"),
    "headers-256k": header_block(256 * 1024),
    "headers-over-256k": header_block(256 * 1024 + 1),
    "headers-no-colon": answer(b"HTTP/1.1 200 OK", *_X, b"garbage line here\r\nX-Ok: 1\r\n"),
    "headers-space-in-name": answer(b"HTTP/1.1 200 OK", *_X, b"X Bad: 1\r\nX-Ok: 1\r\n"),
    "headers-space-before-colon": answer(b"HTTP/1.1 200 OK", *_X, b"X-Sp : 1\r\n"),
    "headers-nul-value": answer(b"HTTP/1.1 200 OK", *_X, b"X-Nul: a\x00b\r\n"),
    "headers-nul-name": answer(b"HTTP/1.1 200 OK", *_X, b"X-N\x00ul: ab\r\n"),
    "headers-lone-cr": answer(b"HTTP/1.1 200 OK", *_X, b"X-Cr: a\rb\r\nX-Ok: 1\r\n"),
    "headers-folded": answer(b"HTTP/1.1 200 OK", *_X, b"X-Fold: a\r\n  b\r\nX-Ok: 1\r\n"),
    "headers-leading-space": answer(b"HTTP/1.1 200 OK", b" X-Lead: 1\r\n", *_X, b"X-Ok: 1\r\n"),
    "headers-empty-name": answer(b"HTTP/1.1 200 OK", *_X, b": novalue\r\nX-Ok: 1\r\n"),
    "headers-lf-only": b"HTTP/1.1 200 OK\n" + _A.replace(b"\r\n", b"\n") + b"Content-Length: 2\n\nok",
    "headers-utf8-value": answer(b"HTTP/1.1 200 OK", *_X, b"X-Name: caf\xc3\xa9\r\nX-Latin: \xe9t\xe9\r\n"),
    "headers-utf8-name": answer(b"HTTP/1.1 200 OK", *_X, b"X-N\xc3\xa9: 1\r\nX-Ok: 1\r\n"),
    "headers-utf8-acao": answer(b"HTTP/1.1 200 OK", b"Access-Control-Allow-Origin: {page}\xc3\xa9\r\n"),
    "headers-two-lengths": answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 2\r\nContent-Length: 3\r\n", body=b"ok!",
                                  length=False),
    "headers-same-lengths": answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 2\r\nContent-Length: 2\r\n",
                                   length=False),
    "headers-length-list": answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 2, 3\r\n", body=b"ok!", length=False),
    "headers-two-lengths-chunked": answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 2\r\nContent-Length: 3\r\n"
                                          b"Transfer-Encoding: chunked\r\n", body=b"2\r\nok\r\n0\r\n\r\n",
                                          length=False),
    "headers-two-dispositions": answer(b"HTTP/1.1 200 OK", _A, b"Content-Disposition: a\r\n"
                                       b"Content-Disposition: b\r\n"),
    "headers-length-letters": answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: abc\r\n", length=False),
    "headers-length-plus": answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: +2\r\n", body=b"okEXTRA", length=False),
    "headers-length-negative": answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: -1\r\n", length=False),
}.items():
    hostile(sid, sid.replace("-", " "), raw_answer)

# bodies: cut short, chunked right and wrong, content codings
_GZ = __import__("gzip").compress(b"zipped!")
_DEFLATE = __import__("zlib").compress(b"deflated!")
for sid, raw_answer, call in [
    ("body-short", answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 100\r\n", body=b"only-ten!!", length=False), None),
    ("body-short-nocors", answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 100\r\n", body=b"only-ten!!",
                                 length=False), Call("{RAW}/d", mode="no-cors")),
    ("body-short-blocked", answer(b"HTTP/1.1 200 OK", b"Content-Length: 100\r\n", body=b"only-ten!!", length=False),
     None),
    ("body-short-head", answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 100\r\n", body=b"", length=False),
     Call("{RAW}/d", "HEAD")),
    ("body-long", answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 2\r\n", body=b"okEXTRA", length=False), None),
    ("body-204-with-body", answer(b"HTTP/1.1 204 No Content", _A, body=b"ok"), None),
    ("body-until-close", answer(b"HTTP/1.0 200 OK", _A, body=b"ok-until-close", length=False), None),
]:
    hostile(sid, sid.replace("-", " "), raw_answer, call)
_CHUNKED = (_A, b"Transfer-Encoding: chunked\r\n")
for sid, chunks in {
    "chunked-ok": b"5;ext=1\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n",
    "chunked-uppercase": b"A\r\n0123456789\r\n0\r\n\r\n",
    "chunked-lf-only": b"2\nok\n0\n\n",
    "chunked-trailing-space": b"2 \r\nok\r\n0\r\n\r\n",
    "chunked-cut": b"5\r\nhello\r\n5\r\nwor",
    "chunked-no-last": b"5\r\nhello\r\n",
    "chunked-not-hex": b"zz\r\nhello\r\n0\r\n\r\n",
    "chunked-plus": b"+2\r\nok\r\n0\r\n\r\n",
    "chunked-0x": b"0x2\r\nok\r\n0\r\n\r\n",
    "chunked-huge-size": b"ffffffffffffffffff\r\nok\r\n0\r\n\r\n",
    "chunked-no-line-end": b"2\r\nokXX0\r\n\r\n",
}.items():
    hostile(sid, sid.replace("-", " "), answer(b"HTTP/1.1 200 OK", *_CHUNKED, body=chunks, length=False))
hostile("chunked-http10", "Transfer-Encoding: chunked on HTTP/1.0 is not chunked",
        answer(b"HTTP/1.0 200 OK", *_CHUNKED, body=b"2\r\nok\r\n0\r\n\r\n", length=False))
hostile("chunked-gzip-te", "Transfer-Encoding: gzip, chunked: only the chunks are undone",
        answer(b"HTTP/1.1 200 OK", _A, b"Transfer-Encoding: gzip, chunked\r\n", body=b"2\r\nok\r\n0\r\n\r\n",
               length=False))
for sid, coding, body, call in [
    ("coding-gzip", b"gzip", _GZ, None), ("coding-x-gzip", b"x-gzip", _GZ, None),
    ("coding-deflate", b"deflate", _DEFLATE, None), ("coding-raw-deflate", b"deflate", _DEFLATE[2:-4], None),
    ("coding-gzip-twice", b"gzip, gzip", __import__("gzip").compress(_GZ), None),
    ("coding-unknown", b"foo", b"ok", None), ("coding-identity", b"identity", b"ok", None),
    ("coding-broken", b"gzip", b"ok", None), ("coding-broken-nocors", b"gzip", b"ok", Call("{RAW}/d", mode="no-cors")),
    ("coding-broken-head", b"gzip", b"", Call("{RAW}/d", "HEAD")), ("coding-gzip-empty", b"gzip", b"", None),
]:
    hostile(sid, f"Content-Encoding: {coding.decode()}", answer(b"HTTP/1.1 200 OK", _A, b"Content-Encoding: " + coding
                                                             + b"\r\n", body=body), call)
hostile("coding-broken-blocked", "a body that does not decode, on a blocked answer",
        answer(b"HTTP/1.1 200 OK", b"Content-Encoding: gzip\r\n"), blocked=True)
hostile("body-short-same-origin", "a same-origin body cut short", answer(b"HTTP/1.1 200 OK", b"Content-Length: 100\r\n",
                                                                         body=b"only-ten!!", length=False),
        Call("{RAW}/d"), origin="{raw}", blocked=False)

# Location: non-ASCII bytes, unparsable, repeated, unsafe schemes
for sid, value, call in [
    ("location-utf8", b"/s/location-utf8/caf\xc3\xa9", None),
    ("location-latin1", b"/s/location-latin1/caf\xe9", None),
    ("location-broken-ipv6", b"http://[::1/x", None),
    ("location-port-out-of-range", b"http://x:99999/", None),
    ("location-port-out-of-range-nocors", b"http://x:99999/", Call("{RAW}/r", mode="no-cors")),
    ("location-port-out-of-range-manual", b"http://x:99999/", Call("{RAW}/r", redirect="manual")),
    ("location-port-out-of-range-error", b"http://x:99999/", Call("{RAW}/r", redirect="error")),
    ("location-scheme-only", b"http:", None),
    ("location-bad-host", b"http://a<b/", None),
    ("location-bad-numeric-host", b"http://256.0.0.1/", None),
    ("location-numeric-host", b"http://0x7f.1:{api_port}/s/location-numeric-host/d", None),
    ("location-extra-slashes", b"http:///localhost:{api_port}/s/location-extra-slashes/d", None),
    ("location-data", b"data:,hi", None),
    ("location-data-nocors", b"data:,hi", Call("{RAW}/r", mode="no-cors")),
    ("location-data-manual", b"data:,hi", Call("{RAW}/r", redirect="manual")),
    ("location-file", b"file:///etc/hostname", None),
]:
    hostile(sid, f"Location: {value[:40]!r}", {"/r": redirect_to(value), "/d": ok()}, call or Call("{RAW}/r"))
hostile("location-data-no-acao", "a redirect to data: without Access-Control-Allow-Origin",
        {"/r": Raw((answer(b"HTTP/1.1 302 Found", b"Location: data:,hi\r\n", body=b""),))}, Call("{RAW}/r"))
hostile("location-same-origin-unparsable", "a same-origin redirect to an unparsable Location",
        {"/r": Raw((answer(b"HTTP/1.1 302 Found", b"Location: http://x:99999/\r\n", body=b""),))}, Call("{RAW}/r"),
        origin="{raw}")
for sid, lines in {"location-two": b"Location: /s/location-two/a\r\nLocation: /s/location-two/b\r\n",
                   "location-twice-the-same": b"Location: /s/location-twice-the-same/a\r\n" * 2,
                   "location-empty-then-one": b"Location:\r\nLocation: /s/location-empty-then-one/a\r\n"}.items():
    hostile(sid, sid.replace("-", " "), {"/r": Raw((answer(b"HTTP/1.1 302 Found", _A, lines, body=b""),)),
                                         "/a": ok(ACAO_PAGE, body="a"), "/b": ok(ACAO_PAGE, body="b")},
            Call("{RAW}/r"))
hostile("redirect-body-short", "a redirect whose body is cut short is followed",
        {"/r": Raw((answer(b"HTTP/1.1 302 Found", _A, b"Location: /s/redirect-body-short/a\r\nContent-Length: 100\r\n",
                           body=b"xx", length=False),)), "/a": ok(ACAO_PAGE, body="a")}, Call("{RAW}/r"))
hostile("preflight-body-short", "a preflight answer whose body is cut short still lets the request go",
        {"OPTIONS /d": Raw((answer(b"HTTP/1.1 200 OK", _A, b"Access-Control-Allow-Methods: PUT\r\n"
                                   b"Content-Length: 100\r\n", body=b"xx", length=False),)), "/d": ok(ACAO_PAGE)},
        Call("{RAW}/d", "PUT"), blocked=False, preflights=1)
hostile("preflight-not-http", "a preflight answered with bytes that are not HTTP",
        {"OPTIONS /d": Raw((b"garbage garbage",)), "/d": ok(ACAO_PAGE)}, Call("{RAW}/d", "PUT"), blocked=True)

# slow servers and the call's deadline (timeout=): the bridge gives up as the engine does, both say timed out
_HEAD20 = answer(b"HTTP/1.1 200 OK", _A, b"Content-Length: 20\r\n", body=b"", length=False)
_TRICKLE = tuple(part for _ in range(20) for part in (b"x", 0.5))  # one byte every half second: 10 s in all
hostile("slow-trickle", "a body of one byte every half second, deadline 2 s", (_HEAD20, *_TRICKLE),
        Call("{RAW}/d", timeout=2), blocked=True)
hostile("slow-trickle-same-origin", "a same-origin trickle, deadline 2 s",
        (answer(b"HTTP/1.1 200 OK", b"Content-Length: 20\r\n", body=b"", length=False), *_TRICKLE),
        Call("{RAW}/d", timeout=2), origin="{raw}", blocked=True)
hostile("slow-headers", "nothing for 5 s, deadline 1.5 s", (5.0, _OK), Call("{RAW}/d", timeout=1.5), blocked=True)
hostile("slow-within-deadline", "four bytes over a second, deadline 5 s",
        (_HEAD20.replace(b"20", b"4"), *(part for _ in range(4) for part in (0.25, b"y"))),
        Call("{RAW}/d", timeout=5), blocked=False)
hostile("slow-redirect-hops", "three hops of 0.8 s each, deadline 2 s: they add up",
        {f"/r{i}": Raw((0.8, answer(b"HTTP/1.1 302 Found", _A, b"Location: /s/slow-redirect-hops/r%d\r\n" % (i + 1),
                                    body=b"")) if i < 3 else (0.8, _OK)) for i in (1, 2, 3)},
        Call("{RAW}/r1", timeout=2), blocked=True)
hostile("slow-preflight", "a preflight answered after 5 s, deadline 1.5 s",
        {"OPTIONS /d": Raw((5.0, answer(b"HTTP/1.1 204 No Content", _A, b"Access-Control-Allow-Methods: PUT\r\n",
                                        body=b""))), "/d": ok(ACAO_PAGE)}, Call("{RAW}/d", "PUT", timeout=1.5),
        blocked=True)
hostile("slow-body-of-a-blocked-answer", "a blocked answer is blocked at once, whatever its body does",
        Raw((answer(b"HTTP/1.1 200 OK", b"Content-Length: 100\r\n", body=b"xx", length=False),), hold=8),
        Call("{RAW}/d", timeout=3), blocked=True)
hostile("slow-body-nocors", "an opaque answer resolves at once, whatever its body does",
        Raw((_HEAD20 + b"xx",), hold=8), Call("{RAW}/d", mode="no-cors", timeout=3), blocked=False)
hostile("slow-body-of-a-preflight", "a preflight's body is never waited for",
        {"OPTIONS /d": Raw((answer(b"HTTP/1.1 204 No Content", _A, b"Access-Control-Allow-Methods: PUT\r\n"
                                   b"Content-Length: 100\r\n", body=b"xx", length=False),), hold=8),
         "/d": ok(ACAO_PAGE)}, Call("{RAW}/d", "PUT", timeout=3), blocked=False)
hostile("slow-body-of-a-redirect", "a redirect's body is never waited for",
        {"/r": Raw((answer(b"HTTP/1.1 302 Found", _A, b"Location: /s/slow-body-of-a-redirect/a\r\n"
                           b"Content-Length: 100\r\n", body=b"xx", length=False),), hold=8),
         "/a": ok(ACAO_PAGE, body="a")}, Call("{RAW}/r", timeout=3), blocked=False)

# absurd values in Set-Cookie and Access-Control-Max-Age: what Chromium keeps, ignores or clamps
_ECHO_COOKIE = {"/get": ok(ACAO_PAGE, ACAC, echo=("cookie",))}
for sid, cookie in {
    "cookie-max-age-huge": "a=1; Max-Age=99999999999999999999",
    "cookie-max-age-huge-negative": "a=1; Max-Age=-99999999999999999999",
    "cookie-max-age-600-digits": "a=1; Max-Age=" + "9" * 600,
    "cookie-max-age-5000-digits": "a=1; Max-Age=" + "9" * 5000,
    "cookie-max-age-5000-digits-negative": "a=1; Max-Age=-" + "9" * 5000,
    "cookie-max-age-plus-zero": "a=1; Max-Age=+0",
    "cookie-max-age-fraction": "a=1; Max-Age=0.5",
    "cookie-expires-year-99999": "a=1; Expires=Wed, 09 Jun 99999 10:18:14 GMT",
    "cookie-expires-year-1600": "a=1; Expires=Wed, 09 Jun 1600 10:18:14 GMT",
    "cookie-expires-5000-digits": "a=1; Expires=" + "1" * 5000,
    "cookie-4096-bytes": "a=" + "v" * 4095,
    "cookie-4097-bytes": "a=" + "v" * 4096,
    "cookie-path-over-1024": "a=1; Path=/" + "p" * 2000,
}.items():
    add(sid, B, f"Set-Cookie: {cookie[:50]}", (Call("{API}/set", credentials="include"),
                                               Call("{API}/get", credentials="include")),
        {"/set": ok(ACAO_PAGE, ACAC, ("Set-Cookie", cookie)), **_ECHO_COOKIE})
_PUT_X = dict(method="PUT", headers={"X-Custom": "1"})


def _max_age(value: str) -> dict:
    return {"OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT"),
                              ("Access-Control-Allow-Headers", "X-Custom"), ("Access-Control-Max-Age", value)),
            "/d": ok(ACAO_PAGE)}


# too large for 64 bits is unparsable, so Chromium's default 5 s: still cached half a second later, gone after 5.6 s
add("max-age-huge-negative", B, "Access-Control-Max-Age: -99999999999999999999 is the default 5 s, not 0",
    (Call("{API}/d", **_PUT_X), Call("{API}/d", sleep_before=0.5, **_PUT_X)), _max_age("-99999999999999999999"),
    preflights=1)
add("max-age-5000-digits", B, "Access-Control-Max-Age of 5000 digits is the default 5 s",
    (Call("{API}/d", **_PUT_X), Call("{API}/d", sleep_before=0.5, **_PUT_X)), _max_age("9" * 5000), preflights=1)
add("max-age-int64-max", B, "Access-Control-Max-Age: 9223372036854775807 is capped at 7200 s",
    (Call("{API}/d", **_PUT_X), Call("{API}/d", sleep_before=0.5, **_PUT_X)), _max_age("9223372036854775807"),
    preflights=1)
add("max-age-huge", B, "Access-Control-Max-Age: 99999999999999999999 is the default 5 s, not 7200 s",
    (Call("{API}/d", **_PUT_X), Call("{API}/d", sleep_before=5.6, **_PUT_X)), _max_age("99999999999999999999"),
    preflights=2)


# ---------------------------------------------------------------------------------------------------------------
# a sandboxed frame: <iframe sandbox="allow-scripts"> loaded from {page}/__page__, so the page's origin is `null`
B = "opaque origin"
ACAO_NULL = ("Access-Control-Allow-Origin", "null")
_SEEN = ("origin", "referer", "cookie")
_FRAME_COOKIES = (("{api}/", "sid=1; SameSite=None; Secure"), ("{api}/", "plain=1"), ("{page}/", "own=1"))


def null(id, about, calls, routes, **options):
    """One scenario whose page is a sandboxed frame (origin "null"): every id starts with ``null-``."""
    add(id, B, about, calls, routes, origin="null", **options)


null("null-no-acao", "a sandboxed frame sends Origin: null; no ACAO: blocked", Call("{API}/d"), {"/d": ok()},
     blocked=True)
null("null-acao-star", "ACAO * lets the sandboxed frame read; no Referer goes out", Call("{API}/d"),
     {"/d": ok(ACAO_STAR, echo=_SEEN)}, blocked=False, type="cors")
null("null-acao-null", "ACAO: null lets the sandboxed frame read", Call("{API}/d"), {"/d": ok(ACAO_NULL, echo=_SEEN)},
     blocked=False, type="cors")
null("null-acao-frame-url-origin", "ACAO naming the origin the frame was loaded from does not match null",
     Call("{API}/d"), {"/d": ok(ACAO_PAGE)}, blocked=True)
null("null-own-origin-no-acao", "the frame's own URL's origin is cross-origin to it: no ACAO, blocked",
     Call("{PAGE}/d"), {"/d": ok(echo=("origin",))}, blocked=True)
null("null-own-origin-acao-null", "its own URL's origin, ACAO null: a CORS response", Call("{PAGE}/d"),
     {"/d": ok(ACAO_NULL, echo=_SEEN)}, blocked=False, type="cors")
null("null-relative-url", "a relative URL resolves against the frame's URL, and is cross-origin",
     Call("/s/null-relative-url/d"), {"/d": ok(ACAO_NULL, echo=("origin",))}, blocked=False, type="cors")
null("null-acao-null-uppercase", "ACAO: NULL is not null", Call("{API}/d"), {"/d": ok(acao("NULL"))}, blocked=True)
null("null-acao-null-twice", "ACAO: null, null is two values", Call("{API}/d"), {"/d": ok(acao("null, null"))},
     blocked=True)
null("null-post-text", "a POST from the frame: Origin null", Call("{API}/d", "POST", body="hi"),
     {"/d": ok(ACAO_NULL, echo=("origin", "method", "body"))}, blocked=False)
null("null-credentials-acac", "credentials include, ACAO null + ACAC true: readable, and no cookie went",
     Call("{API}/d", credentials="include"), {"/d": ok(ACAO_NULL, ACAC, echo=_SEEN)}, cookies=_FRAME_COOKIES,
     blocked=False)
null("null-credentials-star", "credentials include, ACAO *: blocked", Call("{API}/d", credentials="include"),
     {"/d": ok(ACAO_STAR, ACAC)}, cookies=_FRAME_COOKIES, blocked=True)
null("null-credentials-no-acac", "credentials include, ACAO null without ACAC: blocked",
     Call("{API}/d", credentials="include"), {"/d": ok(ACAO_NULL)}, blocked=True)
null("null-credentials-ip", "credentials include to 127.0.0.1 with its cookies: none go",
     Call("{API_IP}/d", credentials="include"), {"/d": ok(ACAO_NULL, ACAC, echo=_SEEN)},
     cookies=(("{api_ip}/", "sid=1; SameSite=None; Secure"),), blocked=False)
null("null-same-origin-credentials-own-origin", "credentials same-origin never sends cookies from the frame",
     Call("{PAGE}/d"), {"/d": ok(ACAO_NULL, ACAC, echo=_SEEN)}, cookies=_FRAME_COOKIES, blocked=False)
null("null-cookie-set-by-answer", "a cookie an answer to the frame sets: Chromium keeps none, Firefox a partition",
     (Call("{API}/set", credentials="include"), Call("{API}/get", credentials="include")),
     {"/set": ok(ACAO_NULL, ACAC, ("Set-Cookie", "f=1; SameSite=None; Secure"), ("Set-Cookie", "g=1")),
      "/get": ok(ACAO_NULL, ACAC, echo=("cookie",))}, blocked=False)
null("null-cookie-lax-set-by-answer", "SameSite=Lax from an answer to the frame: refused (cross-site)",
     (Call("{API}/set", credentials="include"), Call("{API}/get", credentials="include")),
     {"/set": ok(ACAO_NULL, ACAC, ("Set-Cookie", "l=1; SameSite=Lax")),
      "/get": ok(ACAO_NULL, ACAC, echo=("cookie",))}, blocked=False)
_ALLOW_PUT_NULL = (ACAO_NULL, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "X-Custom"))
null("null-preflight-acao-null", "a PUT from the frame: the preflight says Origin null, ACAO null allows it",
     Call("{API}/d", "PUT", {"X-Custom": "1"}), {"OPTIONS /d": pre(*_ALLOW_PUT_NULL),
                                                  "/d": ok(ACAO_NULL, echo=("origin", "method"))},
     blocked=False, preflight=True)
null("null-preflight-twice", "two PUTs, Max-Age 600: Chromium preflights each, Firefox reuses the first",
     (Call("{API}/d", "PUT"), Call("{API}/d", "PUT")),
     {"OPTIONS /d": pre(*_ALLOW_PUT_NULL, ("Access-Control-Max-Age", "600")), "/d": ok(ACAO_NULL)},
     blocked=False, preflights=2)
null("null-preflight-acao-frame-url-origin", "the preflight answers with the frame URL's origin: blocked",
     Call("{API}/d", "PUT"), {"OPTIONS /d": pre(ACAO_PAGE, ("Access-Control-Allow-Methods", "PUT")),
                             "/d": ok(ACAO_PAGE)}, blocked=True, preflight=True)
null("null-preflight-star", "preflight and answer with ACAO *", Call("{API}/d", "PUT", {"X-Custom": "1"}),
     {"OPTIONS /d": pre(ACAO_STAR, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Allow-Headers", "*")),
      "/d": ok(ACAO_STAR)}, blocked=False, preflight=True)
null("null-preflight-credentials", "a credentialed PUT: the preflight needs ACAO null + ACAC",
     Call("{API}/d", "PUT", credentials="include"),
     {"OPTIONS /d": pre(ACAO_NULL, ACAC, ("Access-Control-Allow-Methods", "PUT")),
      "/d": ok(ACAO_NULL, ACAC, echo=("cookie",))}, cookies=_FRAME_COOKIES, blocked=False, preflight=True)
null("null-redirect-cross-origin", "a redirect to another origin: Origin stays null, ACAO null on both hops",
     Call("{API}/r"), {"/r": Reply(302, (("Location", "{API2}/d"), ACAO_NULL), ""),
                       "/d": ok(ACAO_NULL, echo=("origin",))}, blocked=False)
null("null-redirect-to-frame-url-origin", "a redirect to the frame's own URL's origin: still cross-origin",
     Call("{API}/r"), {"/r": Reply(302, (("Location", "{PAGE}/d"), ACAO_NULL), ""), "/d": ok(echo=("origin",))},
     blocked=True)
null("null-redirect-manual", "redirect 'manual' from the frame: an opaque-redirect",
     Call("{API}/r", redirect="manual"), {"/r": Reply(302, (("Location", "{API2}/d"), ACAO_NULL), "")},
     blocked=False, type="opaqueredirect")
null("null-mode-same-origin", "mode 'same-origin' refuses even the frame's own URL's origin",
     Call("{PAGE}/d", mode="same-origin"), {"/d": ok()}, blocked=True)
null("null-mode-no-cors", "mode 'no-cors' to the frame's own URL's origin: opaque", Call("{PAGE}/d", mode="no-cors"),
     {"/d": ok()}, blocked=False, type="opaque")
null("null-data-url", "a data: URL from the frame: a basic 200", Call("data:text/plain,hello"), {}, blocked=False,
     type="basic")
