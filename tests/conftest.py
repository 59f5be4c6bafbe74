"""The one conftest of the test suite.

- Every test leaves no lab server behind: the servers a test started are stopped after it (servers of wider-scoped
  fixtures are left to their fixture).
- The scenario servers answer every scenario of tests/support/scenarios.py on the page / api / api2 ports."""
from __future__ import annotations

import socket

import pytest

TEACHING_PORTS = {"page": 8001, "api": 8002, "api2": 8003}


@pytest.fixture
def silent_port():
    """A port that accepts connections (the kernel's backlog does) and never answers a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(autouse=True)
def _stop_the_servers_a_test_started():
    from cors_lab.server.lab import running_servers

    before = running_servers()
    yield
    for server in running_servers():
        if not any(server is old for old in before):
            server.stop()


@pytest.fixture(scope="module")
def scenario_servers():
    """The scenario app on the teaching ports (a free port instead of any that is taken). Yields the URL map.

    Module-scoped, so the teaching ports are free again for the tests and notebooks that come after."""
    from support.scenario_server import ScenarioApp
    from support.scenarios import SCENARIOS, url_map

    from cors_lab import serve
    from cors_lab.errors import PortInUseError

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
