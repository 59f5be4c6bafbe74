"""OwnBrowserPanel, "Send from my browser": the widget's real JavaScript in real headless Chromium (a stand-in for
JupyterLab's page, tests/support/own_frontend.py), real lab servers, and the engine's prediction next to it.
The same flow inside real JupyterLab is tests/ui/test_own_browser_in_jupyterlab.py."""
from __future__ import annotations

import time

import pytest

import cors_lab.widgets.own_browser as own_widget
from cors_lab import CorsPolicy, api_app, page_app, serve
from cors_lab.real.chromium import chromium_available, unavailable_reason
from cors_lab.widgets.own_browser import OwnBrowserPanel, OwnCall, send_from_my_browser

pytestmark = pytest.mark.skipif(not chromium_available(), reason=f"real Chromium not available: {unavailable_reason()}")


@pytest.fixture(scope="module")
def front():
    from support.own_frontend import OwnFrontEnd

    with OwnFrontEnd() as front_end:
        yield front_end


@pytest.fixture
def lab():
    page, api = serve(page_app(), name="own-page"), serve(api_app(), name="own-api")
    yield page, api
    page.stop(), api.stop()


def pressed(front, panel):
    front.attach(panel)
    front.press(panel)
    return panel


def test_a_blocked_request_from_the_learners_browser_reaches_the_server_and_agrees_with_the_engine(front, lab):
    page, api = lab
    front.console.clear()
    panel = pressed(front, send_from_my_browser(api.url + "/api/public", origin=page.origin))
    assert panel.state == "answered" and panel.agrees, panel.output_text()
    assert panel.own_result.blocked and panel.own_result.exception == "TypeError: Failed to fetch"
    # once: the engine reads the answers the learner's browser got, it sends nothing itself
    assert [entry.line() for entry in api.requests()] == [f"GET /api/public from {page.origin} -> 200"]
    # the sentence the widget shows for DevTools is the one real Chromium printed there
    sentence = panel.engine_result.error
    assert front.saw(sentence)
    text = panel.output_text()
    assert "agrees with the engine (Chromium 156)" in text and sentence in text
    assert f"own-api: GET /api/public from {page.origin} -> 200" in text
    assert "open DevTools → Console to see your browser say it" in text
    assert panel.seconds is not None and panel.seconds < 5


def test_a_preflighted_put_and_an_allowed_xhr(front, lab):
    page, api = lab
    put = pressed(front, send_from_my_browser(api.url + "/api/items/1", origin=page.origin, method="PUT",
                                              headers={"Content-Type": "application/json"}, body="{}"))
    assert put.agrees and put.own_result.preflight and front.saw(put.engine_result.error)
    assert [entry.method for entry in api.requests()] == ["OPTIONS"]  # the PUT itself never left the browser
    api.policy = CorsPolicy(allow_origins=[page.origin], expose_headers=["X-Request-Id"])
    xhr = pressed(front, send_from_my_browser(api.url + "/api/public", origin=page.origin, api="xhr"))
    assert xhr.agrees and xhr.own_result.status == 200 and "loadend" in xhr.own_result.events
    assert "XMLHttpRequest" in xhr.output_text()


def test_the_login_happens_in_the_learners_browser_so_its_own_cookie_goes_with_the_credentialed_read(front, lab):
    page, api = lab
    api.policy = CorsPolicy(allow_origins=[page.origin], allow_credentials=True)
    login = OwnCall(page.origin, {"url": api.url + "/login?user=alice", "method": "POST", "credentials": "include"})
    read = OwnCall(page.origin, {"url": api.url + "/api/private", "credentials": "include"})
    panel = pressed(front, OwnBrowserPanel(lambda: [login, read]))
    assert panel.state == "answered" and panel.agrees, panel.output_text()
    private = api.last_request("/api/private", origin=page.origin)
    assert private is not None and private.cookies_sent and private.status == 200
    assert "alice" in panel.own_result.text


def test_an_older_answer_is_ignored_and_a_press_replaces_the_one_before(front, lab):
    page, api = lab
    panel = send_from_my_browser(api.url + "/api/public", origin=page.origin)
    pressed(front, panel)
    first = panel.own_result
    panel.frame.answer = {"id": "0.0", "answers": [{"rejected": "x"}]}  # not the press under way: ignored
    assert panel.own_result is first
    pressed(front, panel)
    assert panel.own_result is not first and panel.agrees


def test_on_a_hub_the_panel_says_so_in_one_line_and_headless_chromium_answers(front, lab):
    page, api = lab
    panel = OwnBrowserPanel(lambda: [OwnCall(page.origin, {"url": api.url + "/api/public"})],
                            environ={"JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"})
    front.attach(panel)
    panel.send()
    assert panel.state == "fallback" and panel.frame.request == {}  # nothing asked of the learner's browser
    text = panel.output_text()
    assert text.startswith("This JupyterLab runs on JupyterHub:")
    assert "Headless Chromium 156 (next to the kernel) agrees" in text
    assert panel.agrees and panel.own_result.error == panel.engine_result.error  # the real console sentence too


def test_without_a_front_end_headless_chromium_answers_and_says_why(lab):
    page, api = lab
    panel = send_from_my_browser(api.url + "/api/public", origin=page.origin)
    panel.send()  # never rendered: no browser reported where JupyterLab is
    assert panel.state == "fallback" and panel.agrees
    assert panel.output_text().startswith("No browser shows this widget")


def test_a_frame_that_does_not_load_falls_back_and_says_why(front, lab):
    page, api = lab
    panel = send_from_my_browser(api.url + "/api/public", origin=page.origin)
    front.attach(panel)
    panel.send()
    request = panel.frame.request
    panel.frame.answer = {"id": request["id"], "failure": "frame", "userAgent": "x"}  # what the JS says after 4 s
    assert panel.state == "fallback" and "could not load the lab's page" in panel.output_text()


def test_a_browser_that_never_answers_is_reported_within_the_deadline(front, lab, monkeypatch):
    page, api = lab
    monkeypatch.setattr(own_widget, "TIMEOUT_MS", 100)
    monkeypatch.setattr(own_widget, "NO_ANSWER_SECONDS", 0.2)
    panel = send_from_my_browser(api.url + "/api/public", origin=page.origin)
    front.attach(panel)
    panel.send()  # the page never gets the request: nobody answers
    deadline = time.monotonic() + 15
    while panel.state == "sending" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert panel.state == "fallback" and panel.output_text().startswith("Your browser did not answer within 0 s")


def test_a_page_origin_no_lab_server_serves_is_refused_in_one_sentence(front, lab):
    page, api = lab
    panel = send_from_my_browser(api.url + "/api/public", origin="http://localhost:9")
    front.attach(panel)
    panel.send()
    assert panel.output_text().startswith("No lab server serves pages at http://localhost:9,")
    assert "Traceback" not in panel.output_text() and panel.frame.request == {}


def test_the_repr_is_short_and_stable():
    assert repr(send_from_my_browser("http://localhost:8002/api/public")) == "OwnBrowserPanel(idle)"


# ---- a learner whose browser is Firefox ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def firefox_front():
    from support.own_frontend import OwnFrontEnd

    from cors_lab.real.firefox import firefox_available
    from cors_lab.real.firefox import unavailable_reason as firefox_missing

    if not firefox_available():
        pytest.skip(f"real Firefox not available: {firefox_missing()}")
    with OwnFrontEnd("firefox") as front_end:
        yield front_end


def test_a_firefox_learner_gets_firefoxs_sentence_and_agrees_with_the_engine_in_firefox_mode(firefox_front, lab):
    page, api = lab
    panel = pressed(firefox_front, send_from_my_browser(api.url + "/api/public", origin=page.origin))
    assert panel.state == "answered" and panel.agrees, panel.output_text()
    assert panel.own_result.exception == "TypeError: NetworkError when attempting to fetch resource."
    assert panel.engine_result.browser == "firefox" and panel.engine_result.error.startswith("Cross-Origin Request")
    assert "Your browser (Firefox 153) agrees with the engine (Firefox 153 ESR)." in panel.output_text()
    put = pressed(firefox_front, send_from_my_browser(api.url + "/api/items/1", origin=page.origin, method="PUT",
                                                      headers={"Content-Type": "application/json"}, body="{}"))
    assert put.agrees and put.own_result.preflight, put.output_text()


def test_a_firefox_learners_login_cookie_goes_with_the_credentialed_read(firefox_front, lab):
    page, api = lab
    api.policy = CorsPolicy(allow_origins=[page.origin], allow_credentials=True)
    login = OwnCall(page.origin, {"url": api.url + "/login?user=alice", "method": "POST", "credentials": "include"})
    read = OwnCall(page.origin, {"url": api.url + "/api/private", "with_credentials": True}, api="xhr")
    panel = pressed(firefox_front, OwnBrowserPanel(lambda: [login, read]))
    assert panel.state == "answered" and panel.agrees, panel.output_text()
    assert api.last_request("/api/private", origin=page.origin).cookies_sent


# ---- what real JupyterLab showed (tests/ui found these in real Chromium 156) -------------------------------------
def test_two_panels_share_the_learners_one_cookie_jar(front, lab):
    page, api = lab
    api.policy = CorsPolicy(allow_origins=[page.origin], allow_credentials=True)
    pressed(front, send_from_my_browser(api.url + "/login?user=alice", origin=page.origin, method="POST",
                                        credentials="include"))
    other = pressed(front, send_from_my_browser(api.url + "/api/private", origin=page.origin, credentials="include"))
    assert other.agrees and other.own_result.status == 200, other.output_text()  # the engine's twin has the cookie
    assert "cookies: sid" in other.own_result.wire[0]


def test_jupyterlabs_own_cookies_are_named_and_left_out_of_the_comparison(front, lab):
    page, api = lab
    api.policy = CorsPolicy(allow_origins=[page.origin], allow_credentials=True)
    front.page.evaluate("() => { document.cookie = '_xsrf=abc; path=/'; }")  # as JupyterLab sets it on localhost
    try:
        panel = pressed(front, send_from_my_browser(api.url + "/api/public", origin=page.origin,
                                                    credentials="include"))
    finally:
        front.page.evaluate("() => { document.cookie = '_xsrf=; max-age=0; path=/'; }")
    assert "_xsrf=abc" in api.last_request("/api/public").headers.get("Cookie", "")
    assert panel.agrees, panel.output_text()
    assert "JupyterLab's own cookies (_xsrf)" in panel.output_text()


def test_a_jupyterlab_opened_at_127_0_0_1_is_named_when_cookies_are_at_stake(front, lab):
    page, api = lab
    panel = send_from_my_browser(api.url + "/api/public", origin=page.origin, credentials="include")
    front.attach(panel)
    panel.frame.lab = dict(panel.frame.lab, hostname="127.0.0.1", origin="http://127.0.0.1:8888")
    front.press(panel)
    assert "JupyterLab is open at 127.0.0.1" in panel.output_text()
    assert "http://localhost:8888/lab" in panel.output_text()


def test_a_server_that_does_not_answer_in_time_is_no_cors_block(front, lab, monkeypatch):
    import threading as _threading

    from flask import Flask

    release = _threading.Event()
    slow = Flask("slow")
    slow.add_url_rule("/api/slow", "slow", lambda: release.wait(5) and "late")
    monkeypatch.setattr(own_widget, "TIMEOUT_MS", 500)
    page, _ = lab
    with serve(slow, policy=CorsPolicy(allow_origins=[page.origin])) as server:
        panel = pressed(front, send_from_my_browser(server.url + "/api/slow", origin=page.origin))
        release.set()
    assert panel.agrees is None and panel.engine_result is None
    assert "did not answer within 0 s" in panel.output_text() or "did not answer within 1 s" in panel.output_text()
    assert "no CORS check ran" in panel.output_text()


def test_a_stopped_page_server_names_the_cell_to_rerun_and_a_restarted_one_is_followed(front, lab):
    page, api = lab
    panel = send_from_my_browser(api.url + "/api/public", origin=page.origin)
    pressed(front, panel)
    page.stop()
    front.attach(panel)
    panel.send()
    assert "is stopped" in panel.output_text() and "re-run" in panel.output_text()
    again = serve(page_app(), name="own-page")  # the learner re-ran the cell: maybe another port
    try:
        pressed(front, panel)
        assert panel.state == "answered" and panel.agrees
        assert api.last_request().origin == again.origin
    finally:
        again.stop()


# ---- the lessons' widgets offer it ----------------------------------------------------------------------------------
def test_a_prediction_offers_the_request_to_the_learners_browser_only_after_the_answer(front, lab):
    from cors_lab.widgets import WillItCors

    page, api = lab
    quiz = WillItCors(api, "/api/public", origin=page.origin)
    assert quiz.own_browser is None and "Send from my browser" not in str(quiz.widget.children)  # no leak
    quiz.predict("blocked")
    panel = quiz.own_browser
    assert panel is not None and panel.widget in quiz.widget.children
    pressed(front, panel)
    assert panel.state == "answered" and panel.agrees and panel.own_result.blocked
    assert repr(quiz).startswith("WillItCors(")  # the stored repr is unchanged


def test_a_prediction_whose_page_no_lab_server_serves_offers_nothing(lab):
    from cors_lab.widgets import WillItCors

    _, api = lab
    quiz = WillItCors(api, "/api/public", origin="http://localhost:9")
    quiz.predict("blocked")
    assert quiz.own_browser is None


def test_the_exercise_is_checked_in_the_learners_browser_check_by_check(front, lab):
    from cors_lab.widgets import Check, ExerciseChecker
    from cors_lab.widgets.own_browser import OwnCall

    page, api = lab
    attacker = serve(page_app(), name="own-attacker")
    try:
        api.policy = CorsPolicy(allow_origins=[page.origin], allow_credentials=True)
        login = OwnCall(page.origin, {"url": api.url + "/login?user=alice", "method": "POST",
                                      "credentials": "include"})
        private = {"url": api.url + "/api/private", "credentials": "include"}
        checker = ExerciseChecker("only the frontend reads Alice's data", [
            Check("The frontend reads it.", page.origin, private, "readable", status=200),
            Check("The attacker cannot.", attacker.origin, private, "blocked"),
        ], setup=lambda tabs: None, own_setup=[login])
        pressed(front, checker.own_browser)
        assert checker.own_verdict is not None and checker.own_verdict.passed, checker.own_browser.output_text()
        assert checker.own_browser.output_text().startswith("PASSED: In your browser: all 2 checks pass.")
        sent = api.requests(path="/api/private")
        assert [entry.origin for entry in sent] == [page.origin, attacker.origin]
        assert all(entry.cookies_sent for entry in sent)  # the attacker's request carries Alice's cookie too
        api.policy = CorsPolicy(allow_origins="*")  # now nobody can read with credentials
        pressed(front, checker.own_browser)
        assert not checker.own_verdict.passed and "1 of 2 checks pass" in checker.own_browser.output_text()
    finally:
        attacker.stop()


def test_a_checker_prepared_in_code_only_offers_its_browser_check_with_the_same_preparation_as_requests(lab):
    from cors_lab.widgets import Check, ExerciseChecker

    page, api = lab
    check = Check("reads", page.origin, {"url": api.url + "/api/public"})
    assert ExerciseChecker("g", [check]).own_browser is not None
    assert ExerciseChecker("g", [check], setup=lambda tabs: None).own_browser is None
    assert ExerciseChecker("g", check=lambda: None).own_browser is None


def test_the_playground_sends_its_fields_request_from_the_learners_browser(front, lab):
    from cors_lab.widgets import Playground

    page, api = lab
    pg = Playground(api, origin=page.origin, url=api.url + "/api/items/1", method="PUT",
                    headers={"Content-Type": "application/json"}, body="{}")
    pg.allow_origins.value, pg.allow_methods.value = page.origin, "GET, PUT"  # edited, not yet applied
    pg.allow_headers.value = "Content-Type"
    pressed(front, pg.own_browser)
    assert pg.own_browser.agrees and pg.own_browser.own_result.status == 200, pg.own_browser.output_text()
    assert api.policy.allow_methods == ["GET", "PUT"]  # the fields were applied first, as Send does
    assert [entry.method for entry in api.requests()] == ["OPTIONS", "PUT"]
    pg.url.value = "not a url"
    front.attach(pg.own_browser)
    pg.own_browser.send()
    assert pg.own_browser.state != "sending" and "URL" in pg.own_browser.output_text()


def test_the_two_tab_story_runs_in_the_learners_browser_login_first_then_the_attackers_frame(front, lab):
    from cors_lab.widgets import two_tab_story

    page, api = lab
    attacker = serve(page_app(), name="own-evil")
    try:
        story = two_tab_story(api, bank=page.origin, attacker=attacker.origin)
        story.predictions[0].predict("sent")
        panel = story.predictions[0].own_browser
        pressed(front, panel)
        assert panel.state == "answered" and panel.agrees, panel.output_text()
        stolen = api.last_request("/api/private")
        assert stolen.origin == attacker.origin and stolen.cookies_sent  # alice's cookie, in the learner's browser
        assert panel.own_result.blocked  # and the attacker's script read nothing
    finally:
        attacker.stop()


def test_the_attacker_console_steals_in_the_learners_browser_until_the_fix(front):
    from cors_lab import stop_all
    from cors_lab.course.teaching import PORTS
    from cors_lab.errors import PortInUseError
    from cors_lab.widgets import AttackerConsole

    try:
        frontend = serve(page_app(), port=PORTS["page"], name="own-frontend")
        evil = serve(page_app(), port=PORTS["attacker"], name="own-attacker-page")
    except PortInUseError as exc:
        stop_all()
        pytest.skip(f"needs the teaching ports free: {exc}")
    api = serve(api_app(), name="own-attack-api")
    try:
        console = AttackerConsole(api, attack="reflect")
        pressed(front, console.own_browser)
        text = console.own_browser.output_text()
        assert text.startswith("In your browser: STOLEN"), text
        assert console.own_browser.agrees
        console.fix([frontend.origin])
        pressed(front, console.own_browser)
        assert console.own_browser.output_text().startswith("In your browser: SAFE"), console.own_browser.output_text()
        assert [entry.origin for entry in api.requests(path="/api/private")][-2:] == [frontend.origin, evil.origin]
    finally:
        for server in (frontend, evil, api):
            server.stop()


def test_a_quiz_about_a_policy_runs_in_the_learners_browser_under_that_policy_then_puts_it_back(front, lab):
    from cors_lab.widgets import PolicyQuiz, cookie_question

    page, api = lab
    own_policy = api.policy
    quiz = PolicyQuiz(api, "/api/private", CorsPolicy(allow_origins=[page.origin], allow_credentials=True),
                      origin=page.origin, credentials="include", login=True)
    quiz.predict("allowed")
    panel = quiz.own_browser
    pressed(front, panel)
    assert panel.agrees and panel.own_result.status == 200 and "alice" in panel.own_result.text, panel.output_text()
    assert api.policy is own_policy  # the quiz's policy was the server's for the press only
    assert [entry.path for entry in api.requests()][-2:] == ["/login", "/api/private"]
    question = cookie_question(api, credentials="omit", origin=page.origin)
    question.predict("not sent")
    pressed(front, question.own_browser)
    assert question.own_browser.agrees and "(no cookie)" in question.own_browser.own_result.wire[-1]


def test_a_quiz_prepared_in_code_offers_nothing_its_learners_browser_could_not_repeat(lab):
    from cors_lab import Browser
    from cors_lab.widgets import WillItCors

    page, api = lab
    prepared = WillItCors(api, "/api/private", origin=page.origin, credentials="include",
                          setup=lambda browser: browser.set_cookie(api.url + "/", "sid=x"))
    prepared.predict("blocked")
    shared = WillItCors(api, "/api/public", origin=page.origin, browser=Browser(page.origin))
    shared.predict("blocked")
    assert prepared.own_browser is None and shared.own_browser is None


def test_through_a_proxy_only_the_browsers_own_requests_count_not_the_proxys_upstream(front, lab):
    from cors_lab import cors_proxy, dev_proxy

    page, api = lab
    with serve(cors_proxy(allow_upstreams=[api.origin], allow_origins=[page.origin])) as proxy:
        panel = pressed(front, send_from_my_browser(proxy.url + "/" + api.url + "/api/public", origin=page.origin))
        assert panel.agrees and panel.own_result.status == 200, panel.output_text()
        assert api.requests()[-1].headers.get("Via")  # the proxy's request did reach the API: it is not compared
    with serve(dev_proxy(page_app(api_url=""), api_url=api.url)) as dev:
        panel = pressed(front, send_from_my_browser(dev.url + "/api/public", origin=dev.origin))
        assert panel.agrees and panel.own_result.type == "basic", panel.output_text()
