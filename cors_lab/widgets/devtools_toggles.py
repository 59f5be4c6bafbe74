"""Lesson 08's toggles: pick a developer tool, predict, press Run in real Chromium, see what it changed and its risk.

    toggles = DevToolsToggles(api)               # api: an api_app that sends no CORS headers at all
    toggles                                      # tool, request and page pickers, prediction buttons, Run
    toggles.run()                                # same as pressing Run (defaults: a normal Chromium, GET /api/public)
    toggles.predict("readable", tool="extension")  # record a prediction, then run it and grade it

Views only: `cors_lab.course.devtools` runs the request through the tool in real Chromium (`run_devtool`) and says
what each tool risks; the model browser (`users_browser`) says what your users' normal browsers do. Where Chromium is
not installed, the widget says so in one sentence and shows only the users' side.
"""
from __future__ import annotations

import ipywidgets as w

from cors_lab.course.devtools import DEVTOOLS, REQUESTS, run_devtool, users_browser
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server
from cors_lab.widgets.diagram import sequence_diagram

CHOICES = ("readable", "not readable")
PAGES = {f"the frontend ({FRONTEND})": FRONTEND, f"the attacker's page ({ATTACKER})": ATTACKER}


class DevToolsToggles(WidgetView):
    """Toggle a developer tool, predict whether the page's script reads the answer, run it in real Chromium.

    ``server``: the API (an `api_app`, usually without any CORS policy). The learner picks a tool (`DEVTOOLS`), a
    request (`REQUESTS`: /api/public, or /api/private with alice's cookie) and the page that sends it, may press
    "readable" / "not readable" to predict, then presses Run: the answer comes from real Chromium changed by that
    tool, next to what a normal browser (your users') does, and the tool's risk in one sentence.

        >>> toggles = DevToolsToggles(api)                                     # doctest: +SKIP
        >>> print(toggles.predict("readable", tool="extension"))               # doctest: +SKIP
        Right: readable.
        ...
        >>> toggles                                                            # doctest: +SKIP
        DevToolsToggles(an Allow-CORS extension: predicted 'readable' (right))
    """

    kind = "devtools-toggles"

    def __init__(self, server, tool: str = "none", request: str = "public", page: str = FRONTEND):
        self.server = server
        self.tool_picker = w.ToggleButtons(options=[(t.label, k) for k, t in DEVTOOLS.items()], value=tool,
                                           description="Tool:", style={"button_width": "auto"})
        self.request_picker = w.Dropdown(options=[(label, k) for k, (label, _, _) in REQUESTS.items()],
                                         value=request, description="Request:", layout=w.Layout(width="auto"))
        self.page_picker = w.Dropdown(options=list(PAGES.items()), value=page, description="Page:",
                                      layout=w.Layout(width="auto"))
        self.prediction_picker = w.ToggleButtons(options=CHOICES, value=None, description="Predict:",
                                                 tooltips=["the page's script reads the answer",
                                                           "the script reads nothing"])
        self.run_button = w.Button(description="Run in real Chromium", button_style="primary", icon="play")
        self.run_button.on_click(lambda _: self.run())
        self.does = w.HTML()
        self.output = w.HTML()
        self.tool_picker.observe(lambda _: self._show_tool(), names="value")
        self._show_tool()
        self.prediction: str | None = None
        self.correct: bool | None = None
        self.result = None  # Chromium's FetchResult (None when Chromium is not installed)
        self.users = None  # the model browser's FetchResult: what every user's normal browser does
        self.feedback = ""
        self.refusal: str | None = None
        self.finish(w.VBox([w.HTML("<b>Developer tools</b>: pick a tool, predict, then run it in real Chromium."),
                            self.tool_picker, self.does, w.HBox([self.request_picker, self.page_picker]),
                            self.prediction_picker, self.run_button, self.output]),
                    actions=[self.run_button], outputs=[self.output])

    def _show_tool(self) -> None:
        self.does.value = fmt.message_html(DEVTOOLS[self.tool_picker.value].does, ok=None)

    def __repr__(self) -> str:
        label = DEVTOOLS[self.tool_picker.value].label
        if self.feedback and self.prediction is not None and self.correct is not None:
            state = f"predicted {self.prediction!r} ({'right' if self.correct else 'wrong'})"
        else:
            state = "run" if self.feedback else "not run yet"
        return f"DevToolsToggles({label}: {state})"

    def predict(self, choice: str, **choose) -> str:
        """Record the prediction ``choice`` ("readable" / "not readable"), then run (``choose``: as `run`)."""
        if choice not in CHOICES:
            raise InputError(f"Predict one of: {', '.join(CHOICES)} (not {choice!r}).")
        self.prediction_picker.value = choice
        return self.run(**choose)

    def run(self, tool: str | None = None, request: str | None = None, page: str | None = None) -> str:
        """Run the chosen request through the chosen tool (same as pressing Run); return what the widget shows."""
        return self.action(self._run)(tool, request, page) or self.refusal or ""

    def _run(self, tool, request, page) -> str:
        from cors_lab.real.chromium import unavailable_reason

        for picker, value in ((self.tool_picker, tool), (self.request_picker, request), (self.page_picker, page)):
            if value is not None:
                picker.value = value
        self.server = current_server(self.server)  # a re-run set-up cell replaced it: talk to the new one
        tool, request, page = self.tool_picker.value, self.request_picker.value, self.page_picker.value
        self.prediction = self.prediction_picker.value
        self.users = users_browser(self.server.url, request, page)
        missing = unavailable_reason()
        self.result = None if missing else run_devtool(tool, self.server.url, request, page)
        lines, picture = [], ""
        if self.result is None:
            self.correct = None
            lines.append(f"Real Chromium is not available here, so nothing ran: {missing}")
        else:
            readable = self.result.readable
            truth = CHOICES[0] if readable else CHOICES[1]
            self.correct = None if self.prediction is None else self.prediction == truth
            if self.correct is not None:
                lines.append(f"Right: {truth}." if self.correct else
                             f"Not quite: you predicted {self.prediction}, it is {truth}.")
            lines.append(f"In Chromium with {DEVTOOLS[tool].label}: " + (
                f"the script reads status {self.result.status}: {self.result.text.strip()[:160]}" if readable else
                "the script reads nothing" + (f" (response.type '{self.result.type}', status 0)."
                                              if not self.result.blocked else ".")))
            if self.result.error:
                lines.append(f"Console: {self.result.error.strip()}")
            picture = sequence_diagram(self.result)
        lines.append("Your users' normal browsers: " + ("the script reads it." if self.users.readable
                                                        else "blocked: " + (self.users.reason() or "reads nothing")
                                                        + "."))
        lines.append(f"Risk: {DEVTOOLS[tool].risk}")
        self.feedback = "\n".join(lines)
        color = fmt.GREEN if self.correct else fmt.RED if self.correct is False else None
        self.output.value = fmt.pre(self.feedback, color) + picture
        self.prediction_picker.value = None  # the next run asks for a new prediction
        return self.feedback

    def output_text(self) -> str:
        """What the widget shows under Run, as text ('' before the first run)."""
        return self.refusal or self.feedback
