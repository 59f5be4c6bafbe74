"""Lesson 08's toggles, through their Python API: prediction graded, Chromium missing or not, escaping, lifecycle."""
from __future__ import annotations

import pytest

from cors_lab import serve
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.real import chromium
from cors_lab.server.apps import api_app
from cors_lab.widgets import DevToolsToggles
from cors_lab.widgets import devtools_toggles as module

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def fake_chromium(monkeypatch):
    """Chromium 'runs' the model browser instead (fast, and the same both ways), with a hostile console line."""
    from cors_lab import Browser

    def run(tool, api_url, request="public", page=FRONTEND):
        result = Browser(origin=page).fetch(api_url + "/api/public")
        result.error = f"{result.error} {HOSTILE}"
        return result

    monkeypatch.setattr(chromium, "unavailable_reason", lambda: None)
    monkeypatch.setattr(module, "run_devtool", run)


def test_the_first_run_with_the_defaults_gives_a_result(fake_chromium):
    api = serve(api_app(), port=None, name="api")
    toggles = DevToolsToggles(api)
    text = toggles.run()
    assert "the script reads nothing" in text and "Your users' normal browsers: blocked" in text
    assert "Risk:" in text and repr(toggles) == "DevToolsToggles(nothing (a normal Chromium): run)"


def test_a_prediction_is_graded_right_or_wrong_and_asked_again_next_time(fake_chromium):
    api = serve(api_app(), port=None, name="api")
    toggles = DevToolsToggles(api)
    assert toggles.predict("not readable").startswith("Right: not readable.")
    assert toggles.prediction_picker.value is None  # the next run needs a new prediction
    assert toggles.predict("readable").startswith("Not quite: you predicted readable, it is not readable.")
    assert repr(toggles) == "DevToolsToggles(nothing (a normal Chromium): predicted 'readable' (wrong))"


def test_the_console_sentence_is_escaped(fake_chromium):
    api = serve(api_app(), port=None, name="api")
    toggles = DevToolsToggles(api)
    toggles.run()
    assert HOSTILE in toggles.output_text() and HOSTILE not in toggles.output.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in toggles.output.value


def test_without_chromium_one_sentence_says_so_and_the_users_side_still_shows(monkeypatch):
    monkeypatch.setattr(chromium, "unavailable_reason", lambda: "Chromium was not found: install it.")
    api = serve(api_app(), port=None, name="api")
    toggles = DevToolsToggles(api)
    text = toggles.predict("readable", tool="extension")
    assert text.splitlines()[0] == ("Real Chromium is not available here, so nothing ran: Chromium was not found: "
                                    "install it.")
    assert "Your users' normal browsers: blocked" in text and toggles.result is None


def test_after_stop_it_says_rerun_and_after_a_rerun_it_rebinds(fake_chromium):
    api = serve(api_app(), port=None, name="api")
    toggles = DevToolsToggles(api)
    api.stop()
    assert "re-run" in toggles.run() and "stopped" in toggles.output_text()
    new = serve(api_app(), port=None, name="api")
    assert "the script reads nothing" in toggles.run() and toggles.server is new


@pytest.mark.skipif(chromium.unavailable_reason() is not None, reason="needs real Chromium")
def test_in_real_chromium_the_extension_makes_public_readable_but_not_with_credentials():
    api = serve(api_app(), port=None, name="api")
    toggles = DevToolsToggles(api)
    assert toggles.predict("readable", tool="extension").startswith("Right: readable.")
    assert "wildcard '*'" in toggles.run(request="private")
    assert "reads status 200" in toggles.run(tool="no-security", request="private", page=ATTACKER)
    assert "response.type 'opaque'" in toggles.run(tool="no-cors", request="public", page=FRONTEND)
