"""The course's teaching origins and ports, and how a notebook starts a server on one.

Every lesson's servers sit in one block of ports: the page at the block's base, the APIs next to it, the proxies
ten further, the attacker's pages at ...66 and ...67. The lessons' prose names servers (the page, the API, the
attacker's page), never a number: the numbers come from here.

- On your own machine the block starts at 8700 (clear of JupyterHub's 8000, 8001 and 8081 and of the usual dev
  servers: 3000, 4200, 5000, 5173, 8000, 8080, 8888).
- Under a JupyterHub (``JUPYTERHUB_USER`` is set) every learner gets a block of their own, derived from their user
  id, so two learners on one host do not fight over ports and a learner's numbers stay the same from notebook to
  notebook and from session to session: uid 1000 has 20000-20099, uid 1001 has 20100-20199, ...
- ``CORS_LAB_PORT_BASE=N`` (a teacher's setting) puts the block at N; ``CORS_LAB_PORTS=per-user`` asks for the
  per-learner block on a shared machine that runs no hub.

`serve(...)` itself is strict (a taken port is a `PortInUseError`); `serve_teaching(...)` is the notebooks'
forgiving version: when another program holds the port it takes a free one and says so in one line, so a lesson
still runs. On a host other people use too (`shared_host()`), its first call says in one line that they can reach
your lab servers.
"""
from __future__ import annotations

import os
from typing import Callable

from cors_lab.errors import InputError, PortInUseError
from cors_lab.server.lab import LabServer, serve

SINGLE_USER_BASE = 8700  # the block on a learner's own machine
PER_USER_FIRST = 10000   # per-learner blocks start here ...
PER_USER_SLOTS = 225     # ... and 225 blocks of BLOCK ports end at 32499, below Linux's ephemeral ports (32768+)
BLOCK = 100

# where each teaching server sits in the block
OFFSETS = {"page": 0, "api": 1, "api2": 2, "bank": 3, "token_bank": 4, "internal": 5, "dev_proxy": 10,
           "cors_proxy": 11, "public_proxy": 12, "attacker": 66, "attacker2": 67}


def _base_from_environment() -> tuple[int, str]:
    """(the block's first port, why) from the environment: a teacher's setting, a hub, or the single-user base."""
    setting = os.environ.get("CORS_LAB_PORT_BASE", "").strip()
    if setting:
        try:
            base = int(setting)
        except ValueError:
            base = -1
        if 1024 <= base <= 65535 - BLOCK:
            return base, "CORS_LAB_PORT_BASE"
        print(f"CORS_LAB_PORT_BASE={setting!r} is not a port between 1024 and {65535 - BLOCK}; "
              f"using the course's usual ports.")
    if os.environ.get("JUPYTERHUB_USER") or os.environ.get("CORS_LAB_PORTS", "").strip() == "per-user":
        return per_user_base(os.getuid()), "per-user"
    return SINGLE_USER_BASE, "single-user"


def per_user_base(uid: int) -> int:
    """The first port of the block of the learner with user id ``uid`` on a shared host.

        >>> per_user_base(1000), per_user_base(1001)
        (20000, 20100)
    """
    return PER_USER_FIRST + (uid % PER_USER_SLOTS) * BLOCK


PORT_BASE, PORT_SCHEME = _base_from_environment()
PORTS = {name: PORT_BASE + offset for name, offset in OFFSETS.items()}

FRONTEND = f"http://localhost:{PORTS['page']}"  # the page whose scripts call the APIs
API = f"http://localhost:{PORTS['api']}"
API2 = f"http://localhost:{PORTS['api2']}"
ATTACKER = f"http://localhost:{PORTS['attacker']}"  # the evil page of lessons 01, 04 and 09

# ---- who else is on this host ---------------------------------------------------------------------------------
SHARED_HOST_NOTE = ("This machine is shared: other users' programs can reach your lab servers on 127.0.0.1 "
                    "(the course's accounts and secrets are fake demo data).")
NOBODY = 65534
FIRST_HUMAN_UID = 1000  # Debian's and most distributions' first ordinary user


def other_users() -> list[int]:
    """User ids of the ordinary users (uid >= 1000, not nobody, not you) with a process on this host.

    On a single-host hub (plain JupyterHub, The Littlest JupyterHub) these are the other learners; in a container
    per learner (Zero to JupyterHub, Binder) there are none, because a container sees only its own processes."""
    mine, seen = os.getuid(), set()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if entry.isdigit():
            try:
                uid = os.stat(f"/proc/{entry}").st_uid
            except OSError:
                continue  # the process ended meanwhile
            if uid >= FIRST_HUMAN_UID and uid not in (mine, NOBODY):
                seen.add(uid)
    return sorted(seen)


def shared_host() -> bool:
    """True when other people's programs share this host's loopback, so they can reach your lab servers.

    ``CORS_LAB_SHARED_HOST=1`` or ``=0`` (a teacher's setting) decides; otherwise: another ordinary user runs a
    process here."""
    setting = os.environ.get("CORS_LAB_SHARED_HOST", "").strip()
    if setting in ("0", "1"):
        return setting == "1"
    return bool(other_users())


_told_shared = False


def tell_if_shared() -> bool:
    """Print `SHARED_HOST_NOTE` once per kernel when `shared_host()`; True when it did so now."""
    global _told_shared
    if _told_shared or not shared_host():
        return False
    _told_shared = True
    print(SHARED_HOST_NOTE)
    return True


def port_summary() -> str:
    """One line: where this learner's teaching servers sit.

        >>> port_summary()                          # doctest: +SKIP
        'Your lab servers: page 8700, API 8701, attacker 8766 (ports 8700-8799).'
    """
    return (f"Your lab servers: page {PORTS['page']}, API {PORTS['api']}, attacker {PORTS['attacker']} "
            f"(ports {PORT_BASE}-{PORT_BASE + BLOCK - 1}).")


def serve_teaching(app: Callable, port: int | str, name: str | None = None, policy=None,
                   quiet: bool = False) -> LabServer:
    """Serve ``app`` on a teaching port; when something else holds it, take a free port and say so.

        >>> from cors_lab.course import serve_teaching
        >>> from cors_lab import api_app
        >>> api = serve_teaching(api_app(), "api")        # on PORTS["api"], named "api"   # doctest: +SKIP

    - ``port``: a teaching server's name from `PORTS` ("page", "api", "attacker", ...) or a port number.
    - ``name``: the server's name in logs and widgets (default: the teaching name).
    """
    if isinstance(port, str):
        if port not in PORTS:
            raise InputError(f"{port!r} is no teaching server; the names are: {', '.join(PORTS)}.")
        name, port = name or port, PORTS[port]
    name = name or f"server-{port}"
    if not quiet:
        tell_if_shared()
    try:
        return serve(app, port=port, name=name, policy=policy)
    except PortInUseError:
        server = serve(app, port=None, name=name, policy=policy)
        if not quiet:
            print(f"Port {port} is taken on this machine, so {name!r} runs on port {server.port} instead.")
        return server
