"""The API doctor widget (the doctor on any URL) and the trap quizzes (the real frameworks, started on a press)."""
from __future__ import annotations

import html
import shutil

import pytest

from cors_lab import CorsPolicy, api_app, serve
from cors_lab.course.teaching import FRONTEND
from cors_lab.widgets import ApiDoctor, TrapQuiz

PAGE = FRONTEND


def test_the_api_doctor_shows_the_reports_text_with_the_frameworks_fix():
    bare = serve(api_app(), port=None, name="bare")
    doctor = ApiDoctor(bare.url + "/api/public", origin=PAGE, framework="fastapi")
    text = doctor.probe()
    assert doctor.report.verdict == "blocked" and text == doctor.output_text()
    assert "No 'Access-Control-Allow-Origin' header" in text and "CORSMiddleware" in text
    assert "BLOCKED" in doctor.output.value
    assert repr(doctor) == f"ApiDoctor(GET {bare.url}/api/public: blocked)"


def test_the_api_doctor_is_safe_by_default_and_sends_when_ticked():
    api = serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[PAGE], allow_methods=["PUT"]))
    doctor = ApiDoctor(api.url + "/api/items/1", origin=PAGE, method="PUT")
    assert "PREFLIGHT ALLOWS IT" in doctor.probe() and api.requests(method="PUT") == []
    doctor.send_it.value = True
    assert "ALLOWED" in doctor.probe() and len(api.requests(method="PUT")) == 1


def test_the_api_doctor_refuses_bad_fields_in_one_sentence():
    doctor = ApiDoctor("localhost:3000/api", origin=PAGE)
    assert doctor.probe() == "'localhost:3000/api' has no scheme: write the full URL, e.g. http://localhost:3000/api."
    doctor.url.value, doctor.headers.value = "http://localhost:3000/api", "no colon here"
    assert "has no colon" in doctor.probe() and doctor.report is None


def _needs(framework: str):
    if framework == "express" and shutil.which("node") is None:
        pytest.skip("node is not installed")
    if framework == "nginx" and shutil.which("nginx") is None and not shutil.os.path.exists("/usr/sbin/nginx"):
        pytest.skip("nginx is not installed")
    if framework == "django":
        pytest.importorskip("corsheaders")
    if framework == "starlette":
        pytest.importorskip("uvicorn")


@pytest.mark.parametrize("name, truth", [
    ("express-cors-after-auth", "blocked"),
    ("express-origin-true-with-credentials", "the attacker reads it"),
    ("starlette-star-with-credentials", "the attacker reads it"),
    ("django-origin-with-trailing-slash", "blocked"),
    ("nginx-and-app-both-send-the-header", "blocked"),
])
def test_a_trap_quiz_shows_the_configuration_first_then_runs_the_trap_and_its_fix(name, truth):
    from cors_lab.frameworks.live import running_processes
    from cors_lab.frameworks.traps import TRAPS, trap_config

    _needs(TRAPS[name].framework)
    quiz = TrapQuiz(name)
    assert trap_config(name).strip() in html.unescape(quiz.context.value)
    assert running_processes() == []  # nothing runs before the press
    wrong = next(choice for choice in quiz.choices if choice != truth)
    feedback = quiz.predict(wrong)
    assert feedback.startswith("Not quite") and quiz.outcome.truth == truth
    assert "With the fix" in feedback and TRAPS[name].fix in feedback
    assert quiz.fixed_result is not None and quiz.fixed_result.readable != (truth == "the attacker reads it")
    assert running_processes() == []  # both stopped after the press
