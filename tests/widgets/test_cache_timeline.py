"""The preflight cache on a time axis (notebook 03): the picture, the prediction, the widget."""
from __future__ import annotations

import pytest

from cors_lab import CorsPolicy, serve
from cors_lab.browser.result import Exchange, FetchResult, Step
from cors_lab.course.teaching import FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import CacheTimeline, cache_prediction, timeline_diagram
from cors_lab.widgets.cache_timeline import run_cache_timeline

PAGE = FRONTEND
ALLOW_PUT = CorsPolicy(allow_origins=[PAGE], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"])


@pytest.fixture
def api():
    return serve(api_app(), port=None, name="api", policy=ALLOW_PUT)


def _result(port: int, preflight: bool, max_age: str | None = None) -> FetchResult:
    url = f"http://localhost:{port}/api/items/1"
    exchanges, steps = [], []
    if preflight:
        headers = {"access-control-allow-origin": PAGE}
        if max_age is not None:
            headers["access-control-max-age"] = max_age
        exchanges.append(Exchange("preflight", "OPTIONS", url, {"origin": PAGE}, 204, headers))
        steps.append(Step("preflight cached", "cache", None, "kept", kind="preflight-cached"))
    else:
        steps.append(Step("preflight cache hit", "cache", True, "hit", kind="preflight-cache-hit"))
    exchanges.append(Exchange("actual", "PUT", url, {"origin": PAGE}, 200, {"access-control-allow-origin": PAGE}))
    return FetchResult(blocked=False, type="cors", status=200, preflight=preflight, exchanges=exchanges, steps=steps,
                       request={"url": url, "method": "PUT", "origin": PAGE})


def test_the_timeline_marks_options_cache_hits_and_the_expiry_of_each_cached_answer():
    html = timeline_diagram([_result(8002, True, "10"), _result(8002, False), _result(8002, True, "10")], [0, 4, 12])
    assert "<svg" in html and html.count("<circle") == 2 + 3  # two OPTIONS, three PUTs
    assert "cache hit" in html and html.count("kept 10s") == 2 and "expired" in html
    assert "3 fetches, 2 OPTIONS sent, 1 answered by the cache" in html


def test_the_timeline_geometry_does_not_depend_on_the_port():
    one = timeline_diagram([_result(8002, True, "5"), _result(8002, False)], [0, 2])
    other = timeline_diagram([_result(41234, True, "5"), _result(41234, False)], [0, 2])
    assert one == other


def test_the_timeline_needs_one_time_per_result():
    with pytest.raises(ValueError, match="one time per result"):
        timeline_diagram([_result(8002, True)], [0, 1])


def test_without_max_age_five_puts_two_seconds_apart_send_two_options(api):
    question = cache_prediction(api, max_age=None, times=(0, 2, 4, 6, 8), origin=PAGE)
    api.clear_log()
    text = question.predict("1")
    assert text.startswith("Not quite: you said 1, it is 2.") and "Chromium's default is 5 s" in text
    assert api.count(preflight=True) == 2  # real OPTIONS reached the server
    assert "cors-lab-timeline" in question.output.value


def test_max_age_zero_caches_nothing_and_the_servers_policy_is_put_back(api):
    question = cache_prediction(api, max_age=0, times=(0, 1, 2), origin=PAGE)
    assert question.predict("3").startswith("Right: 3.")
    assert "not cached at all" in question.feedback
    assert api.policy.max_age is None


def test_the_prediction_uses_its_own_policy_whatever_the_server_has_now(api):
    api.policy = CorsPolicy(allow_origins=[PAGE])  # does not allow PUT
    question = cache_prediction(api, max_age=600, times=(0, 60, 601), origin=PAGE, policy=ALLOW_PUT)
    assert question.predict("2").startswith("Right: 2.")


def test_the_widget_runs_with_its_defaults_and_draws_the_timeline(api):
    widget = CacheTimeline(api)
    results = widget.run()
    assert len(results) == 5 and "cors-lab-timeline" in widget.output.value
    assert widget.output_text().splitlines()[0] == "5 fetches, 2 OPTIONS (Access-Control-Max-Age: 10)."
    assert repr(widget) == "CacheTimeline(5 fetches)"


def test_bad_times_are_one_sentence(api):
    widget = CacheTimeline(api, times="0, soon")
    assert widget.run() is None and "numbers of seconds" in widget.output_text()
    with pytest.raises(Exception, match="go forward"):
        run_cache_timeline(api, [3, 1])


def test_after_the_server_is_stopped_the_widget_says_rerun_and_then_rebinds(api):
    widget = CacheTimeline(api)
    question = cache_prediction(api, times=(0, 1), origin=PAGE)
    api.stop()
    assert widget.run() is None and "re-run" in widget.output_text()
    assert "re-run" in question.predict("1") and question.prediction is None
    serve(api_app(), port=None, name="api", policy=ALLOW_PUT)
    assert len(widget.run()) == 5
    assert question.predict("1").startswith("Right: 1.")
