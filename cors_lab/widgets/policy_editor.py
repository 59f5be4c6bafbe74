"""The policy editor: one CORS policy, shown as the flask-cors code that sends it and run live on a lab server.

    editor = PolicyEditor(api)                     # api: a running lab server (an api_app)
    editor                                         # fields, the flask-cors code, Run, a table of test requests
    editor.allow_origins.value = FRONTEND
    print(editor.code())                           # CORS(app, origins=['http://localhost:...'], ...)
    editor.predict("the attacker reads /api/private with the user's cookie", "blocked")   # optional, before Run
    print(editor.run())                            # applies the policy to the server, sends every test request

Views only. The fields, their parsing and the way they are written to the server are the Playground's own (the
editor holds a `Playground` and shows its policy fields); `CorsPolicy.flask_cors_options` decides which flask-cors
call sends the same headers (tests/server/test_flask_cors_mapping.py checks them request by request), and says in
one sentence when flask-cors cannot express a policy (the lessons' deliberately broken ones); the engine decides
what each test request's page can read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as w

from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server
from cors_lab.widgets.diagram import sequence_diagram
from cors_lab.widgets.playground import Playground
from cors_lab.widgets.predict import Outcome, Predict

UNSURE = "?"
CHOICES = (UNSURE, "readable", "blocked")


@dataclass
class TestRequest:
    """One row of the editor's table: a page (``who``: "frontend" or "attacker") fetches ``path`` on the server.

    ``logged_in``: the user is logged in to the API first (the tab holds the ``sid`` cookie); ``read_header``: a
    response header whose visibility to the script the row also reports (Access-Control-Expose-Headers).
    """

    label: str
    who: str
    path: str
    fetch: dict = field(default_factory=dict)  # method, headers, body, credentials
    logged_in: bool = False
    read_header: str | None = None


def default_requests() -> list[TestRequest]:
    """The table every lesson's API answers: simple GET, preflighted PUT, an exposed header, credentials, attacker."""
    json_put = dict(method="PUT", headers={"Content-Type": "application/json"}, body='{"name": "fig"}')
    private = dict(credentials="include")
    return [
        TestRequest("the frontend reads /api/public", "frontend", "/api/public"),
        TestRequest("the frontend sends PUT /api/items/3 with JSON (preflight)", "frontend", "/api/items/3", json_put),
        TestRequest("the frontend reads the X-Request-Id header", "frontend", "/api/custom-headers",
                    read_header="X-Request-Id"),
        TestRequest("the frontend reads /api/private with the user's cookie", "frontend", "/api/private", private,
                    logged_in=True),
        TestRequest("the attacker reads /api/public", "attacker", "/api/public"),
        TestRequest("the attacker reads /api/private with the user's cookie", "attacker", "/api/private", private,
                    logged_in=True),
    ]


def presets(frontend: str = FRONTEND) -> dict:
    """Named policies a learner can load into the editor: good ones first, then the lessons' broken ones."""
    from cors_lab.policy import CorsPolicy

    return {
        "frontend only (simple requests)": CorsPolicy(allow_origins=[frontend]),
        "frontend: PUT + JSON, credentials, exposed header": CorsPolicy(
            allow_origins=[frontend], allow_methods=["GET", "PUT", "DELETE"], allow_headers=["Content-Type"],
            expose_headers=["X-Request-Id"], allow_credentials=True, max_age=600),
        "public data: any origin (*), no cookies": CorsPolicy.allow_all(),
        "no CORS headers at all": CorsPolicy.none(),
        "broken: '*' with credentials": CorsPolicy(allow_origins="*", allow_credentials=True),
        "broken: reflect every Origin, with credentials": CorsPolicy(reflect_origin=True, allow_credentials=True),
    }


def flask_cors_code(policy) -> str:
    """The flask-cors call that sends ``policy``'s headers, as a learner would write it (raises InputError when
    flask-cors cannot express the policy). Options whose value is None (flask-cors's default) are left out."""
    if not policy.enabled:
        return "# no CORS(app, ...) call at all: the server sends no CORS headers."
    options = {name: value for name, value in policy.flask_cors_options().items() if value is not None}
    lines = [f"     {name}={value!r}," for name, value in options.items()]
    lines[-1] = lines[-1].rstrip(",") + ")"
    return "from flask_cors import CORS\n\nCORS(app,\n" + "\n".join(lines)


class PolicyEditor(WidgetView):
    """Edit a CORS policy, see it as flask-cors code, press Run: it is applied to ``server`` and tested live.

    - ``server``: a running lab server whose app takes a `CorsPolicy` (an ``api_app``); Run writes the policy to it.
    - ``frontend`` / ``attacker``: the two page origins of the test requests.
    - ``requests``: the table's rows (`TestRequest`), `default_requests()` by default.
    - ``preset``: the name of one of `presets()` to load into the server at once (None: keep its policy).

    Each row has a prediction menu (readable / blocked): predict before pressing Run, and the table says for
    each row whether you were right. Under the table, each row's sequence diagram.

        >>> from cors_lab.widgets import PolicyEditor
        >>> editor = PolicyEditor(api)                                                        # doctest: +SKIP
        >>> editor.allow_origins.value = FRONTEND                              # doctest: +SKIP
        >>> editor.predict("the attacker reads /api/public", "blocked")                      # doctest: +SKIP
        >>> print(editor.run())                                                               # doctest: +SKIP
        Policy applied: CorsPolicy(allow_origins=['http://localhost:...'])
        ✔ readable   the frontend reads /api/public: status 200
        ...

    When the server was stopped (the notebook's last cell runs ``stop_all()``), Run says which cell to re-run;
    once it is re-run, the editor talks to the new server.
    """

    kind = "policy-editor"

    def __init__(self, server, frontend: str = FRONTEND, attacker: str = ATTACKER, requests=None,
                 preset: str | None = None, title: str = "CORS policy editor"):
        self.frontend, self.attacker, self.title = frontend, attacker, title
        self.requests = list(requests) if requests is not None else default_requests()
        self.presets = presets(frontend)
        self.results: list = []
        self.table = ""  # the last Run's table, as text
        self.refusal: str | None = None
        if preset is not None:
            server.policy = self._preset(preset).copy()
        # the Playground owns the policy fields, their parsing and how they reach the server: shown here, not copied
        self.playground = pg = Playground(server, origin=frontend)
        self.fields = [pg.enabled, pg.allow_origins, pg.allow_methods, pg.allow_headers, pg.expose_headers,
                       pg.allow_credentials, pg.max_age]
        (self.enabled, self.allow_origins, self.allow_methods, self.allow_headers, self.expose_headers,
         self.allow_credentials, self.max_age) = self.fields
        for widget in self.fields:
            widget.observe(lambda _: self._show_code(), names="value")
        self.preset_menu = w.Dropdown(options=["(load a preset)", *self.presets], value="(load a preset)",
                                      description="preset", style={"description_width": "120px"},
                                      layout=w.Layout(width="98%"))
        self.preset_menu.observe(self._preset_chosen, names="value")
        self.run_button = w.Button(description="Run", button_style="primary", icon="play",
                                   tooltip="apply the policy to the server and send every test request")
        self.run_button.on_click(lambda _: self.run())
        self.code_view = w.HTML()
        self.menus = []
        rows = [w.HTML("<b>page</b>"), w.HTML("<b>test request</b>"), w.HTML("<b>your prediction</b>"),
                w.HTML("<b>what happened</b>")]
        self.cells = []
        for request in self.requests:
            menu = w.Dropdown(options=CHOICES, value=UNSURE, layout=w.Layout(width="110px"))
            cell = w.HTML(f"<span style='color:{fmt.GREY}'>press Run</span>")
            self.menus.append(menu)
            self.cells.append(cell)
            rows += [w.HTML(fmt.escape(self._page(request))), w.HTML(fmt.escape(request.label)), menu, cell]
        grid = w.GridBox(rows, layout=w.Layout(grid_template_columns="170px 1fr 120px 1.2fr", grid_gap="2px 8px"))
        self.output = w.HTML()  # the summary line, or one sentence when Run could not run
        self.diagrams = w.HTML()
        policy_box = w.VBox([w.HTML("<b>The policy</b>"), self.preset_menu, *self.fields, self.run_button],
                            layout=w.Layout(width="50%"))
        code_box = w.VBox([w.HTML("<b>The same policy with flask-cors</b>"), self.code_view],
                          layout=w.Layout(width="50%"))
        self.finish(w.VBox([w.HTML(f"<b>{fmt.escape(title)}</b> &middot; change the policy, predict each row, "
                                   "then press Run"),
                            w.HBox([policy_box, code_box]), pg.message, grid, self.output, self.diagrams]),
                    actions=[self.run_button], outputs=[self.output, self.diagrams])
        self._show_code()

    def __repr__(self) -> str:
        if not self.results:
            return f"PolicyEditor({len(self.requests)} test requests: not run yet)"
        readable = sum(result.readable for result in self.results)
        right, asked = self.score()
        graded = f", {right}/{asked} predictions right" if asked else ""
        return f"PolicyEditor({len(self.requests)} test requests: {readable} readable{graded})"

    @property
    def server(self):
        """The lab server the policy is applied to (after a re-run set-up cell: the new one)."""
        return self.playground.server

    def _page(self, request: TestRequest) -> str:
        return f"{request.who} {self.frontend if request.who == 'frontend' else self.attacker}"

    def _preset(self, name: str):
        if name not in self.presets:
            raise InputError(f"There is no preset {name!r}; choose one of: {', '.join(self.presets)}.")
        return self.presets[name]

    # ---- the policy and its code --------------------------------------------------------------------------
    def policy(self):
        """The `CorsPolicy` the fields describe now (InputError, in one sentence, when a field is wrong)."""
        return self.playground.policy_from_fields()

    def code(self) -> str:
        """The flask-cors code of the fields' policy, or one sentence saying why there is none."""
        try:
            return flask_cors_code(self.policy())
        except InputError as exc:
            sentence = str(exc)
            if sentence.startswith("flask-cors cannot express"):
                sentence += " The table still shows what this server does with it."
            return sentence

    def _show_code(self) -> None:
        text = self.code()
        ok = text.startswith(("from flask_cors", "#"))
        self.code_view.value = fmt.pre(text) if ok else fmt.message_html(text)

    def load(self, name: str) -> str:
        """Load the preset ``name`` into the server and the fields (what the preset menu does); returns the code."""
        return self.action(self._load)(name) or self.refusal or ""

    def _load(self, name: str) -> str:
        self.playground.bind()
        self.server.policy = self._preset(name).copy()
        self.playground.load_policy()
        self._show_code()
        self.output.value = fmt.message_html(f"Loaded {name!r}: press Run to test it.", None)
        return self.code()

    def _preset_chosen(self, change) -> None:
        if change["new"] in self.presets:
            self.load(change["new"])

    # ---- predictions and the live table ---------------------------------------------------------------
    def _row(self, label: str) -> int:
        for index, request in enumerate(self.requests):
            if request.label == label:
                return index
        raise InputError(f"There is no test request {label!r}; the rows are: "
                         + "; ".join(r.label for r in self.requests) + ".")

    def predict(self, label: str, choice: str) -> None:
        """Predict one row before Run: ``choice`` is "readable" or "blocked" (what the row's menu does)."""
        if choice not in CHOICES[1:]:
            raise InputError(f"Predict 'readable' or 'blocked', not {choice!r}.")
        self.menus[self._row(label)].value = choice

    def score(self) -> tuple[int, int]:
        """(right, predicted) over the rows the learner predicted, for the last Run."""
        graded = [(menu.value, result.readable) for menu, result in zip(self.menus, self.results, strict=False)
                  if menu.value != UNSURE]
        return sum((choice == "readable") == readable for choice, readable in graded), len(graded)

    def run(self) -> str:
        """Apply the fields' policy to the server, send every test request, show and return the table as text."""
        return self.action(self._run)() or self.refusal or ""

    def say_refusal(self, sentence: str) -> None:
        self.output.value = fmt.message_html(sentence)
        self.diagrams.value = ""
        self.refusal = sentence

    def _run(self) -> str:
        from cors_lab.browser.fetch import Browser
        from cors_lab.course.fix_exercises import logged_in_browser

        self.playground.bind()  # a stopped server: one sentence naming the cell to re-run
        if not self.playground.apply_policy():
            raise InputError(self.playground.message_text())
        server = self.server
        tabs = {}
        for who, origin in (("frontend", self.frontend), ("attacker", self.attacker)):
            # the user is logged in to the API in both tabs' browser (the login goes straight to the API)
            tabs[who] = (logged_in_browser(origin, server.url) if any(r.logged_in for r in self.requests)
                         else Browser(origin))
        self.results, lines, diagrams = [], [self.playground.message_text()], []
        for index, request in enumerate(self.requests):
            result = tabs[request.who].fetch(server.url + request.path, **request.fetch)
            self.results.append(result)
            text = self._outcome(request, result)
            choice = self.menus[index].value
            right = (choice == "readable") == result.readable
            verdict = "" if choice == UNSURE else f"  (you predicted {choice}: {'right' if right else 'not quite'})"
            mark = "✔ readable" if result.readable else "✘ blocked "
            lines.append(f"{mark}  {request.label}: {text}{verdict}")
            color = fmt.GREEN if result.readable else fmt.RED
            self.cells[index].value = (f"<span style='color:{color}'>{fmt.escape(mark.strip())}</span> "
                                       f"{fmt.escape(text)}<b>{fmt.escape(verdict)}</b>")
            diagrams.append(f"<details><summary>{fmt.escape(request.label)}</summary>{sequence_diagram(result)}"
                            "</details>")
        right, asked = self.score()
        summary = f"{sum(r.readable for r in self.results)} of {len(self.results)} test requests readable."
        if asked:
            summary += f" Your predictions: {right} of {asked} right."
        lines.append(summary)
        self.output.value = fmt.message_html(summary, None)
        self.diagrams.value = "<b>Each request, as a picture</b>" + "".join(diagrams)
        self.table = "\n".join(lines)
        return self.table

    @staticmethod
    def _outcome(request: TestRequest, result) -> str:
        if result.blocked:
            return result.reason() or result.exception or "blocked"
        parts = [f"status {result.status}"]
        if result.preflight:
            preflight = next((ex for ex in result.exchanges if ex.kind == "preflight"), None)
            max_age = preflight.response_headers.get("access-control-max-age") if preflight else None
            parts.append(f"after a preflight (cached {max_age} s)" if max_age else "after a preflight")
        if request.read_header:
            seen = request.read_header.lower() in result.headers
            parts.append(f"{request.read_header} {'visible' if seen else 'hidden'} to the script")
        return ", ".join(parts)


class OriginGrant(Predict):
    """Predict whether ``server`` grants a page at ``origin`` access, then see its answer (sent by hand).

    For origins no page in this lab can have (a public domain cannot reach localhost in Chromium: its Local Network
    Access refuses it), the request is sent outside a browser with that Origin header, as any script can, and the
    answer's Access-Control-Allow-Origin / -Allow-Credentials are shown (`cors_lab.course.server_grants`).

        >>> grant = OriginGrant(api, "http://shop.example.com.evil.net", path="/api/public")   # doctest: +SKIP
        >>> print(grant.predict("no"))                                                        # doctest: +SKIP
        Not quite: you said no, it is yes.
        ...
    """

    kind = "origin-grant"

    def __init__(self, server, origin: str, path: str = "/api/public", question: str | None = None,
                 context: str = ""):
        self.server, self.origin, self.path = server, origin, path
        question = question or f"Does the server grant {origin} access (its Origin in Access-Control-Allow-Origin)?"
        super().__init__(question, ["yes", "no"], self._reveal, context=context)

    def __repr__(self) -> str:
        return f"OriginGrant({self.origin!r}: {self.state()})"

    def _reveal(self) -> Outcome:
        from cors_lab.course.fix_exercises import server_grants

        self.server = current_server(self.server)  # stopped: one sentence naming the cell to re-run
        acao, acac = server_grants(self.server.url + self.path, [self.origin])[self.origin]
        granted = acao in (self.origin, "*")
        answer = (f"The server answered Access-Control-Allow-Origin: {acao or '(none)'}"
                  f"{', Access-Control-Allow-Credentials: ' + acac if acac else ''}.")
        why = answer + (" A page at that origin reads the answer." if granted else
                        " No page at that origin can read it.")
        return Outcome("yes" if granted else "no", why)
