"""Real axios in real Chromium, against a lab server, compared with `cors_lab.course.axios` through the engine.

axios' browser build (``dist/axios.min.js`` of ``axios@AXIOS_VERSION`` from npm, installed into a cache directory,
never into the repository) is added to a page at http://localhost:8001 in headless Chromium (Playwright), and each
case calls ``axios(config)`` against a recording server. The same call goes through `axios_request` (the engine's
XMLHttpRequest) to the same server. The test compares what the server received (method, path, the headers a script
or CORS decides, the body) and what the page's ``catch`` got (``String(error)``, ``name``, ``message``, ``code``,
``error.response.status``), and for a blocked call the console sentence.

Real axios is the reference: when a test here fails, `cors_lab.course.axios` (or the engine's XHR) is wrong.
Recording: with ``CORS_LAB_RECORD_DIR`` set, each case's real results go to ``$CORS_LAB_RECORD_DIR/axios.jsonl``.
The cache directory is ``$CORS_LAB_AXIOS_DIR`` (default: <tmp>/cors_lab-axios).
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, jsonify, request

from cors_lab import Browser, CorsPolicy, serve
from cors_lab.course.axios import ACCEPT, AXIOS_VERSION, NETWORK_ERROR, axios_error, axios_request
from cors_lab.real.binaries import find_chromium
from cors_lab.real.chromium import CHROMIUM_ARGS, chromium_available, unavailable_reason
from cors_lab.server.flask_policy import install

PAGE = "http://localhost:8001"
AXIOS_HOME = Path(os.environ.get("CORS_LAB_AXIOS_DIR") or Path(tempfile.gettempdir()) / "cors_lab-axios")
INSTALL_SECONDS = 60
#: request headers that say what the script (axios) or CORS decided; the rest is the browser's own transport
COMPARED_HEADERS = ("accept", "content-type", "origin", "cookie", "authorization", "x-custom",
                    "access-control-request-method", "access-control-request-headers")

CALL_JS = """async ([config]) => {
  try {
    const response = await axios(config);
    return {resolved: true, status: response.status};
  } catch (error) {
    return {resolved: false, string: String(error), name: error.name, message: error.message,
            code: error.code === undefined ? null : error.code,
            status: error.response ? error.response.status : null};
  }
}"""


def axios_script() -> Path:
    """The path of axios' browser build, installed from npm on first use; skips the module when it cannot be."""
    from cors_lab.errors import ServerError
    from cors_lab.frameworks.npm import node_modules

    try:  # npm's cache first (works without a network, e.g. inside `unshare -n`), then the registry
        modules = node_modules(AXIOS_HOME, (f"axios@{AXIOS_VERSION}",), "axios", INSTALL_SECONDS)
    except ServerError as exc:
        pytest.skip(f"cannot install axios to compare with: {exc}")
    return modules / "axios" / "dist" / "axios.min.js"


@dataclass
class Recorder:
    """A lab server that keeps every request's method, path, headers and body (the lab log keeps no bodies)."""

    server: object = None
    seen: list = field(default_factory=list)

    def since(self, start: int) -> list[tuple]:
        return [self.short(entry) for entry in self.seen[start:]]

    @staticmethod
    def short(entry: dict) -> tuple:
        method, path, headers, body = entry["method"], entry["path"], entry["headers"], entry["body"]
        kept = {name: value for name, value in headers.items() if name in COMPARED_HEADERS}
        if method == "OPTIONS":
            kept.pop("accept", None)  # the preflight's own Accept is the browser's, not axios'
        return method, path, tuple(sorted(kept.items())), body


def recorder_app(recorder: Recorder) -> Flask:
    app = Flask("axios-recorder")

    @app.before_request
    def keep():
        recorder.seen.append({"method": request.method, "path": request.path,
                              "headers": {name.lower(): value for name, value in request.headers.items()},
                              "body": request.get_data(as_text=True) or None})

    @app.route("/status/<int:code>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def status(code):
        return jsonify(status=code), code

    @app.route("/<path:anything>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def answer(anything):
        return jsonify(ok=True)

    return install(app, None)


@dataclass(frozen=True)
class Case:
    id: str
    method: str = "get"
    path: str = "/data"
    data: object = None
    headers: dict | None = None
    with_credentials: bool = False
    policy: CorsPolicy | None = None
    cookie: str | None = None  # set for the API's origin beforehand ("name=value")
    closed_port: bool = False  # the URL's port has no server: the connection is refused


ALLOW = CorsPolicy(allow_origins=[PAGE])
ALLOW_JSON = CorsPolicy(allow_origins=[PAGE], allow_headers=["Content-Type"])
CASES = [
    Case("get-no-cors"),
    Case("get-allowed", policy=ALLOW),
    Case("post-object-preflight-allowed", "post", data={"a": 1, "list": [1, 2]}, policy=ALLOW_JSON),
    Case("post-object-preflight-refused", "post", data={"a": 1}, policy=ALLOW),
    Case("post-object-json-like-javascript", "post", data={"name": "caf\u00e9", "one": 1.0, "half": 0.5,
                                                             "yes": True, "none": None}, policy=ALLOW_JSON),
    Case("post-string-is-form-urlencoded", "post", data="a=1&b=2", policy=ALLOW),
    Case("put-string", "put", path="/items/1", data="hello",
         policy=CorsPolicy(allow_origins=[PAGE], allow_methods=["PUT"])),
    Case("post-no-data-drops-content-type", "post", headers={"Content-Type": "application/json"}, policy=ALLOW),
    Case("post-object-as-text-plain", "post", data={"a": 1}, headers={"Content-Type": "text/plain"}, policy=ALLOW),
    Case("get-with-data-sets-content-type", data={"q": 1}, policy=ALLOW_JSON),
    Case("patch-is-upper-cased", "patch", path="/items/1", data={"a": 1},
         policy=CorsPolicy(allow_origins=[PAGE], allow_methods=["PATCH"], allow_headers=["Content-Type"])),
    Case("accept-of-yours-wins", headers={"accept": "text/html"}, policy=ALLOW),
    Case("authorization-preflights", headers={"Authorization": "Bearer t0ken"},
         policy=CorsPolicy(allow_origins=[PAGE], allow_headers=["Authorization"])),
    Case("custom-header-refused", headers={"X-Custom": "1"}, policy=ALLOW),
    Case("status-404-with-cors", path="/status/404", policy=ALLOW),
    Case("status-500-with-cors", path="/status/500", policy=ALLOW),
    Case("status-404-without-cors-on-errors", path="/status/404",
         policy=CorsPolicy(allow_origins=[PAGE], headers_on_errors=False)),
    Case("with-credentials-sends-the-cookie", with_credentials=True, cookie="sid=abc123",
         policy=CorsPolicy(allow_origins=[PAGE], allow_credentials=True)),
    Case("without-credentials-no-cookie", cookie="sid=abc123",
         policy=CorsPolicy(allow_origins=[PAGE], allow_credentials=True)),
    Case("with-credentials-and-star", with_credentials=True, policy=CorsPolicy(allow_origins="*")),
    Case("with-credentials-without-acac", with_credentials=True, policy=ALLOW),
    Case("bad-header-name-throws", headers={"Bad Name": "x"}, policy=ALLOW),
    Case("connection-refused", closed_port=True),
]


@pytest.fixture(scope="module")
def recorder():
    rec = Recorder()
    rec.server = serve(recorder_app(rec), port=None, name="axios-recorder")
    yield rec
    rec.server.stop()


@pytest.fixture(scope="module")
def chromium():
    if not chromium_available():
        pytest.skip(f"real Chromium not available: {unavailable_reason()}")
    script = axios_script()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser, script
        finally:
            browser.close()


def closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free once closed: nothing listens there


def case_url(case: Case, recorder: Recorder, port: int) -> str:
    base = f"http://localhost:{port}" if case.closed_port else recorder.server.url
    return base + case.path


def run_real_axios(chromium, case: Case, url: str, api_origin: str) -> dict:
    """``axios(config)`` in a fresh Chromium context (no cookies, no cached preflight) on the page at PAGE."""
    browser, script = chromium
    context = browser.new_context()
    try:
        try:
            context.grant_permissions(["local-network-access"])
        except Exception:
            pass  # a Chromium without Local Network Access
        if case.cookie:
            name, value = case.cookie.split("=", 1)
            context.add_cookies([{"name": name, "value": value, "url": api_origin + "/"}])
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.route(PAGE + "/", lambda route: route.fulfill(status=200, content_type="text/html",
                                                          body="<!doctype html><title>axios</title>"))
        page.goto(PAGE + "/", timeout=10_000)
        page.unroute(PAGE + "/")  # a route left in place makes Playwright answer preflights itself
        page.add_script_tag(path=str(script))
        config = {"method": case.method, "url": url, "timeout": 8000}
        if case.data is not None:
            config["data"] = case.data
        if case.headers:
            config["headers"] = case.headers
        if case.with_credentials:
            config["withCredentials"] = True
        answer = page.evaluate(CALL_JS, [config])
        page.wait_for_timeout(100)  # console lines arrive just after the call
        answer["console"] = [line for line in console if line.startswith("Access to XMLHttpRequest")]
        answer["version"] = page.evaluate("axios.VERSION")
        return answer
    finally:
        context.close()


def run_engine(case: Case, url: str, api_origin: str):
    tab = Browser(PAGE)
    if case.cookie:
        tab.set_cookie(api_origin + "/", case.cookie)
    return axios_request(tab, case.method, url, data=case.data, headers=case.headers,
                         with_credentials=case.with_credentials)


def record(case: Case, answer: dict, wire: list) -> None:
    directory = os.environ.get("CORS_LAB_RECORD_DIR")
    if not directory:
        return
    line = {"id": case.id, "config": {"method": case.method, "path": case.path, "data": case.data,
                                      "headers": case.headers, "withCredentials": case.with_credentials},
            "answer": answer, "wire": [list(entry[:2]) + [dict(entry[2]), entry[3]] for entry in wire]}
    with open(Path(directory) / "axios.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def runs(chromium, recorder):
    """Each case once in real axios and once through the engine: (real answer, real wire, engine result, wire)."""
    port = closed_port()
    api_origin = recorder.server.url
    done = {}
    for case in CASES:
        recorder.server.policy = case.policy
        url = case_url(case, recorder, port)
        start = len(recorder.seen)
        answer = run_real_axios(chromium, case, url, api_origin)
        real_wire = recorder.since(start)
        record(case, answer, real_wire)
        start = len(recorder.seen)
        result = run_engine(case, url, api_origin)
        done[case.id] = (answer, real_wire, result, recorder.since(start))
    return done


def test_the_installed_axios_is_the_version_the_module_reproduces(runs):
    answer = runs["get-allowed"][0]
    assert answer["version"] == AXIOS_VERSION


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_the_server_receives_from_axios_request_what_it_receives_from_real_axios(runs, case):
    _, real_wire, _, engine_wire = runs[case.id]
    assert engine_wire == real_wire


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_axios_error_is_what_real_axios_rejects_with(runs, case):
    answer, _, result, _ = runs[case.id]
    error = axios_error(result)
    if answer["resolved"]:
        assert error is None and result.status == answer["status"]
        return
    assert error is not None, f"real axios rejected with {answer['string']!r}, the engine's call resolved"
    assert (str(error), error.name, error.message, error.status) == (
        answer["string"], answer["name"], answer["message"], answer["status"])
    if answer["name"] == "AxiosError":
        assert error.code == answer["code"]


@pytest.mark.parametrize("case", [c for c in CASES if c.id in (
    "get-no-cors", "post-object-preflight-refused", "custom-header-refused", "status-404-without-cors-on-errors",
    "with-credentials-and-star", "with-credentials-without-acac")], ids=lambda c: c.id)
def test_a_blocked_call_is_network_error_and_the_reason_is_only_in_the_console(runs, case):
    answer, _, result, _ = runs[case.id]
    assert answer["string"] == str(NETWORK_ERROR) and answer["status"] is None
    assert answer["console"] == [result.error]


def test_axios_sends_its_accept_header_on_every_call(runs):
    _, real_wire, _, _ = runs["get-allowed"]
    assert dict(real_wire[-1][2])["accept"] == ACCEPT
