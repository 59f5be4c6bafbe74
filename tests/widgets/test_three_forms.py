"""ThreeForms (notebook 02): one request as fetch() in Chromium, axios in Chromium and fetch() in Firefox, each with
its console sentence, what JavaScript gets and the doctor's reading; a verdict that says "one failure, one fix" or
where the browsers decide differently; confirm buttons that answer in one line; and the two predictions before it."""
from __future__ import annotations

import pytest

from cors_lab import CorsPolicy, serve
from cors_lab.course.teaching import FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets.three_forms import FORMS, ThreeForms, firefox_words_question, xhr_sentence_question

PAGE = FRONTEND


@pytest.fixture
def api():
    server = serve(api_app(), port=None, name="api")
    yield server
    server.stop()


def test_nothing_runs_before_the_button_and_the_repr_says_so(api):
    forms = ThreeForms(api, "/api/public", origin=PAGE)
    assert repr(forms) == "ThreeForms(GET /api/public: not run yet)"
    assert forms.output_text() == "" and api.count() == 0
    assert "cors-lab-three-forms" in forms.widget._dom_classes
    assert [b.description for b in (forms.run_button, forms.chromium_button, forms.firefox_button)] == [
        "Show the three forms", "Confirm in real Chromium", "Confirm in real Firefox"]


def test_a_missing_allow_origin_is_one_failure_in_three_forms_with_one_fix(api):
    forms = ThreeForms(api, "/api/public", origin=PAGE)
    columns = forms.run()
    assert [c.form.key for c in columns] == [f.key for f in FORMS]
    fetch, axios, firefox = columns
    assert fetch.result.error.startswith("Access to fetch at ")
    assert axios.result.error.startswith("Access to XMLHttpRequest at ")
    assert axios.result.error.split("CORS policy: ")[1] == fetch.result.error.split("CORS policy: ")[1]
    assert firefox.result.reason_code == "CORSMissingAllowOrigin" and firefox.result.error != fetch.result.error
    assert "AxiosError: Network Error" in axios.javascript() and "no error.response" in axios.javascript()
    assert firefox.result.exception in firefox.javascript()
    assert all(c.result.failure.kind == "missing_allow_origin" for c in columns)
    text = forms.output_text()
    assert "One failure in three forms (no Access-Control-Allow-Origin), one fix:" in text
    assert repr(forms) == "ThreeForms(GET /api/public: blocked in all three)"
    assert "Reason code: CORSMissingAllowOrigin" in text  # only Firefox has one
    assert text.count("Reason code:") == 1


def test_the_doctor_reads_each_column_or_says_it_cannot(api):
    columns = ThreeForms(api, "/api/public", origin=PAGE).run()
    for column in columns:
        d = column.diagnosis
        assert d is not None and d.sentence == column.result.error
        line = column.doctor()
        assert line.startswith("The doctor does not read this form (yet)") if not d.recognised else (
            f"Fix: {d.fix}" in line)
    assert columns[0].diagnosis.recognised  # Chromium's fetch sentence, the doctor's first language


def test_where_the_browsers_decide_differently_the_verdict_says_so(api):
    # recorded: Chromium safelists the client hint Save-Data (no preflight), Firefox does not (a preflight, refused)
    forms = ThreeForms(api, "/api/public", origin=PAGE, headers={"Save-Data": "on"},
                       policy=CorsPolicy(allow_origins=[PAGE]))
    fetch, axios, firefox = forms.run()
    assert not fetch.blocked and not axios.blocked and firefox.blocked and firefox.result.preflight
    assert "The browsers decide differently here" in forms.output_text()
    assert repr(forms) == "ThreeForms(GET /api/public: the browsers differ)"
    assert not api.policy.allow_origins  # the policy was the server's for these requests only


def test_confirm_says_in_one_line_when_the_browser_is_missing(api, monkeypatch):
    import cors_lab.real.firefox as firefox

    monkeypatch.setattr(firefox, "unavailable_reason", lambda: "Firefox was not found (a test).")
    forms = ThreeForms(api, "/api/public", origin=PAGE)
    line = forms.confirm("firefox")
    assert line == "Real Firefox is not available here: Firefox was not found (a test)."
    assert forms.columns and forms.columns[2].real is None  # the engine's columns were shown first
    assert line in forms.output_text()
    # a wrong name is refused in the widget, in one sentence, not raised
    assert forms.confirm("safari") == forms.refusal == "browser must be 'chromium' or 'firefox', not 'safari'"


def test_after_stop_all_the_widget_names_the_cell_to_rerun(api):
    forms = ThreeForms(api, "/api/public", origin=PAGE)
    api.stop()
    forms.run()
    assert forms.refusal and "re-run" in forms.refusal and "stopped" in forms.refusal
    assert forms.output_text() == forms.refusal


def test_after_a_rerun_the_widget_asks_the_new_server(api):
    forms = ThreeForms(api, "/api/public", origin=PAGE)
    api.stop()
    new = serve(api_app(), port=None, name="api")
    columns = forms.run()
    assert columns and forms.url == new.url + "/api/public" and new.count() == 3


def test_the_predictions_are_graded_by_the_engine_as_each_browser(api):
    firefox = firefox_words_question(api, "/api/public", origin=PAGE)
    assert firefox.output_text() == "" and api.count() == 0
    assert firefox.predict("its own words, about the same header").startswith("Right:")
    assert "CORSMissingAllowOrigin" in firefox.feedback
    xhr = xhr_sentence_question(api, "/api/public", origin=PAGE)
    assert xhr.predict("yes: \"Access to fetch at ...\"").startswith("Not quite")
    assert "it is no: it names XMLHttpRequest" in xhr.feedback
    with api.temporary_policy(CorsPolicy(allow_origins=[PAGE])):
        assert firefox.predict("nothing: Firefox lets the page read it").startswith("Right:")


@pytest.mark.parametrize("browser", ["chromium", "firefox"])
def test_confirm_in_the_real_browser_agrees_and_leaves_no_process(api, browser):
    import importlib

    module = importlib.import_module(f"cors_lab.real.{browser}")
    if module.unavailable_reason():
        pytest.skip(f"real {browser} not available: {module.unavailable_reason()}")
    forms = ThreeForms(api, "/api/public", origin=PAGE)
    line = forms.confirm(browser)
    assert line.startswith(f"Real {browser.title()} agrees with the engine: "), line
    confirmed = [c for c in forms.columns if c.real is not None]
    assert len(confirmed) == (2 if browser == "chromium" else 1) and all(c.agreement for c in confirmed)


def test_an_axios_object_is_json_so_the_question_answers_a_preflight_and_a_string_none(api):
    from cors_lab.widgets.three_forms import axios_preflight_question

    allow = CorsPolicy(allow_origins=[PAGE])
    json_body = axios_preflight_question(api, "/api/echo", data={"name": "kiwi"}, origin=PAGE, policy=allow)
    assert "axios.post(" in json_body.context.value and api.count() == 0
    assert json_body.predict("yes: a preflight first").startswith("Right:")
    assert "Content-Type: application/json" in json_body.feedback
    assert "OPTIONS /api/echo (preflight)" in json_body.feedback and "AxiosError: Network Error" in json_body.feedback
    form = axios_preflight_question(api, "/api/echo", data="name=kiwi", origin=PAGE, policy=allow)
    assert form.predict("yes: a preflight first").startswith("Not quite")
    assert "application/x-www-form-urlencoded" in form.feedback and "axios: resolves, status 200" in form.feedback


def test_the_which_browser_question_is_answered_by_the_engine_as_both_browsers(api):
    from cors_lab.widgets.three_forms import which_browser_question

    hint = which_browser_question(api, "/api/public", headers={"Save-Data": "on"}, origin=PAGE,
                                 policy=CorsPolicy(allow_origins=[PAGE]))
    assert hint.predict("both").startswith("Not quite: you said both, it is Chromium only.")
    assert "Firefox: a preflight, then blocked." in hint.feedback
    assert "Chromium: no preflight; readable." in hint.feedback
    same = which_browser_question(api, "/api/public", origin=PAGE, policy=CorsPolicy(allow_origins=[PAGE]))
    assert same.predict("both").startswith("Right:")
    assert which_browser_question(api, "/api/public", origin=PAGE).predict("neither").startswith("Right:")


def test_what_comes_back_is_shown_as_text_never_as_markup(api):
    hostile = "<img src=x onerror=alert(1)>"
    forms = ThreeForms(api, "/api/" + hostile, origin=PAGE, headers={"X-Note": hostile})
    forms.run()
    shown = [forms.request_line.value, forms.output.value, *(cell.value for cell in forms.cells)]
    assert all("<img" not in html for html in shown) and any("&lt;img" in html for html in shown)


def test_a_refusal_is_the_only_sentence_below_the_columns(api, monkeypatch):
    import cors_lab.real.firefox as firefox

    monkeypatch.setattr(firefox, "unavailable_reason", lambda: "Firefox was not found (a test).")
    forms = ThreeForms(api, "/api/public", origin=PAGE)
    forms.confirm("firefox")
    assert forms.confirm_output.value
    api.stop()
    forms.confirm("firefox")
    assert forms.confirm_output.value == "" and "re-run" in forms.output.value
