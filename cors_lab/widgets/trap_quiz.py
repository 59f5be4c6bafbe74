"""A framework's classic CORS trap as a prediction: read the configuration, predict, then the real framework runs it.

    >>> from cors_lab.widgets import TrapQuiz
    >>> quiz = TrapQuiz("express-cors-after-auth")      # the configuration and the fetch; nothing started yet
    >>> quiz                                                                           # doctest: +SKIP
    >>> print(quiz.predict("blocked"))   # real Express runs it, fetches, stops   # doctest: +SKIP

A view over `cors_lab.frameworks.traps`: pressing starts the trap's real framework (node + express, uvicorn,
Django's runserver, nginx) on a free loopback port, sends the trap's fetch from the engine, then runs the fixed
configuration the same way, and stops both. So nothing runs between presses and a re-run leaves no process.
"""
from __future__ import annotations

from cors_lab.widgets import format as fmt
from cors_lab.widgets.diagram import sequence_diagram
from cors_lab.widgets.predict import Outcome, Predict

CHOICES = {"reads": ("the page reads it", "blocked"), "attacker": ("the attacker reads it", "blocked")}


class TrapQuiz(Predict):
    """Predict whether the trap's fetch is read (by the page, or by the attacker's page), then see it live."""

    kind = "trap-quiz"

    def __init__(self, name: str, question: str | None = None):
        from cors_lab.frameworks import framework
        from cors_lab.frameworks.traps import ATTACKER, trap, trap_config

        self.trap = trap(name)  # an unknown name: one sentence naming the traps
        self.name, self.result, self.fixed_result = name, None, None
        attacker = self.trap.origin == ATTACKER
        self.choices_kind = "attacker" if attacker else "reads"
        options = dict(url="<server>" + self.trap.path, **self.trap.fetch_options)
        title = framework(self.trap.framework).title
        from cors_lab.errors import CorsLabError

        try:
            self.config = trap_config(name)
        except CorsLabError as exc:  # its framework is not installed here: said, never guessed
            self.config = f"(This trap cannot run here: {exc})"
        context = (f"{title}. The page {self.trap.origin} runs:\n  {fmt.fetch_code(options)}\n\n"
                   f"The server's configuration:\n{self.config}")
        if question is None:
            question = ("Can the attacker's page read the answer?" if attacker
                        else "Can the page's JavaScript read the answer?")
        super().__init__(question, CHOICES[self.choices_kind], self._reveal, context=context, title="Trap",
                         own_browser=False)

    def __repr__(self) -> str:
        return f"TrapQuiz({self.name}: {self.state()})"

    def _run(self, fixed: bool):
        from cors_lab.errors import ServerError
        from cors_lab.frameworks.traps import fetch_trap, start_trap

        try:
            with start_trap(self.name, fixed=fixed) as live:
                return fetch_trap(live), live.config, None
        except ServerError as exc:  # Django refusing to start is the trap itself
            return None, "", str(exc)

    def _reveal(self) -> Outcome:
        result, _, refused = self._run(fixed=False)
        fixed, fixed_config, _ = self._run(fixed=True)
        self.result, self.fixed_result = result, fixed
        read = result is not None and result.readable
        truth = CHOICES[self.choices_kind][0 if read else 1]
        if refused:
            happened = f"The server does not even start: {refused}"
        else:
            happened = f"{fmt.js_text(result)}\nConsole: {fmt.console_text(result)}"
        after = ("read" if fixed is not None and fixed.readable else
                 "blocked" if fixed is not None else "not started")
        why = f"{self.trap.wrong}\nFix: {self.trap.fix}"
        details = (f"{happened}\n\nWith the fix (the same fetch, the fixed configuration): {after}."
                   + (f"\n{fixed_config}" if fixed_config else ""))
        return Outcome(truth, why, html=sequence_diagram(result) if result is not None else "", details=details,
                       result=result, calls=[])
