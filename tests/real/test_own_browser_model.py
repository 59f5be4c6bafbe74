"""The pure half of "Send from my browser" (cors_lab.real.own_browser): which browser, hosted or not, and the
learner's browser's answer turned into a result the engine's can be compared with."""
from __future__ import annotations

import pytest

from cors_lab import Browser, api_app, serve
from cors_lab.real.own_browser import OwnCall, agreement, hosted_reason, identify, own_result

# the first two were read from Debian's chromium and firefox-esr (navigator.userAgent, through cors_lab.real); the
# others are the published formats of those browsers
USER_AGENTS = [
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
     "Headless Chromium 156", "chromium"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0", "Firefox 153", "firefox"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36", "Chrome 131", "chromium"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 Edg/131.0.0.0", "Edge 131", "chromium"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 "
     "Safari/605.1.15", "Safari 18", None),
    ("", "an unknown browser", None),
]


@pytest.mark.parametrize("user_agent, title, engine", USER_AGENTS)
def test_the_learners_browser_is_named_by_its_brand_and_modelled_by_its_engine(user_agent, title, engine):
    identity = identify(user_agent)
    assert (identity.title, identity.engine) == (title, engine)


@pytest.mark.parametrize("environ, hub", [
    ({"JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"}, "JupyterHub"),
    ({"JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api"}, "JupyterHub"),
    ({"BINDER_SERVICE_HOST": "10.0.0.1"}, "Binder"),
    ({"BINDER_REPO_URL": "https://github.com/x/y"}, "Binder"),
])
def test_a_hub_is_said_in_one_sentence_that_names_it_and_the_fallback(environ, hub):
    sentence = hosted_reason(environ, {"hostname": "localhost"})
    assert sentence.startswith(f"This JupyterLab runs on {hub}:") and "headless Chromium" in sentence
    assert sentence.count(".") == 1 and sentence.endswith(".")


def test_a_jupyterlab_opened_from_another_machine_cannot_reach_the_kernels_loopback():
    assert "opened from lab.example.org" in hosted_reason({}, {"hostname": "lab.example.org"})
    for local in ("localhost", "127.0.0.1", "[::1]"):
        assert hosted_reason({}, {"hostname": local}) is None
    assert hosted_reason({}, {}) is None  # not rendered yet: the panel says that itself


@pytest.fixture
def api():
    with serve(api_app()) as server:
        yield server


def test_a_call_rebuilt_from_an_engine_result_gives_the_frame_the_page_scripts_arguments(api):
    result = Browser("http://localhost:8001").fetch(api.url + "/api/items/1", method="PUT",
                                                    headers={"Content-Type": "application/json"}, body="{}")
    call = OwnCall.from_result(result)
    assert (call.origin, call.api, call.url) == ("http://localhost:8001", "fetch", api.url + "/api/items/1")
    step = call.step(5000)
    url, init, deadline = step["args"]
    assert step["api"] == "fetch" and url == call.url and deadline == 5000
    assert init["method"] == "PUT" and init["headers"] == {"Content-Type": "application/json"} and init["body"] == "{}"
    xhr = OwnCall("http://localhost:8001", {"url": call.url, "with_credentials": True}, "xhr").step(100)
    assert xhr["api"] == "xhr" and xhr["args"][5] is True and xhr["args"][-1] == 100


def test_a_rejected_fetch_and_what_reached_the_server_make_a_blocked_result_that_agrees_with_the_engine(api):
    origin = "http://localhost:8001"
    engine = Browser(origin).fetch(api.url + "/api/public")  # the API sends no CORS headers: blocked
    mark = api.mark()
    Browser(origin).fetch(api.url + "/api/public")  # stands in for the learner's browser on the wire
    arrivals = [(api, entry) for entry in api.requests(since=mark)]
    call = OwnCall(origin, {"url": api.url + "/api/public"})
    own = own_result(call, {"rejected": "TypeError: Failed to fetch"}, arrivals, USER_AGENTS[2][0])
    assert own.blocked and own.source == "your browser" and own.browser == "chromium" and own.error is None
    assert [x.kind for x in own.exchanges] == ["actual"] and own.exchanges[0].origin_sent == origin
    verdict = agreement(engine, own, [api.url])
    assert verdict, verdict.sentence()
    assert own.wire == [f"GET {api.url}/api/public Origin: {origin} (no cookie)"]


def test_a_browser_that_read_the_answer_disagrees_with_an_engine_that_blocks_it(api):
    origin = "http://localhost:8001"
    engine = Browser(origin).fetch(api.url + "/api/public")
    answer = {"type": "cors", "status": 200, "headers": [["content-type", "application/json"]], "text": "{}",
              "bodyError": None, "url": api.url + "/api/public", "redirected": False}
    own = own_result(OwnCall(origin, {"url": api.url + "/api/public"}), answer, [], USER_AGENTS[1][0])
    assert own.browser == "firefox" and not own.blocked
    verdict = agreement(engine, own, [api.url])
    assert not verdict and {"blocked", "status", "wire"} <= set(verdict.differences)


def test_a_timed_out_call_is_blocked_with_the_browsers_own_network_error():
    call = OwnCall("http://localhost:8001", {"url": "http://localhost:9/x"})
    own = own_result(call, {"timeout": True}, [], USER_AGENTS[1][0])
    assert own.blocked and own.timed_out
    assert own.exception == "TypeError: NetworkError when attempting to fetch resource."


def test_a_preflight_the_learners_browser_had_cached_leaves_the_engine_a_result_not_a_crash():
    """Recorded in the UI test: after lesson 03 cached a PUT's preflight (Max-Age 600), the learner's browser sends
    the PUT alone; the engine, with an empty cache, finds no OPTIONS to replay: a network error it reports."""
    from cors_lab import Browser
    from cors_lab.real.own_browser import Replay

    replay = Replay([], b"")
    tab = Browser("http://localhost:8001")
    tab.open_response = replay
    result = tab.fetch("http://localhost:8002/api/items/1", method="PUT")
    assert result.blocked and result.failed_step.failure == "network_error"
    assert replay.unanswered == ["OPTIONS http://localhost:8002/api/items/1"]
