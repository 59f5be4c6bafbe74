"""Exercise checker: a goal, live checks (including from an attacker's page), what still fails, and a hint.

    checker = credentials_exercise(api, FRONTEND, ATTACKER)
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

from cors_lab.course import progress
from cors_lab.course.teaching import ATTACKER, FRONTEND
from cors_lab.course.verdict import Verdict
from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server, rebase

Expectation = Union[str, Callable]


@dataclass
class Check:
    """One live check of an `ExerciseChecker`: fetch ``request`` from a page at ``origin``, expect ``expect``.

    ``expect`` is ``"readable"`` (the page's script reads the answer; with ``status``, that status), ``"blocked"``
    (it reads nothing), or a function of the `FetchResult` returning a bool, a ``(bool, what happened)`` pair or a
    `Verdict`. ``hint`` is shown while the check fails.

        >>> Check("The frontend reads /api/public.", FRONTEND, dict(url=api.url + "/api/public"),
        ...       "readable", hint="allow_origins=[FRONTEND]")                              # doctest: +SKIP
        >>> Check("Caches are told the answer varies.", FRONTEND, dict(url=api.url + "/api/public"),
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
    """States ``goal``; the Check button (or `check()`) checks the learner's work live and shows the `Verdict`.

    What is checked, one of:

    - ``checks``: a list of `Check` (live fetches). Each runs in a model browser tab at its page origin; the tabs
      share one cookie jar (one user, several tabs). ``setup(tabs)`` runs first, e.g. to log the user in.
    - ``check``: a function returning a `Verdict` (the course's ``check_...`` functions). With ``answer="name"``
      it is called with the value of that variable in the notebook, read when Check is pressed: the learner edits
      the exercise cell, runs it, presses Check.

    The output says what passes and, in one sentence each, what still fails; it never shows a hint by itself.
    The Hint button reveals one hint at a time: those of what fails now, then ``hints``, then where the
    ``solution`` file is. ``servers`` are the lab servers the checks talk to: when one was stopped, Check says
    which cell to re-run; when that cell was re-run, the checks go to the new server.

    Every press of Check is one line in the teacher's progress folder when one is set (`cors_lab.course.progress`):
    ``exercise`` is its name there (default: the check function's name), the key of `progress.EXERCISES`.

        >>> checker = ExerciseChecker("only the frontend reads /api/public", [
        ...     Check("The frontend reads it.", FRONTEND, dict(url=api.url + "/api/public")),
        ...     Check("The attacker cannot.", ATTACKER, dict(url=api.url + "/api/public"), "blocked"),
        ... ], servers=[api])                                                          # doctest: +SKIP
        >>> checker.check()                                                            # doctest: +SKIP
        PASSED: All 2 checks pass.
          ✔ The frontend reads it.
          ✔ The attacker cannot.
        >>> ExerciseChecker("allow the preflight", check=check_preflight_policy, answer="my_policy",
        ...                 solution="solutions/03_preflight.py")                     # doctest: +SKIP
    """

    kind = "checker"

    def __init__(self, goal: str, checks: list[Check] | None = None, title: str = "Exercise",
                 setup: Callable | None = None, *, check: Callable | None = None, answer: str | None = None,
                 hints=(), solution: str | None = None, servers=(), namespace: dict | None = None,
                 own_setup=None, exercise: str | None = None):
        if (checks is None) == (check is None):
            raise ValueError("ExerciseChecker takes either checks=[Check(...), ...] or check=function, not both")
        self.goal, self.checks, self.title, self.setup = goal, list(checks or []), title, setup
        self.check_function, self.answer, self.namespace = check, answer, namespace
        self.exercise = exercise or getattr(check, "__name__", None) or title
        self.extra_hints, self.solution, self.servers = list(hints), solution, list(servers)
        self.verdict: Verdict | None = None
        self.refusal: str | None = None
        self.revealed = 0
        self.button = w.Button(description="Check", button_style="primary", icon="check")
        self.button.on_click(lambda _: self.check())
        self.hint_button = w.Button(description="Hint", icon="lightbulb-o", tooltip="one hint at a time")
        self.hint_button.on_click(lambda _: self.hint())
        self.output = w.HTML()
        self.hint_output = w.HTML()
        ask = f" Edit <code>{fmt.escape(answer)}</code> above, run that cell, then press Check." if answer else ""
        # "Check in my browser": every check's request, made by the learner's own browser (from frames on the
        # checks' page origins) and graded from what it did. Checks prepared by code (``setup``) need the same
        # preparation as requests (``own_setup``: OwnCalls, e.g. a login) or are offered only in the engine.
        self.own_setup = own_setup
        self.own_browser = None
        self.own_verdict: Verdict | None = None
        parts = [w.HTML(f"<b>{fmt.escape(title)}</b>: {fmt.escape(goal)}{ask}"),
                 w.HBox([self.button, self.hint_button]), self.output, self.hint_output]
        if self.checks and (setup is None or own_setup is not None):
            from cors_lab.widgets.own_browser import OwnBrowserPanel

            self.own_browser = OwnBrowserPanel(self._own_calls, title="Check in my browser",
                                               on_result=self._grade_own, nested=True)
            parts.append(self.own_browser.widget)
        self.finish(w.VBox(parts), actions=[self.button, self.hint_button], outputs=[self.output])

    def _own_calls(self) -> list:
        from cors_lab.widgets.own_browser import OwnCall

        self._bind()
        return [*(self.own_setup or []), *(OwnCall(check.origin, dict(check.request)) for check in self.checks)]

    def _grade_own(self, panel) -> None:
        """Grade every check from what the learner's browser did (the panel's results, after the set-up's)."""
        results = panel.own_results[len(self.own_setup or []):]
        if len(results) != len(self.checks) or panel.engine_result is None:
            return
        parts = [check.evaluate(result) for check, result in zip(self.checks, results, strict=True)]
        ok = sum(part.passed for part in parts)
        where = "your browser" if panel.state == "answered" else "headless Chromium"
        message = (f"In {where}: all {ok} checks pass." if ok == len(parts)
                   else f"In {where}: {ok} of {len(parts)} checks pass.")
        self.own_verdict = Verdict(ok == len(parts), message, parts=parts)
        text = self.own_verdict.text(hints=False)
        panel.output.value = fmt.pre(text, fmt.GREEN if self.own_verdict else fmt.RED) + panel.output.value
        panel._text = text + "\n\n" + panel._text

    def __repr__(self) -> str:
        if self.verdict is None:
            state = "not checked yet"
        elif self.checks:
            state = f"{sum(part.passed for part in self.verdict.parts)}/{len(self.checks)} pass"
        else:
            state = "passed" if self.verdict.passed else "not yet"
        counted = f"{len(self.checks)} checks, " if self.checks else ""
        return f"ExerciseChecker({self.title!r}: {counted}{state})"

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

    def _bind(self) -> None:
        """Check against the servers running now (a re-run set-up cell replaced them), or say which cell to re-run."""
        for index, server in enumerate(self.servers):
            current = current_server(server)
            if current is not server:
                for check in self.checks:
                    if "url" in check.request:
                        check.request = dict(check.request, url=rebase(check.request["url"], server, current))
                self.servers[index] = current

    def check(self) -> Verdict | None:
        """Check live; show and return the verdict: what passes and what still fails (hints: press Hint).

        Returns None (and shows one sentence) when the check cannot run: a stopped server, an undefined answer.
        """
        with progress.attempt() as this:
            verdict = self.action(self._check)()
        if not this.recorded:  # a check that records itself (workshop.check) is one line, not two
            progress.record(self.exercise, verdict, message=self.refusal or "")
        return verdict

    def _check(self) -> Verdict:
        self._bind()
        if self.check_function is not None:
            verdict = self.check_function(self._answer_value()) if self.answer else self.check_function()
            return self._finish(verdict)
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

    def _answer_value(self):
        namespace = self.namespace
        if namespace is None:
            import sys

            ipython = sys.modules.get("IPython")
            shell = ipython.get_ipython() if ipython is not None else None
            namespace = getattr(shell, "user_ns", None) or {}
        if self.answer not in namespace:
            raise InputError(f"There is no {self.answer} yet: run the exercise cell that defines it, "
                             "then press Check.")
        return namespace[self.answer]

    def _finish(self, verdict: Verdict) -> Verdict:
        if not isinstance(verdict, Verdict):
            raise TypeError(f"an exercise check must return a Verdict, not {type(verdict).__name__}")
        self.verdict = verdict
        self.revealed = 0
        self.hint_output.value = ""
        self.output.value = fmt.pre(verdict.text(hints=False), fmt.GREEN if verdict.passed else fmt.RED)
        return verdict

    def hint_list(self) -> list[str]:
        """Every hint the Hint button can reveal now, in order: what fails now, the extra hints, the solution."""
        found = self.verdict.hints() if self.verdict is not None else []
        found += self.extra_hints
        if self.solution:
            found.append(f"The full solution is in {self.solution} (in the course folder, next to notebooks/).")
        return list(dict.fromkeys(found))

    def hint(self) -> str:
        """Reveal the next hint (one more per press) and return the hints shown so far."""
        if self.verdict is not None and self.verdict.passed:
            text = "It passes: no hint needed."
        else:
            pool = self.hint_list()
            if not pool:
                text = "No hint for this one: read what still fails above."
            else:
                self.revealed = min(self.revealed + 1, len(pool))
                shown = pool[:self.revealed]
                more = "" if self.revealed == len(pool) else f"  ({len(pool) - self.revealed} more: press Hint again)"
                text = "\n".join(f"hint {n}: {h}" for n, h in enumerate(shown, 1)) + more
        html = fmt.pre(text)
        source = self.solution_text() if self.solution and self.revealed == len(self.hint_list()) else None
        if source is not None:  # the last hint: the solution itself, folded, for a self-paced learner who is stuck
            html += (f"<details><summary>Show the solution ({fmt.escape(self.solution)})</summary>"
                     f"{fmt.pre(source)}</details>")
        self.hint_output.value = html
        return text

    def solution_text(self) -> str | None:
        """The solution file's text (``solution`` is relative to the course folder), or None where it is absent.

        The course runs from its checkout (``pip install -e .``), so the file sits next to the package; installed
        elsewhere the hint still names it."""
        from pathlib import Path

        path = Path(__file__).resolve().parents[2] / self.solution
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def output_text(self) -> str:
        """What the widget shows under the button, as text ('' before the first check)."""
        if self.refusal:
            return self.refusal
        return self.verdict.text(hints=False) if self.verdict is not None else ""


def credentials_exercise(api_server, frontend_origin: str = FRONTEND,
                         attacker_origin: str = ATTACKER) -> ExerciseChecker:
    """Goal: only the frontend reads /api/private with the user's cookie; the attacker's page reads nothing.

    ``api_server`` runs `cors_lab.api_app` (GET /login sets the ``sid`` cookie; /api/private needs it). The learner
    edits ``api_server.policy`` (in code or in a Playground) until every check passes.

        >>> checker = credentials_exercise(api)                                        # doctest: +SKIP
        >>> api.policy = CorsPolicy(allow_origins=[FRONTEND], allow_credentials=True)  # doctest: +SKIP
        >>> checker.check()                                                            # doctest: +SKIP
        PASSED: All 4 checks pass.
          ✔ The frontend reads /api/private with the user's cookie (status 200).
          ...
    """
    base = api_server.url
    private = dict(url=f"{base}/api/private", credentials="include")

    def login(tabs):
        # The user logs in on the frontend: the API sets the sid cookie in the (shared) cookie jar. The API is the
        # checker's server now (a re-run set-up cell may have replaced the one this exercise was made with).
        tabs[frontend_origin].fetch(f"{checker.servers[0].url}/login?user=alice", credentials="include")

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
    checker = ExerciseChecker(
        goal=f"let only the frontend ({frontend_origin}) read /api/private with cookies; "
             f"the attacker ({attacker_origin}) must read nothing.",
        checks=checks, title="Credentials exercise", setup=login, servers=[api_server], exercise="credentials_exercise",
        hints=["Credentials need two things from the server: its exact origin in Access-Control-Allow-Origin and "
               "Access-Control-Allow-Credentials: true."])
    return checker
