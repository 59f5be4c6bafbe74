"""What the engine-versus-real-browser tables share (tests/real/test_*_agreement.py): which servers a scenario
talks to, what they received for it, the fields compared, and the requests on the wire as far as CORS cares."""
from __future__ import annotations

import re

WIRE_HEADERS = ("Origin", "Cookie", "Access-Control-Request-Method", "Access-Control-Request-Headers")


def all_servers(servers) -> dict:
    """The scenario servers and the raw-socket servers of the hostile scenarios (support/hostile_server.py)."""
    from support import hostile_server

    return {**servers, **{f"raw-{name}": server for name, server in hostile_server.running().items()}}


def scenario_log(scenario, servers, marks) -> list:
    """What the scenario servers received for this scenario since the marks were taken."""
    return [entry for name, server in servers.items() for entry in server.requests(since=marks[name])
            if entry.path.startswith(f"/s/{scenario.id}/")]


def comparable(result) -> dict:
    """The fields compared, and whether the call ran out of time (both give up at the same deadline)."""
    fields = {**result.comparable(), "timed_out": bool(getattr(result, "timed_out", False))}
    if "date" in fields["headers"]:  # the one header whose value depends on the clock
        fields["headers"] = {**fields["headers"], "date": "<a date>"}
    if fields.get("error"):  # Firefox names a sandboxed frame by a null principal with a fresh UUID per document
        fields["error"] = _NULL_PRINCIPAL.sub("moz-nullprincipal:{<a uuid>}", fields["error"])
    return fields


_NULL_PRINCIPAL = re.compile(r"moz-nullprincipal:\{[0-9a-f-]{36}\}")


def differences(engine_results, real_results, who: str) -> list[str]:
    """Field by field, call by call: each field in which the engine and the real browser ``who`` differ."""
    lines = []
    for i, (mine, real) in enumerate(zip(engine_results, real_results, strict=True), start=1):
        a, b = comparable(mine), comparable(real)
        for key in a:
            if a[key] != b.get(key):
                lines.append(f"call {i}, {key}:\n    engine:   {a[key]!r}\n    {who}: {b.get(key)!r}")
    return lines


def wire(log) -> list[tuple]:
    """What reached the servers, as far as CORS is concerned: which requests, their Origin, cookies, preflight asks."""
    return sorted((e.method, e.path, *(e.headers.get(h.title()) for h in WIRE_HEADERS)) for e in log)
