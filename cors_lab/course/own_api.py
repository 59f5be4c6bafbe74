"""Lesson 10's "your own API": a real FastAPI/Starlette app under uvicorn, configured with the learner's own
``CORSMiddleware`` options, and the exercise check that probes it as the browser would.

    >>> from cors_lab.course.own_api import start_my_fastapi, check_my_fastapi, YOUR_FRONTEND
    >>> options = dict(allow_origins=[YOUR_FRONTEND], allow_methods=["GET", "PUT"],
    ...                allow_headers=["Content-Type"], allow_credentials=True)
    >>> with start_my_fastapi(options) as api:                   # uvicorn on a free loopback port   # doctest: +SKIP
    ...     probe(api.url + "/api/data", origin=YOUR_FRONTEND)
    >>> check_my_fastapi(options)                                 # PASSED: ... or NOT YET: ...       # doctest: +SKIP

The options are the keyword arguments of ``app.add_middleware(CORSMiddleware, ...)`` exactly as a learner writes them
in a FastAPI project (FastAPI's CORSMiddleware is Starlette's class), pasted into the demo app of
`cors_lab.frameworks.starlette` (``GET /api/data``, ``PUT|DELETE /api/items/1``, ``GET /api/fail``,
``GET /api/private``) and run by the real Starlette: nothing of what it answers is modelled.
"""
from __future__ import annotations

from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.course.verdict import Verdict
from cors_lab.errors import InputError

#: the lesson's frontend: the course's page origin (a Vite dev server's would be http://localhost:5173), so the
#: learner's own browser can send from a frame on it
YOUR_FRONTEND = FRONTEND
#: CORSMiddleware's keyword arguments (Starlette 1.x), so a misspelt one is one sentence, not a crashed server
OPTIONS = ("allow_origins", "allow_methods", "allow_headers", "allow_credentials", "allow_origin_regex",
           "allow_private_network", "expose_headers", "max_age")
JSON_PUT = dict(method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "pen"}')


def middleware_code(options: dict) -> str:
    """The ``app.add_middleware(CORSMiddleware, ...)`` lines for ``options`` (checked: known names, Python values)."""
    if not isinstance(options, dict):
        raise InputError(f"The options are a dict of CORSMiddleware's arguments, e.g. dict(allow_origins=[...]), "
                         f"not {type(options).__name__}.")
    unknown = [name for name in options if name not in OPTIONS]
    if unknown:
        raise InputError(f"CORSMiddleware has no option {unknown[0]!r}: its options are {', '.join(OPTIONS)}.")
    for name, value in options.items():
        if not isinstance(value, (str, int, bool, list, tuple, type(None))):
            raise InputError(f"{name} must be a list, a string, a number or True/False, not {value!r}.")
    lines = "".join(f"    {name}={value!r},\n" for name, value in options.items())
    return ("from starlette.middleware.cors import CORSMiddleware\n\n"
            f"app.add_middleware(\n    CORSMiddleware,\n{lines})\n")


def start_my_fastapi(options: dict):
    """The demo app with CORSMiddleware(**options), run by real uvicorn on a free loopback port (started).

    A context manager; `cors_lab.stop_all()` stops it. ``.url``, ``.config`` (the code it runs), ``.stop()``."""
    from cors_lab.frameworks import starlette

    code = middleware_code(options)
    live = starlette.process(code)
    live.config = code
    return live.start()


def check_my_fastapi(options: dict, frontend: str = YOUR_FRONTEND, attacker: str = ATTACKER) -> Verdict:
    """Exercise 10: the learner's CORSMiddleware options, run in real Starlette and probed as the browser would:
    the frontend reads /api/data with its cookies and sends its JSON PUT (preflight, then the PUT), an attacker's
    page reads nothing with the user's cookies."""
    from cors_lab.probe import probe

    try:
        middleware_code(options)  # a misspelt option: one sentence, no server started
    except InputError as exc:
        return Verdict(False, str(exc), hint="Start from dict(allow_origins=[...], allow_methods=[...], ...).")
    checks = [
        ("Your frontend reads /api/data with the user's cookies.", "/api/data", frontend, {}, "allowed"),
        ("Your frontend's JSON PUT passes its preflight and is read.", "/api/items/1", frontend, JSON_PUT, "allowed"),
        ("An attacker's page cannot read /api/data with the user's cookies.", "/api/data", attacker, {}, "blocked"),
    ]
    parts = []
    with start_my_fastapi(options) as api:
        for about, path, origin, request, wanted in checks:
            report = probe(api.url + path, origin=origin, method=request.get("method", "GET"),
                           headers=request.get("headers"), body=request.get("body"), credentials=True, send=True)
            passed = (report.verdict == "allowed") == (wanted == "allowed")
            if report.allowed:
                said = "The browser lets the page read it."
                hint = ("List the exact frontend origin in allow_origins: with allow_credentials=True Starlette "
                        "answers '*' with the request's own Origin, so any page reads with the user's cookies.")
            else:
                rule = report.failed_step.rule if report.failed_step else report.verdict
                said, hint = f"The browser blocks it ({rule}).", report.behind or report.fix or report.console
            parts.append(Verdict(passed, said, hint=None if passed else hint, about=about, result=report.result))
    failing = [part for part in parts if not part.passed]
    if failing:
        return Verdict(False, f"{failing[0].about} Not yet: {failing[0].message}", hint=failing[0].hint,
                       parts=tuple(parts))
    return Verdict(True, f"All {len(parts)} checks pass against real Starlette.", parts=tuple(parts))
