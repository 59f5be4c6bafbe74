"""The course's teaching origins and ports, and how a notebook starts a server on one.

The prose of every lesson names these ports, so they are fixed and memorable. `serve(...)` itself is strict (a
taken port is a `PortInUseError`); `serve_teaching(...)` is the notebooks' forgiving version: when another program
holds the port it takes a free one and says so in one line, so a lesson still runs.
"""
from __future__ import annotations

from typing import Callable

from cors_lab.errors import PortInUseError
from cors_lab.server.lab import LabServer, serve

PORTS = {"page": 8001, "api": 8002, "api2": 8003, "bank": 8004, "token_bank": 8005, "dev_proxy": 8010,
         "cors_proxy": 8011, "public_proxy": 8012, "attacker": 8666}

FRONTEND = f"http://localhost:{PORTS['page']}"  # the page whose scripts call the APIs
API = f"http://localhost:{PORTS['api']}"
ATTACKER = f"http://localhost:{PORTS['attacker']}"  # the evil page of lessons 01, 04 and 09


def serve_teaching(app: Callable, port: int, name: str, policy=None, quiet: bool = False) -> LabServer:
    """Serve ``app`` on the teaching ``port``; when something else holds it, take a free port and say so.

        >>> from cors_lab.course import serve_teaching
        >>> from cors_lab import api_app
        >>> api = serve_teaching(api_app(), port=8002, name="api")   # doctest: +SKIP
    """
    try:
        return serve(app, port=port, name=name, policy=policy)
    except PortInUseError:
        server = serve(app, port=None, name=name, policy=policy)
        if not quiet:
            print(f"Port {port} is taken on this machine, so {name!r} runs on port {server.port} instead.")
        return server
