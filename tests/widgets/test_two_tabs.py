"""The two-tab story (notebook 01): three predictions, each answered by a live request in two tabs of one browser."""
from __future__ import annotations

import pytest

from cors_lab import serve
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import two_tab_story

BANK = FRONTEND


@pytest.fixture
def api():
    server = serve(api_app(), port=None, name="api")
    yield server
    server.stop()


def test_nothing_is_revealed_before_a_prediction(api):
    story = two_tab_story(api, BANK, ATTACKER)
    assert all(p.output_text() == "" for p in story.predictions)
    assert api.count() == 0  # nothing was sent either
    assert repr(story) == ("PredictionSet('The two-tab story: predict, then see the live request': 3 predictions, "
                           "0/0 right)")


def test_the_cookie_is_sent_because_cookies_go_by_host_and_the_attacker_is_same_site(api):
    question = two_tab_story(api, BANK, ATTACKER).predictions[0]
    feedback = question.predict("not sent")
    assert feedback.startswith("Not quite: you said not sent, it is sent.") and "scoped by host" in feedback
    assert "cookie" in question.outcome.result.exchanges[-1].request_headers
    assert "<svg" in question.output.value  # the sequence diagram of the live request


def test_the_attackers_script_reads_nothing(api):
    question = two_tab_story(api, BANK, ATTACKER).predictions[1]
    assert question.predict("reads nothing").startswith("Right: reads nothing.")
    assert question.outcome.result.blocked and "No 'Access-Control-Allow-Origin'" in question.feedback


def test_the_api_processes_the_request_with_the_cookie(api):
    question = two_tab_story(api, BANK, ATTACKER).predictions[2]
    assert question.predict("processed").startswith("Right: processed.")
    entry = api.last_request(path="/api/private", origin=ATTACKER)
    assert entry.status == 200 and "cookie" in entry.headers and "with the user's cookie" in question.feedback


def test_after_stop_all_it_says_which_cell_to_rerun_and_after_a_rerun_it_asks_the_new_server(api):
    story = two_tab_story(api, BANK, ATTACKER)
    api.started_in = 2
    api.stop()
    question = story.predictions[0]
    assert "re-run cell [2]" in question.predict("sent") and question.prediction is None
    again = serve(api_app(), port=None, name="api")
    try:
        assert question.predict("sent").startswith("Right: sent.")
        assert again.count(path="/api/private") == 1
    finally:
        again.stop()
