"""The one answer to "did the learner pass?": every exercise check, the workshop and the `ExerciseChecker` widget
return a `Verdict`.

A notebook shows the last expression of a cell, so the verdict's repr *is* the feedback: one line that says passed
or not yet, and, while it fails, the hint on the next line. A check made of several parts (the widget's checks, the
environment's rows) lists them below, what still fails first.

    >>> Verdict(False, "The frontend cannot read /api/public yet.", hint="allow_origins=[FRONTEND]")
    NOT YET: The frontend cannot read /api/public yet.
      hint: allow_origins=[FRONTEND]
    >>> verdict = Verdict(True, "The frontend reads /api/public.")
    >>> bool(verdict), verdict
    (True, PASSED: The frontend reads /api/public.)

A verdict is truthy when passed, so ``assert verdict, verdict`` reads as it should (and a helper that returns
"a failing verdict or None" is tested with ``is not None``). It does not unpack as a ``(passed, message)`` pair, on
purpose: a notebook shows the verdict itself, or reads ``.passed`` and ``.message``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

PASSED, NOT_YET = "PASSED: ", "NOT YET: "
_GREEN, _RED = "#1b5e20", "#b00020"  # the widgets' colours; not imported, so checks never load ipywidgets


@dataclass(frozen=True)
class Verdict:
    """Passed or not, one sentence saying what happened, and a hint while it fails.

    - ``passed``: the whole check passed (also ``bool(verdict)``).
    - ``message``: what the check saw, in one sentence for the learner.
    - ``hint``: the smallest nudge towards the answer, shown only while the check fails.
    - ``about``: what a part checks (the `Check` description, the environment row's name); None for a whole check.
    - ``parts``: the verdicts of a check made of several parts, in the order they ran.
    - ``result``: the `FetchResult` a part is about, when there is one (``verdict.parts[0].result.explain()``).
    """

    passed: bool
    message: str
    hint: str | None = None
    about: str | None = None
    parts: tuple[Verdict, ...] = ()
    result: Any = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "passed", bool(self.passed))
        object.__setattr__(self, "parts", tuple(self.parts))

    def __bool__(self) -> bool:
        return self.passed

    def failing(self) -> list[Verdict]:
        """The parts that still fail."""
        return [part for part in self.parts if not part.passed]

    def __repr__(self) -> str:
        return self.text()

    def text(self, hints: bool = True) -> str:
        """The verdict as the learner reads it; ``hints=False`` leaves hints out (a checker shows them one by one)."""
        lines = [(PASSED if self.passed else NOT_YET) + self.message]
        if hints and self.hint and not self.passed:
            lines.append(f"  hint: {self.hint}")
        # what still fails first: that is what the learner works on next
        for part in sorted(self.parts, key=lambda part: part.passed):
            lines += _part_lines(part, hints)
        return "\n".join(lines)

    def hints(self) -> list[str]:
        """Every hint of what still fails, this verdict's own first, without repeats."""
        found = [self.hint] if self.hint and not self.passed else []
        for part in self.failing():
            found += part.hints()
        return list(dict.fromkeys(found))

    def _repr_html_(self) -> str:
        color = _GREEN if self.passed else _RED
        return f"<pre style='white-space:pre-wrap;color:{color}'>{escape(repr(self))}</pre>"


def _part_lines(part: Verdict, hints: bool = True) -> list[str]:
    about = part.about or part.message
    if part.passed:  # a passing part says only what it checked: the learner's attention goes to what fails
        return [f"  ✔ {about}"]
    lines = [f"  ✘ {about}"]
    if part.about and part.message:
        lines.append(f"      what happened: {part.message}")
    if hints and part.hint:
        lines.append(f"      hint: {part.hint}")
    return lines
