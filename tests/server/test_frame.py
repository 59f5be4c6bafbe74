"""The frame page of "Send from my browser": served by every lab server under this kernel's token, never logged."""
from __future__ import annotations

import requests
from flask import Flask

from cors_lab import serve
from cors_lab.real.page_js import FETCH_JS
from cors_lab.server.frame import FRAME_PREFIX, frame_token, frame_url


def catch_all_app() -> Flask:
    app = Flask("catch-all")
    app.add_url_rule("/<path:anything>", "any", lambda anything: f"the app answered {anything}")
    return app


def test_every_lab_server_serves_the_frame_page_under_the_token_and_keeps_it_out_of_its_log():
    with serve(catch_all_app()) as server:
        answer = requests.get(frame_url(server.url), timeout=5)
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith("text/html")
        assert answer.headers["Cache-Control"] == "no-store"
        assert frame_token() in answer.text and FETCH_JS.strip()[:40] in answer.text
        assert server.received == 0 and list(server.log) == []  # the course's plumbing, not the lesson


def test_a_wrong_token_or_another_method_is_a_404_and_never_reaches_the_app():
    with serve(catch_all_app()) as server:
        wrong = requests.get(server.url + FRAME_PREFIX + "guessed", timeout=5)
        posted = requests.post(frame_url(server.url), timeout=5)
        assert (wrong.status_code, posted.status_code) == (404, 404)
        assert "the app answered" not in wrong.text + posted.text
        assert frame_token() not in wrong.text
        # everything else still goes to the app, and into the log
        assert requests.get(server.url + "/x", timeout=5).text == "the app answered x"
        assert server.received == 1


def test_the_token_is_long_and_random_enough_not_to_be_guessed():
    assert len(frame_token()) >= 24
