"""The Vite dev proxy, for real: Vite from npm serving a tiny frontend whose ``server.proxy`` forwards ``/api`` to an
API, and the same frontend after ``vite build``, served as static files, where no proxy exists.

    >>> from cors_lab.course.vite import start_vite, build_and_serve, vite_config
    >>> print(vite_config(api.url))                          # the block a learner pastes      # doctest: +SKIP
    >>> with start_vite(api.url) as dev:                     # real Vite on a free port        # doctest: +SKIP
    ...     Browser(dev.origin).fetch(dev.url + "/api/data")  # same-origin: no CORS at all
    >>> site = build_and_serve(api.url)                      # vite build, dist/ on a lab server  # doctest: +SKIP
    >>> Browser(site.origin).fetch(api.url + "/api/data")     # production calls the API itself: CORS is back

What the lesson shows, all recorded from real Vite 6.4 and real Chromium (tests/course/test_vite.py):

- under ``vite`` (the dev server) the page's ``fetch("/api/data")`` is same-origin; Vite's http-proxy forwards it;
- ``server.proxy`` is part of the dev server only: the files ``vite build`` writes are static, and a static host
  answers ``/api/data`` with its own 404; so a production build calls the API by its full URL
  (``import.meta.env.VITE_API_URL`` here), and the CORS error the proxy hid comes back;
- the proxy forwards the browser's ``Origin`` header (``changeOrigin: true`` rewrites Host only), and a browser sends
  Origin on every POST, same-origin too: an API that refuses foreign Origins refuses the proxied POST
  (`origin_checking_api`). The course's own `cors_lab.dev_proxy` strips Origin by default and forwards it with
  ``origin="forward"``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from flask import Flask, jsonify, request, send_from_directory

from cors_lab.errors import ServerError
from cors_lab.frameworks import npm
from cors_lab.frameworks.live import LiveProcess

VERSION = "6.4.6"  # runs on Node 20 (Vite 7 needs 20.19+); the version tests/course/test_vite.py verified
PACKAGES = (f"vite@{VERSION}",)
#: where Vite is installed on first use, never in the repository
NODE_HOME = Path(os.environ.get("CORS_LAB_VITE_DIR") or Path(tempfile.gettempdir()) / "cors_lab-vite")
BUILD_SECONDS = 60

INDEX_HTML = """<!doctype html>
<html>
  <head><meta charset="utf-8"><title>your frontend</title></head>
  <body>
    <h1>your frontend</h1>
    <script type="module" src="/main.js"></script>
  </body>
</html>
"""
#: the frontend's one script: in development the API is the dev server's own /api (the proxy); a production build
#: is given the API's full URL at build time, as VITE_API_URL
MAIN_JS = """const API = import.meta.env.VITE_API_URL ?? "";
window.apiBase = API;
window.loadData = () => fetch(API + "/api/data").then((response) => response.json());
"""


def vite_config(api_url: str, prefix: str = "/api", change_origin: bool = True) -> str:
    """The ``vite.config.js`` a learner writes: ``server.proxy`` forwards ``prefix`` to ``api_url``."""
    return ('import { defineConfig } from "vite";\n\n'
            "export default defineConfig({\n"
            '  cacheDir: ".vite-cache",  // in the project folder: two projects never share it\n'
            "  server: {\n"
            "    proxy: {\n"
            f"      {json.dumps(prefix)}: {{ target: {json.dumps(api_url)}, "
            f"changeOrigin: {'true' if change_origin else 'false'} }},\n"
            "    },\n"
            "  },\n"
            "});\n")


def vite_modules() -> Path:
    """node_modules with Vite, installed from npm on first use (one `ServerError` sentence when it cannot be)."""
    return npm.node_modules(NODE_HOME, PACKAGES, "Vite")


def _project(live_or_dir: Path, api_url: str, prefix: str, change_origin: bool) -> None:
    """The frontend's files and a link to the shared node_modules (ES modules ignore NODE_PATH)."""
    (live_or_dir / "node_modules").symlink_to(vite_modules(), target_is_directory=True)
    for name, text in (("index.html", INDEX_HTML), ("main.js", MAIN_JS),
                       ("vite.config.mjs", vite_config(api_url, prefix, change_origin))):
        (live_or_dir / name).write_text(text)


def _vite(directory: Path) -> list[str]:
    node = shutil.which("node")
    if node is None:
        raise ServerError("node is needed to run Vite (apt-get install nodejs npm).")
    return [node, str(directory / "node_modules" / "vite" / "bin" / "vite.js")]


def start_vite(api_url: str, prefix: str = "/api", change_origin: bool = True) -> LiveProcess:
    """Real Vite's dev server (``vite --host 127.0.0.1 --strictPort``) on a free port, serving the frontend with
    ``server.proxy`` forwarding ``prefix`` to ``api_url``. Started; a context manager; `cors_lab.stop_all()` stops
    it. ``.url`` / ``.origin`` is ``http://localhost:<port>``, ``.config`` the vite.config.js it runs."""
    live = LiveProcess("vite", [], start_timeout=30)
    _project(live.directory, api_url, prefix, change_origin)
    live.command = [*_vite(live.directory), "--host", "127.0.0.1", "--port", str(live.port), "--strictPort",
                    "--clearScreen", "false"]
    live.config = vite_config(api_url, prefix, change_origin)
    live.origin = live.url
    return live.start()


def vite_build(api_url: str, directory: Path | None = None) -> Path:
    """``vite build`` of the same frontend, told the API's full URL (``VITE_API_URL``): the ``dist/`` it wrote."""
    directory = Path(directory or tempfile.mkdtemp(prefix="cors_lab-vite-build-"))
    _project(directory, api_url, "/api", True)
    environment = {**os.environ, "VITE_API_URL": api_url}
    try:
        done = subprocess.run([*_vite(directory), "build", "--logLevel", "warn"], cwd=directory, env=environment,
                              capture_output=True, text=True, timeout=BUILD_SECONDS)
    except subprocess.TimeoutExpired:
        raise ServerError(f"vite build took more than {BUILD_SECONDS} s.") from None
    if done.returncode != 0:
        raise ServerError(f"vite build failed: {(done.stderr.strip().splitlines() or ['no output'])[-1]}")
    return directory / "dist"


def static_host(dist: Path) -> Flask:
    """A static host for ``dist`` (what a CDN or ``nginx`` does in production): its files, and 404 for the rest,
    ``/api/...`` included: there is no proxy any more."""
    app = Flask("static_host")

    @app.get("/", defaults={"path": "index.html"})
    @app.get("/<path:path>")
    def files(path: str):
        return send_from_directory(dist, path)

    return app


def build_and_serve(api_url: str, port: int | None = None, name: str = "static-host"):
    """`vite_build` for ``api_url``, served by `static_host` on a lab server (``.origin``, ``.url``, its log)."""
    from cors_lab.server.lab import serve

    return serve(static_host(vite_build(api_url)), port=port, name=name)


def origin_checking_api(allowed: list[str]) -> Flask:
    """An API that refuses a request whose Origin is not ``allowed`` with 403 (a CSRF guard, or a CORS middleware
    that rejects unknown origins); a request without Origin (curl, a proxy that strips it) passes.

    ``POST /api/items`` answers ``{"saved": true}``; ``GET /api/data`` answers ``{"ok": true}``."""
    app = Flask("origin_checking_api")

    @app.before_request
    def check_origin():
        origin = request.headers.get("Origin")
        if origin is not None and origin not in allowed:
            return jsonify(error=f"Origin {origin} is not allowed"), 403
        return None

    @app.post("/api/items")
    def save():
        return jsonify(saved=True)

    @app.get("/api/data")
    def data():
        return jsonify(ok=True)

    return app


__all__ = ["start_vite", "vite_config", "vite_build", "build_and_serve", "static_host", "origin_checking_api",
           "vite_modules", "VERSION"]
