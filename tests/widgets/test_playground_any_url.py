"""The Playground without a lab server: pointed at any URL (a learner's own API), its CORS is the server's own.

The servers here are not lab servers: a hand-written `http.server` whose CORS headers each test writes, and the
real Starlette CORSMiddleware (lesson 10's "your FastAPI app", and `cors_lab.frameworks.start_framework`). The
lab-server Playground is checked to render exactly what it rendered before (stored notebooks depend on it).
"""
from __future__ import annotations

import html
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cors_lab import CorsPolicy, InputError, serve
from cors_lab.course.teaching import FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import Playground
from cors_lab.widgets.playground import NO_OWN_BROWSER, OWN_POLICY

PAGE = FRONTEND  # the course's page origin, as lesson 10 uses it
VITE = "http://localhost:5173"  # the learner's frontend on a Vite dev server: no lab server serves it
PUT_JSON = dict(method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "pen"}')


class OwnApi:
    """A learner's API stand-in: ``answers[method]`` is the (status, headers) it gives; it records what arrived."""

    def __init__(self):
        self.answers: dict[str, tuple[int, dict]] = {}
        self.arrived: list[tuple[str, str, str | None]] = []  # (method, path, Origin)
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                api.arrived.append((self.command, self.path, self.headers.get("Origin")))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status, headers = api.answers.get(self.command, (404, {}))
                body = b"" if self.command == "OPTIONS" else b'{"ok": true}'
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_OPTIONS = do_POST = do_DELETE = _answer

            def log_message(self, *args):  # the test's output stays clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def own_api():
    api = OwnApi()
    yield api
    api.stop()


@pytest.fixture
def chromium():
    from cors_lab.real.chromium import unavailable_reason

    if unavailable_reason():
        pytest.skip(f"real Chromium not available: {unavailable_reason()}")


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sections(pg) -> list[str]:
    """The titles of the sections under the fields, in order."""
    return [title for title, _ in pg._text]


# ---- the widget without a lab server ---------------------------------------------------------------
def test_a_playground_without_a_lab_server_shows_no_policy_fields_no_apply_and_says_the_policy_is_its_own(own_api):
    pg = Playground(url=own_api.url + "/api/data", origin=VITE)
    parts = list(_descendants(pg.widget))
    assert pg.server is None and repr(pg) == f"Playground(url={own_api.url + '/api/data'!r})"
    for field in (pg.allow_origins, pg.allow_methods, pg.max_age, pg.enabled, pg.apply_button):
        assert field not in parts
    assert pg.url in parts and pg.send_button in parts and pg.chromium_button in parts
    text = pg.output_text()
    assert text.startswith(f"Server:\n{OWN_POLICY}\n(press Send")
    assert "\n" not in OWN_POLICY and "\n" not in NO_OWN_BROWSER  # one line each
    assert own_api.url in pg.title.value and "not a lab server" in pg.title.value
    assert own_api.arrived == []  # building the widget sends nothing


def test_a_blocked_get_shows_the_console_sentence_and_that_no_access_control_header_came_back(own_api):
    own_api.answers["GET"] = (200, {})
    pg = Playground(None, url=own_api.url + "/api/data", origin=VITE)
    result = pg.send()
    assert result.blocked and own_api.arrived == [("GET", "/api/data", VITE)]
    text = pg.output_text()
    assert "No 'Access-Control-Allow-Origin' header is present" in result.error and result.error in text
    assert "What the server answered (Access-Control-*):\nactual GET /api/data -> 200\n  (no Access-Control-* header)" \
        in text
    assert "(no Access-Control-* header)" in pg.server_headers.value  # the left half shows it too
    assert "Server log" not in text and "Server log" not in pg.output.value  # not a lab server: no log of ours
    assert "Traceback" not in text and pg.message_text() == ""


def test_an_allowed_get_shows_the_header_the_server_answered_and_what_javascript_reads(own_api):
    own_api.answers["GET"] = (200, {"Access-Control-Allow-Origin": VITE, "Vary": "Origin"})
    pg = Playground(url=own_api.url + "/api/data", origin=VITE)
    result = pg.send()
    assert not result.blocked and result.status == 200 and result.text == '{"ok": true}'
    text = pg.output_text()
    assert f"actual GET /api/data -> 200\n  Access-Control-Allow-Origin: {VITE}" in text
    assert f"Access-Control-Allow-Origin: {VITE}" in pg.server_headers.value
    assert "response.type 'cors', status 200" in text
    assert "(press Send" not in text  # the left half shows what it answered now


def test_a_preflighted_put_shows_the_preflight_and_the_response_headers(own_api):
    own_api.answers["OPTIONS"] = (204, {"Access-Control-Allow-Origin": VITE, "Access-Control-Allow-Methods": "PUT",
                                        "Access-Control-Allow-Headers": "Content-Type"})
    own_api.answers["PUT"] = (200, {"Access-Control-Allow-Origin": VITE})
    pg = Playground(url=own_api.url + "/api/items/1", origin=VITE, **PUT_JSON)
    result = pg.send()
    assert result.preflight and not result.blocked, pg.output_text()
    assert [(method, path) for method, path, _ in own_api.arrived] == [("OPTIONS", "/api/items/1"),
                                                                       ("PUT", "/api/items/1")]
    answered = pg.output_text().split("What the server answered (Access-Control-*):\n", 1)[1].split("\n\n")[0]
    assert answered.splitlines() == [
        "preflight OPTIONS /api/items/1 -> 204",
        f"  Access-Control-Allow-Origin: {VITE}",
        "  Access-Control-Allow-Methods: PUT",
        "  Access-Control-Allow-Headers: Content-Type",
        "actual PUT /api/items/1 -> 200",
        f"  Access-Control-Allow-Origin: {VITE}",
    ]


def test_a_refused_preflight_says_the_put_was_never_sent_and_the_server_saw_only_the_options(own_api):
    own_api.answers["OPTIONS"] = (204, {"Access-Control-Allow-Origin": VITE, "Access-Control-Allow-Methods": "GET"})
    pg = Playground(url=own_api.url + "/api/items/1", origin=VITE, **PUT_JSON)
    result = pg.send()
    assert result.blocked and result.preflight
    assert [method for method, _, _ in own_api.arrived] == ["OPTIONS"]
    text = pg.output_text()
    assert "Access-Control-Allow-Methods: GET\nactual PUT /api/items/1: never sent (its preflight failed)" in text
    assert "Method PUT is not allowed by Access-Control-Allow-Methods" in result.error


def test_the_preflight_cache_of_the_server_s_max_age_is_kept_between_sends_until_forget(own_api):
    own_api.answers["OPTIONS"] = (204, {"Access-Control-Allow-Origin": VITE, "Access-Control-Allow-Methods": "PUT",
                                        "Access-Control-Allow-Headers": "Content-Type",
                                        "Access-Control-Max-Age": "60"})
    own_api.answers["PUT"] = (200, {"Access-Control-Allow-Origin": VITE})
    pg = Playground(url=own_api.url + "/api/items/1", origin=VITE, **PUT_JSON)
    assert pg.send().preflight
    assert not pg.send().preflight
    assert pg.output_text().split("What the server answered (Access-Control-*):\n", 1)[1].startswith(
        "actual PUT /api/items/1 -> 200")
    pg.forget_button.click()
    assert pg.send().preflight


def test_an_unreachable_url_gives_the_engine_s_network_error_and_says_no_cors_check_ran():
    url = f"http://localhost:{_free_port()}/api/data"
    pg = Playground(url=url, origin=VITE)
    started = time.monotonic()
    pg.send_button.click()
    assert time.monotonic() - started < 5
    result = pg.last_result
    assert result is not None and result.blocked and result.status == 0
    assert "ERR_CONNECTION_REFUSED" in result.reason()
    text = pg.output_text()
    assert "actual GET /api/data -> no answer\nNo answer, so no CORS check ran" in text
    assert "Traceback" not in text and pg.refusal is None


def test_a_server_that_never_answers_times_out_within_the_browser_s_deadline(silent_port):
    from cors_lab import Browser

    pg = Playground(url=f"http://localhost:{silent_port}/api/data", origin=VITE, browser=Browser(VITE, timeout=1))
    started = time.monotonic()
    result = pg.send()
    assert time.monotonic() - started < 4
    assert result.blocked and result.timed_out
    assert "no CORS check ran" in pg.output_text()


def test_apply_has_nothing_to_apply_without_a_lab_server(own_api):
    pg = Playground(url=own_api.url + "/api/data", origin=VITE)
    assert pg.apply_policy() is False
    assert "its CORS policy is its own code's" in pg.message_text() and "\n" not in pg.message_text()


def test_a_playground_needs_a_lab_server_or_a_url_in_one_sentence():
    with pytest.raises(InputError, match=r"needs a lab server or a url"):
        Playground()
    with pytest.raises(InputError, match=r"needs a lab server \(from serve\(\)\) or a url"):
        Playground(object())


def test_the_title_follows_the_url_field(own_api):
    pg = Playground(url=own_api.url + "/api/data", origin=VITE)
    pg.url.value = "http://localhost:3000/api/data"
    assert "http://localhost:3000" in pg.title.value and own_api.url not in pg.title.value


def test_the_playground_without_a_lab_server_keeps_the_dom_contract(own_api):
    pg = Playground(url=own_api.url + "/api/data", origin=VITE)
    assert {"cors-lab-widget", "cors-lab-playground"} <= set(pg.widget._dom_classes)
    parts = list(_descendants(pg.widget))
    assert [c for c in parts if "cors-lab-action" in getattr(c, "_dom_classes", ())] == [pg.send_button,
                                                                                        pg.chromium_button]
    assert [c for c in parts if "cors-lab-output" in getattr(c, "_dom_classes", ())] == [pg.output]


# ---- "Send from my browser" ------------------------------------------------------------------------
def test_send_from_my_browser_is_one_line_instead_of_the_button_when_the_url_is_not_a_lab_server(own_api):
    serve(api_app(), port=None, name="page")  # even with a lab page to send from: the URL keeps no log of ours
    pg = Playground(url=own_api.url + "/api/data", origin=VITE)
    assert pg.own_browser is None
    assert NO_OWN_BROWSER in pg.output_text()
    parts = list(_descendants(pg.widget))
    assert not any("cors-lab-own-browser" in getattr(c, "_dom_classes", ()) for c in parts)
    assert any(html.escape(NO_OWN_BROWSER) in getattr(c, "value", "") for c in parts)


def test_pointed_at_a_lab_server_s_url_it_shows_that_server_s_log_lines_and_keeps_send_from_my_browser():
    api = serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[VITE]))
    pg = Playground(url=api.url + "/api/public", origin=VITE)
    assert pg.own_browser is not None and NO_OWN_BROWSER not in pg.output_text()
    assert pg.allow_origins not in list(_descendants(pg.widget))  # still no policy fields: the URL was given alone
    result = pg.send()
    assert not result.blocked
    assert f"api: GET /api/public from {VITE} -> 200" in pg.output_text()
    # the learner moves the URL to their own API: the panel says why it cannot, in one sentence, and sends nothing
    pg.url.value = "http://localhost:3000/api/data"
    before = api.mark()
    pg.own_browser.send()
    assert NO_OWN_BROWSER in pg.own_browser.output_text() and api.count(since=before) == 0


# ---- a real framework ------------------------------------------------------------------------------
@pytest.fixture
def starlette_api():
    pytest.importorskip("starlette", reason="starlette is not installed (pip install starlette uvicorn)")
    pytest.importorskip("uvicorn", reason="uvicorn is not installed (pip install uvicorn)")
    from cors_lab.frameworks import start_framework

    process = start_framework(CorsPolicy(allow_origins=[VITE]), "starlette")
    yield process
    process.stop()


def test_starlette_s_own_cors_is_shown_a_framework_process_may_be_passed_as_the_server(starlette_api):
    pg = Playground(starlette_api, url=starlette_api.url + "/api/items/1", origin=VITE, **PUT_JSON)
    assert pg.server is None
    result = pg.send()
    assert result.blocked and result.preflight
    text = pg.output_text()
    # Starlette answers a preflight whose method it does not allow with 400 and its allowed methods
    assert "preflight OPTIONS /api/items/1 -> 400\n" in text
    assert "  Access-Control-Allow-Methods: GET, HEAD, POST\n" in text
    assert "It does not have HTTP ok status" in result.error
    pg.method.value, pg.url.value, pg.body.value = "GET", starlette_api.url + "/api/data", ""
    assert pg.send().readable
    assert f"actual GET /api/data -> 200\n  Access-Control-Allow-Origin: {VITE}" in pg.output_text()


@pytest.fixture(scope="module")
def lesson_api():
    """Lesson 10's "your FastAPI app": real Starlette under uvicorn, allowing the course's page origin, GET and PUT."""
    pytest.importorskip("uvicorn", reason="uvicorn is not installed")
    from cors_lab.course.own_api import start_my_fastapi

    with start_my_fastapi(dict(allow_origins=[PAGE], allow_methods=["GET", "PUT"])) as live:
        yield live


def test_lesson_10_s_api_the_playground_shows_what_the_server_answered(lesson_api):
    pg = Playground(url=lesson_api.url + "/api/data", origin=PAGE)
    assert repr(pg) == f"Playground(url={lesson_api.url + '/api/data'!r})" and pg.own_browser is None
    assert "not a lab server" in pg.title.value and html.escape(NO_OWN_BROWSER) in pg.widget.children[3].value
    result = pg.send()
    assert result.readable
    text = pg.output_text()
    assert f"Access-Control-Allow-Origin: {PAGE}" in text
    assert "Server log" not in text
    assert "Access-Control-Allow-Origin" in pg.server_headers.value


def test_lesson_10_s_api_a_preflighted_put_and_a_refused_origin(lesson_api):
    pg = Playground(url=lesson_api.url + "/api/items/1", origin=PAGE, method="PUT",
                    headers={"Content-Type": "application/json"}, body="{}")
    assert pg.send().readable
    assert "preflight OPTIONS /api/items/1 -> 200" in pg.output_text()  # Starlette's accepted preflight
    pg.origin.value = "http://localhost:9999"
    refused = pg.send()
    assert refused.blocked and "preflight OPTIONS /api/items/1 -> 400" in pg.output_text()


def test_lesson_10_s_api_ask_real_chromium_agrees_on_a_refused_origin(lesson_api, chromium):
    pg = Playground(url=lesson_api.url + "/api/data", origin="http://localhost:9999")
    assert pg.send().blocked
    assert pg.ask_chromium() is not None and pg.agrees is True, pg.output_text()


# ---- real Chromium ---------------------------------------------------------------------------------
def test_ask_real_chromium_agrees_on_a_preflighted_put_to_a_server_that_is_not_a_lab_server(own_api, chromium):
    own_api.answers["OPTIONS"] = (204, {"Access-Control-Allow-Origin": VITE, "Access-Control-Allow-Methods": "PUT",
                                        "Access-Control-Allow-Headers": "Content-Type"})
    own_api.answers["PUT"] = (200, {"Access-Control-Allow-Origin": VITE})
    pg = Playground(url=own_api.url + "/api/items/1", origin=VITE, **PUT_JSON)
    pg.chromium_button.click()  # without a Send first: the left half shows what the server answered all the same
    assert pg.last_chromium is not None and pg.last_chromium.source == "chromium"
    assert not pg.last_chromium.blocked and pg.last_chromium.status == 200
    assert pg.agrees is True, pg.output_text()
    assert "Real Chromium agrees with the engine" in pg.output_text()
    assert html.escape("preflight OPTIONS /api/items/1 -> 204") in pg.server_headers.value
    assert "Server:\n" + OWN_POLICY + "\npreflight OPTIONS /api/items/1 -> 204" in pg.output_text()
    assert [method for method, _, _ in own_api.arrived].count("OPTIONS") == 2  # the engine's and Chromium's


def test_ask_real_chromium_agrees_that_a_refused_preflight_blocks(own_api, chromium):
    own_api.answers["OPTIONS"] = (204, {"Access-Control-Allow-Origin": VITE})
    pg = Playground(url=own_api.url + "/api/items/1", origin=VITE, **PUT_JSON)
    real = pg.ask_chromium()
    assert real is not None and real.blocked
    assert pg.agrees is True, pg.output_text()
    assert "PUT" not in [method for method, _, _ in own_api.arrived]


def test_ask_real_chromium_at_an_unreachable_url_answers_in_the_widget(chromium):
    pg = Playground(url=f"http://localhost:{_free_port()}/api/data", origin=VITE)
    real = pg.ask_chromium()
    text = pg.output_text()
    assert "Traceback" not in text and "Real Chromium" in text
    assert real is not None and real.blocked and real.status == 0, text
    assert pg.agrees is True, text


# ---- the lab-server Playground is unchanged --------------------------------------------------------
def test_a_lab_server_playground_renders_what_it_rendered_before():
    api = serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[VITE]))
    pg = Playground(api, origin=VITE)
    parts = list(_descendants(pg.widget))
    assert pg.allow_origins in parts and pg.apply_button in parts and pg.own_browser is not None
    assert pg.output_text() == "" and repr(pg) == "Playground(server='api')"
    assert "server <code>api</code>" in pg.title.value
    pg.send()
    assert sections(pg) == ["Request", "Console", "What JavaScript can read", "On the wire",
                            "Server log (new lines)", "Step by step"]
    assert "What the server answered" not in pg.output_text() and OWN_POLICY not in pg.output_text()
    assert pg.output.value.count("<b>Server log (new lines)</b>") == 1


def test_a_lab_server_s_playground_still_edits_its_policy():
    api = serve(api_app(), port=None, name="api")
    pg = Playground(api, origin=PAGE)
    assert repr(pg) == "Playground(server='api')" and pg.own_browser is not None
    pg.allow_origins.value = PAGE
    assert pg.send().readable and api.policy.allow_origins == [PAGE]
    assert isinstance(api.policy, CorsPolicy)


def test_a_url_typed_with_markup_is_shown_as_text_in_the_title_and_the_headers():
    pg = Playground(url="http://localhost:1/<b>x</b>", origin=VITE)
    assert "<b>x</b>" not in pg.title.value and html.escape("http://localhost:1") in pg.title.value
    pg.url.value = "http://<img src=x>:1/"
    pg.send()
    assert "<img" not in pg.title.value and "<img" not in pg.server_headers.value
