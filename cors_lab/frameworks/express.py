"""Express with the ``cors`` package from a `CorsPolicy`, and node running it (express and cors from npm).

What cors 2.8 does (read in ``cors/lib/index.js``, verified live by tests/frameworks/):

- ``app.use(cors(options))`` answers every OPTIONS request itself (204, ``optionsSuccessStatus``) unless
  ``preflightContinue``; Access-Control-Allow-Methods, -Headers and -Max-Age go out whatever was requested;
- without ``allowedHeaders`` it echoes Access-Control-Request-Headers (any header allowed), so the generator always
  writes the list;
- ``origin: true`` echoes any Origin; ``origin: "*"`` with ``credentials: true`` sends ``*`` and
  ``Access-Control-Allow-Credentials: true`` (which the browser refuses), exactly as the policy does;
- Access-Control-Allow-Credentials and Access-Control-Expose-Headers go on every answer, allowed origin or not;
- a middleware registered before ``cors()`` that answers (an auth check's 401) answers without CORS headers, and so
  do routes registered before it.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from cors_lab.frameworks import npm
from cors_lab.frameworks.base import Config, comment_notes, facts
from cors_lab.frameworks.live import LiveProcess
from cors_lab.policy import CorsPolicy

NAME = "express"
TITLE = "Express with the cors package"
PACKAGES = ("express@5.3.0", "cors@2.8.6")  # the versions verified by tests/frameworks/test_express.py
#: where express and cors are installed on first use, never in the repository
NODE_HOME = Path(os.environ.get("CORS_LAB_EXPRESS_DIR") or Path(tempfile.gettempdir()) / "cors_lab-express")
INSTALL_SECONDS = 90


def _js(value) -> str:
    return json.dumps(value)


def config(policy: CorsPolicy) -> Config:
    """The ``app.use(cors({...}))`` lines that answer as ``policy`` does."""
    f = facts(policy, TITLE)
    notes: list[str] = []
    lines = []
    if f.reflect:
        lines.append("origin: true,  // reflects ANY origin")
        notes.append("origin: true echoes every Origin.")
    elif f.any_origin:
        lines.append('origin: "*",')
    elif f.regex:
        lines.append(f"origin: [...{_js(f.origins)}, new RegExp({_js('^(?:' + f.regex + ')')})],")
        notes.append("The regex is the policy's Python pattern run by JavaScript's RegExp, anchored with '^' as "
                     "re.match is; check that it uses no Python-only syntax.")
    else:
        lines.append(f"origin: {_js(f.origins)},")
    lines.append(f"methods: {_js(f.methods)},")
    lines.append(f"allowedHeaders: {_js(f.headers)},  // never leave it out: cors would echo any header")
    if f.expose:
        lines.append(f"exposedHeaders: {_js(f.expose)},")
    if f.credentials:
        lines.append("credentials: true,")
    if f.max_age is not None:
        lines.append(f"maxAge: {f.max_age},")
    lines.append(f"optionsSuccessStatus: {f.preflight_status},")
    if not f.vary and not f.any_origin:
        notes.append("cors always sends Vary: Origin when it echoes an origin (vary_origin=False cannot be said).")
    body = "".join(f"  {line}\n" for line in lines)
    text = (comment_notes(notes, "//") + 'const cors = require("cors");\n\n'
            + "const corsOptions = {\n" + body + "};\n"
            + "// first: before any middleware that may answer (auth) and before the routes\n"
            + "app.use(cors(corsOptions));\n")
    return Config(text, NAME, notes)


APP_START = '''\
const express = require("express");
const app = express();

'''
ROUTES = '''
app.get("/api/data", (req, res) => { res.set("X-Request-Id", "42").json({ ok: true, framework: "express" }); });
app.put("/api/items/1", (req, res) => { res.json({ ok: true, method: req.method }); });
app.delete("/api/items/1", (req, res) => { res.json({ ok: true, method: req.method }); });
app.get("/api/fail", (req, res) => { throw new Error("an unhandled error in the route"); });
app.get("/api/private", (req, res) => {
  if (!req.get("authorization")) { return res.status(401).json({ error: "not logged in" }); }
  res.json({ user: "alice" });
});
'''
APP_END = '''
app.listen(Number(process.env.PORT), "127.0.0.1");
'''


def node_modules() -> Path:
    """The node_modules directory holding express and cors, installed with npm on first use (`npm.node_modules`)."""
    return npm.node_modules(NODE_HOME, PACKAGES, "Express", INSTALL_SECONDS)


def process(config_text: str, before: str = "", after: str = "", routes: str = ROUTES) -> LiveProcess:
    """node running an Express app with ``config_text`` (``before`` and ``after`` go before/after it; the routes
    come after both unless a trap puts them first). Not started: use ``with`` or ``.start()``."""
    modules = node_modules()
    node = shutil.which("node")
    source = APP_START + before + config_text + after + routes + APP_END
    return LiveProcess(NAME, [node, "server.js"], {"server.js": source},
                       env={"NODE_PATH": str(modules), "PORT": "{port}"})
