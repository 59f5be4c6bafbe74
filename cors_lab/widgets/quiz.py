"""Will it CORS? Predict first, then run the live request and see who was right, and why.

    quiz = WillItCors(api, "/api/private", origin=FRONTEND, credentials="include")
    quiz                       # shows the request and the server's CORS setup, with answer buttons
    quiz.predict("blocked")    # same as pressing the button: runs it live, returns the feedback text

``ask="outcome"`` (default) offers "allowed" (JavaScript can read the response) / "blocked";
``ask="header", header="X-Request-Id"`` offers "visible" / "hidden" (can JavaScript read that header?).
"""
from __future__ import annotations

import contextlib
from typing import Callable, Sequence

from cors_lab.course.teaching import FRONTEND
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import current_server, rebase
from cors_lab.widgets.diagram import sequence_diagram
from cors_lab.widgets.predict import Outcome, Predict

ANSWERS = {"outcome": ("allowed", "blocked"), "header": ("visible", "hidden")}


def server_setup_text(server, origin: str, method: str, headers, policy=None) -> str:
    """What the server's policy (or ``policy``) answers to this page, for the preflight and for the request itself."""
    policy = policy if policy is not None else server.policy
    if policy is None:
        return f"Server {server.name!r} runs an app without a cors_lab policy."
    names = ", ".join(name for name, _ in headers)
    status, pre_headers = policy.preflight_response(origin, method, names)
    actual = policy.actual_headers(origin)
    show = lambda hs: "\n".join(f"    {n}: {v}" for n, v in hs) or "    (no CORS headers)"
    return (f"Server {server.name!r} policy: {policy!r}\n"
            f"  answer to a preflight (OPTIONS, if the browser sends one): {status}\n{show(pre_headers)}\n"
            f"  CORS headers on the answer to the request:\n{show(actual)}")


class WillItCors(Predict):
    """A prediction quiz on one live request to ``server``: predict first, then see who was right, and why.

    The widget shows the ``fetch()`` a script on the page at ``origin`` makes (``url`` is a path on ``server`` or a
    full URL; ``method``, ``headers``, ``body``, ``credentials``, ``mode`` as in `Browser.fetch`) and what the
    server's policy answers, then offers two buttons. ``ask="outcome"``: can JavaScript read the response
    ("allowed" / "blocked")? ``ask="header", header="X-Request-Id"``: can it read that header ("visible" /
    "hidden")? Pressing one runs the request live (in ``browser``, or a fresh model browser, after
    ``setup(browser)``) and says right or not quite, with the console sentence and the rule that decided.

    ``policy`` (a `CorsPolicy`) is put on the server for the request only (its own policy comes back after), so
    quizzes on one server about several policies (a lesson's steps) each ask about their own, after Run All too,
    and an exercise on the same server keeps the learner's policy. ``servers``: other lab servers the request
    reaches (a redirect's target); when one is stopped, the quiz says which cell to re-run.

    ``server_text`` replaces what the quiz says about the server (by default its `CorsPolicy`'s answers): for an app
    configured with flask-cors or guarded by its own code, whose headers no policy of the server describes.

    ``choices`` and ``title`` let a subclass ask another question about the same live request (its `truth` decides
    which choice is right; `cors_lab.widgets.request_quizzes` has examples).

    When ``server`` was stopped (a notebook's last cell runs ``stop_all()``) the quiz says which cell to re-run
    and grades nothing; when that cell was re-run, the quiz asks the new server.

        >>> from cors_lab.widgets import WillItCors
        >>> quiz = WillItCors(api, "/api/private", credentials="include")         # doctest: +SKIP
        >>> quiz                            # the request, the server's answer, two buttons  # doctest: +SKIP
        >>> print(quiz.predict("blocked"))  # same as pressing "blocked"                   # doctest: +SKIP
        Right: blocked.
        ...
    """

    kind = "quiz"

    def __init__(self, server, url: str = "/api/public", origin: str = FRONTEND, method: str = "GET",
                 headers: dict | None = None, body: str | None = None, credentials: str = "same-origin",
                 mode: str = "cors", question: str | None = None, ask: str = "outcome", header: str | None = None,
                 browser=None, setup: Callable | None = None, server_text: str | None = None, policy=None,
                 choices: Sequence[str] | None = None, title: str = "Will it CORS?", servers=()):
        if ask not in ANSWERS:
            raise ValueError(f"ask must be 'outcome' or 'header', not {ask!r}")
        if ask == "header" and not header:
            raise ValueError("ask='header' needs header='X-Name' (the header the learner predicts about)")
        self.server, self.origin, self.ask, self.header = server, origin, ask, header
        self.url = url if "://" in url else server.url + url
        self.kwargs = dict(url=self.url, method=method, headers=dict(headers or {}), body=body,
                           credentials=credentials, mode=mode)
        self.browser, self.setup = browser, setup
        self.server_text = server_text  # shown instead of the policy's answers (an app configured with flask-cors)
        self.policy = policy  # the CorsPolicy this question is about: on the server for the request only
        self.also = list(servers)  # other lab servers the request reaches (a redirect's target): they must run
        self.result = None
        if question is None:
            question = ("Can the page's JavaScript read the response?" if ask == "outcome"
                        else f"Can the page's JavaScript read the {header} response header?")
        super().__init__(question, choices or ANSWERS[ask], self._reveal, context=self._setup_text(), title=title)

    def _setup_text(self) -> str:
        if self.server_text is not None:
            return f"Page {self.origin} runs:\n  {fmt.fetch_code(self.kwargs)}\n\n{self.server_text}"
        return (f"Page {self.origin} runs:\n  {fmt.fetch_code(self.kwargs)}\n\n"
                + server_setup_text(self.server, self.origin, self.kwargs["method"],
                                    list(self.kwargs["headers"].items()), self.policy))

    def __repr__(self) -> str:
        return f"WillItCors({self.kwargs['method']} {fmt.path_of(self.url)}: {self.state()})"

    @property
    def setup_text(self) -> str:
        """The request and what the server's policy answers, as shown above the buttons."""
        return self._setup_text()

    def _bind(self) -> None:
        """Talk to the server that runs now: the same one, or the one a re-run set-up cell started."""
        server = current_server(self.server)
        if server is not self.server:
            self.url = self.kwargs["url"] = rebase(self.url, self.server, server)
            self.server = server
            self.context.value = fmt.pre(self._setup_text())

    def run(self):
        """The live request, in a fresh model browser (or the one given), after the optional setup."""
        from cors_lab.browser.fetch import Browser

        self._bind()
        self.also = [current_server(other) for other in self.also]  # stopped: one sentence naming its cell
        # a lesson's step-by-step quizzes share one server: each brings its policy, for its request only
        with self.server.temporary_policy(self.policy) if self.policy is not None else contextlib.nullcontext():
            browser = self.browser or Browser(self.origin)
            if self.setup is not None:
                self.setup(browser)
            return browser.fetch(**self.kwargs)

    def truth(self, result) -> str:
        """The right answer for ``result``: 'allowed' / 'blocked', or 'visible' / 'hidden' for a header."""
        if self.ask == "outcome":
            return "allowed" if result.readable else "blocked"
        return "visible" if self.header.lower() in result.headers else "hidden"

    def _reveal(self) -> Outcome:
        result = self.run()
        self.result = result
        happened = fmt.js_text(result)
        why = fmt.reason_text(result)
        if self.ask == "header":
            visible = ", ".join(sorted(result.headers)) or "(none)"
            happened = ("The request was blocked, so JS reads no header at all." if result.blocked
                        else f"Headers JS can read: {visible}.")
            expose = next((s for s in result.steps if s.kind == "exposed-headers"), None)
            if not result.blocked and expose is not None:
                why = expose.detail + (f"\nFix: {expose.fix}" if expose.fix else "")
        opaque = next((s for s in result.steps if s.kind == "opaque-response"), None)
        if opaque is not None:  # "every check passed" says nothing here: the script reads nothing, and why
            why = opaque.detail
        return Outcome(self.truth(result), why, html=sequence_diagram(result), result=result,
                       details=f"{happened}\nConsole: {fmt.console_text(result)}", **self.own_browser_calls(result))

    def own_setup_calls(self) -> list | None:
        """The calls that prepare the learner's browser as ``setup`` prepares the model one ([] without a setup),
        or None when the setup is code the learner's browser cannot repeat (then no "Send from my browser")."""
        return [] if self.setup is None and self.browser is None else None

    def own_browser_calls(self, result) -> dict:
        """`Outcome` fields for "Send from my browser": the set-up calls, then the quiz's request, in the server's
        quiz policy (put back after the press)."""
        from cors_lab.widgets.own_browser import OwnCall

        setup = self.own_setup_calls()
        if setup is None:
            return {"calls": []}
        server, policy = self.server, self.policy
        around = (lambda: server.temporary_policy(policy)) if policy is not None else None
        return {"calls": [*setup, OwnCall.from_result(result)], "around": around}

    def predict(self, answer: str) -> str:
        """Record the learner's prediction, run the request live, return (and show) the feedback."""
        feedback = super().predict(answer)
        if self.refusal is None and self.outcome is not None:
            # the order the quiz always used: verdict, what happened, console, why
            lines = [feedback.split("\n", 1)[0], *self.outcome.details.split("\n"), f"Why: {self.outcome.why}"]
            self.feedback = "\n".join(lines)
            color = fmt.GREEN if self.correct else fmt.RED
            self.output.value = fmt.pre(self.feedback, color) + self.outcome.html
            return self.feedback
        return feedback
