"""The engine in Firefox mode against real Firefox: every scenario of tests/support/scenarios.py, run through both,
compared field by field and on the wire.

Real Firefox is the reference. When a test here fails, the engine's Firefox model is wrong (or the scenario is), never
Firefox. The scenarios' ``claims`` are Chromium's and are not checked here; the recording says where Firefox
contradicts them.

Recording: with ``CORS_LAB_RECORD_DIR`` set, each scenario's real Firefox results are written as one JSON line to
``$CORS_LAB_RECORD_DIR/firefox_fetch.jsonl`` (the scenario, each call's kwargs, ``comparable()``, the console,
the reason code, the exchanges in short form, what reached the servers): what the engine's Firefox model is built from.
"""
from __future__ import annotations

import json
import os
from functools import partial

import pytest
from support.agreement import WIRE_HEADERS, all_servers, comparable, differences, scenario_log, wire
from support.scenarios import SCENARIOS, XhrCall, fill, page_url, run

from cors_lab.errors import InputError
from cors_lab.real.firefox import FirefoxBrowser, firefox_available, unavailable_reason

pytestmark = pytest.mark.skipif(not firefox_available(), reason=f"real Firefox not available: {unavailable_reason()}")

_firefox_runs: dict[str, tuple[list, list]] = {}  # scenario id -> (results, server log entries of that run)
_unsupported: dict[str, str] = {}  # scenario id -> why Firefox cannot run it (the bridge's one-sentence InputError)


def short(exchange) -> dict:
    """An exchange in the recording's short form."""
    sent = exchange.request_headers
    return {"kind": exchange.kind, "method": exchange.method, "url": exchange.url, "status": exchange.status,
            "origin": sent.get("origin"), "cookie": sent.get("cookie"),
            "acrm": sent.get("access-control-request-method"), "acrh": sent.get("access-control-request-headers"),
            "set_cookies": list(exchange.set_cookies)}


def claims_contradicted(scenario, results, log) -> dict:
    """The scenario's claims (Chromium's) that Firefox contradicts: claim -> [claimed, Firefox's]."""
    if not results:
        return {}
    last = results[-1].comparable()
    out = {}
    for key, wanted in scenario.claims.items():
        got = sum(1 for e in log if e.is_preflight) if key == "preflights" else last.get(key)
        if got != wanted:
            out[key] = [wanted, got]
    return out


def record(scenario, urls, results, log, unsupported: str | None = None) -> None:
    """One JSON line of what real Firefox did in this scenario, when CORS_LAB_RECORD_DIR is set."""
    folder = os.environ.get("CORS_LAB_RECORD_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    calls = []
    for call, result in zip(scenario.calls, results, strict=False):  # none when unsupported
        calls.append({"api": "xhr" if isinstance(call, XhrCall) else "fetch",
                      "kwargs": call.kwargs(urls, scenario.id), "comparable": comparable(result),
                      "console": list(result.console), "reason_code": result.reason_code,
                      "exchanges": [short(x) for x in result.exchanges], "timed_out": bool(result.timed_out)})
    line = {"id": scenario.id, "bullet": scenario.bullet, "about": scenario.about,
            "origin": fill(scenario.origin, urls, scenario.id), "page_url": page_url(scenario, urls),
            "cookies": [[fill(u, urls, scenario.id), c] for u, c in scenario.cookies], "calls": calls,
            "wire": [list(w) for w in wire(log)], "claims": dict(scenario.claims),
            "claims_contradicted": claims_contradicted(scenario, results, log), "unsupported": unsupported}
    with open(os.path.join(folder, "firefox_fetch.jsonl"), "a", encoding="utf-8") as out:
        out.write(json.dumps(line, default=repr, ensure_ascii=False) + "\n")


@pytest.fixture(scope="session")
def firefox_tabs():
    """One reusable Firefox tab per (origin, page URL); cookies are cleared before each scenario.

    Scenario URLs all contain the scenario id, so a preflight cached by one scenario can never serve another.
    """
    tabs: dict[tuple[str, str], FirefoxBrowser] = {}

    def factory(origin: str, page_url: str) -> FirefoxBrowser:
        key = (origin, page_url)
        if key not in tabs:
            tabs[key] = FirefoxBrowser(origin, page_url=page_url, route_page=page_url.endswith(origin + "/"))
        tabs[key].clear_cookies()
        return tabs[key]

    yield factory
    for tab in tabs.values():
        tab.close()


def firefox_run(scenario, scenario_servers, firefox_tabs):
    """Firefox's results for a scenario (run once per session) and what the servers received meanwhile."""
    if scenario.id in _unsupported:
        pytest.skip(_unsupported[scenario.id])
    if scenario.id not in _firefox_runs:
        urls, servers = scenario_servers
        servers = all_servers(servers)
        marks = {name: srv.mark() for name, srv in servers.items()}
        try:
            results = run(scenario, firefox_tabs, urls, close=False)
        except InputError as exc:  # an origin Firefox cannot have (a page on one of its blocked ports)
            _unsupported[scenario.id] = str(exc)
            record(scenario, urls, [], [], unsupported=str(exc))
            pytest.skip(str(exc))
        log = scenario_log(scenario, servers, marks)
        _firefox_runs[scenario.id] = (results, log)
        record(scenario, urls, results, log)
    return _firefox_runs[scenario.id]


def _id(scenario):
    return scenario.id


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_engine_agrees_with_firefox(scenario, scenario_servers, firefox_tabs):
    from cors_lab.browser.fetch import Browser  # the engine; imported late so this module loads without it

    real, real_log = firefox_run(scenario, scenario_servers, firefox_tabs)
    urls, servers = scenario_servers
    servers = all_servers(servers)
    marks = {name: srv.mark() for name, srv in servers.items()}
    model = run(scenario, partial(Browser, browser="firefox"), urls)
    model_log = scenario_log(scenario, servers, marks)
    diff = differences(model, real, "firefox")
    if wire(model_log) != wire(real_log):
        diff.append(f"on the wire (method, path, {', '.join(WIRE_HEADERS)}):\n    engine:  {wire(model_log)!r}\n"
                    f"    firefox: {wire(real_log)!r}")
    assert not diff, f"{scenario.id} ({scenario.about}):\n" + "\n".join(diff)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=_id)
def test_bridge_sees_the_preflights_the_servers_received(scenario, scenario_servers, firefox_tabs):
    """The bridge's exchanges (from Firefox's HTTP observers) count the preflights the servers really received."""
    real, log = firefox_run(scenario, scenario_servers, firefox_tabs)
    sent = sum(1 for e in log if e.is_preflight)
    seen = sum(1 for r in real for x in r.exchanges if x.kind == "preflight")
    assert seen == sent, f"{scenario.id}: the bridge saw {seen} preflights, the servers received {sent}"
