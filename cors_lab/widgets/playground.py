"""The Playground: edit a running server's CORS policy, build a fetch(), press Send, see what happened.

    pg = Playground(api, origin=FRONTEND, url=api.url + "/api/public")
    pg = Playground(url="http://localhost:3000/api/data", origin="http://localhost:5173")   # any URL: your own API
    pg                      # the widget
    pg.send()               # -> FetchResult (the model browser); same as pressing Send
    pg.ask_chromium()       # -> FetchResult from real headless Chromium; pg.agreement says whether they agree
    pg.output_text()        # what the widget shows, as text

Views only: the engine (`cors_lab.browser.fetch.Browser`) decides, the server answers, the policy is the
server's own (`server.policy`), and `compare` says whether the engine and Chromium agree. Policy fields edited in
the widget are written to the server when you press Apply or Send; a policy changed in code is read back into the
fields on the next Send.

Without a lab server (``Playground(url=...)``: your own API, or a framework from `cors_lab.frameworks`) there is no
policy of ours to edit: the server's CORS is its own code's, so the left half shows the Access-Control-* headers its
last answers carried instead. Send, "Ask real Chromium" and their agreement work the same on any URL.
"""
from __future__ import annotations

import ipywidgets as w

from cors_lab.course.teaching import FRONTEND
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server, rebase
from cors_lab.widgets.diagram import sequence_diagram

_FUNCTION = "(a function: kept unless you edit this field)"
_WIDE = w.Layout(width="98%")


def _text(label: str, value: str = "", placeholder: str = "") -> w.Text:
    return w.Text(value=value, description=label, placeholder=placeholder, layout=_WIDE,
                  style={"description_width": "120px"}, continuous_update=False)


def _names_value(value) -> str:
    if isinstance(value, str):
        return value
    return ", ".join(value)


def log_marks() -> dict:
    """A `mark()` of every running lab server's log, to show only what arrives afterwards."""
    from cors_lab.server.lab import running_servers

    return {server: server.mark() for server in running_servers()}


def new_log_lines(marks: dict, extra=()) -> list[str]:
    """The log lines every lab server (and each of ``extra``) received since ``marks``, named by server."""
    from cors_lab.server.lab import running_servers

    servers = list(dict.fromkeys([*extra, *running_servers()]))
    # a server started after the marks were taken has no mark: everything it received is new
    return [f"{server.name}: {entry.line()}"
            for server in servers for entry in server.requests(since=marks.get(server))]


#: the left half without a lab server, in one line: there is no policy of ours to edit
OWN_POLICY = ("Not a lab server: its CORS policy is its own (its code's, or its framework's middleware), so there is "
              "nothing to edit here; below, the Access-Control-* headers its last answers carried.")
#: in place of "Send from my browser" when the URL is not a lab server's: the panel's engine reads what the learner's
#: browser got from the lab server's log (it sends nothing itself), and another server keeps no such log
NO_OWN_BROWSER = ("\"Send from my browser\" needs a lab server at the URL (the engine reads what your browser got from "
                  "its log, and this server keeps none): on your own project, open DevTools on your frontend's tab.")
NOT_SENT_YET = "(press Send: the Access-Control-* headers it answers appear here)"


def answered_cors_headers(result) -> str:
    """The Access-Control-* headers each answer of ``result`` carried, one block per request sent.

        >>> print(answered_cors_headers(Browser(PAGE).fetch(url, method="PUT")))   # doctest: +SKIP
        preflight OPTIONS /api/items/1 -> 400
          Access-Control-Allow-Origin: http://localhost:...
        actual PUT /api/items/1: never sent (its preflight failed)
    """
    lines = []
    for exchange in result.exchanges:
        answer = exchange.status or "no answer"
        lines.append(f"{exchange.kind} {exchange.method} {fmt.path_of(exchange.url)} -> {answer}")
        cors = [f"  {name.title()}: {value}" for name, value in exchange.response_headers.items()
                if name.lower().startswith("access-control-")]
        lines += cors or (["  (no Access-Control-* header)"] if exchange.status else [])
    step = result.failed_step
    if result.preflight and not any(exchange.kind != "preflight" for exchange in result.exchanges):
        lines.append(f"actual {result.request.get('method', 'GET')} {fmt.path_of(result.request.get('url', ''))}: "
                     "never sent (its preflight failed)")
    if step is not None and step.failure in ("network_error", "timed_out"):
        lines.append("No answer, so no CORS check ran: is the server running, at that host and port?")
    return "\n".join(lines) or "(nothing was sent)"


def lab_server_at(url: str):
    """The running lab server that answers ``url`` (None for any other server: your own API, a framework)."""
    from cors_lab.server.lab import running_servers

    return next((server for server in running_servers()
                 if url == server.url or url.startswith((server.url + "/", server.url + "?"))), None)


def _lab_or_any(server, url: str | None):
    """(the lab server, the URL): a server that is not a lab server (a framework's process) gives its URL only."""
    from cors_lab.server.lab import LabServer

    if server is not None and not isinstance(server, LabServer):
        base = getattr(server, "url", None)
        if not isinstance(base, str):
            raise InputError(f"Playground needs a lab server (from serve()) or a url, not {server!r}: "
                             "Playground(url=\"http://localhost:3000/api/data\").")
        return None, url or base + "/"
    if server is None and not url:
        raise InputError("Playground needs a lab server or a url: Playground(url=\"http://localhost:3000/api/data\").")
    return server, url


class Playground(WidgetView):
    """Edit ``server.policy``, build a request from a page ``origin``, Send it, read the outcome.

    The left half shows the server's CORS policy as fields, the right half the ``fetch()`` a script on the page at
    ``origin`` makes (``url``, ``method``, ``headers`` as a dict or 'Name: value' lines, ``body``, ``credentials``,
    ``mode``). Send runs it in the model browser and shows the console, what JavaScript reads, the wire, the new log
    lines and the engine's steps; "Ask real Chromium" runs it in headless Chromium and says whether they agree;
    "Send from my browser" (``pg.own_browser``) has the learner's own browser make it, from a frame on the page
    origin, shown next to the lab's log and the engine's prediction.
    Pass ``browser`` to share a model `Browser` whose cookies were set in code.

    Without a lab server (``server`` omitted or None, or something that is not a lab server, such as a process from
    `cors_lab.frameworks.start_framework`), ``url`` may be any address: your own API. Its CORS policy is its own, so
    the left half shows the Access-Control-* headers its last answers carried (preflight and response) instead of
    fields, and there is no Apply. "Send from my browser" needs a lab server at the URL; elsewhere one line says so.

        >>> pg = Playground(url="http://localhost:3000/api/data", origin="http://localhost:5173")  # doctest: +SKIP
        >>> pg.send()                                                                             # doctest: +SKIP
        <FetchResult blocked: ...>
        >>> print(pg.output_text())      # the headers it answered, the console, the steps          # doctest: +SKIP

        >>> from cors_lab.widgets import Playground
        >>> pg = Playground(api, origin=FRONTEND, url=api.url + "/api/items/1", method="PUT",
        ...                 headers={"Content-Type": "application/json"}, body='{"name": "kiwi"}')   # doctest: +SKIP
        >>> pg                                  # the widget, as a cell's last line            # doctest: +SKIP
        >>> pg.allow_methods.value = "GET, PUT"                                                # doctest: +SKIP
        >>> pg.send()                           # same as pressing Send                        # doctest: +SKIP
        <FetchResult blocked: ...>
        >>> print(pg.output_text())             # what the widget shows, as text               # doctest: +SKIP

    A field a learner fills wrongly gives one sentence under the fields and sends nothing. When the server was
    stopped (a notebook's last cell runs ``stop_all()``), every button says which cell to re-run; once it is re-run,
    the playground talks to the new server (`bind`).
    """

    kind = "playground"

    def __init__(self, server=None, origin: str = FRONTEND, url: str | None = None, method: str = "GET",
                 headers: str | dict = "", body: str = "", credentials: str = "same-origin", mode: str = "cors",
                 browser=None):
        server, url = _lab_or_any(server, url)
        self.server = server  # None: any URL (your own API), whose CORS policy is its own
        self.last_result = None
        self.last_chromium = None
        self.agreement = None  # the last `compare(engine, Chromium)`, or None
        self._browser = browser  # a model Browser to share (cookies set in code), or None: one is made
        self._browser_origin = browser.origin.serialize() if browser is not None else None
        self._edited_fields: set = set()
        self._text: list[tuple[str, str]] = []
        self._dirty = False
        self._loading = False
        if isinstance(headers, dict):
            headers = "\n".join(f"{k}: {v}" for k, v in headers.items())
        # ---- the server's policy
        self.enabled = w.Checkbox(value=True, description="send CORS headers", indent=False)
        self.allow_origins = _text("allowed origins", placeholder=f"{FRONTEND}, ... or *")
        self.allow_methods = _text("allowed methods", placeholder="GET, POST, PUT")
        self.allow_headers = _text("allowed headers", placeholder="Content-Type, X-Api-Key")
        self.expose_headers = _text("exposed headers", placeholder="X-Request-Id")
        self.allow_credentials = w.Checkbox(value=False, description="allow credentials (ACAC: true)", indent=False)
        self.max_age = _text("max-age (s)", placeholder="empty: not sent")
        self.preflight_status = _text("preflight status", "204")
        self.apply_button = w.Button(description="Apply policy", icon="check")
        self.apply_button.on_click(lambda _: self.apply_policy())
        policy_fields = [self.enabled, self.allow_origins, self.allow_methods, self.allow_headers,
                         self.expose_headers, self.allow_credentials, self.max_age, self.preflight_status]
        for field in policy_fields:
            field.observe(lambda change, f=field: self._edited(f), names="value")
        # ---- the request
        self.origin = _text("page origin", origin)
        self.url = _text("URL", url if url else f"{server.url}/api/public")
        self.method = w.Combobox(value=method, options=fmt.KNOWN_METHODS, description="method", ensure_option=False,
                                 layout=_WIDE, style={"description_width": "120px"})
        self.headers = w.Textarea(value=headers, description="headers", placeholder="Name: value (one per line)",
                                  layout=_WIDE, style={"description_width": "120px"})
        self.body = w.Textarea(value=body, description="body", placeholder="empty: no body", layout=_WIDE,
                               style={"description_width": "120px"})
        self.credentials = w.Dropdown(options=fmt.CREDENTIALS, value=credentials, description="credentials",
                                      style={"description_width": "120px"})
        self.mode = w.Dropdown(options=fmt.MODES, value=mode, description="mode", style={"description_width": "120px"})
        self.send_button = w.Button(description="Send", button_style="primary", icon="paper-plane")
        self.send_button.on_click(lambda _: self.send())
        self.chromium_button = w.Button(description="Ask real Chromium", icon="chrome")
        self.chromium_button.on_click(lambda _: self.ask_chromium())
        self.forget_button = w.Button(description="Forget cookies & cache", tooltip="a fresh browser profile")
        self.forget_button.on_click(lambda _: self.forget())
        # ---- what comes back
        self.message = w.HTML()
        self.output = w.HTML()
        self.chromium_output = w.HTML()
        # a server's name is whatever the learner called it: text, never markup
        self.title = title = w.HTML(self._title_html())
        # any URL: no policy of ours to edit; the CORS headers its last answers carried instead
        self.server_headers = w.HTML(fmt.pre(NOT_SENT_YET))
        self._headers_text = ""  # the headers shown there, as text ('' before any answer)
        if server is None:
            policy_box = w.VBox([w.HTML("<b>Server</b>"), w.HTML(fmt.message_html(OWN_POLICY, None)),
                                 self.server_headers], layout=w.Layout(width="50%"))
            # the title names the URL's origin: it follows the field
            self.url.observe(lambda change: setattr(self.title, "value", self._title_html()), names="value")
        else:
            policy_box = w.VBox([w.HTML("<b>Server policy</b>"), *policy_fields, self.apply_button],
                                layout=w.Layout(width="50%"))
        request_box = w.VBox([w.HTML("<b>Request (JavaScript on the page)</b>"), self.origin, self.url, self.method,
                              self.headers, self.body, self.credentials, self.mode,
                              w.HBox([self.send_button, self.chromium_button, self.forget_button])],
                             layout=w.Layout(width="50%"))
        # the same request from the learner's own browser (from a frame on the page origin), next to the engine's
        from cors_lab.widgets.own_browser import OwnBrowserPanel, frame_server, serves_page

        page = frame_server(origin) if serves_page(origin) else None
        # the panel's engine replays what the learner's browser got from a lab server's log: another server has none
        target = server if server is not None else lab_server_at(self.url.value)
        self.no_own_browser = "" if target is not None else NO_OWN_BROWSER  # the line shown instead of the button
        if target is None:
            self.own_browser = None
            own = w.HTML(fmt.message_html(NO_OWN_BROWSER, None))
        else:
            self.own_browser = OwnBrowserPanel(self._own_calls, servers=[target, page], nested=True)
            own = self.own_browser.widget
        self.finish(w.VBox([title, w.HBox([policy_box, request_box]), self.message, own,
                            self.output, self.chromium_output]),
                    # Send is the action (Apply and Forget only prepare it); the UI tests press these
                    actions=[self.send_button, self.chromium_button],
                    outputs=[self.output])
        self.load_policy()

    def _title_html(self) -> str:
        if self.server is None:
            return (f"<b>CORS playground</b> &middot; any URL: <code>{fmt.escape(fmt.origin_part(self.url.value))}"
                    "</code> (not a lab server)")
        return (f"<b>CORS playground</b> &middot; server <code>{fmt.escape(self.server.name)}</code> "
                f"at <code>{fmt.escape(self.server.url)}</code>")

    def say_refusal(self, sentence: str) -> None:
        self._say(sentence)
        self._text = []
        self.output.value = fmt.message_html(sentence)
        self.chromium_output.value = ""
        self.refusal = sentence

    def bind(self) -> None:
        """Talk to the server running now: the same one, or the one a re-run set-up cell started under its name.

        On a new server the URL field moves to it; fields edited since the last Apply are applied to it, otherwise
        the fields show the new server's own policy. A stopped server raises `ServerStoppedError` (one sentence).
        """
        if self.server is None:
            return
        server = current_server(self.server)
        if server is self.server:
            return
        old, self.server = self.server, server
        self.url.value = rebase(self.url.value, old, server)
        self.title.value = self._title_html()
        if not self._dirty:
            self.load_policy()

    def __repr__(self) -> str:
        if self.server is None:
            return f"Playground(url={self.url.value!r})"
        return f"Playground(server={self.server.name!r})"

    # ---- policy <-> fields -------------------------------------------------------------------------
    def _edited(self, field) -> None:
        if not self._loading:
            self._dirty = True
            self._edited_fields.add(field)

    def load_policy(self) -> None:
        """Show the server's current policy in the fields."""
        from cors_lab.policy import CorsPolicy

        if self.server is None:
            return
        policy = self.server.policy or CorsPolicy.none()
        self._loading = True
        try:
            self.enabled.value = policy.enabled
            origins = policy.allow_origins
            self.allow_origins.value = _FUNCTION if callable(origins) else _names_value(origins)
            self.allow_methods.value = _names_value(policy.allow_methods)
            self.allow_headers.value = _names_value(policy.allow_headers)
            self.expose_headers.value = _names_value(policy.expose_headers)
            self.allow_credentials.value = bool(policy.allow_credentials)
            self.max_age.value = "" if policy.max_age is None else str(policy.max_age)
            self.preflight_status.value = str(policy.preflight_status)
        finally:
            self._loading = False
        self._dirty = False
        self._edited_fields.clear()

    def policy_from_fields(self):
        """The CorsPolicy the fields describe (options the widget does not show are kept). Raises InputError."""
        from cors_lab.policy import CorsPolicy

        current = self.server.policy or CorsPolicy.none()

        def keep(name: str, parsed):  # an untouched field keeps the policy's own value (and its repr)
            old = getattr(current, name)
            same = not callable(old) and fmt.same_names(old, parsed)
            return old if same else parsed

        origins_text = self.allow_origins.value
        if origins_text == _FUNCTION and callable(current.allow_origins):
            origins = current.allow_origins
        else:
            origins = keep("allow_origins", fmt.origin_list(origins_text))
        enabled = self.enabled.value
        if not enabled and self.enabled not in self._edited_fields and self._edited_fields:
            enabled = True  # editing any CORS option of a server that sent none turns CORS on
            self._loading = True
            self.enabled.value = True
            self._loading = False
        return current.copy(
            enabled=enabled,
            allow_origins=origins,
            allow_methods=keep("allow_methods", fmt.name_list("Allowed methods", self.allow_methods.value)),
            allow_headers=keep("allow_headers", fmt.name_list("Allowed headers", self.allow_headers.value)),
            expose_headers=keep("expose_headers", fmt.name_list("Exposed headers", self.expose_headers.value)),
            allow_credentials=self.allow_credentials.value,
            max_age=fmt.max_age(self.max_age.value),
            preflight_status=fmt.status(self.preflight_status.value),
        )

    def apply_policy(self) -> bool:
        """Write the fields into ``server.policy``. Returns False (and shows why) when a field is wrong."""
        return bool(self.action(self._apply_policy)())

    def _apply_policy(self) -> bool:
        self.bind()
        if self.server is None:
            self._say("This URL is not a lab server's: its CORS policy is its own code's, so nothing is applied.")
            return False
        try:
            policy = self.policy_from_fields()
            self.server.policy = policy
        except InputError as exc:
            self._say(str(exc))
            return False
        except Exception as exc:  # e.g. a plain WSGI app that takes no policy
            self._say(f"Could not set the policy: {exc}")
            return False
        self._dirty = False
        self._edited_fields.clear()
        self._say(f"Policy applied: {policy!r}", ok=True)
        return True

    # ---- the request -------------------------------------------------------------------------------
    def request_kwargs(self) -> tuple[str, dict]:
        """(page origin, fetch keyword arguments) from the fields. Raises InputError."""
        origin = fmt.page_origin(self.origin.value)
        kwargs = dict(
            url=fmt.url(self.url.value),
            method=fmt.method(self.method.value),
            headers=fmt.header_lines(self.headers.value),
            body=self.body.value if self.body.value != "" else None,
            credentials=fmt.choice("Credentials", self.credentials.value, fmt.CREDENTIALS),
            mode=fmt.choice("Mode", self.mode.value, fmt.MODES),
        )
        return origin, kwargs

    def _prepare(self):
        """Validate everything, sync the policy; (origin, kwargs) or None after showing the message."""
        self.bind()  # first: a re-run set-up cell moves the URL field to the new server
        try:
            origin, kwargs = self.request_kwargs()
        except InputError as exc:
            self._say(str(exc))
            return None
        if self.server is None:
            self._say("")
        elif self._dirty:  # fields edited in the widget: they win (and the message says the policy was applied)
            if not self._apply_policy():
                return None
        else:  # the policy may have been changed in code since: show it
            self.load_policy()
            self._say("")
        return origin, kwargs

    def browser(self, origin: str | None = None):
        """The model browser of this playground's page (kept between sends: cookies, preflight cache)."""
        from cors_lab.browser.fetch import Browser

        origin = origin or fmt.page_origin(self.origin.value)
        if self._browser is None or self._browser_origin != origin:
            self._browser = Browser(origin)
            self._browser_origin = origin
        return self._browser

    def forget(self) -> None:
        """A fresh browser profile: no cookies, no cached preflights."""
        self._browser = None
        self._say("The browser forgot its cookies and cached preflights.", ok=None)

    def send(self):
        """Run the request in the model browser and show the outcome. Returns the FetchResult (None on bad input)."""
        return self.action(self._send)()

    def _send(self):
        prepared = self._prepare()
        if prepared is None:
            return None
        origin, kwargs = prepared
        marks = log_marks()
        try:
            result = self.browser(origin).fetch(**kwargs)
        except ValueError as exc:
            self._say(str(exc))
            return None
        self.last_result = result
        self.last_chromium, self.agreement = None, None
        self.chromium_output.value = ""
        self._show(result, new_log_lines(marks, [self.server] if self.server is not None else []))
        return result

    def ask_chromium(self):
        """Run the same request in real headless Chromium and say whether the engine agrees.

        Both start from a fresh profile (no cookies, no cached preflight), so they are compared fairly.
        Returns Chromium's FetchResult, or None when Chromium is not available (one line says how to install it).
        """
        return self.action(self._ask_chromium)()

    def _ask_chromium(self):
        prepared = self._prepare()
        if prepared is None:
            return None
        origin, kwargs = prepared
        try:
            from cors_lab.real.chromium import ChromiumBrowser, unavailable_reason
        except ImportError as exc:
            self._chromium_line(f"Real Chromium is not available here ({exc}).")
            return None
        reason = unavailable_reason()
        if reason:
            self._chromium_line(f"Real Chromium is not available here: {reason}")
            return None
        from cors_lab.browser.fetch import Browser
        from cors_lab.browser.result import compare

        try:
            model = Browser(origin).fetch(**kwargs)
            real_browser = ChromiumBrowser(origin)
            try:
                real = real_browser.fetch(**kwargs)
            finally:
                real_browser.close()
        except Exception as exc:  # Chromium crashed or timed out: one line, never a traceback
            self._chromium_line(f"Real Chromium could not answer: {exc}")
            return None
        self.last_chromium, self.agreement = real, compare(model, real)
        if self.server is None:  # the server answered again (the engine's fresh profile): its headers, as Send does
            self._show_headers(model)
        sentence = self.agreement.sentence()
        text = (f"{sentence}\n(both from a fresh profile: no cookies, no cached preflight)\n"
                f"Chromium console: {fmt.console_text(real)}\nChromium JS: {fmt.js_text(real)}")
        self._text = [item for item in self._text if item[0] != "Real Chromium"] + [("Real Chromium", text)]
        self.chromium_output.value = fmt.section(
            "Real Chromium", fmt.pre(sentence, fmt.GREEN if self.agreement else fmt.RED)
            + fmt.pre(text.split("\n", 1)[1]) + sequence_diagram(real))
        return real

    def _own_calls(self) -> list:
        """The fields' request, for "Send from my browser" (the policy fields are applied first, as Send does)."""
        from cors_lab.widgets.own_browser import OwnCall

        prepared = self._prepare()
        if prepared is None:
            raise InputError(self.message_text() or "Fill in the request first.")
        origin, kwargs = prepared
        if self.server is None and lab_server_at(kwargs["url"]) is None:  # the URL field moved off the lab server
            raise InputError(NO_OWN_BROWSER)
        return [OwnCall(origin, kwargs)]

    @property
    def agrees(self) -> bool | None:
        """Did real Chromium agree with the engine on the last "Ask real Chromium"? None before (or without one)."""
        return None if self.agreement is None else bool(self.agreement)

    # ---- showing -----------------------------------------------------------------------------------
    def _say(self, text: str, ok: bool | None = False) -> None:
        self.message.value = fmt.message_html(text, ok)
        self._message_text = text

    def _chromium_line(self, text: str) -> None:
        self.last_chromium, self.agreement = None, None
        self._text = [item for item in self._text if item[0] != "Real Chromium"] + [("Real Chromium", text)]
        self.chromium_output.value = fmt.message_html(text, None)

    def _show_headers(self, result) -> None:
        """The left half without a lab server: the Access-Control-* headers ``result``'s answers carried."""
        self._headers_text = answered_cors_headers(result)
        self.server_headers.value = fmt.pre(self._headers_text)

    def _show(self, result, log_lines: list[str]) -> None:
        log = "\n".join(log_lines)
        js = fmt.js_text(result)
        self._text = [
            ("Request", fmt.fetch_code(result.request) + f"   (page {result.request.get('origin')})"),
            ("Console", fmt.console_text(result)),
            ("What JavaScript can read", js),
            ("On the wire", fmt.exchanges_text(result)),
        ]
        if self.server is None:
            self._show_headers(result)
            self._text.append(("What the server answered (Access-Control-*)", self._headers_text))
        # any URL: no log of ours unless the URL is a lab server's (its own log is wherever it runs)
        if self.server is not None or log:
            self._text.append(("Server log (new lines)", log or "(no request reached a lab server)"))
        self._text.append(("Step by step", result.explain()))
        sections = dict(self._text)
        color = fmt.GREEN if result.readable else fmt.RED
        self.output.value = (
            sequence_diagram(result)
            + fmt.section("What JavaScript can read", fmt.pre(js, color))
            + (fmt.section("Server log (new lines)", fmt.pre(sections["Server log (new lines)"]))
               if "Server log (new lines)" in sections else "")
            + "<details open><summary><b>Step by step</b></summary>" + fmt.pre(sections["Step by step"]) + "</details>"
        )

    def message_text(self) -> str:
        """The one-line message under the fields ('' when there is none)."""
        return getattr(self, "_message_text", "")

    def output_text(self) -> str:
        """Everything the widget shows below the fields, as plain text.

        Without a lab server it starts with the left half (the line that says the policy is the server's own, and
        the Access-Control-* headers its last answers carried) and the line shown instead of "Send from my browser".
        """
        parts = []
        if self.server is None:
            parts.append(f"Server:\n{OWN_POLICY}\n{self._headers_text or NOT_SENT_YET}")
            if self.no_own_browser:
                parts.append(self.no_own_browser)
        parts += [self.message_text()] if self.message_text() else []
        parts += [f"{title}:\n{body}" for title, body in self._text]
        return "\n\n".join(parts)
