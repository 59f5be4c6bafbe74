"""The widgets, through their Python API: set values, press buttons, read what they show."""
from __future__ import annotations

import re
from html import escape

import pytest

from cors_lab import Browser, CorsPolicy, InputError, serve
from cors_lab.browser.result import Exchange, FetchResult, Step
from cors_lab.course import Verdict
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import (
    Check,
    ExerciseChecker,
    Playground,
    SequenceDiagram,
    WillItCors,
    credentials_exercise,
    sequence_diagram,
)

PAGE = FRONTEND


# ---- hand-built results for the diagram ------------------------------------------------------------
def preflighted_put(api="http://localhost:8002", blocked=False):
    pre = Exchange("preflight", "OPTIONS", f"{api}/api/items/1",
                   {"origin": PAGE, "access-control-request-method": "PUT",
                    "access-control-request-headers": "content-type"}, 204,
                   {"access-control-allow-origin": PAGE, "access-control-allow-methods": "GET, PUT",
                    "access-control-allow-headers": "content-type", "date": "Wed, 25 Nov 2026 16:11:15 GMT"})
    request = {"url": f"{api}/api/items/1", "method": "PUT", "origin": PAGE,
               "headers": {"Content-Type": "application/json"}}
    if blocked:
        pre.response_headers.pop("access-control-allow-methods")
        return FetchResult(blocked=True, type="error", exception="TypeError: Failed to fetch",
                           error=f"Access to fetch at '{api}/api/items/1' from origin '{PAGE}' has been blocked "
                                 "by CORS policy: Method PUT is not allowed by Access-Control-Allow-Methods in "
                                 "preflight response.",
                           preflight=True, exchanges=[pre], request=request,
                           steps=[Step("preflight response", "Fetch Standard: CORS-preflight fetch", False, "no PUT")])
    actual = Exchange("actual", "PUT", f"{api}/api/items/1",
                      {"origin": PAGE, "content-type": "application/json", "cookie": "sid=secret123; theme=dark"}, 200,
                      {"access-control-allow-origin": PAGE, "content-type": "application/json"},
                      ["sid=newsecret456; Path=/; HttpOnly"])
    return FetchResult(blocked=False, type="cors", status=200, headers={"content-type": "application/json"},
                       text='{"id": "1"}', preflight=True, exchanges=[pre, actual], request=request)


def test_diagram_of_a_preflight_and_actual_request_shows_both_exchanges_and_their_cors_headers():
    html = sequence_diagram(preflighted_put())
    assert "<svg" in html
    assert "OPTIONS /api/items/1 (preflight)" in html and "PUT /api/items/1" in html
    assert "Access-Control-Request-Method: PUT" in html
    assert "Access-Control-Request-Headers: content-type" in html
    assert "Access-Control-Allow-Methods: GET, PUT" in html
    assert "JS reads: cors response, status 200" in html
    assert html.index("OPTIONS /api/items/1") < html.index("PUT /api/items/1</text>")
    assert "Wed, 25 Nov" not in html  # the Date header is not a CORS header: never drawn


def test_diagram_shows_cookie_names_but_never_cookie_values():
    html = sequence_diagram(preflighted_put())
    assert "Cookie: sid=…; theme=…" in html
    assert "Set-Cookie: sid=… (Path=/; HttpOnly)" in html
    assert "secret123" not in html and "newsecret456" not in html


def test_diagram_of_a_redirect_draws_one_lane_per_origin_and_the_null_origin_of_the_second_hop():
    hop = Exchange("redirect", "GET", "http://localhost:8002/api/redirect?to=x", {"origin": PAGE}, 302,
                   {"location": "http://localhost:8003/api/public", "access-control-allow-origin": PAGE})
    final = Exchange("actual", "GET", "http://localhost:8003/api/public", {"origin": "null"}, 200,
                     {"access-control-allow-origin": "*"})
    result = FetchResult(blocked=False, type="cors", status=200, exchanges=[hop, final],
                         request={"url": "http://localhost:8002/api/redirect?to=x", "method": "GET", "origin": PAGE})
    html = sequence_diagram(result)
    lanes = re.findall(r">server</text><text[^>]*>([^<]*)<", html)
    assert lanes == ["http://localhost:8002", "http://localhost:8003"]
    assert "302 redirect" in html and "Location: http://localhost:8003/api/public" in html
    assert "Origin: null" in html


def test_diagram_of_a_request_rejected_before_sending_says_nothing_was_sent():
    result = FetchResult(blocked=True, type="error",
                         exception="TypeError: Failed to execute 'fetch' on 'Window': "
                                   "'G ET' is not a valid HTTP method.",
                         request={"url": "http://localhost:8002/api/public", "method": "G ET", "origin": PAGE},
                         steps=[Step("invalid method name", "Fetch Standard", False, "'G ET' is not a token")])
    html = sequence_diagram(result)
    assert "nothing was sent" in html
    assert "is not a valid HTTP method" in html
    assert "<line x1='110' y1='" in html and "<polygon" not in html  # lifelines, but no arrow at all


def test_diagram_of_a_failed_preflight_marks_the_refused_answer_and_the_request_never_sent():
    html = sequence_diagram(preflighted_put(blocked=True))
    assert "204  ✘ preflight response" in html
    assert "PUT /api/items/1: never sent" in html
    assert "blocked by the browser" in html
    assert "Console: Access to fetch at" in html


def test_diagram_geometry_is_the_same_whatever_the_port_so_sanitized_notebooks_stay_stable():
    def sanitized(html):
        return re.sub(r"localhost:\d{4,5}", "localhost:PORT", html)

    assert sanitized(sequence_diagram(preflighted_put("http://localhost:8002"))) == \
        sanitized(sequence_diagram(preflighted_put("http://localhost:54321")))


def test_sequence_diagram_object_displays_the_html_and_has_a_short_repr():
    diagram = SequenceDiagram(preflighted_put(blocked=True))
    assert diagram._repr_html_() == sequence_diagram(diagram.result)
    assert repr(diagram) == "<SequenceDiagram 1 exchange, blocked: preflight response>"


# ---- live servers ----------------------------------------------------------------------------------
@pytest.fixture
def api():
    server = serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[PAGE]))
    yield server
    server.stop()


@pytest.fixture
def api2():
    server = serve(api_app(), port=None, name="api2", policy=CorsPolicy(allow_origins="*"))
    yield server
    server.stop()


def test_send_button_runs_the_request_and_shows_console_js_wire_log_and_steps(api):
    api.policy = CorsPolicy.none()
    pg = Playground(api, origin=PAGE)
    pg.send_button.click()
    result = pg.last_result
    assert result is not None and result.blocked
    text = pg.output_text()
    assert result.error in text  # the console sentence, as the engine wrote it
    assert "fetch() rejects with TypeError: Failed to fetch" in text
    assert f"api: GET /api/public from {PAGE} -> 200" in text  # the server did answer
    assert "Step by step:" in text and "CORS check" in text
    assert "<svg" in pg.output.value


def test_send_returns_the_result_and_shows_what_javascript_reads(api):
    pg = Playground(api, origin=PAGE, url=api.url + "/api/custom-headers")
    result = pg.send()
    assert not result.blocked and result.status == 200
    assert "response.type 'cors', status 200" in pg.output_text()
    assert "look at my headers" in pg.output_text()
    assert "x-request-id" not in result.headers


def test_editing_the_policy_fields_writes_a_new_policy_into_the_running_server(api):
    pg = Playground(api, origin=PAGE, url=api.url + "/api/custom-headers")
    pg.expose_headers.value = "X-Request-Id"
    pg.max_age.value = "600"
    pg.apply_button.click()
    assert list(api.policy.expose_headers) == ["X-Request-Id"]
    assert api.policy.max_age == 600
    assert api.policy.allow_origins == [PAGE]  # untouched fields keep their values
    assert pg.message_text().startswith("Policy applied")
    result = pg.send()
    assert result.headers.get("x-request-id") == "req-42"


def test_a_policy_changed_in_code_is_read_back_into_the_fields_on_send(api):
    pg = Playground(api, origin=PAGE)
    api.policy = CorsPolicy(allow_origins="*", allow_methods=["GET", "DELETE"])
    result = pg.send()
    assert pg.allow_origins.value == "*" and pg.allow_methods.value == "GET, DELETE"
    assert api.policy.allow_methods == ["GET", "DELETE"] and not result.blocked


def test_fields_edited_in_the_widget_win_over_the_server_policy_on_send(api):
    pg = Playground(api, origin=PAGE, url=api.url + "/api/items/1", method="PUT",
                    headers="Content-Type: application/json", body='{"name": "kiwi"}')
    assert pg.send().blocked  # PUT is not in the default allowed methods
    pg.allow_methods.value = "GET, PUT"
    pg.allow_headers.value = "Content-Type"
    result = pg.send()
    assert not result.blocked and result.preflight
    assert "Policy applied" in pg.message_text()


def test_max_age_set_in_the_playground_keeps_the_preflight_cached_between_sends(api):
    pg = Playground(api, origin=PAGE, url=api.url + "/api/items/1", method="DELETE")
    pg.allow_methods.value = "GET, DELETE"
    pg.max_age.value = "60"
    assert pg.send().preflight
    assert not pg.send().preflight  # served from the preflight cache
    pg.forget_button.click()
    assert pg.send().preflight


def test_allowing_an_origin_on_a_server_that_sent_no_cors_headers_turns_cors_on(api):
    api.policy = CorsPolicy.none()
    pg = Playground(api, origin=PAGE)
    assert pg.enabled.value is False
    assert pg.send().blocked
    pg.allow_origins.value = PAGE
    result = pg.send()
    assert api.policy.enabled and pg.enabled.value is True
    assert not result.blocked


def test_a_playground_can_share_a_browser_whose_cookies_were_set_in_code(api):
    from cors_lab.browser.fetch import Browser

    api.policy = CorsPolicy(allow_origins=[PAGE], allow_credentials=True)
    tab = Browser(PAGE)
    tab.fetch(api.url + "/login?user=alice", credentials="include")
    pg = Playground(api, origin=PAGE, url=api.url + "/api/private", credentials="include", browser=tab)
    result = pg.send()
    assert result.status == 200 and "alice@example.com" in result.text
    assert "Cookie: sid=…" in pg.output_text()
    fresh = Playground(api, origin=PAGE, url=api.url + "/api/private", credentials="include")
    assert fresh.send().status == 401  # its own browser has no cookie


@pytest.mark.parametrize("field, value, expected", [
    ("origin", "localhost:8001", "is not an origin"),
    ("origin", "http://localhost:8001/app", "is not an origin"),
    ("origin", "http://localhost:8001\r\nX: y", "line breaks (CR/LF)"),
    ("url", "", "URL is empty"),
    ("url", "http://localhost:8002/a\nb", "line breaks (CR/LF)"),
    ("method", "G ET", "is not a method name"),
    ("method", "", "Method is empty"),
    ("headers", "X-Api-Key 123", "has no colon"),
    ("headers", "X Api: 1", "is not a header name"),
    ("headers", "X-Api-Key: 1\rInjected: 2", "carriage return"),
    ("max_age", "ten", "Max-Age must be a whole number"),
    ("preflight_status", "2O4", "Preflight status must be an HTTP status code"),
    ("allow_origins", "http://localhost:8001/", "ends with '/'"),
    ("allow_origins", "localhost:8001", "is not an origin"),
    ("allow_origins", "*, http://localhost:8001", "'*' must stand alone"),
    ("allow_methods", "GET PUT", "is not a name"),
    ("allow_headers", "X Token", "is not a name"),
])
def test_bad_input_gives_a_one_line_message_and_sends_nothing(api, field, value, expected):
    pg = Playground(api, origin=PAGE)
    policy_before = api.policy
    getattr(pg, field).value = value
    before = api.mark()
    pg.send_button.click()
    assert pg.last_result is None
    assert expected in pg.message_text()
    assert "\n" not in pg.message_text() and "Traceback" not in pg.message_text()
    assert escape(expected) in pg.message.value  # shown in the widget, not only returned
    assert api.count(since=before) == 0
    assert api.policy is policy_before


def test_what_a_learner_types_wrongly_is_the_packages_one_input_error():
    import cors_lab.widgets
    from cors_lab.errors import CorsLabError
    from cors_lab.widgets import format as fmt

    assert cors_lab.widgets.InputError is InputError
    with pytest.raises(CorsLabError, match="is not an origin"):
        fmt.page_origin("localhost:8001")
    with pytest.raises(InputError, match="ends with '/'"):
        fmt.origin_list("http://localhost:8001/")


def test_the_page_origin_field_is_read_as_the_browser_reads_an_origin(api):
    pg = Playground(api, origin=PAGE.replace("localhost", "LOCALHOST") + "/")
    result = pg.send()
    assert result.request["origin"] == PAGE and not result.blocked
    assert pg.browser().origin.serialize() == PAGE


def test_a_server_without_a_flask_app_gets_a_one_line_message_when_its_policy_is_edited():
    def plain(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"hi"]

    with serve(plain, port=None, name="plain") as server:
        pg = Playground(server, origin=PAGE)
        pg.allow_origins.value = PAGE
        assert pg.send() is None
        assert pg.message_text().startswith("Could not set the policy: ")
        assert "\n" not in pg.message_text()


def test_widgets_show_a_stable_text_repr_in_notebooks_without_address_or_port(api):
    widgets = [Playground(api, origin=PAGE), WillItCors(api, "/api/public", origin=PAGE),
               credentials_exercise(api, PAGE, ATTACKER)]
    texts = [widget._repr_mimebundle_()["text/plain"] for widget in widgets]
    assert texts == ["Playground(server='api')", "WillItCors(GET /api/public: not answered yet)",
                     "ExerciseChecker('Credentials exercise': 4 checks, not checked yet)"]
    for widget in widgets:
        assert "application/vnd.jupyter.widget-view+json" in widget._repr_mimebundle_()


def test_ask_chromium_without_chromium_says_in_one_line_how_to_install_it(api, monkeypatch):
    import cors_lab.real.chromium as chromium

    monkeypatch.setattr(chromium, "unavailable_reason", lambda: chromium.INSTALL_HINT)
    pg = Playground(api, origin=PAGE)
    assert pg.ask_chromium() is None
    line = pg.output_text().split("Real Chromium:\n", 1)[1]
    assert "\n" not in line and "apt-get install chromium" in line
    assert pg.agrees is None and pg.agreement is None


def test_ask_real_chromium_reports_that_it_agrees_with_the_engine(api):
    from cors_lab.real.chromium import unavailable_reason

    if unavailable_reason():
        pytest.skip(unavailable_reason())
    pg = Playground(api, origin=PAGE, url=api.url + "/api/items/1", method="DELETE")
    pg.chromium_button.click()
    assert pg.last_chromium is not None and pg.last_chromium.source == "chromium"
    assert pg.agrees is True and pg.agreement, pg.output_text()
    assert "Real Chromium agrees with the engine" in pg.output_text()


# ---- Will it CORS? ---------------------------------------------------------------------------------
def test_quiz_shows_the_request_and_what_the_server_answers_before_any_prediction(api):
    quiz = WillItCors(api, "/api/private", origin=ATTACKER, credentials="include")
    assert "credentials: 'include'" in quiz.setup_text
    assert "answer to a preflight" in quiz.setup_text and "Vary: Origin" in quiz.setup_text
    assert "Access-Control-Allow-Origin" not in quiz.setup_text  # the attacker's origin is not allowed
    assert quiz.result is None and quiz.output_text() == ""


def test_quiz_says_right_when_the_learner_predicts_the_block(api):
    quiz = WillItCors(api, "/api/public", origin=ATTACKER)
    quiz.buttons[1].click()  # "blocked"
    assert quiz.prediction == "blocked" and quiz.correct is True
    assert quiz.feedback.startswith("Right: blocked.")
    assert "Access-Control-Allow-Origin" in quiz.feedback  # the console sentence / reason names the header
    assert repr(quiz) == "WillItCors(GET /api/public: answered 'blocked' (right))"


def test_quiz_says_not_quite_and_why_when_the_prediction_is_wrong(api):
    quiz = WillItCors(api, "/api/public", origin=PAGE)
    feedback = quiz.predict("blocked")
    assert feedback.startswith("Not quite: you said blocked, it is allowed.")
    assert quiz.correct is False and "status 200" in feedback


def test_header_quiz_asks_whether_javascript_sees_a_response_header(api):
    quiz = WillItCors(api, "/api/custom-headers", origin=PAGE, ask="header", header="X-Request-Id")
    assert quiz.predict("hidden").startswith("Right: hidden.")
    api.policy = CorsPolicy(allow_origins=[PAGE], expose_headers=["X-Request-Id"])
    again = WillItCors(api, "/api/custom-headers", origin=PAGE, ask="header", header="X-Request-Id")
    assert again.predict("hidden").startswith("Not quite: you said hidden, it is visible.")


def test_quiz_answers_an_unknown_prediction_with_one_line_and_runs_nothing(api):
    quiz = WillItCors(api, "/api/public", origin=PAGE)
    before = api.mark()
    assert quiz.predict("maybe") == "Answer with one of: allowed, blocked (not 'maybe')."
    assert quiz.prediction is None and api.count(since=before) == 0


# ---- exercise checker ------------------------------------------------------------------------------
def test_credentials_exercise_fails_without_credentials_and_gives_the_hint(api):
    checker = credentials_exercise(api, PAGE, ATTACKER)
    verdict = checker.check()
    assert isinstance(verdict, Verdict) and not verdict
    text = repr(verdict)
    assert text.startswith("NOT YET: 3 of 4 checks pass.\n  ✘ The frontend reads /api/private")  # what fails first
    assert "allow_credentials=True" in text  # the hint
    assert "what happened: blocked: " in text and "Access-Control-Allow-Credentials" in text  # the console sentence
    # the widget shows what fails, never a hint by itself: the Hint button reveals them one at a time
    assert checker.output_text() == verdict.text(hints=False) and "hint" not in checker.output_text()
    assert escape("✘ The frontend reads") in checker.output.value and "allow_credentials" not in checker.output.value
    first = checker.hint()
    assert first.startswith(f"hint 1: Allow exactly {PAGE}") and "press Hint again" in first
    assert "hint 2:" in checker.hint()


def test_a_checker_says_which_cell_to_rerun_when_its_server_was_stopped_and_rebinds_to_a_new_one(api):
    checker = credentials_exercise(api, PAGE, ATTACKER)
    api.started_in = 3  # the notebook cell that started it, as serve() records it in a notebook
    api.stop()
    assert checker.check() is None
    assert "The lab server 'api' is stopped" in checker.output_text()
    assert "re-run cell [3]" in checker.output_text() and "Traceback" not in checker.output.value
    again = serve(api_app(), name="api", policy=CorsPolicy(allow_origins=[PAGE], allow_credentials=True))
    verdict = checker.check()
    assert verdict is not None and verdict.parts[0].passed, verdict
    assert checker.checks[0].request["url"].startswith(again.url)


def test_credentials_exercise_passes_with_the_frontend_origin_and_credentials(api):
    checker = credentials_exercise(api, PAGE, ATTACKER)
    api.policy = CorsPolicy(allow_origins=[PAGE], allow_credentials=True)
    checker.button.click()
    assert checker.verdict.passed
    assert repr(checker.verdict).startswith("PASSED: All 4 checks pass.\n  ✔ ")
    assert "hint" not in repr(checker.verdict)  # hints are for what still fails
    assert repr(checker) == "ExerciseChecker('Credentials exercise': 4 checks, 4/4 pass)"


def test_credentials_exercise_catches_a_policy_that_reflects_any_origin_with_credentials(api):
    api.policy = CorsPolicy(reflect_origin=True, allow_credentials=True)
    verdict = credentials_exercise(api, PAGE, ATTACKER).check()
    assert not verdict.passed
    assert "✘ The attacker's page cannot read /api/private, even with the user's cookie." in repr(verdict)
    assert "reflect_origin=True" in repr(verdict)  # the hint
    failing = verdict.failing()[0]
    assert failing.result is not None and failing.result.readable  # the FetchResult, to explain() in a cell


def test_a_generic_checker_runs_function_expectations_and_reports_a_broken_check_in_one_line(api, api2):
    checks = [
        Check("api2 answers any origin with *", PAGE, dict(url=api2.url + "/api/public"),
              lambda r: (r.exchanges[-1].response_headers.get("access-control-allow-origin") == "*", "no *")),
        Check("the API refuses the attacker", ATTACKER, dict(url=api.url + "/api/public"), "blocked",
              hint="list origins"),
        Check("a check whose function breaks", PAGE, dict(url=api.url + "/api/public"), lambda r: 1 / 0),
        Check("a function may answer with a verdict", PAGE, dict(url=api.url + "/api/public"),
              lambda r: Verdict(r.status == 200, f"status {r.status}")),
    ]
    verdict = ExerciseChecker("two servers", checks).check()
    assert [part.passed for part in verdict.parts] == [True, True, False, True]
    assert "✘ a check whose function breaks\n      what happened: could not run: division by zero" in repr(verdict)
    assert verdict.parts[3].message == "status 200"


def test_a_playground_says_which_cell_to_rerun_and_then_applies_its_policy_to_the_new_server(api):
    pg = Playground(api, origin=PAGE)
    api.started_in = 2
    api.stop()
    assert pg.send() is None and "re-run cell [2]" in pg.output_text()
    assert "re-run cell [2]" in pg.output.value
    pg.allow_origins.value = f"{PAGE}, http://localhost:8003"  # the learner edits a field, re-runs the set-up cell
    again = serve(api_app(), name="api")
    result = pg.send()
    assert result is not None and result.readable, pg.output_text()
    assert again.policy is not None and PAGE in again.policy.allow_origins  # the new server got the policy
    assert pg.url.value.startswith(again.url) and again.url in pg.title.value


def test_a_quiz_never_grades_a_stopped_server_and_asks_the_new_one_after_a_rerun(api):
    quiz = WillItCors(api, "/api/public", origin=ATTACKER)
    api.stop()
    feedback = quiz.predict("blocked")
    assert "is stopped" in feedback and "re-run" in feedback and quiz.prediction is None
    again = serve(api_app(), name="api")
    assert quiz.predict("blocked").startswith("Right: blocked.")
    assert quiz.url.startswith(again.url)


def test_every_widget_carries_the_dom_contract_the_ui_tests_use(api):
    for view, kind in [(Playground(api, origin=PAGE), "playground"), (WillItCors(api), "quiz"),
                       (credentials_exercise(api, PAGE, ATTACKER), "checker")]:
        assert {"cors-lab-widget", f"cors-lab-{kind}"} <= set(view.widget._dom_classes)
        buttons = [c for c in _descendants(view.widget) if "cors-lab-action" in getattr(c, "_dom_classes", ())]
        outputs = [c for c in _descendants(view.widget) if "cors-lab-output" in getattr(c, "_dom_classes", ())]
        assert buttons and outputs, kind


def _descendants(box):
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def test_any_result_draws_its_own_sequence_diagram_in_one_call(api):
    result = Browser(ATTACKER).fetch(api.url + "/api/public")
    picture = result.diagram()
    assert picture.html() == sequence_diagram(result) and "<svg" in picture.html()


def test_quizzes_on_one_server_each_bring_their_own_policy(api):
    refuse = WillItCors(api, "/api/public", origin=PAGE, policy=CorsPolicy.none())
    allow = WillItCors(api, "/api/public", origin=PAGE, policy=CorsPolicy(allow_origins=[PAGE]))
    assert "no CORS headers" in refuse.setup_text
    assert allow.predict("allowed").startswith("Right: allowed.")
    assert refuse.predict("blocked").startswith("Right: blocked.")  # after `allow` ran: its own policy again
    assert allow.predict("allowed").startswith("Right: allowed.")


def test_the_last_hint_unfolds_the_solution_file_and_never_before():
    from cors_lab.course import check_same_origin_answers

    checker = ExerciseChecker("same origin?", check=check_same_origin_answers, answer="answers",
                              namespace={"answers": {}}, solution="solutions/01_same_origin_policy.py")
    checker.check()
    pool = checker.hint_list()
    for _ in pool[:-1]:
        checker.hint()
        assert "Show the solution" not in checker.hint_output.value
    checker.hint()
    assert "Show the solution (solutions/01_same_origin_policy.py)" in checker.hint_output.value
    assert escape(checker.solution_text()[:40]) in checker.hint_output.value


def test_a_prediction_about_a_stopped_server_names_its_cell_and_grades_nothing(api):
    from cors_lab.widgets import Outcome, Predict

    p = Predict("Readable?", ["yes", "no"], lambda: Outcome("no", "it is not"), servers=[api])
    api.stop()
    assert "is stopped" in p.predict("no") and p.prediction is None
    serve(api_app(), name="api")
    assert p.predict("no").startswith("Right: no.")


def test_the_rerun_sentence_names_the_latest_cell_that_started_a_server_of_that_name(api):
    from cors_lab.server import lab
    from cors_lab.widgets.base import rerun_sentence

    api.started_in = 8
    again = serve(api_app(), name="api")  # the learner re-ran the set-up cell, as cell [24]
    lab._started_in["api"] = again.started_in = 24
    again.stop()
    assert rerun_sentence(api) == rerun_sentence(again) == "re-run cell [24] (the one that starts it)"
