"""The engine's XMLHttpRequest against real browsers: every scenario of tests/support/xhr_scenarios.py, compared field
by field (`XhrResult.comparable()`) and on the wire, in Chromium and in Firefox.

The real browser is the reference. When a test here fails, the engine is wrong (or the scenario is), never the
browser. With ``CORS_LAB_RECORD_DIR`` set, every real result is also written, one JSON line per scenario, to
``$CORS_LAB_RECORD_DIR/<browser>_xhr.jsonl``: the recording the engine is modelled from.
"""
from __future__ import annotations

import json
import os
from functools import partial

import pytest
from support.agreement import WIRE_HEADERS, scenario_log, wire
from support.scenarios import run
from support.xhr_scenarios import XHR_SCENARIOS

from cors_lab.real.chromium import ChromiumBrowser, chromium_available
from cors_lab.real.chromium import unavailable_reason as chromium_unavailable

TEACHING_PORTS = {"page": 8001, "api": 8002, "api2": 8003}
BROWSERS = ("chromium", "firefox")


def _firefox():
    """(FirefoxBrowser, None) or (None, why it cannot run here)."""
    try:
        from cors_lab.real import firefox
    except ImportError as exc:
        return None, f"cors_lab.real.firefox is not importable: {exc}"
    reason = firefox.unavailable_reason() if hasattr(firefox, "unavailable_reason") else None
    return (None, reason) if reason else (firefox.FirefoxBrowser, None)


def _real_class(name: str):
    if name == "chromium":
        if not chromium_available():
            pytest.skip(f"real Chromium not available: {chromium_unavailable()}")
        return ChromiumBrowser
    cls, reason = _firefox()
    if cls is None:
        pytest.skip(f"real Firefox not available: {reason}")
    return cls


@pytest.fixture(scope="module")
def xhr_servers():
    """The scenario app over the XHR table on the teaching ports (a free port for any that is taken).

    Module-scoped, so the teaching ports are free again for the tests that come after."""
    from support.scenario_server import ScenarioApp
    from support.scenarios import url_map

    from cors_lab import serve
    from cors_lab.errors import PortInUseError

    app = ScenarioApp(XHR_SCENARIOS, {})
    servers = {}
    for role, port in TEACHING_PORTS.items():
        try:
            servers[role] = serve(app, port=port, name=f"xhr-scenarios-{role}")
        except PortInUseError:
            servers[role] = serve(app, port=None, name=f"xhr-scenarios-{role}")
    app.urls.update(url_map({role: srv.port for role, srv in servers.items()}))
    yield app.urls, servers
    for srv in servers.values():
        srv.stop()


@pytest.fixture(scope="module")
def real_tabs():
    """One reusable real tab per (browser, origin, page URL); cookies are cleared before each scenario.

    Scenario URLs all contain the scenario id, so a preflight cached by one scenario never serves another."""
    tabs: dict[tuple, object] = {}

    def factory(name: str, origin: str, page_url: str):
        key = (name, origin, page_url)
        if key not in tabs:
            cls = _real_class(name)
            tabs[key] = cls(origin, page_url=page_url, route_page=page_url.endswith(origin + "/"))
        tabs[key].clear_cookies()
        return tabs[key]

    yield factory
    for tab in tabs.values():
        tab.close()


_real_runs: dict[tuple[str, str], tuple[list, list]] = {}  # (browser, scenario id) -> (results, server log)


def real_run(name, scenario, xhr_servers, real_tabs):
    """The real browser's results for a scenario (run once per module) and what the servers received meanwhile."""
    key = (name, scenario.id)
    if key not in _real_runs:
        _real_class(name)  # skips when that browser is missing
        urls, servers = xhr_servers
        marks = {role: srv.mark() for role, srv in servers.items()}
        results = run(scenario, partial(real_tabs, name), urls, close=False)
        log = scenario_log(scenario, servers, marks)
        _real_runs[key] = (results, log)
        record(name, scenario, urls, results, log)
    return _real_runs[key]


def short_exchange(exchange) -> dict:
    return {"kind": exchange.kind, "method": exchange.method, "url": exchange.url, "status": exchange.status,
            "sent": {k: v for k, v in exchange.request_headers.lower().items()
                     if k in ("origin", "cookie", "content-type", "access-control-request-method",
                              "access-control-request-headers")},
            "set_cookies": list(exchange.set_cookies)}


def record(name, scenario, urls, results, log) -> None:
    """One JSON line per scenario in $CORS_LAB_RECORD_DIR/<browser>_xhr.jsonl (nothing when the variable is unset)."""
    folder = os.environ.get("CORS_LAB_RECORD_DIR")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    line = {"id": scenario.id, "group": scenario.bullet, "about": scenario.about, "calls": []}
    for call, result in zip(scenario.calls, results, strict=True):
        kwargs = call.kwargs(urls, scenario.id)
        if isinstance(kwargs.get("body"), bytes):
            kwargs["body"] = {"bytes": list(kwargs["body"])}
        line["calls"].append({
            "kwargs": kwargs, "comparable": result.comparable(), "all_headers": getattr(result, "all_headers", None),
            "response_url": getattr(result, "response_url", None), "type": result.type,
            "status_text": getattr(result, "status_text", None),
            "timed_out": bool(getattr(result, "timed_out", False)), "console": list(getattr(result, "console", [])),
            "reason_code": getattr(result, "reason_code", None),
            "exchanges": [short_exchange(x) for x in result.exchanges]})
    line["wire"] = [list(w) for w in wire(log)]
    with open(os.path.join(folder, f"{name}_xhr.jsonl"), "a") as out:
        out.write(json.dumps(line, default=str) + "\n")


def comparable(result) -> dict:
    """The fields compared, and whether the call ran out of time (both give up at the same deadline)."""
    fields = {**result.comparable(), "timed_out": bool(getattr(result, "timed_out", False))}
    if "date" in fields["headers"]:  # the one header whose value depends on the clock
        fields["headers"] = {**fields["headers"], "date": "<a date>"}
    for key in ("events", "upload_events"):
        fields[key] = one_progress(fields.get(key, []))
    return fields


def one_progress(events: list[str]) -> list[str]:
    """A run of ``progress`` events counted as one: how many fire depends on how the bytes arrive (a browser fires
    one per chunk read, at most every 50 ms, and one at the end), which is the network's timing, not CORS."""
    return [name for i, name in enumerate(events) if not (name == "progress" and i and events[i - 1] == "progress")]


def differences(engine_results, real_results, name) -> list[str]:
    lines = []
    for i, (mine, real) in enumerate(zip(engine_results, real_results, strict=True), start=1):
        a, b = comparable(mine), comparable(real)
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                lines.append(f"call {i}, {key}:\n    engine:   {a.get(key)!r}\n    {name}: {b.get(key)!r}")
    return lines


def _id(scenario):
    return scenario.id


# the scenario varies fastest, so each browser starts once (a kernel runs one real browser at a time: switching
# browsers closes the other, cors_lab.real.footprint)
@pytest.mark.parametrize("scenario", XHR_SCENARIOS, ids=_id)
@pytest.mark.parametrize("name", BROWSERS)
def test_engine_xhr_agrees_with_the_real_browser(name, scenario, xhr_servers, real_tabs):
    from cors_lab.browser.fetch import Browser  # the engine; imported late so this module loads without it

    real, real_log = real_run(name, scenario, xhr_servers, real_tabs)
    urls, servers = xhr_servers
    marks = {role: srv.mark() for role, srv in servers.items()}
    model = run(scenario, partial(Browser, browser=name), urls)
    model_log = scenario_log(scenario, servers, marks)
    diff = differences(model, real, name)
    if wire(model_log) != wire(real_log):
        diff.append(f"on the wire (method, path, {', '.join(WIRE_HEADERS)}):\n    engine:   {wire(model_log)!r}\n"
                    f"    {name}: {wire(real_log)!r}")
    assert not diff, f"{scenario.id} ({scenario.about}):\n" + "\n".join(diff)


# the scenario varies fastest, so each browser starts once (a kernel runs one real browser at a time: switching
# browsers closes the other, cors_lab.real.footprint)
@pytest.mark.parametrize("scenario", XHR_SCENARIOS, ids=_id)
@pytest.mark.parametrize("name", BROWSERS)
def test_the_bridge_sees_what_the_servers_received(name, scenario, xhr_servers, real_tabs):
    """The bridge's preflight flag and exchanges (from the browser's network events) match the servers' log, so
    a recorded ``preflight`` is the browser's, not the bridge's guess."""
    real, log = real_run(name, scenario, xhr_servers, real_tabs)
    sent = sum(1 for e in log if e.is_preflight)
    seen = sum(1 for r in real for x in r.exchanges if x.kind == "preflight")
    assert seen == sent, f"{scenario.id}: the bridge saw {seen} preflights, the servers received {sent}"
    assert any(r.preflight for r in real) == (sent > 0), f"{scenario.id}: preflight flag vs {sent} preflights"
