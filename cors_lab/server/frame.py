"""The page the learner's own browser runs a lesson's request from: served by every lab server, on its own origin.

"Send from my browser" (`cors_lab.widgets.own_browser`) loads this page in a hidden frame inside JupyterLab. The
frame's origin is the lab server's (`cors_lab.course.FRONTEND` for the lesson's page server), not JupyterLab's, so
the request the learner's browser makes from it is exactly the lesson's cross-origin request, checked by the
browser's real CORS code, and its console sentence shows in the learner's own DevTools. A frame with
``sandbox="allow-scripts"`` loaded from the same URL has the origin ``null``.

The page waits for one kind of message from its parent (the widget): ``{kind: "cors-lab-request", token, id,
steps: [{api: "fetch" | "xhr", args}]}``. It runs the steps in order with the same page scripts as the headless
bridges (`cors_lab.real.page_js`: ``FETCH_JS``'s and ``XHR_JS``'s ``args``, deadline included) and posts back
``{kind: "cors-lab-answer", token, id, origin, userAgent, answers: [...]}``. On load it posts
``{kind: "cors-lab-ready", token, origin, userAgent}``.

Why a token: a page that runs any request it is asked to, from the lab's origins and with the learner's cookies,
must not be usable by other sites the learner has open. The page is served only under ``/.cors-lab/frame/TOKEN``
with this kernel's secret (`frame_token`), which only the widget knows; any other token is a 404, and messages
without the token are ignored. These requests never reach the lab server's app nor its log (`answers_frame`):
they are the course's plumbing, not the lesson.
"""
from __future__ import annotations

import json
import secrets
from typing import Callable

from cors_lab.real.page_js import FETCH_JS, XHR_JS

FRAME_PREFIX = "/.cors-lab/frame/"
_TOKEN = secrets.token_urlsafe(18)


def frame_token() -> str:
    """This process's secret: the last part of every frame URL (the widget passes it in every message)."""
    return _TOKEN


def frame_url(server_url: str) -> str:
    """The frame page on the lab server at ``server_url`` (e.g. ``page.url``)."""
    return server_url.rstrip("/") + FRAME_PREFIX + _TOKEN


def frame_page(token: str) -> str:
    """The frame's HTML: a line saying what it is, and the script that runs the widget's requests."""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>cors_lab: your browser's page</title></head>
<body style="font: 12px sans-serif">cors_lab: this frame runs the lesson's requests from <span id="o"></span>
<script>
"use strict";
const TOKEN = {json.dumps(token)};
const FETCH = {FETCH_JS.strip()};
const XHR = {XHR_JS.strip()};
document.getElementById("o").textContent = self.origin;
const about = () => ({{token: TOKEN, origin: self.origin, userAgent: navigator.userAgent}});
window.addEventListener("message", async (event) => {{
  const m = event.data;
  if (!m || m.kind !== "cors-lab-request" || m.token !== TOKEN || event.source !== parent) return;
  const answers = [];
  for (const step of m.steps) {{
    try {{ answers.push(await (step.api === "xhr" ? XHR : FETCH)(step.args)); }}
    catch (e) {{ answers.push({{rejected: "the frame's script failed: " + String(e)}}); }}
  }}
  parent.postMessage({{kind: "cors-lab-answer", id: m.id, answers, ...about()}}, "*");
}});
parent.postMessage({{kind: "cors-lab-ready", ...about()}}, "*");
</script></body></html>
"""


def answers_frame(environ: dict, start_response: Callable) -> list[bytes] | None:
    """The frame page when ``environ`` asks for it (with this process's token, or a 404), else None.

    Called by every lab server before its app and its log (`cors_lab.server.lab.LabServer`)."""
    path = environ.get("PATH_INFO", "")
    if not path.startswith(FRAME_PREFIX):
        return None
    token = path[len(FRAME_PREFIX):]
    if environ.get("REQUEST_METHOD") != "GET" or not secrets.compare_digest(token, _TOKEN):
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Cache-Control", "no-store")])
        return [b"not found\n"]
    body = frame_page(token).encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                              ("Content-Length", str(len(body)))])
    return [body]
