"""The response inspector: what crossed the wire, and what the page's JavaScript can read of it, header by header.

    inspector = ResponseInspector(api, "/api/custom-headers")
    inspector              # the request (path, credentials, mode) and an Inspect button
    inspector.inspect()    # same as pressing Inspect: -> FetchResult; the widget shows the two-column table
    inspector.rows         # [(what, on the wire, JS reads, why), ...]

Views only: the engine's filter decides what JavaScript reads (`FetchResult.headers`, the status, the body);
`cors_lab.browser.check.header_visibility` names the rule for each header (CORS-safelisted response header,
Access-Control-Expose-Headers, Set-Cookie never, opaque response). When the server was stopped, Inspect says which
cell to re-run; after a re-run it asks the new server.
"""
from __future__ import annotations

import contextlib

import ipywidgets as w

from cors_lab.course.teaching import FRONTEND
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server
from cors_lab.widgets.diagram import sequence_diagram

HIDDEN = "—"


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ResponseInspector(WidgetView):
    """Fetch ``path`` of ``server`` from a page at ``origin`` and show, for the status, the body and each response
    header, what came over the wire next to what JavaScript reads, and the rule that decided.

    The learner edits the path, ``credentials`` and ``mode`` (prefilled) and presses Inspect. Cookie values are
    never shown (only their names). With ``policy``, the server answers the inspection with it (and gets its own
    policy back afterwards); without, with the policy it has when Inspect is pressed.

        >>> from cors_lab.widgets.inspector import ResponseInspector
        >>> inspector = ResponseInspector(api, "/api/custom-headers")                  # doctest: +SKIP
        >>> inspector.inspect()                                                        # doctest: +SKIP
        <FetchResult cors 200>
        >>> print(inspector.output_text())                                             # doctest: +SKIP
        status        | 200 | 200 | a CORS response: JS reads the status
        ...
        x-request-id  | req-42 | — | not exposed: not in Access-Control-Expose-Headers
    """

    kind = "inspector"

    def __init__(self, server, path: str = "/api/custom-headers", origin: str = FRONTEND,
                 credentials: str = "same-origin", mode: str = "cors", browser=None, policy=None):
        self.server, self.origin, self.browser = server, origin, browser
        self.policy = policy  # the server answers with it for the inspection (None: the server's own policy)
        self.result = None
        self.rows: list[tuple[str, str, str, str]] = []
        self.refusal: str | None = None
        style = {"description_width": "100px"}
        self.path = w.Text(value=path, description="path", style=style, layout=w.Layout(width="420px"),
                           continuous_update=False)
        self.credentials = w.Dropdown(options=fmt.CREDENTIALS, value=credentials, description="credentials",
                                      style=style)
        self.mode = w.Dropdown(options=fmt.MODES, value=mode, description="mode", style=style)
        self.button = w.Button(description="Inspect", button_style="primary", icon="search")
        self.button.on_click(lambda _: self.inspect())
        self.output = w.HTML()
        head = w.HTML(f"<b>Response inspector</b>: the page {fmt.escape(origin)} fetches a path of the API; "
                      "what crossed the wire, and what its JavaScript can read.")
        self.finish(w.VBox([head, self.path, self.credentials, self.mode, self.button, self.output]),
                    actions=[self.button], outputs=[self.output])

    def request(self) -> dict:
        """fetch() keyword arguments from the fields (the URL on the server that runs now). Raises InputError."""
        server = current_server(self.server)
        self.server = server
        path = fmt.single_line("Path", self.path.value) or "/"
        full = path.startswith(("http://", "https://"))  # a path may carry a URL in its query (?to=http://...)
        url = fmt.url(path if full else server.url + ("" if path.startswith("/") else "/") + path)
        return dict(url=url, credentials=fmt.choice("Credentials", self.credentials.value, fmt.CREDENTIALS),
                    mode=fmt.choice("Mode", self.mode.value, fmt.MODES))

    def inspect(self):
        """Fetch live and show the table (same as pressing Inspect). Returns the FetchResult."""
        return self.action(self._inspect)()

    def _inspect(self):
        from cors_lab.browser.check import header_visibility
        from cors_lab.browser.fetch import Browser

        kwargs = self.request()
        # with its own policy, for this request only (an exercise may be using the server's)
        with self.server.temporary_policy(self.policy) if self.policy is not None else contextlib.nullcontext():
            result = (self.browser or Browser(self.origin)).fetch(**kwargs)
        self.result = result
        answers = [ex for ex in result.exchanges if ex.status]
        last = answers[-1] if answers else None
        rows = []
        if last is None:
            rows.append(("status", "no answer", HIDDEN, "nothing came back: " + (result.exception or "blocked")))
        else:
            js_status = str(result.status) if result.readable else HIDDEN if result.blocked else f"{HIDDEN} (0)"
            rows.append(("status", str(last.status), js_status,
                         self._status_why(result)))
            body = _clip(result.text) if result.readable else HIDDEN
            rows.append(("body", "(sent)", body, "JS reads the body" if result.readable
                         else self._status_why(result)))
            include = kwargs["credentials"] == "include"
            kind = result.type if not result.blocked else "error"
            for name, visible, why in header_visibility(last.response_headers, kind, include):
                value = last.response_headers.get(name, "")
                if name == "set-cookie":  # cookie values are secrets: only their names are shown
                    value = "; ".join(fmt.set_cookie_name(v) for v in last.set_cookies) or "sid=…"
                shown = result.headers.get(name, HIDDEN)
                if visible != (name in result.headers):  # the engine's filter is the truth; say if they differ
                    why += " (the engine's filter decided otherwise)"
                rows.append((name, value, shown, why))
            for cookie in last.set_cookies:
                if "set-cookie" not in last.response_headers:
                    rows.append(("set-cookie", fmt.set_cookie_name(cookie), HIDDEN,
                                 "Set-Cookie is never readable by JavaScript"))
        self.rows = rows
        self.output.value = self._table() + fmt.section("On the wire", sequence_diagram(result))
        return result

    @staticmethod
    def _status_why(result) -> str:
        if result.blocked:
            return f"blocked: {result.reason() or result.exception}"
        if result.type == "opaque":
            return "opaque response (mode 'no-cors'): status 0, no headers, empty body"
        if result.type == "opaqueredirect":
            return "opaque-redirect (redirect 'manual'): status 0, nothing readable"
        return f"a {result.type} response: JS reads the status and the body"

    def _table(self) -> str:
        cells = []
        for what, wire, js, why in self.rows:
            ok = js != HIDDEN and not js.startswith(HIDDEN)
            color = fmt.GREEN if ok else fmt.RED
            cells.append(f"<tr><td><code>{fmt.escape(what)}</code></td><td><code>{fmt.escape(wire)}</code></td>"
                         f"<td style='color:{color}'><code>{fmt.escape(js)}</code></td>"
                         f"<td>{fmt.escape(why)}</td></tr>")
        summary = fmt.js_text(self.result).splitlines()[0] if self.result is not None else ""
        return (f"<div style='font-size:12px'>{fmt.escape(summary)}</div>"
                "<table class='cors-lab-inspector-table' style='font-size:12px'><tr><th>what</th>"
                "<th>on the wire</th><th>JavaScript reads</th><th>why</th></tr>" + "".join(cells) + "</table>")

    def visible(self) -> list[str]:
        """The response headers JavaScript could read in the last inspection (lowercase names)."""
        return sorted(self.result.headers) if self.result is not None else []

    def output_text(self) -> str:
        """The table as text ('' before the first Inspect, the sentence after a refusal)."""
        if self.refusal:
            return self.refusal
        return "\n".join(" | ".join(row) for row in self.rows)

    def __repr__(self) -> str:
        state = "not inspected yet" if self.result is None else f"{len(self.visible())} headers readable"
        return f"ResponseInspector({fmt.path_of(self.path.value) if '://' in self.path.value else self.path.value}: " \
               f"{state})"
