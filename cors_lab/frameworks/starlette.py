"""Starlette's (and FastAPI's) ``CORSMiddleware`` from a `CorsPolicy`, and the app that runs it under uvicorn.

FastAPI's ``fastapi.middleware.cors.CORSMiddleware`` is Starlette's class re-exported (the whole of that module is
``from starlette.middleware.cors import CORSMiddleware``), so one configuration serves both; FastAPI itself is not
run here. What Starlette 1.10 does (read in ``starlette/middleware/cors.py``, verified live by tests/frameworks/):

- a preflight it accepts is answered ``200 OK``; one it refuses (origin, method or a header not allowed) is answered
  ``400 Disallowed CORS origin`` (or ``method``, ``headers``), so Chromium's sentence is "It does not have HTTP ok
  status" rather than the one naming the missing header;
- Access-Control-Allow-Headers lists every allowed header plus the four CORS-safelisted ones, and
  Access-Control-Max-Age is always sent (600 when not given);
- ``allow_origins=["*"]`` with ``allow_credentials=True`` answers with the request's own Origin (any origin, with
  credentials), not with ``*``; ``allow_origin_regex`` must match the whole origin (``re.fullmatch``);
- Access-Control-Allow-Credentials and Access-Control-Expose-Headers go on every answer to a request with an Origin,
  allowed or not (harmless: without Access-Control-Allow-Origin the browser reads nothing).
"""
from __future__ import annotations

import sys

from cors_lab.frameworks.base import Config, comment_notes, facts, refuse
from cors_lab.frameworks.live import LiveProcess
from cors_lab.policy import CorsPolicy

NAME = "starlette"
TITLE = "FastAPI / Starlette CORSMiddleware"
BROWSER_DEFAULT_MAX_AGE = 5  # seconds Chromium keeps a preflight without Access-Control-Max-Age


def config(policy: CorsPolicy) -> Config:
    """The ``app.add_middleware(CORSMiddleware, ...)`` call that answers as ``policy`` does."""
    f = facts(policy, TITLE)
    notes = ["Starlette answers an accepted preflight with 200 and a refused one with 400 'Disallowed CORS ...': "
             "when the origin is allowed but the method or a header is not, the console says 'It does not have "
             "HTTP ok status' instead of naming the method or header.",
             "An unhandled exception is answered 500 by Starlette's ServerErrorMiddleware, which runs outside "
             "CORSMiddleware: that answer carries no CORS headers (the console says 'No Access-Control-Allow-Origin' "
             "and hides the 500)."]
    if f.any_origin and f.credentials:
        raise refuse(TITLE, "allow_origins='*' with allow_credentials=True", "Starlette answers it with the "
                     "request's own Origin (any origin may read with cookies), not with '*'.")
    if f.credentials and f.methods == ["*"]:
        raise refuse(TITLE, "allow_methods='*' with credentials", "Starlette lists every method, while a literal "
                     "'*' with credentials allows none but the safelisted ones.")
    if f.credentials and f.headers == ["*"]:
        raise refuse(TITLE, "allow_headers='*' with credentials", "Starlette echoes the requested headers, while "
                     "a literal '*' with credentials allows none.")
    options = []
    if f.reflect:
        options.append('allow_origin_regex=".*",  # reflects ANY origin')
        notes.append("reflect_origin is written as allow_origin_regex='.*': every Origin is echoed.")
    elif f.any_origin:
        options.append('allow_origins=["*"],')
    else:
        options.append(f"allow_origins={f.origins!r},")
        if f.regex:
            options.append(f"allow_origin_regex={'(?:' + f.regex + ').*'!r},  # fullmatch: '.*' keeps re.match")
            notes.append("Starlette matches allow_origin_regex against the whole origin; '(?:...).*' keeps the "
                         "policy's start-anchored match.")
    options.append(f"allow_methods={f.methods!r},")
    options.append(f"allow_headers={f.headers!r},")
    if f.methods == ["*"] or f.headers == ["*"]:
        notes.append("Starlette expands '*' (every method; the requested headers echoed) instead of sending a "
                     "literal '*'; without credentials the browser reads both the same way.")
    if f.expose:
        options.append(f"expose_headers={f.expose!r},")
    if f.credentials:
        options.append("allow_credentials=True,")
    if f.max_age is None:
        options.append(f"max_age={BROWSER_DEFAULT_MAX_AGE},  # Starlette always sends Access-Control-Max-Age")
        notes.append(f"Starlette always sends Access-Control-Max-Age; max_age={BROWSER_DEFAULT_MAX_AGE} is what "
                     "Chromium assumes when the header is missing.")
    else:
        options.append(f"max_age={f.max_age},")
    if not f.vary:
        notes.append("Starlette always sends Vary: Origin (vary_origin=False cannot be said).")
    body = "".join(f"    {line}\n" for line in options)
    text = (comment_notes(notes, "#")
            + "from starlette.middleware.cors import CORSMiddleware  # FastAPI re-exports the same class\n\n"
            + "app.add_middleware(\n    CORSMiddleware,\n" + body + ")\n")
    return Config(text, NAME, notes)


#: the tiny app the configuration is pasted into (the same routes in every framework: see `cors_lab.frameworks`)
APP = '''\
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def data(request):
    return JSONResponse({"ok": True, "framework": "starlette"}, headers={"X-Request-Id": "42"})


async def item(request):
    return JSONResponse({"ok": True, "method": request.method})


async def fail(request):
    raise RuntimeError("an unhandled error in the view")


async def private(request):
    if "authorization" not in request.headers:
        return JSONResponse({"error": "not logged in"}, status_code=401)
    return JSONResponse({"user": "alice"})


app = Starlette(routes=[Route("/api/data", data), Route("/api/items/1", item, methods=["PUT", "DELETE"]),
                        Route("/api/fail", fail), Route("/api/private", private)])

'''


def process(config_text: str, app: str = APP) -> LiveProcess:
    """The app with ``config_text`` pasted after it, served by uvicorn (not started: use ``with`` or ``.start()``)."""
    command = [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", "{port}",
               "--log-level", "warning", "--no-access-log"]
    return LiveProcess(NAME, command, {"app.py": app + config_text})
