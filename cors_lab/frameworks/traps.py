"""Each framework's classic CORS traps, live: the real framework misconfigured, and the same one fixed.

    >>> from cors_lab.frameworks.traps import TRAPS, start_trap
    >>> with start_trap("express-cors-after-auth") as live:            # the real Express, on a free port
    ...     print(live.config)                                          # the lines that make the trap
    ...     Browser(live.trap.origin).fetch(live.url + live.trap.path, **live.trap.fetch_options).explain()
    >>> with start_trap("express-cors-after-auth", fixed=True) as live: # the fixed configuration
    ...     ...

`TRAPS` is the table (name -> `Trap`): what goes wrong in one sentence, the fetch that shows it, and the fix.
`start_trap` returns the running server (``.url``, ``.stop()``, ``.config``, ``.trap``; a context manager), stopped
by `cors_lab.stop_all()` too. What each framework really does was recorded live (tests/frameworks/test_traps.py
runs every trap in the engine and in real Chromium, and the fixed configuration):

- Express: ``cors()`` registered after an auth middleware: the preflight (which never carries Authorization) gets
  the 401 without CORS headers; after the routes: the route answers first, without them. ``origin: true`` with
  ``credentials: true`` hands every origin (an attacker's too) the logged-in answer.
- Starlette 1.10: ``allow_origins=["*"]`` with ``allow_credentials=True`` answers with the request's own Origin and
  ``Access-Control-Allow-Credentials: true``, so any page reads the answer with the user's cookies; an unhandled
  exception becomes a 500 from ServerErrorMiddleware, outside CORSMiddleware, so it carries no CORS headers.
- django-cors-headers 4.9: below a middleware that answers by itself (an auth check), the preflight gets that 401
  without CORS headers; an origin written with a trailing slash is a system-check error, and runserver refuses to
  start (past the check, with ``--skip-checks``, the origin matches anyway: only scheme and host:port are compared).
- nginx 1.22: ``add_header`` without ``always`` is left off error answers (a 401 from the app reaches the page as a
  CORS error); nginx and the app both sending Access-Control-Allow-Origin make two lines: "contains multiple values".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from cors_lab.course.teaching import ATTACKER, FRONTEND  # the lessons' attacker and page origins
from cors_lab.errors import InputError
from cors_lab.frameworks import django, express, nginx, starlette
from cors_lab.policy import CorsPolicy

PAGE = FRONTEND  # the learner's frontend (the lessons' page origin)
BEARER = {"Authorization": "Bearer t0ken"}


@dataclass(frozen=True)
class Trap:
    """One classic trap: the framework, what goes wrong, the fetch that shows it, and how it is fixed."""

    name: str
    framework: str
    wrong: str  # what goes wrong, one sentence
    fix: str  # the fix, one sentence
    path: str
    origin: str = PAGE
    fetch_options: dict = field(default_factory=dict)  # method, headers, body, credentials for Browser.fetch
    start: Callable[[bool], object] = None  # fixed -> the live server, not started yet

    def __repr__(self) -> str:
        return f"<Trap {self.name!r} ({self.framework}): {self.wrong}>"


def _with_config(live, text: str, trap_name: str):
    live.config = text
    live.trap = TRAPS[trap_name]
    return live


# ---- Express ------------------------------------------------------------------------------------------------
EXPRESS_AUTH = '''\
// an auth check: every request without an Authorization header gets 401
app.use((req, res, next) => {
  if (!req.get("authorization")) { return res.status(401).json({ error: "not logged in" }); }
  next();
});
'''
EXPRESS_CORS = f'''\
const cors = require("cors");
app.use(cors({{ origin: ["{PAGE}"], allowedHeaders: ["Authorization", "Content-Type"] }}));
'''


def _express_after_auth(fixed: bool):
    before, after = (EXPRESS_CORS, EXPRESS_AUTH) if fixed else (EXPRESS_AUTH, EXPRESS_CORS)
    return _with_config(express.process(before + after), before + after, "express-cors-after-auth")


def _express_after_routes(fixed: bool):
    if fixed:
        live = express.process(EXPRESS_CORS)
        text = EXPRESS_CORS + "// ... then the routes"
    else:
        live = express.process("", before=express.ROUTES, after=EXPRESS_CORS, routes="")
        text = "// the routes first ...\napp.get(\"/api/data\", ...);\n" + EXPRESS_CORS
    return _with_config(live, text, "express-cors-after-routes")


def _express_origin_true(fixed: bool):
    origin = f'["{PAGE}"]' if fixed else "true"
    text = f'const cors = require("cors");\napp.use(cors({{ origin: {origin}, credentials: true }}));\n'
    return _with_config(express.process(text), text, "express-origin-true-with-credentials")


# ---- Starlette / FastAPI ------------------------------------------------------------------------------------
def _starlette_star_credentials(fixed: bool):
    origins = f'["{PAGE}"]' if fixed else '["*"]'
    text = ("from starlette.middleware.cors import CORSMiddleware\n\n"
            f"app.add_middleware(CORSMiddleware, allow_origins={origins}, allow_credentials=True)\n")
    return _with_config(starlette.process(text), text, "starlette-star-with-credentials")


STARLETTE_HANDLER = '''\
from starlette.responses import JSONResponse


async def on_runtime_error(request, exc):
    # a handler for an exception class runs inside CORSMiddleware, so its 500 carries the CORS headers
    return JSONResponse({"error": str(exc)}, status_code=500)


app.add_exception_handler(RuntimeError, on_runtime_error)
'''


def _starlette_500(fixed: bool):
    text = str(starlette.config(CorsPolicy(allow_origins=[PAGE])))
    text = "\n".join(line for line in text.splitlines() if not line.startswith("# Note")) + "\n"
    if fixed:
        text = STARLETTE_HANDLER + "\n" + text
    return _with_config(starlette.process(text), text, "starlette-500-without-cors")


# ---- Django with django-cors-headers -------------------------------------------------------------------------
DJANGO_AUTH = '''\
from django.http import JsonResponse


class TokenRequired:
    """An auth check: every request without an Authorization header gets 401."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "authorization" not in request.headers:
            return JsonResponse({"error": "not logged in"}, status=401)
        return self.get_response(request)
'''


def _django_after_auth(fixed: bool):
    order = (['"corsheaders.middleware.CorsMiddleware",', '"auth.TokenRequired",'] if fixed else
             ['"auth.TokenRequired",  # answers 401 by itself', '"corsheaders.middleware.CorsMiddleware",'])
    text = ('INSTALLED_APPS += ["corsheaders"]\nMIDDLEWARE = [\n' + "".join(f"    {line}\n" for line in order)
            + '    "django.middleware.common.CommonMiddleware",\n]\n'
            + f'CORS_ALLOWED_ORIGINS = ["{PAGE}"]\nCORS_ALLOW_HEADERS = ["authorization", "content-type"]\n')
    return _with_config(django.process(text, extra_files={"auth.py": DJANGO_AUTH}), text,
                        "django-cors-after-answering-middleware")


def _django_trailing_slash(fixed: bool, skip_checks: bool = False):
    origin = PAGE if fixed else PAGE + "/"
    text = ('INSTALLED_APPS += ["corsheaders"]\nMIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")\n'
            f'CORS_ALLOWED_ORIGINS = ["{origin}"]\n')
    live = django.process(text)
    if skip_checks:
        live.command.append("--skip-checks")
    return _with_config(live, text, "django-origin-with-trailing-slash")


# ---- nginx ---------------------------------------------------------------------------------------------------
NGINX_POLICY = CorsPolicy(allow_origins=[PAGE], allow_headers=["Authorization"])
NGINX_HIDE = ("# the app's own CORS headers are dropped: nginx is the one place that sends them\n"
              "proxy_hide_header Access-Control-Allow-Origin;\nproxy_hide_header Access-Control-Allow-Credentials;\n"
              "proxy_hide_header Access-Control-Expose-Headers;\nproxy_hide_header Vary;\n")


def _nginx_without_always(fixed: bool):
    text = str(nginx.config(NGINX_POLICY if fixed else NGINX_POLICY.copy(headers_on_errors=False)))
    return _with_config(nginx.process(text), text, "nginx-add-header-without-always")


def _nginx_and_app(fixed: bool):
    text = str(nginx.config(NGINX_POLICY))
    if fixed:
        hide = "".join(f"    {line}\n" for line in NGINX_HIDE.splitlines())
        text = text.replace("    proxy_pass ", hide + "    proxy_pass ")
    live = nginx.process(text, upstream_policy=CorsPolicy(allow_origins=[PAGE], allow_headers=["Authorization"]))
    return _with_config(live, text, "nginx-and-app-both-send-the-header")


TRAPS: dict[str, Trap] = {trap.name: trap for trap in (
    Trap("express-cors-after-auth", "express",
         "cors() registered after the auth middleware: the preflight, which never carries Authorization, gets the "
         "401 without CORS headers.",
         "Register app.use(cors(...)) first, before the auth middleware.",
         "/api/private", fetch_options={"headers": BEARER}, start=_express_after_auth),
    Trap("express-cors-after-routes", "express",
         "cors() registered after the routes: the route answers first, without CORS headers.",
         "Register app.use(cors(...)) before the routes.", "/api/data", start=_express_after_routes),
    Trap("express-origin-true-with-credentials", "express",
         "origin: true with credentials: true echoes any Origin: an attacker's page reads the logged-in answer.",
         f"List the exact origins: origin: [\"{PAGE}\"].", "/api/data", origin=ATTACKER,
         fetch_options={"credentials": "include"}, start=_express_origin_true),
    Trap("starlette-star-with-credentials", "starlette",
         "allow_origins=['*'] with allow_credentials=True: Starlette answers with the request's own Origin and "
         "Access-Control-Allow-Credentials: true, so any page reads the answer with the user's cookies.",
         "List the exact origins in allow_origins.", "/api/data", origin=ATTACKER,
         fetch_options={"credentials": "include"}, start=_starlette_star_credentials),
    Trap("starlette-500-without-cors", "starlette",
         "An unhandled exception becomes a 500 from ServerErrorMiddleware, outside CORSMiddleware: no CORS headers, "
         "so the page sees a CORS error instead of the 500.",
         "Handle the exception class (app.add_exception_handler(RuntimeError, ...)): that handler runs inside "
         "CORSMiddleware.", "/api/fail", start=_starlette_500),
    Trap("django-cors-after-answering-middleware", "django",
         "CorsMiddleware listed below a middleware that answers by itself: the preflight gets its 401 without CORS "
         "headers.", "Put corsheaders.middleware.CorsMiddleware first in MIDDLEWARE.", "/api/private",
         fetch_options={"headers": BEARER}, start=_django_after_auth),
    Trap("django-origin-with-trailing-slash", "django",
         "An origin written with a trailing slash is a system-check error (corsheaders.E014): runserver refuses to "
         "start.", "Write the origin without the slash: scheme://host:port.", "/api/data",
         start=_django_trailing_slash),
    Trap("nginx-add-header-without-always", "nginx",
         "add_header without 'always' is left off error answers: the app's 401 reaches the page as a CORS error.",
         "End every CORS add_header with 'always'.", "/api/private", start=_nginx_without_always),
    Trap("nginx-and-app-both-send-the-header", "nginx",
         "nginx and the app both send Access-Control-Allow-Origin: two lines, which the browser reads as one "
         "value with a comma ('contains multiple values').",
         "Send CORS headers from one place: drop the app's with proxy_hide_header (or remove nginx's).",
         "/api/data", start=_nginx_and_app),
)}


def trap(name: str) -> Trap:
    """The `TRAPS` row of ``name``; one sentence (`InputError`) naming the traps for any other name."""
    if name not in TRAPS:
        raise InputError(f"Unknown trap {name!r}: choose one of {', '.join(TRAPS)}.")
    return TRAPS[name]


def start_trap(name: str, fixed: bool = False, **options):
    """Start trap ``name`` of `TRAPS` live (or its fixed configuration) and return the running server.

    The server has ``.url``, ``.stop()``, ``.config`` (the configuration text that makes the trap, or the fix) and
    ``.trap`` (its `Trap` row: the fetch that shows it); use it in a ``with`` block. Django's trailing-slash trap
    refuses to start (`cors_lab.ServerError` with Django's own system-check sentence); pass ``skip_checks=True`` to
    run it past the check."""
    return trap(name).start(fixed, **options).start()


def trap_config(name: str, fixed: bool = False) -> str:
    """The configuration text of trap ``name`` (or of its fix), without running anything: what a lesson shows before
    the learner predicts."""
    live = trap(name).start(fixed)  # built, never started
    try:
        return live.config
    finally:
        live.stop()  # nginx's companion app server, and the process's directory


def fetch_trap(live, browser=None):
    """The trap's own fetch against ``live``, in ``browser`` (a `cors_lab.Browser` by default, or a
    `cors_lab.ChromiumBrowser`) whose page is the trap's origin."""
    if browser is None:
        from cors_lab.browser.fetch import Browser

        browser = Browser(live.trap.origin)
    return browser.fetch(live.url + live.trap.path, **live.trap.fetch_options)


__all__ = ["TRAPS", "Trap", "trap", "start_trap", "trap_config", "fetch_trap", "PAGE", "ATTACKER"]
