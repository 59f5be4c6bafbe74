"""The engine against real Chromium: every scenario of tests/scenarios.py, run through both, compared field by field.

Chromium is the reference. When a test here fails, the engine is wrong (or the scenario is), never Chromium.
"""
from __future__ import annotations

import pytest
from support.agreement import WIRE_HEADERS, all_servers, differences, scenario_log, wire
from support.scenarios import SCENARIOS, run

from cors_lab.real.chromium import ChromiumBrowser, chromium_available, unavailable_reason

pytestmark = pytest.mark.skipif(not chromium_available(), reason=f"real Chromium not available: {unavailable_reason()}")

_chromium_runs: dict[str, tuple[list, list]] = {}  # scenario id -> (results, server log entries of that run)


@pytest.fixture(scope="session")
def chromium_tabs():
    """One reusable Chromium tab per (origin, page URL); cookies are cleared before each scenario.

    Scenario URLs all contain the scenario id, so a preflight cached by one scenario can never serve another.
    """
    tabs: dict[tuple[str, str], ChromiumBrowser] = {}

    def factory(origin: str, page_url: str) -> ChromiumBrowser:
        key = (origin, page_url)
        if key not in tabs:
            tabs[key] = ChromiumBrowser(origin, page_url=page_url, route_page=page_url.endswith(origin + "/"))
        tabs[key].clear_cookies()
        return tabs[key]

    yield factory
    for tab in tabs.values():
        tab.close()


def chromium_run(scenario, scenario_servers, chromium_tabs):
    """Chromium's results for a scenario (run once per session) and what the servers received meanwhile."""
    if scenario.id not in _chromium_runs:
        urls, servers = scenario_servers
        servers = all_servers(servers)
        marks = {name: srv.mark() for name, srv in servers.items()}
        results = run(scenario, chromium_tabs, urls, close=False)
        log = scenario_log(scenario, servers, marks)
        _chromium_runs[scenario.id] = (results, log)
    return _chromium_runs[scenario.id]


def _id(scenario):
    return scenario.id


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_engine_agrees_with_chromium(scenario, scenario_servers, chromium_tabs):
    from cors_lab.browser.fetch import Browser  # the engine; imported late so this module loads without it

    real, real_log = chromium_run(scenario, scenario_servers, chromium_tabs)
    urls, servers = scenario_servers
    servers = all_servers(servers)
    marks = {name: srv.mark() for name, srv in servers.items()}
    model = run(scenario, Browser, urls)
    model_log = scenario_log(scenario, servers, marks)
    diff = differences(model, real, "chromium")
    if wire(model_log) != wire(real_log):
        diff.append(f"on the wire (method, path, {', '.join(WIRE_HEADERS)}):\n    engine:   {wire(model_log)!r}\n"
                    f"    chromium: {wire(real_log)!r}")
    assert not diff, f"{scenario.id} ({scenario.about}):\n" + "\n".join(diff)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_scenario_exercises_what_it_claims_in_chromium(scenario, scenario_servers, chromium_tabs):
    real, log = chromium_run(scenario, scenario_servers, chromium_tabs)
    last = real[-1].comparable()
    for key, wanted in scenario.claims.items():
        if key == "preflights":
            got = sum(1 for e in log if e.is_preflight)
        else:
            got = last[key]
        assert got == wanted, f"{scenario.id} claims {key}={wanted!r}, Chromium gave {got!r}"
    # the bridge's preflight flag (from DevTools network events) agrees with what the servers received
    sent = sum(1 for e in log if e.is_preflight)
    seen = sum(1 for r in real for x in r.exchanges if x.kind == "preflight")
    assert seen == sent, f"{scenario.id}: the bridge saw {seen} preflights, the servers received {sent}"
