"""Exercise checker: a goal, live checks (including from an attacker's page), what still fails, and a hint.

    checker = credentials_exercise(api, "http://localhost:8001", "http://localhost:8666")
    checker              # the goal and a Check button
    checker.check()      # runs every check live; -> CheckReport (bool(report), report.text; unpacks as passed, text)

A `Check` is data: a description, the page origin, the fetch() arguments, what is expected
("readable", "blocked", or a function of the FetchResult), and a hint shown while it fails.
All pages share one cookie jar, as tabs of one user's browser do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Union

import ipywidgets as w

from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView

Expectation = Union[str, Callable]


@dataclass
class Check:
    description: str
    origin: str
    request: dict  # fetch() keyword arguments: url, method, headers, body, credentials, mode
    expect: Expectation = "readable"  # "readable" | "blocked" | fn(result) -> bool or (bool, "what happened")
    hint: str = ""
    status: int | None = None  # with "readable": the status JS must see

    def evaluate(self, result) -> tuple[bool, str]:
        """(passed, what happened in one sentence)."""
        happened = _happened(result)
        if callable(self.expect):
            verdict = self.expect(result)
            if isinstance(verdict, tuple):
                return bool(verdict[0]), verdict[1]
            return bool(verdict), happened
        readable = not result.blocked and result.type not in ("opaque", "opaqueredirect")
        if self.expect == "blocked":
            return not readable, happened
        if self.expect == "readable":
            if self.status is not None and readable and result.status != self.status:
                return False, f"JS can read it, but the status is {result.status}, not {self.status}."
            return readable, happened
        raise ValueError(f"expect must be 'readable', 'blocked' or a function, not {self.expect!r}")


def _happened(result) -> str:
    if result.blocked:
        return f"blocked: {result.reason() or result.exception}" + (f". Console: {result.error.strip()}" if result.error else "")
    if result.type in ("opaque", "opaqueredirect"):
        return f"{result.type} response: JS reads nothing."
    return f"JS reads status {result.status}."


@dataclass
class CheckReport:
    """The outcome of `ExerciseChecker.check()`: truthy when every check passed; unpacks as (passed, text)."""

    passed: bool
    text: str
    results: list = field(default_factory=list)  # [(Check, passed, FetchResult)]

    def __bool__(self) -> bool:
        return self.passed

    def __iter__(self):
        return iter((self.passed, self.text))

    def __repr__(self) -> str:
        return self.text


class ExerciseChecker(WidgetView):
    """States ``goal``; `check()` (or the Check button) runs every check live and reports."""

    def __init__(self, goal: str, checks: list[Check], title: str = "Exercise", setup: Callable | None = None):
        self.goal, self.checks, self.title, self.setup = goal, list(checks), title, setup
        self.report: CheckReport | None = None
        self.button = w.Button(description="Check", button_style="primary", icon="check")
        self.button.on_click(lambda _: self.check())
        self.output = w.HTML()
        self.widget = w.VBox([w.HTML(f"<b>{fmt.escape(title)}</b>: {fmt.escape(goal)}"), self.button, self.output])

    def __repr__(self) -> str:
        if self.report is None:
            state = "not checked yet"
        else:
            ok = sum(1 for _, passed, _ in self.report.results if passed)
            state = f"{ok}/{len(self.checks)} pass"
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

    def check(self) -> CheckReport:
        """Run every check live; show and return what passes, what still fails, and the hints."""
        tabs = self.browsers()
        if self.setup is not None:
            try:
                self.setup(tabs)
            except Exception as exc:
                return self._finish(CheckReport(False, f"The exercise could not be set up: {exc}"))
        results, lines = [], []
        for check in self.checks:
            try:
                result = tabs[check.origin].fetch(**check.request)
                passed, happened = check.evaluate(result)
            except Exception as exc:  # a broken check or a stopped server: one line, never a traceback
                result, passed, happened = None, False, f"could not run: {exc}"
            results.append((check, passed, result))
            if passed:
                lines.append(f"✔ {check.description}")
            else:
                lines.append(f"✘ {check.description}\n    what happened: {happened}"
                             + (f"\n    hint: {check.hint}" if check.hint else ""))
        ok = sum(1 for _, passed, _ in results if passed)
        if ok == len(results):
            head = f"All {ok} checks pass. Well done!"
        else:
            head = f"{ok} of {len(results)} checks pass. Still failing:"
            lines = [line for line in lines if line.startswith("✘")] + [l for l in lines if l.startswith("✔")]
        return self._finish(CheckReport(ok == len(results), "\n".join([head, *lines]), results))

    def _finish(self, report: CheckReport) -> CheckReport:
        self.report = report
        self.output.value = fmt.pre(report.text, fmt.GREEN if report.passed else fmt.RED)
        return report

    def output_text(self) -> str:
        return self.report.text if self.report else ""


def credentials_exercise(api_server, frontend_origin: str = "http://localhost:8001",
                         attacker_origin: str = "http://localhost:8666") -> ExerciseChecker:
    """Goal: only the frontend reads /api/private with the user's cookie; the attacker's page reads nothing.

    ``api_server`` runs `cors_lab.server.apps.api_app` (GET /login sets the ``sid`` cookie; /api/private needs it).
    The learner edits ``api_server.policy`` (in code or in a Playground) until every check passes.
    """
    base = api_server.url
    private = dict(url=f"{base}/api/private", credentials="include")

    def login(tabs):
        # The user logs in on the frontend: the API sets the sid cookie in the (shared) cookie jar.
        tabs[frontend_origin].fetch(f"{base}/login?user=alice", credentials="include")

    def varies(result):
        vary = next((ex.response_headers.get("vary", "") for ex in reversed(result.exchanges) if ex.kind == "actual"), "")
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
