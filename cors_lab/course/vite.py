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
  ``origin="forward"``; in Vite, ``vite_config(..., strip_origin=True)`` writes the ``configure`` hook that does it;
- ``vite preview`` is no production check: it serves the build *and* keeps ``server.proxy`` (``preview.proxy``
  defaults to it), so `start_preview` answers ``/api`` where a static host answers 404.

What Vite 6.4.6 sent the API, read from the lab server's log (tests/course/test_vite.py): the browser's Origin,
Referer and Cookie as they came; ``Host`` the API's with ``changeOrigin: true``, the dev server's with ``false``;
no ``X-Forwarded-*`` and no ``Via`` (``xfwd`` is off by default). Timings here: the dev server listens about 0.5 s
after it starts, ``vite build`` of this frontend takes under 1 s.
"""
from __future__ import annotations

import json
import mimetypes
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from flask import Flask, Response, jsonify, request

from cors_lab.errors import InputError, ServerError
from cors_lab.frameworks import npm
from cors_lab.frameworks.live import LiveProcess
from cors_lab.server.proxy import parse_upstream_origin

VERSION = "6.4.6"  # Node 18+ (Vite 7 wants 20.19+); the version tests/course/test_vite.py verified
PACKAGES = (f"vite@{VERSION}",)
#: where Vite is installed on first use, never in the repository
NODE_HOME = Path(os.environ.get("CORS_LAB_VITE_DIR") or Path(tempfile.gettempdir()) / "cors_lab-vite")
BUILD_SECONDS = 60  # a build of this frontend takes under 1 s here
START_SECONDS = 30  # Vite listens about 0.5 s after it starts; its first page load takes about 1 s more

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


def vite_config(api_url: str, prefix: str = "/api", change_origin: bool = True, strip_origin: bool = False) -> str:
    """The ``vite.config.js`` a learner writes: ``server.proxy`` forwards ``prefix`` to ``api_url``.

        >>> print(vite_config("http://localhost:5000"))          # your API, e.g. a Flask app on its usual port
        import { defineConfig } from "vite";
        <BLANKLINE>
        export default defineConfig({
          server: {
            proxy: {
              "/api": { target: "http://localhost:5000", changeOrigin: true },
            },
          },
        });

    - ``change_origin``: Vite's ``changeOrigin``: True sends the API its own Host, False the dev server's.
    - ``strip_origin``: True adds the ``configure`` hook that removes the browser's Origin before the request goes
      to the API (what ``dev_proxy(origin="strip")`` does), for an API that refuses foreign Origins.

    A bad ``api_url`` or ``prefix`` is one `InputError` sentence (Vite itself would fail later, less clearly).
    """
    if not isinstance(prefix, str) or not prefix.startswith("/"):
        raise InputError(f"prefix must be a path such as '/api', not {prefix!r}.")
    target = parse_upstream_origin(api_url)  # one sentence for 'localhost:5000', a path, user:pass@, ...
    change = "true" if change_origin else "false"
    if not strip_origin:
        entry = f"{json.dumps(prefix)}: {{ target: {json.dumps(target)}, changeOrigin: {change} }},\n"
    else:
        entry = (f"{json.dumps(prefix)}: {{\n"
                 f"        target: {json.dumps(target)},\n"
                 f"        changeOrigin: {change},\n"
                 "        // the API never sees the page's Origin (a browser sends it on every POST)\n"
                 '        configure: (proxy) => proxy.on("proxyReq", (proxyReq) => proxyReq.removeHeader("origin")),\n'
                 "      },\n")
    return ('import { defineConfig } from "vite";\n\n'
            "export default defineConfig({\n"
            "  server: {\n"
            "    proxy: {\n"
            f"      {entry}"
            "    },\n"
            "  },\n"
            "});\n")


def vite_modules() -> Path:
    """node_modules with Vite, installed from npm on first use (one `ServerError` sentence when it cannot be)."""
    return npm.node_modules(NODE_HOME, PACKAGES, "Vite")


def _project(directory: Path, config: str) -> None:
    """The frontend's files, and ``node_modules/vite`` linked to the shared install (ES modules ignore NODE_PATH).

    Only the package is linked, not the whole folder: Vite keeps its cache in the project's own
    ``node_modules/.vite``, so two projects never share one and the learner's config needs no ``cacheDir``."""
    modules = vite_modules()
    (directory / "node_modules").mkdir(exist_ok=True)
    (directory / "node_modules" / "vite").symlink_to(modules / "vite", target_is_directory=True)
    for name, text in (("index.html", INDEX_HTML), ("main.js", MAIN_JS), ("vite.config.mjs", config)):
        (directory / name).write_text(text)


def _vite(directory: Path) -> list[str]:
    node = shutil.which("node")
    if node is None:
        raise ServerError("node is needed to run Vite (apt-get install nodejs npm).")
    return [node, str(directory / "node_modules" / "vite" / "bin" / "vite.js")]


def _live(name: str, directory_files: Callable[[Path], None], arguments: list[str]) -> LiveProcess:
    """A started `LiveProcess` running ``vite <arguments>`` in a project that ``directory_files`` fills."""
    live = LiveProcess(name, [], start_timeout=START_SECONDS)
    try:
        directory_files(live.directory)
        live.command = [*_vite(live.directory), *arguments, "--host", "127.0.0.1", "--port", str(live.port),
                        "--strictPort"]
    except BaseException:
        live.stop()  # removes the folder it made
        raise
    live.origin = live.url
    return live.start()


def start_vite(api_url: str, prefix: str = "/api", change_origin: bool = True,
               strip_origin: bool = False) -> LiveProcess:
    """Real Vite's dev server on a free port, serving the frontend with ``server.proxy`` forwarding ``prefix`` to
    ``api_url`` (the options of `vite_config`).

        >>> with start_vite(api.url) as dev:                 # vite --host 127.0.0.1 --port N --strictPort
        ...     ChromiumBrowser(dev.origin, route_page=False).fetch(dev.url + "/api/public")
        <FetchResult basic 200>

    Returns it started (a `LiveProcess`: ``.url`` and ``.origin`` are ``http://localhost:<port>``, ``.config`` the
    vite.config.js it runs, ``.output`` what Vite printed); a context manager; `cors_lab.stop_all()` stops it. It
    binds 127.0.0.1 only; a Vite that is not listening within `START_SECONDS` is one `ServerError` sentence."""
    config = vite_config(api_url, prefix, change_origin, strip_origin)
    live = _live("vite", lambda directory: _project(directory, config), ["--clearScreen", "false"])
    live.config = config
    return live


def _build(directory: Path, config: str, api_base: str | None) -> Path:
    """Run ``vite build`` in ``directory``; ``api_base`` becomes ``VITE_API_URL`` (None: the page keeps /api)."""
    _project(directory, config)
    environment = {key: value for key, value in os.environ.items() if key != "VITE_API_URL"}
    if api_base is not None:
        environment["VITE_API_URL"] = api_base
    try:
        done = subprocess.run([*_vite(directory), "build", "--logLevel", "warn"], cwd=directory, env=environment,
                              capture_output=True, text=True, timeout=BUILD_SECONDS)
    except subprocess.TimeoutExpired:
        raise ServerError(f"vite build took more than {BUILD_SECONDS} s.") from None
    if done.returncode != 0:
        raise ServerError(f"vite build failed: {(done.stderr.strip().splitlines() or ['no output'])[-1]}")
    return directory / "dist"


def vite_build(api_url: str, directory: Path | None = None) -> Path:
    """``vite build`` of the same frontend, told the API's full URL (``VITE_API_URL``): the ``dist/`` it wrote.

        >>> dist = vite_build(api.url, tmp_path)      # tmp_path/dist/index.html, tmp_path/dist/assets/index-....js

    ``directory``: the project folder to build in (kept: it is yours); by default a temporary one, which the
    caller removes (`build_and_serve` does)."""
    directory = Path(directory) if directory is not None else Path(tempfile.mkdtemp(prefix="cors_lab-vite-build-"))
    return _build(directory, vite_config(api_url), api_url)


def static_host(dist: Path) -> Flask:
    """A static host for ``dist`` (what a CDN or ``nginx`` does in production): its files, and 404 for the rest,
    ``/api/...`` included: there is no proxy any more.

        >>> site = serve(static_host(vite_build(api.url, tmp_path)))

    The files are read once, now, so the build folder may be removed afterwards."""
    files = {path.relative_to(dist).as_posix(): path.read_bytes() for path in Path(dist).rglob("*") if path.is_file()}
    app = Flask("static_host")

    @app.get("/", defaults={"path": "index.html"})
    @app.get("/<path:path>")
    def serve_file(path: str):
        if path not in files:
            return Response("Not Found\n", status=404, mimetype="text/plain")
        return Response(files[path], mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream")

    return app


def build_and_serve(api_url: str, port: int | None = None, name: str = "static-host"):
    """`vite_build` for ``api_url``, served by `static_host` on a lab server (``.origin``, ``.url``, its log).

        >>> site = build_and_serve(api.url)
        >>> ChromiumBrowser(site.origin, route_page=False).fetch(api.url + "/api/public").error
        "Access to fetch at 'http://localhost:.../api/public' from origin 'http://localhost:40123' has been ..."

    The build folder is removed once its files are read."""
    from cors_lab.server.lab import serve

    directory = Path(tempfile.mkdtemp(prefix="cors_lab-vite-build-"))
    try:
        app = static_host(vite_build(api_url, directory))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return serve(app, port=port, name=name)


def start_preview(api_url: str, prefix: str = "/api", change_origin: bool = True) -> LiveProcess:
    """``vite build``, then ``vite preview`` of it: the built files, **and** ``server.proxy`` still forwarding
    ``prefix`` to ``api_url`` (Vite's ``preview.proxy`` defaults to ``server.proxy``).

        >>> with start_preview(api.url) as preview:
        ...     requests.get(preview.url + "/api/public").status_code      # a static host answers 404 here
        200

    So ``vite preview`` is no check of production: the page there still calls its own ``/api``. Started, like
    `start_vite`; stopping it removes the build."""
    config = vite_config(api_url, prefix, change_origin)
    live = _live("vite-preview", lambda directory: _build(directory, config, None), ["preview"])
    live.config = config
    return live


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


__all__ = ["start_vite", "start_preview", "vite_config", "vite_build", "build_and_serve", "static_host",
           "origin_checking_api", "vite_modules", "VERSION"]
