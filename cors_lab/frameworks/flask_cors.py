"""flask-cors from a `CorsPolicy` (``CORS(app, ...)``), and the small Flask app every framework's routes copy.

The options come from `CorsPolicy.flask_cors_options` (tests/server/test_flask_cors_mapping.py checks them against
the policy's own answers); this module writes them as the line a learner pastes and serves them live with
`cors_lab.serve` (werkzeug, in a thread: flask-cors is a Flask extension, no other server is needed).
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from cors_lab.errors import InputError
from cors_lab.frameworks.base import Config, comment_notes, facts
from cors_lab.policy import CorsPolicy

NAME = "flask-cors"
TITLE = "Flask with flask-cors"


def config(policy: CorsPolicy) -> Config:
    """The ``CORS(app, ...)`` line that answers as ``policy`` does."""
    facts(policy, TITLE)  # the refusals every framework shares, in the same words
    try:
        options = policy.flask_cors_options()
    except InputError as exc:
        raise InputError(str(exc).replace("flask-cors cannot", f"{TITLE} cannot", 1)) from None
    notes: list[str] = []
    shown = {key: repr(value) for key, value in options.items() if value is not None}
    imports = "from flask_cors import CORS\n"
    if policy.allow_origin_regex:
        # flask-cors reads a string as a regex only when it holds one of *\]?$^[]() (recorded in flask_cors/core.py):
        # r"http://localhost" would be a literal origin. A compiled pattern is always a regex, matched with .match.
        exact = [origin for origin in options["origins"] if isinstance(origin, str)]
        shown["origins"] = "[" + "".join(f"{origin!r}, " for origin in exact) + \
            f"re.compile({policy.allow_origin_regex!r})]"
        imports = "import re\n\n" + imports
        notes.append("The regex is compiled: flask-cors takes a plain string for a regex only when it contains one "
                     "of * \\ ] ? $ ^ [ ( ).")
    body = "".join(f"    {key}={value},\n" for key, value in shown.items())
    text = comment_notes(notes, "#") + imports + "\nCORS(\n    app,\n" + body + ")\n"
    return Config(text, NAME, notes)


def demo_app(name: str = "demo") -> Flask:
    """The routes every framework's app has (the same paths and answers), as a Flask app.

    ``GET /api/data`` (200, JSON, ``X-Request-Id: 42``), ``PUT|DELETE /api/items/1``, ``GET /api/fail`` (an
    unhandled exception: 500), ``GET /api/private`` (401 without an Authorization header). The lab server that
    answers with the policy itself runs this app too, so the two verdicts are comparable."""
    app = Flask(name)

    @app.get("/api/data")
    def data():
        response = jsonify(ok=True, framework=name)
        response.headers["X-Request-Id"] = "42"
        return response

    @app.route("/api/items/1", methods=["PUT", "DELETE"])
    def item():
        return jsonify(ok=True, method=request.method)

    @app.get("/api/fail")
    def fail():
        raise RuntimeError("an unhandled error in the view")

    @app.get("/api/private")
    def private():
        if "Authorization" not in request.headers:
            return jsonify(error="not logged in"), 401
        return jsonify(user="alice")

    return app


def serve_config(policy: CorsPolicy, name: str | None = None):
    """The demo app with the generated ``CORS(app, ...)`` text run on it, served on a free port (a `LabServer`).

    The text itself is executed (not the options it came from), so what is verified is what a learner pastes.
    ``name``: the lab server's name (None: ``server-PORT``); a server already running under that name is replaced."""
    from cors_lab.server.lab import serve

    app = demo_app("flask-cors")
    exec(compile(config(policy), "<flask-cors configuration>", "exec"), {"app": app})  # our own generated text
    return serve(app, port=None, name=name)
