"""The policy editor (notebook 06): the fields' policy as flask-cors code, Run applies it live and grades the
predictions; a policy flask-cors cannot express says so in one sentence; the lifecycle; OriginGrant."""
import pytest
from flask import Flask
from flask_cors import CORS

from cors_lab import CorsPolicy, api_app, serve, stop_all
from cors_lab.course.teaching import FRONTEND
from cors_lab.widgets import OriginGrant, PolicyEditor
from cors_lab.widgets.policy_editor import flask_cors_code, presets


@pytest.fixture
def api():
    return serve(api_app(), port=None, name="editor-test")


def _rows(table: str) -> dict[str, bool]:
    rows = {}
    for line in table.splitlines():
        if line.startswith(("✔", "✘")):
            label = line[11:].split(":")[0].strip()
            rows[label] = line.startswith("✔")
    return rows


def test_run_with_the_defaults_gives_a_real_table_and_every_row_is_blocked_without_cors(api):
    editor = PolicyEditor(api)
    table = editor.run()
    assert editor.refusal is None
    assert set(_rows(table).values()) == {False}
    assert len(_rows(table)) == 6
    assert repr(editor) == "PolicyEditor(6 test requests: 0 readable)"


def test_the_fields_policy_is_applied_live_and_only_the_attacker_is_blocked(api):
    editor = PolicyEditor(api)
    editor.allow_origins.value = FRONTEND
    editor.allow_methods.value = "GET, PUT"
    editor.allow_headers.value = "Content-Type"
    editor.allow_credentials.value = True
    rows = _rows(editor.run())
    assert api.policy.allow_credentials is True
    assert rows["the frontend reads /api/public"] and rows["the frontend reads /api/private with the user's cookie"]
    assert rows["the frontend sends PUT /api/items/3 with JSON (preflight)"]
    assert not rows["the attacker reads /api/public"]
    assert not rows["the attacker reads /api/private with the user's cookie"]


def test_predictions_are_graded_right_and_wrong_after_run(api):
    editor = PolicyEditor(api, preset="frontend only (simple requests)")
    editor.predict("the attacker reads /api/public", "blocked")
    editor.predict("the frontend reads /api/public", "blocked")
    table = editor.run()
    assert "the attacker reads /api/public: no Access-Control-Allow-Origin  (you predicted blocked: right)" in table
    assert "(you predicted blocked: not quite)" in table
    assert editor.score() == (1, 2)
    assert repr(editor).endswith("1/2 predictions right)")


def test_a_prediction_must_be_readable_or_blocked_and_name_a_row(api):
    editor = PolicyEditor(api)
    with pytest.raises(ValueError, match="readable"):
        editor.predict("the attacker reads /api/public", "maybe")
    with pytest.raises(ValueError, match="no test request"):
        editor.predict("nobody reads anything", "blocked")


def test_the_code_is_the_flask_cors_call_that_sends_the_same_headers(api):
    editor = PolicyEditor(api, preset="frontend: PUT + JSON, credentials, exposed header")
    code = editor.code()
    assert code.startswith("from flask_cors import CORS\n\nCORS(app,\n")
    assert f"origins=[{FRONTEND!r}]," in code and "supports_credentials=True," in code
    # the code runs: flask-cors configured by it answers the frontend exactly as the policy does
    namespace = {"app": Flask("check"), "CORS": CORS}
    exec(code.split("\n", 2)[2], namespace)
    app = namespace["app"]
    app.add_url_rule("/x", "x", lambda: "ok")
    answer = app.test_client().get("/x", headers={"Origin": FRONTEND})
    assert answer.headers["Access-Control-Allow-Origin"] == FRONTEND
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.parametrize("name, named", [("broken: '*' with credentials", "allow_origins='*' with allow_credentials"),
                                         ("broken: reflect every Origin, with credentials", "reflect_origin")])
def test_a_broken_policy_says_in_one_sentence_that_flask_cors_cannot_express_it(api, name, named):
    editor = PolicyEditor(api)
    code = editor.load(name)
    assert code.startswith("flask-cors cannot express this policy") and named in code
    assert "CORS(app" not in editor.code_view.value
    assert _rows(editor.run())["the attacker reads /api/private with the user's cookie"] is (name.startswith(
        "broken: reflect"))


def test_no_cors_at_all_is_no_cors_call():
    assert flask_cors_code(CorsPolicy.none()).startswith("# no CORS(app, ...) call")
    assert set(presets()) >= {"no CORS headers at all", "public data: any origin (*), no cookies"}


def test_a_field_with_markup_is_refused_in_one_escaped_sentence(api):
    editor = PolicyEditor(api)
    editor.allow_origins.value = "<img src=x onerror=alert(1)>"
    text = editor.run()
    assert text.startswith("Allowed origins:")
    assert "<img" not in editor.output.value and "&lt;img" in editor.output.value
    assert "<img" not in editor.code_view.value


def test_after_stop_all_run_says_rerun_and_after_a_rerun_it_rebinds(api):
    editor = PolicyEditor(api, preset="frontend only (simple requests)")
    stop_all()
    assert "re-run" in editor.run() and "stopped" in editor.refusal
    new = serve(api_app(CorsPolicy(allow_origins="*")), port=None, name="editor-test")
    rows = _rows(editor.run())
    # the re-run cell's server and its own policy: the fields show it, the table tests it
    assert editor.server is new and editor.allow_origins.value == "*"
    assert rows["the attacker reads /api/public"]
    editor.allow_origins.value = FRONTEND  # edited in the widget: Run applies it to the new server
    assert not _rows(editor.run())["the attacker reads /api/public"]
    assert new.policy.allow_origins == [FRONTEND]


def test_origin_grant_grades_a_look_alike_origin_against_the_live_answer():
    app = api_app()
    CORS(app, origins=[r"http://.*\.example\.com"], supports_credentials=True)
    server = serve(app, port=None, name="grant-test")
    grant = OriginGrant(server, "http://shop.example.com.evil.net")
    feedback = grant.predict("no")
    assert feedback.startswith("Not quite: you said no, it is yes.")
    assert "Access-Control-Allow-Origin: http://shop.example.com.evil.net" in feedback
    assert repr(grant) == "OriginGrant('http://shop.example.com.evil.net': answered 'no' (wrong))"
    server.stop()
    assert "re-run" in grant.predict("yes")
