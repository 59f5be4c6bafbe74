"""Shared fixtures. The scenario servers answer every scenario of tests/scenarios.py on the page / api / api2 ports."""
from __future__ import annotations

import pytest

TEACHING_PORTS = {"page": 8001, "api": 8002, "api2": 8003}


@pytest.fixture(scope="module")
def scenario_servers():
    """The scenario app on the teaching ports (a free port instead of any that is taken). Yields the URL map.

    Module-scoped, so the teaching ports are free again for the tests and notebooks that come after."""
    from cors_lab import serve
    from cors_lab.errors import PortInUseError
    from scenario_server import ScenarioApp
    from scenarios import SCENARIOS, url_map

    app = ScenarioApp(SCENARIOS, {})
    servers = {}
    for role, port in TEACHING_PORTS.items():
        try:
            servers[role] = serve(app, port=port, name=f"scenarios-{role}")
        except PortInUseError:
            servers[role] = serve(app, port=None, name=f"scenarios-{role}")
    app.urls.update(url_map({role: srv.port for role, srv in servers.items()}))
    yield app.urls, servers
    for srv in servers.values():
        srv.stop()
