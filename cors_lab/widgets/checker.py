"""Exercise checker: a goal, live checks (including from an attacker's page), what still fails, and a hint.

    checker = credentials_exercise(api, "http://localhost:8001", "http://localhost:8666")
    checker              # the goal and a Check button
    checker.check()      # runs every check live -> Verdict (truthy when all pass; one part per Check)

A `Check` is data: a description, the page origin, the fetch() arguments, what is expected
("readable", "blocked", or a function of the FetchResult), and a hint shown while it fails.
All pages share one cookie jar, as tabs of one user's browser do.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

import ipywidgets as w

from cors_lab.course.verdict import Verdict
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView

Expectation = Union[str, Callable]


@dataclass
class Check:
    """One live check of an `ExerciseChecker`: fetch ``request`` from a page at ``origin``, expect ``expect``.

    ``expect`` is ``"readable"`` (the page's script reads the answer; with ``status``, that status), ``"blocked"``
    (it reads nothing), or a function of the `FetchResult` returning a bool, a ``(bool, what happened)`` pair or a
    `Verdict`. ``hint`` is shown while the check fails.

        >>> Check("The frontend reads /api/public.", "http://localhost:8001", dict(url=api.url + "/api/public"),
        ...       "readable", hint="allow_origins=['http://localhost:8001']")             # doctest: +SKIP
        >>> Check("Caches are told the answer varies.", "http://localhost:8001", dict(url=api.url + "/api/public"),
        ...       lambda r: "origin" in r.exchanges[-1].response_headers.get("vary", "").lower())  # doctest: +SKIP
    """

    description: str
    origin: str
    request: dict  # fetch() keyword arguments: url, method, headers, body, credentials, mode
    expect: Expectation = "readable"  # "readable" | "blocked" | fn(result) -> bool, (bool, "what happened"), Verdict
    hint: str = ""
    status: int | None = None  # with "readable": the status JS must see

    def evaluate(self, result) -> Verdict:
        """This check's verdict on ``result``: passed or not, what happened in one sentence, and the hint."""
        passed, happened = self._judge(result)
        return Verdict(passed, happened, hint=self.hint or None, about=self.description, result=result)

    def _judge(self, result) -> tuple[bool, str]:
        if callable(self.expect):
            outcome = self.expect(result)
            if isinstance(outcome, Verdict):
                return outcome.passed, outcome.message
            if isinstance(outcome, tuple):
                return bool(outcome[0]), outcome[1]
            return bool(outcome), _happened(result)
        if self.expect == "blocked":
            return not result.readable, _happened(result)
        if self.expect == "readable":
            if self.status is not None and result.readable and result.status != self.status:
                return False, f"JS can read it, but the status is {result.status}, not {self.status}."
            return result.readable, _happened(result)
        raise ValueError(f"expect must be 'readable', 'blocked' or a function, not {self.expect!r}")


def _happened(result) -> str:
    if result.blocked:
        console = f". Console: {result.error.strip()}" if result.error else ""
        return f"blocked: {result.reason() or result.exception}{console}"
    if not result.readable:
        return f"{result.type} response: JS reads nothing."
    return f"JS reads status {result.status}."


class ExerciseChecker(WidgetView):
    """States ``goal``; `check()` (or the Check button) runs every `Check` live and shows the `Verdict`.

    Each check runs in a model browser tab at its page origin; the tabs share one cookie jar (one user, several
    tabs). ``setup(tabs)`` runs first, e.g. to log the user in.

        >>> checker = ExerciseChecker("only the frontend reads /api/public", [
        ...     Check("The frontend reads it.", "http://localhost:8001", dict(url=api.url + "/api/public")),
        ...     Check("The attacker cannot.", "http://localhost:8666", dict(url=api.url + "/api/public"), "blocked"),
        ... ])                                                                         # doctest: +SKIP
        >>> checker.check()                                                            # doctest: +SKIP
        PASSED: All 2 checks pass.
          ✔ The frontend reads it.
          ✔ The attacker cannot.
    """

    def __init__(self, goal: str, checks: list[Check], title: str = "Exercise", setup: Callable | None = None):
        self.goal, self.checks, self.title, self.setup = goal, list(checks), title, setup
        self.verdict: Verdict | None = None
        self.button = w.Button(description="Check", button_style="primary", icon="check")
        self.button.on_click(lambda _: self.check())
        self.output = w.HTML()
        self.widget = w.VBox([w.HTML(f"<b>{fmt.escape(title)}</b>: {fmt.escape(goal)}"), self.button, self.output])

    def __repr__(self) -> str:
        if self.verdict is None:
            state = "not checked yet"
        else:
            state = f"{sum(part.passed for part in self.verdict.parts)}/{len(self.checks)} pass"
        return f"ExerciseChecker({self.title!r}: {len(self.checks)} checks, {state})"

    def browsers(self) -> dict:
        """One model browser per page origin, sharing one cookie jar (one user, several tabs)."""
        from cors_lab.browser.fetch import Browser

        tabs: dict = {}
        for check in self.checks:
            if check.origin not in tabs:
                tab = Browser(check.origin)
                if tabs:
                    tab.cookies = next(iter(tabs.values())).cookies
                tabs[check.origin] = tab
        return tabs

    def check(self) -> Verdict:
        """Run every check live; show and return the verdict: what passes, what still fails, and the hints."""
        tabs = self.browsers()
        if self.setup is not None:
            try:
                self.setup(tabs)
            except Exception as exc:
                return self._finish(Verdict(False, f"The exercise could not be set up: {exc}"))
        parts = []
        for check in self.checks:
            try:
                parts.append(check.evaluate(tabs[check.origin].fetch(**check.request)))
            except Exception as exc:  # a broken check or a stopped server: one line, never a traceback
                parts.append(Verdict(False, f"could not run: {exc}", hint=check.hint or None, about=check.description))
        ok = sum(part.passed for part in parts)
        message = f"All {ok} checks pass." if ok == len(parts) else f"{ok} of {len(parts)} checks pass."
        return self._finish(Verdict(ok == len(parts), message, parts=parts))

    def _finish(self, verdict: Verdict) -> Verdict:
        self.verdict = verdict
        self.output.value = fmt.pre(repr(verdict), fmt.GREEN if verdict.passed else fmt.RED)
        return verdict

    def output_text(self) -> str:
        """What the widget shows under the button, as text ('' before the first check)."""
        return repr(self.verdict) if self.verdict is not None else ""


def credentials_exercise(api_server, frontend_origin: str = "http://localhost:8001",
                         attacker_origin: str = "http://localhost:8666") -> ExerciseChecker:
    """Goal: only the frontend reads /api/private with the user's cookie; the attacker's page reads nothing.

    ``api_server`` runs `cors_lab.api_app` (GET /login sets the ``sid`` cookie; /api/private needs it). The learner
    edits ``api_server.policy`` (in code or in a Playground) until every check passes.

        >>> checker = credentials_exercise(api)                                        # doctest: +SKIP
        >>> api.policy = CorsPolicy(allow_origins=["http://localhost:8001"], allow_credentials=True)  # doctest: +SKIP
        >>> checker.check()                                                            # doctest: +SKIP
        PASSED: All 4 checks pass.
          ✔ The frontend reads /api/private with the user's cookie (status 200).
          ...
    """
    base = api_server.url
    private = dict(url=f"{base}/api/private", credentials="include")

    def login(tabs):
        # The user logs in on the frontend: the API sets the sid cookie in the (shared) cookie jar.
        tabs[frontend_origin].fetch(f"{base}/login?user=alice", credentials="include")

    def varies(result):
        answers = [ex for ex in result.exchanges if ex.kind == "actual"]
        vary = answers[-1].response_headers.get("vary", "") if answers else ""
        ok = "origin" in vary.lower()
        return ok, ("the answer says Vary: Origin." if ok else f"the answer's Vary header is {vary or '(absent)'!r}: "
                    "a cache could serve one origin's answer to another.")

    checks = [
        Check("The frontend reads /api/private with the user's cookie (status 200).", frontend_origin, private,
              "readable", status=200,
              hint=f"Allow exactly {frontend_origin} (allow_origins=[...]) and set allow_credentials=True; "
                   "'*' is refused with credentials."),
        Check("The attacker's page cannot read /api/private, even with the user's cookie.", attacker_origin, private,
              "blocked",
              hint="Do not reflect every Origin (reflect_origin=True) or trust a pattern: list the frontend's "
                   "exact origin only."),
        Check("The attacker's page cannot read /api/private without cookies either.", attacker_origin,
              dict(url=f"{base}/api/private", credentials="omit"), "blocked",
              hint=f"Only {frontend_origin} should get Access-Control-Allow-Origin."),
        Check("The frontend's answer says Vary: Origin (caches must not mix origins).", frontend_origin, private,
              varies, hint="Keep vary_origin=True when the allowed origin depends on the request."),
    ]
    return ExerciseChecker(
        goal=f"let only the frontend ({frontend_origin}) read /api/private with cookies; "
             f"the attacker ({attacker_origin}) must read nothing.",
        checks=checks, title="Credentials exercise", setup=login)
