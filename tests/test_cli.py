"""`cors-lab doctor` (cors_lab.cli) and `cors_lab.probe`: the verdict, the sentence, the fix and curl, against live
lab servers; safe by default (the server's log shows what was and was not sent); exit statuses 0 / 1 / 2."""
from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time

import pytest

from cors_lab import Browser, CorsPolicy, api_app, probe, serve
from cors_lab.cli import main

PAGE = "http://localhost:5173"
JSON_HEADER = "Content-Type: application/json"
POLICY = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT", "DELETE"], allow_headers=["Content-Type"],
                    allow_credentials=True)


@pytest.fixture
def api():
    return serve(api_app(), port=None, name="api", policy=POLICY)


@pytest.fixture
def bare():
    return serve(api_app(), port=None, name="bare")  # no CORS headers at all


def doctor(capsys, *args) -> tuple[int, str, str]:
    code = main(["doctor", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_allowed_get_exits_0_and_says_what_was_sent(capsys, api):
    code, out, err = doctor(capsys, api.url + "/api/public", "--origin", PAGE)
    assert code == 0 and err == ""
    assert "ALLOWED" in out
    assert f"GET {api.url}/api/public -> 200" in out
    assert f"access-control-allow-origin: {PAGE}" in out.lower()
    assert len(api.requests(path="/api/public", origin=PAGE)) == 1


def test_a_blocked_get_prints_the_engines_sentence_the_fix_and_the_frameworks_configuration(capsys, bare):
    url = bare.url + "/api/public"
    code, out, _ = doctor(capsys, url, "--origin", PAGE, "--framework", "express")
    expected = Browser(PAGE).fetch(url)
    assert code == 1 and "BLOCKED" in out
    assert f"Console:  {expected.error}" in out
    assert "Failed step: no Access-Control-Allow-Origin" in out
    assert f"Fix:      {expected.failed_step.fix}" in out
    assert "app.use(cors(corsOptions))" in out and '"http://localhost:5173"' in out


def test_a_preflighted_put_is_not_sent_by_default(capsys, api):
    code, out, _ = doctor(capsys, api.url + "/api/items/1", "--origin", PAGE, "--method", "put", "-H", JSON_HEADER,
                          "--credentials")
    assert code == 0 and "PREFLIGHT ALLOWS IT" in out
    assert "Not sent: the PUT itself" in out and "Access-Control-Allow-Credentials: true" in out
    assert len(api.requests(path="/api/items/1", preflight=True)) == 1
    assert api.requests(method="PUT") == []  # safe by default: the server never saw the PUT


def test_send_sends_the_put_after_its_preflight(capsys, api):
    code, out, _ = doctor(capsys, api.url + "/api/items/1", "--origin", PAGE, "-X", "PUT", "-H", JSON_HEADER,
                          "--data", '{"name": "pen"}', "--send")
    assert code == 0 and "ALLOWED" in out and "Not sent" not in out
    [put] = api.requests(method="PUT")
    assert put.origin == PAGE and put.headers["Content-Type"] == "application/json" and put.status == 200


def test_a_refused_preflight_exits_1_and_the_put_is_never_sent(capsys, api):
    code, out, _ = doctor(capsys, api.url + "/api/items/1", "--origin", PAGE, "--method", "PATCH", "-H", JSON_HEADER,
                          "--send")
    assert code == 1
    assert "Method PATCH is not allowed by Access-Control-Allow-Methods" in out
    assert api.requests(method="PATCH") == []  # the browser stops after the preflight, and so does the probe


def test_a_simple_post_is_not_checked_without_send(capsys, api):
    code, out, _ = doctor(capsys, api.url + "/api/items/1", "--origin", PAGE, "--method", "POST", "--data", "x")
    assert code == 2 and "NOT CHECKED" in out and "needs no preflight" in out
    assert api.requests() == []


def test_an_unreachable_server_exits_2_with_one_question(capsys, unused_port):
    code, out, _ = doctor(capsys, f"http://localhost:{unused_port}/api", "--origin", PAGE)
    assert code == 2 and "NO ANSWER: no CORS check ran." in out
    assert f"Is your server running at http://localhost:{unused_port}" in out


def test_a_server_that_never_answers_exits_2_within_the_timeout(capsys, silent_port):
    started = time.monotonic()
    code, out, _ = doctor(capsys, f"http://localhost:{silent_port}/api", "--origin", PAGE, "--timeout", "1")
    assert code == 2 and "NO ANSWER" in out
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("args, sentence", [
    (["localhost:3000/api", "--origin", PAGE], "has no scheme: write the full URL, e.g. http://localhost:3000/api."),
    (["ftp://localhost/api", "--origin", PAGE], "CORS applies to http and https URLs only"),
    (["http:///api", "--origin", PAGE], "has no host"),
    (["http://localhost:99999/api", "--origin", PAGE], "has an invalid port"),
    (["http://localhost:3000/api", "--origin", "http://localhost:5173/app"],
     "is a URL, not an origin: write http://localhost:5173"),
    (["http://localhost:3000/api", "--origin", "localhost:5173"], "has no scheme: write the page's origin"),
    (["http://localhost:3000/api", "--origin", PAGE, "-H", "Content-Type application/json"], "is not a header"),
    (["http://localhost:3000/api", "--origin", PAGE, "-H", "Bad Name: x"], "is not a valid header name"),
    (["http://localhost:3000/api", "--origin", PAGE, "-X", "GE T"], "is not an HTTP method"),
    (["http://localhost:3000/api", "--origin", PAGE, "--data", "x"], "cannot have a body"),
    (["http://localhost:3000/api"], "give the API's URL and the page's --origin"),
])
def test_bad_input_gets_one_sentence_and_exit_2(capsys, args, sentence):
    code, out, err = doctor(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("cors-lab doctor: ") and sentence in err and err.count("\n") == 1


def test_json_is_the_report_as_data(capsys, bare):
    code, out, _ = doctor(capsys, bare.url + "/api/public", "--origin", PAGE, "--browser", "firefox", "--json",
                          "--framework", "fastapi")
    data = json.loads(out)
    assert code == data["exit_code"] == 1 and data["verdict"] == "blocked" and data["browser"] == "firefox"
    assert data["console"] == Browser(PAGE, browser="firefox").fetch(bare.url + "/api/public").error
    assert data["failed_step"]["failure"] == "missing_allow_origin"
    assert data["sent"][0]["request_headers"]["origin"] == PAGE
    assert "CORSMiddleware" in data["framework"]["config"]


def test_xhr_speaks_as_axios_would(capsys, bare):
    code, out, _ = doctor(capsys, bare.url + "/api/public", "--origin", PAGE, "--xhr")
    assert code == 1 and f"Console:  Access to XMLHttpRequest at '{bare.url}/api/public'" in out


def test_the_curl_commands_replay_what_the_browser_sent(api):
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    report = probe(api.url + "/api/items/1", origin=PAGE, method="DELETE", send=True)
    preflight, request = report.curl
    for command, exchange in zip((preflight, request), report.exchanges, strict=True):
        answer = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=10).stdout
        status = answer.split("\r\n", 1)[0]
        assert status.split()[1] == str(exchange.status)
        assert f"Access-Control-Allow-Origin: {PAGE}" in answer
    [*_, by_curl] = api.requests(method="OPTIONS")
    assert by_curl.headers["Access-Control-Request-Method"] == "DELETE"


def test_the_console_script_and_python_m_give_the_same_answer(bare):
    url = bare.url + "/api/public"
    script = shutil.which("cors-lab", path=str(__import__("pathlib").Path(sys.executable).parent))
    commands = [[sys.executable, "-m", "cors_lab", "doctor", url, "--origin", PAGE]]
    if script:
        commands.append([script, "doctor", url, "--origin", PAGE])
    outputs = [subprocess.run(command, capture_output=True, text=True, timeout=60) for command in commands]
    assert all(out.returncode == 1 for out in outputs)
    assert len({out.stdout for out in outputs}) == 1 and "BLOCKED" in outputs[0].stdout


def test_a_pasted_sentence_is_diagnosed(capsys):
    sentence = ("Access to fetch at 'http://localhost:3000/api' from origin 'http://localhost:5173' has been blocked "
                "by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    code, out, _ = doctor(capsys, "--sentence", sentence)
    assert code == 1 and "send `Access-Control-Allow-Origin: http://localhost:5173`" in out


@pytest.mark.parametrize("browser", ["chromium", "firefox"])
def test_real_confirms_in_the_real_browser(capsys, bare, api, browser):
    from cors_lab.real import chromium, firefox

    module = chromium if browser == "chromium" else firefox
    if module.unavailable_reason():
        pytest.skip(module.unavailable_reason())
    for server, verdict in ((bare, 1), (api, 0)):
        code, out, _ = doctor(capsys, server.url + "/api/public", "--origin", PAGE, "--browser", browser, "--real",
                              "--timeout", "30")  # the real browser's start counts, and CI is busy
        assert code == verdict, out
        assert f"Real {browser.capitalize()} agrees" in out
    code, out, _ = doctor(capsys, api.url + "/api/items/1", "--origin", PAGE, "-X", "DELETE", "--real")
    assert "not asked, because it would send the DELETE" in out


@pytest.fixture
def unused_port():
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_a_refused_preflights_status_does_not_hide_the_method_it_does_not_allow(capsys):
    # as Starlette answers a preflight it refuses: 400, with its Access-Control-Allow-* headers
    refusing = serve(api_app(), port=None, name="refusing",
                     policy=CorsPolicy(allow_origins=[PAGE], allow_methods=["GET"], preflight_status=400))
    code, out, _ = doctor(capsys, refusing.url + "/api/items/1", "--origin", PAGE, "-X", "PUT", "--json")
    data = json.loads(out)
    assert code == 1 and data["failed_step"]["failure"] == "preflight_status"
    assert "method not in Access-Control-Allow-Methods" in data["behind_the_status"]
    assert "Add PUT to `Access-Control-Allow-Methods`" in data["behind_the_status"]
    allowing = serve(api_app(), port=None, name="allowing",
                     policy=CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"], preflight_status=400))
    report = probe(allowing.url + "/api/items/1", origin=PAGE, method="PUT")
    assert report.failed_step.failure == "preflight_status" and report.behind is None  # the status is all of it
