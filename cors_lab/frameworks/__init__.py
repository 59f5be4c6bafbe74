"""Your framework's CORS configuration, from a `CorsPolicy`: the text to paste, and the real framework running it.

    >>> from cors_lab import CorsPolicy
    >>> from cors_lab.frameworks import framework_config, start_framework, FRAMEWORKS
    >>> from cors_lab.course import FRONTEND                 # the lesson's page origin
    >>> policy = CorsPolicy(allow_origins=[FRONTEND], allow_methods=["GET", "PUT"],
    ...                     allow_headers=["Content-Type"], allow_credentials=True, max_age=600)
    >>> print(framework_config(policy, "express"))          # the lines for your server.js
    >>> framework_config(policy, "starlette").notes          # what Starlette answers differently, one sentence each
    >>> with start_framework(policy, "django") as live:      # the real framework on a free loopback port
    ...     Browser(FRONTEND).fetch(live.url + "/api/data").explain()

Each framework is one module (its generator, the tiny app the configuration is pasted into, and how to run it);
`FRAMEWORKS` is the table of them. A generator returns exactly what the policy says or raises `cors_lab.InputError`
in one sentence (a predicate in allow_origins, ``*`` with credentials where the framework echoes the Origin, ...);
where a framework answers with other header lines but the same verdict, ``config.notes`` says so. Every generated
configuration is verified live against the real framework by tests/frameworks/, and the classic traps of each
framework run live from `cors_lab.frameworks.traps`.

The demo app has the same routes in every framework: ``GET /api/data`` (200, JSON, ``X-Request-Id: 42``),
``PUT|DELETE /api/items/1``, ``GET /api/fail`` (an unhandled exception), ``GET /api/private`` (401 without an
Authorization header).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cors_lab.errors import InputError
from cors_lab.frameworks import django, express, flask_cors, nginx, starlette
from cors_lab.frameworks.base import Config
from cors_lab.frameworks.live import LiveProcess, running_processes, stop_live_processes
from cors_lab.policy import CorsPolicy


@dataclass(frozen=True)
class Framework:
    """One row of `FRAMEWORKS`: the name you pass, what it is called, its generator, how it runs live, what it needs."""

    name: str
    title: str
    generate: Callable[[CorsPolicy], Config]
    start: Callable[[CorsPolicy], object]  # the real framework with the generated configuration, started
    runs_with: str  # how the tests run it live
    needs: str  # what must be installed

    def __repr__(self) -> str:
        return f"<Framework {self.name!r}: {self.title}, run live with {self.runs_with}>"


def _started(live):
    return live.start() if isinstance(live, LiveProcess) else live


FRAMEWORKS: dict[str, Framework] = {
    row.name: row for row in (
        Framework("flask-cors", flask_cors.TITLE, flask_cors.config, flask_cors.serve_config,
                  "cors_lab.serve (werkzeug, in a thread)", "flask-cors (pip)"),
        Framework("starlette", starlette.TITLE, starlette.config,
                  lambda policy: _started(starlette.process(starlette.config(policy))),
                  "uvicorn (a child process)", "starlette, uvicorn (pip); FastAPI uses the same class"),
        Framework("django", django.TITLE, django.config,
                  lambda policy: _started(django.process(django.config(policy))),
                  "Django's own runserver --noreload (a child process)", "django, django-cors-headers (pip)"),
        Framework("express", express.TITLE, express.config,
                  lambda policy: _started(express.process(express.config(policy))),
                  "node (a child process), express and cors installed from npm on first use", "node, npm"),
        Framework("nginx", nginx.TITLE, nginx.config, lambda policy: _started(nginx.process(policy)),
                  "Debian's nginx (a child process) in front of the demo app on a lab server",
                  "nginx (apt-get install nginx)"),
    )
}
ALIASES = {"fastapi": "starlette", "flask": "flask-cors", "django-cors-headers": "django", "cors": "express"}


def framework(name: str) -> Framework:
    """The `FRAMEWORKS` row for ``name`` (any case; "fastapi", "flask" and "cors" are aliases)."""
    key = str(name).strip().lower()
    key = ALIASES.get(key, key)
    if key not in FRAMEWORKS:
        raise InputError(f"Unknown framework {name!r}: choose one of {', '.join(FRAMEWORKS)} (or fastapi).")
    return FRAMEWORKS[key]


def framework_config(policy: CorsPolicy, name: str) -> Config:
    """The configuration of framework ``name`` that answers as ``policy`` does (a `str` with ``notes``).

        >>> print(framework_config(CorsPolicy(allow_origins=[FRONTEND]), "django"))

    Raises `cors_lab.InputError` in one sentence when the framework cannot say the policy exactly."""
    return framework(name).generate(policy)


def start_framework(policy: CorsPolicy, name: str):
    """The real framework ``name`` running the generated configuration on a free loopback port.

    Returns something with ``.url`` and ``.stop()`` (a context manager too); `cors_lab.stop_all()` stops it."""
    return framework(name).start(policy)


__all__ = ["FRAMEWORKS", "Framework", "Config", "framework", "framework_config", "start_framework", "LiveProcess",
           "running_processes", "stop_live_processes"]
