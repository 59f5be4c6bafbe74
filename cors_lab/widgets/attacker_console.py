"""Lesson 09's attacker console: pick an attack, press Steal, see what the attacker's page read; fix, try again.

    console = AttackerConsole(api, redirector=helper)   # api: an api_app; helper: the attacker's redirector
    console                                             # attack picker, Steal, the fix fields
    console.steal()                                     # same as pressing Steal -> the report's text
    console.fix([FRONTEND])              # same as Apply fix: api.policy = CorsPolicy(...)
    console.steal()                                     # SAFE: the attacker's page read nothing ...

Choosing an attack loads its misconfigured policy into the API (`cors_lab.course.attacks.ATTACKS`); Steal runs it
live (`steal`: alice logs in on the frontend tab, the attacker's tab shares her cookie jar). The fix can be made in
the widget (allowed origins, credentials) or in code (``api.policy = CorsPolicy(...)``): Steal uses whatever policy
the API has when it is pressed.
"""
from __future__ import annotations

import ipywidgets as w

from cors_lab.course.attacks import ATTACKS, steal
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.errors import InputError
from cors_lab.policy import CorsPolicy
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server
from cors_lab.widgets.diagram import sequence_diagram
from cors_lab.widgets.predict import Outcome, Predict


class AttackerConsole(WidgetView):
    """The attacker's console: an attack picker, Steal, and a fix editor for the API's policy.

        >>> console = AttackerConsole(api, redirector=helper)                   # doctest: +SKIP
        >>> print(console.steal())                                             # doctest: +SKIP
        STOLEN: the attacker's page read alice's private data: {"balance":1250,...}
        ...
        >>> console.fix([FRONTEND]); print(console.steal())     # doctest: +SKIP
        SAFE: the attacker's page read nothing (no Access-Control-Allow-Origin).
        The frontend still reads alice's data.
    """

    kind = "attacker-console"

    def __init__(self, server, redirector=None, attack: str = "reflect"):
        self.server, self.redirector = server, redirector
        self.attack_picker = w.Dropdown(options=[(a.title, k) for k, a in ATTACKS.items()], value=attack,
                                        description="Attack:", layout=w.Layout(width="auto"))
        self.steal_button = w.Button(description="Steal", button_style="danger", icon="user-secret")
        self.steal_button.on_click(lambda _: self.steal())
        self.origins_field = w.Text(value=FRONTEND, description="allow_origins:",
                                    layout=w.Layout(width="60%"), style={"description_width": "110px"})
        self.credentials_box = w.Checkbox(value=True, description="allow_credentials", indent=False)
        self.fix_button = w.Button(description="Apply fix", icon="wrench", tooltip="api.policy = CorsPolicy(...)")
        self.fix_button.on_click(lambda _: self.fix())
        self.reset_button = w.Button(description="Reload the hole", icon="undo",
                                     tooltip="put the attack's misconfigured policy back")
        self.reset_button.on_click(lambda _: self.load())
        self.story = w.HTML()
        self.policy_line = w.HTML()
        self.output = w.HTML()
        self.report = None
        self.refusal: str | None = None
        self.attack_picker.observe(lambda _: self.load(), names="value")
        self.action(self._load)()
        # the attack in the learner's own browser: alice's login and the frontend's read from a frame on the
        # frontend's page, then the attacker's page (a frame on its origin) steals
        from cors_lab.widgets.own_browser import OwnBrowserPanel

        self.own_browser = OwnBrowserPanel(self._own_calls, title="Steal from my browser",
                                           on_result=self._own_report, nested=True)
        self.finish(w.VBox([
            w.HTML("<b>Attacker console</b>: alice is logged in to the API; she opens the attacker's page."),
            self.attack_picker, self.story, self.policy_line, self.steal_button, self.output, self.own_browser.widget,
            w.HTML("<b>Fix the API</b> (or in code: <code>api.policy = CorsPolicy(...)</code>), then Steal again:"),
            w.HBox([self.origins_field, self.credentials_box]), w.HBox([self.fix_button, self.reset_button]),
        ]), actions=[self.steal_button, self.fix_button, self.reset_button], outputs=[self.output])

    @property
    def attack(self):
        return ATTACKS[self.attack_picker.value]

    def __repr__(self) -> str:
        if self.report is None:
            state = "not tried yet"
        else:
            broken = "" if self.report.frontend_ok else ", frontend broken"
            state = "stolen" if self.report.stolen else f"safe{broken}"
        return f"AttackerConsole({self.attack.title}: {state})"

    def _bind(self) -> None:
        """Talk to the servers running now; a fresh API (its set-up cell was re-run) gets the attack's hole."""
        current = current_server(self.server)
        if self.redirector is not None:
            self.redirector = current_server(self.redirector)
        if current is not self.server:
            self.server = current
            self._load()

    def _show_policy(self) -> None:
        self.policy_line.value = fmt.pre(f"The API's policy now: {self.server.policy!r}")

    def load(self, attack: str | None = None) -> str:
        """Choose ``attack`` (default: the picked one) and load its misconfigured policy into the API."""
        return self.action(self._load)(attack) or self.refusal or ""

    def _load(self, attack: str | None = None) -> str:
        if attack is not None:
            self.attack_picker.value = attack  # observing the picker loads it again: harmless
        self.server = current_server(self.server)
        self.server.policy = self.attack.policy.copy()
        self.report = None
        self.story.value = fmt.pre(f"The hole: {self.attack.policy!r}\nThe attack: {self.attack.how}")
        self.output.value = ""
        self._show_policy()
        return f"The API now runs {self.attack.policy!r}."

    def fix(self, allow_origins=None, allow_credentials: bool | None = None) -> str:
        """Apply the fix (same as the button): ``api.policy = CorsPolicy(allow_origins=..., allow_credentials=...)``.

        ``allow_origins`` is a list (or the field's comma-separated text); without arguments the fields are used."""
        return self.action(self._fix)(allow_origins, allow_credentials) or self.refusal or ""

    def _fix(self, allow_origins, allow_credentials) -> str:
        if allow_origins is not None:
            self.origins_field.value = allow_origins if isinstance(allow_origins, str) else ", ".join(allow_origins)
        if allow_credentials is not None:
            self.credentials_box.value = bool(allow_credentials)
        self._bind()
        origins = fmt.origin_list(self.origins_field.value)
        self.server.policy = CorsPolicy(allow_origins=origins, allow_credentials=self.credentials_box.value)
        self._show_policy()
        text = f"Applied: api.policy = {self.server.policy!r}. Now press Steal again."
        self.output.value = fmt.message_html(text, ok=None)
        return text

    def steal(self) -> str:
        """Run the attack live (same as pressing Steal) and return the report's text."""
        return self.action(self._steal)() or self.refusal or ""

    def _steal(self) -> str:
        self._bind()
        redirector = self.redirector.url if self.redirector is not None else None
        if self.attack.via_redirect and redirector is None:
            text = "This attack needs the attacker's redirector: create the console with redirector=helper."
            self.output.value = fmt.message_html(text)
            return text
        self.report = steal(self.attack, self.server.url, redirector)
        self._show_policy()
        text = self.report.text()
        self.output.value = (fmt.pre(text, fmt.RED if self.report.stolen else fmt.GREEN)
                             + fmt.section("What the attacker's page did", sequence_diagram(
                                 self.report.attacker_result)))
        return text

    def _own_calls(self) -> list:
        from cors_lab.widgets.own_browser import OwnCall

        self._bind()
        private = f"{self.server.url}/api/private"
        if self.attack.via_redirect and self.redirector is None:
            raise InputError("This attack needs the attacker's redirector: create the console with redirector=helper.")
        target = f"{self.redirector.url}/api/redirect?to={private}" if self.attack.via_redirect else private
        include = {"credentials": "include"}
        return [OwnCall(FRONTEND, {"url": f"{self.server.url}/login?user=alice", "method": "POST", **include}),
                OwnCall(FRONTEND, {"url": private, **include}),
                OwnCall(ATTACKER, {"url": target, **include})]

    def _own_report(self, panel) -> None:
        """The attack's report from what the learner's browser did (the frontend's read, the attacker's theft)."""
        from cors_lab.course.attacks import StealReport

        if len(panel.own_results) != 3 or panel.engine_result is None:
            return
        report = StealReport(self.attack, panel.own_results[2], panel.own_results[1])
        where = "In your browser" if panel.state == "answered" else "In headless Chromium"
        text = f"{where}: {report.text()}"
        panel.output.value = fmt.pre(text, fmt.RED if report.stolen else fmt.GREEN) + panel.output.value
        panel._text = text + "\n\n" + panel._text

    def output_text(self) -> str:
        """What the console shows under Steal, as text."""
        return self.refusal or (self.report.text() if self.report is not None else "")


def forged_transfer_question(bank, question: str, why: str, attacker: str | None = None, samesite: str = "Lax",
                             wrong: dict | None = None) -> Predict:
    """Predict "the money moved" / "the money stayed": Alice is logged in at the bank (her cookie has ``samesite``),
    and the page at ``attacker`` sends the forged simple POST (`cors_lab.course.forged_transfer`). The reveal runs
    it live on the bank that runs now; the bank's books and log say what happened.

        >>> forged_transfer_question(bank, "Did the money move?", "A simple POST is sent at once.")  # doctest: +SKIP
    """
    from cors_lab.course.csrf import FORM, bank_tabs, books, forged_transfer
    from cors_lab.widgets.own_browser import OwnCall

    attacker = attacker or ATTACKER

    def reveal() -> Outcome:
        live = current_server(bank)  # stopped: one sentence naming the cell to re-run
        tabs = bank_tabs(live.url, attacker=attacker, samesite=samesite)  # the attacker's tab shares Alice's jar
        before = books(live.url)["balances"]["mallory"]
        result = forged_transfer(tabs["attacker"], live.url)
        after = books(live.url)["balances"]["mallory"]
        own = [OwnCall(FRONTEND, {"url": f"{live.url}/login?user=alice&samesite={samesite}",
                                  "credentials": "include"}),
               OwnCall(attacker, {"url": f"{live.url}/transfer", "method": "POST", "headers": dict(FORM),
                                  "body": "to=mallory&amount=100", "credentials": "include"})]
        return Outcome("the money moved" if after > before else "the money stayed", why,
                       html=sequence_diagram(result), result=result, wrong=wrong, calls=own,
                       details=f"The bank's log: {live.last_request('/transfer').line()}\n"
                               f"Mallory's balance: {before} -> {after}\nConsole: {fmt.console_text(result)}")

    return Predict(question, ["the money moved", "the money stayed"], reveal)
