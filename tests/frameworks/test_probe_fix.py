"""The doctor's fix for a framework (`Probe.fix_in`) works: the configuration it prints, run in the real framework,
makes the very request the doctor found blocked pass (probed again, sent for real)."""
from __future__ import annotations

import importlib

import pytest

from cors_lab import api_app, probe, serve
from cors_lab.frameworks import FRAMEWORKS, start_framework

PAGE = "http://localhost:5173"
REQUESTS = {
    "credentialed-get": dict(path="/api/data", method="GET", headers=[], credentials=True),
    "json-put": dict(path="/api/items/1", method="PUT", headers=["Content-Type: application/json"], credentials=False,
                     body='{"name": "pen"}'),
    "credentialed-delete-with-a-key": dict(path="/api/items/1", method="DELETE", headers=["X-Api-Key: k"],
                                           credentials=True),
}


@pytest.mark.parametrize("name", list(FRAMEWORKS))
def test_the_printed_configuration_makes_the_blocked_request_pass_in_the_real_framework(name):
    importlib.import_module(f"test_framework_{name.replace('-', '_')}").needs()  # skips with that framework's line
    bare = serve(api_app(), port=None, name="bare")  # no CORS at all: every request below is blocked
    for case in REQUESTS.values():
        args = dict(origin=PAGE, method=case["method"], headers=case["headers"], credentials=case["credentials"],
                    body=case.get("body"), send=True)
        blocked = probe(bare.url + case["path"], **args)
        assert blocked.verdict == "blocked", blocked
        assert PAGE in str(blocked.fix_in(name))
        with start_framework(blocked.policy_that_allows(), name) as live:
            fixed = probe(live.url + case["path"], **args)
        assert fixed.verdict == "allowed", f"{name}: {case}\n{blocked.fix_in(name)}\n{fixed}"
        assert fixed.needs_preflight == (case["method"] != "GET" or bool(case["headers"]))
