"""Will it CORS? Predict first, then run the live request and see who was right, and why.

    quiz = WillItCors(api, "/api/private", origin="http://localhost:8001", credentials="include")
    quiz                       # shows the request and the server's CORS setup, with answer buttons
    quiz.predict("blocked")    # same as pressing the button: runs it live, returns the feedback text

``ask="outcome"`` (default) offers "allowed" (JavaScript can read the response) / "blocked";
``ask="header", header="X-Request-Id"`` offers "visible" / "hidden" (can JavaScript read that header?).
"""
from __future__ import annotations

from typing import Callable

import ipywidgets as w

from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView
from cors_lab.widgets.diagram import sequence_diagram

ANSWERS = {"outcome": ("allowed", "blocked"), "header": ("visible", "hidden")}


def server_setup_text(server, origin: str, method: str, headers) -> str:
    """What the server's policy answers to this page, for the preflight and for the request itself."""
    policy = server.policy
    if policy is None:
        return f"Server {server.name!r} runs an app without a cors_lab policy."
    names = ", ".join(name for name, _ in headers)
    status, pre_headers = policy.preflight_response(origin, method, names)
    actual = policy.actual_headers(origin)
    show = lambda hs: "\n".join(f"    {n}: {v}" for n, v in hs) or "    (no CORS headers)"
    return (f"Server {server.name!r} policy: {policy!r}\n"
            f"  answer to a preflight (OPTIONS, if the browser sends one): {status}\n{show(pre_headers)}\n"
            f"  CORS headers on the answer to the request:\n{show(actual)}")


class WillItCors(WidgetView):
    """A prediction quiz on one live request to ``server``: predict first, then see who was right, and why.

    The widget shows the ``fetch()`` a script on the page at ``origin`` makes (``url`` is a path on ``server`` or a
    full URL; ``method``, ``headers``, ``body``, ``credentials``, ``mode`` as in `Browser.fetch`) and what the
    server's policy answers, then offers two buttons. ``ask="outcome"``: can JavaScript read the response
    ("allowed" / "blocked")? ``ask="header", header="X-Request-Id"``: can it read that header ("visible" /
    "hidden")? Pressing one runs the request live (in ``browser``, or a fresh model browser, after
    ``setup(browser)``) and says right or not quite, with the console sentence and the rule that decided.

        >>> from cors_lab.widgets import WillItCors
        >>> quiz = WillItCors(api, "/api/private", credentials="include")         # doctest: +SKIP
        >>> quiz                            # the request, the server's answer, two buttons  # doctest: +SKIP
        >>> print(quiz.predict("blocked"))  # same as pressing "blocked"                   # doctest: +SKIP
        Right: blocked.
        ...
    """

    def __init__(self, server, url: str = "/api/public", origin: str = "http://localhost:8001", method: str = "GET",
                 headers: dict | None = None, body: str | None = None, credentials: str = "same-origin",
                 mode: str = "cors", question: str | None = None, ask: str = "outcome", header: str | None = None,
                 browser=None, setup: Callable | None = None):
        if ask not in ANSWERS:
            raise ValueError(f"ask must be 'outcome' or 'header', not {ask!r}")
        if ask == "header" and not header:
            raise ValueError("ask='header' needs header='X-Name' (the header the learner predicts about)")
        self.server, self.origin, self.ask, self.header = server, origin, ask, header
        self.url = url if "://" in url else server.url + url
        self.kwargs = dict(url=self.url, method=method, headers=dict(headers or {}), body=body,
                           credentials=credentials, mode=mode)
        self.browser, self.setup = browser, setup
        if question is None:
            question = ("Can the page's JavaScript read the response?" if ask == "outcome"
                        else f"Can the page's JavaScript read the {header} response header?")
        self.question = question
        self.prediction: str | None = None
        self.correct: bool | None = None
        self.result = None
        self.feedback = ""
        self.buttons = []
        for answer in ANSWERS[ask]:
            button = w.Button(description=answer, button_style="info")
            button.on_click(lambda _, a=answer: self.predict(a))
            self.buttons.append(button)
        self.output = w.HTML()
        request = (f"Page {origin} runs:\n  {fmt.fetch_code(self.kwargs)}\n\n"
                   + server_setup_text(server, origin, method, list(self.kwargs["headers"].items())))
        self.setup_text = request
        self.widget = w.VBox([w.HTML(f"<b>Will it CORS?</b> {fmt.escape(question)}"), w.HTML(fmt.pre(request)),
                              w.HBox([w.HTML("Your prediction: "), *self.buttons]), self.output])

    def __repr__(self) -> str:
        state = ("not answered yet" if self.prediction is None
                 else f"answered {self.prediction!r} ({'right' if self.correct else 'wrong'})")
        return f"WillItCors({self.kwargs['method']} {fmt.path_of(self.url)}: {state})"

    def run(self):
        """The live request, in a fresh model browser (or the one given), after the optional setup."""
        from cors_lab.browser.fetch import Browser

        browser = self.browser or Browser(self.origin)
        if self.setup is not None:
            self.setup(browser)
        return browser.fetch(**self.kwargs)

    def truth(self, result) -> str:
        """The right answer for ``result``: 'allowed' / 'blocked', or 'visible' / 'hidden' for a header."""
        if self.ask == "outcome":
            return "allowed" if result.readable else "blocked"
        return "visible" if self.header.lower() in result.headers else "hidden"

    def predict(self, answer: str) -> str:
        """Record the learner's prediction, run the request live, return (and show) the feedback."""
        answer = str(answer).strip().lower()
        if answer not in ANSWERS[self.ask]:
            self.feedback = f"Answer with one of: {', '.join(ANSWERS[self.ask])} (not {answer!r})."
            self.output.value = fmt.message_html(self.feedback)
            return self.feedback
        result = self.run()
        truth = self.truth(result)
        self.prediction, self.result, self.correct = answer, result, answer == truth
        verdict = (f"Right: {truth}." if self.correct else f"Not quite: you said {answer}, it is {truth}.")
        happened = fmt.js_text(result)
        if self.ask == "header":
            visible = ", ".join(sorted(result.headers)) or "(none)"
            happened = ("The request was blocked, so JS reads no header at all." if result.blocked
                        else f"Headers JS can read: {visible}.")
        lines = [verdict, happened, f"Console: {fmt.console_text(result)}", f"Why: {fmt.reason_text(result)}"]
        if self.ask == "header" and not result.blocked:
            expose = next((s for s in result.steps if s.kind == "exposed-headers"), None)
            if expose is not None:
                lines[-1] = f"Why: {expose.detail}" + (f"\nFix: {expose.fix}" if expose.fix else "")
        self.feedback = "\n".join(lines)
        for button in self.buttons:
            button.button_style = ("success" if button.description == truth
                                   else "danger" if button.description == answer else "")
        color = fmt.GREEN if self.correct else fmt.RED
        self.output.value = fmt.pre(self.feedback, color) + sequence_diagram(result)
        return self.feedback

    def output_text(self) -> str:
        return self.feedback
