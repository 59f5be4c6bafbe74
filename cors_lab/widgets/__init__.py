"""Widgets for the lessons (views only: the engine decides, the servers answer).

- `sequence_diagram(result)` / `SequenceDiagram(result)`: a fetch as lanes and arrows (HTML + inline SVG).
- `Playground(server, origin=..., url=...)`: edit a server's policy, build a request, Send, ask real Chromium.
- `WillItCors(server, url, ..., question=...)`: predict allowed / blocked (or a header's visibility), then run it.
- `Predict(question, choices, reveal)` / `PredictionSet(title, [...])`: capture a prediction, then reveal `Outcome`.
- `ExerciseChecker(goal, checks)` with `Check(...)`; `credentials_exercise(api, frontend, attacker)`: its
  `check()` returns a `cors_lab.course.Verdict`, as every exercise check does.

What a learner types wrongly in a widget is refused in one sentence (`cors_lab.InputError`, re-exported here).
"""
from cors_lab.errors import InputError
from cors_lab.widgets.checker import Check, ExerciseChecker, credentials_exercise
from cors_lab.widgets.diagram import SequenceDiagram, sequence_diagram
from cors_lab.widgets.format import exchanges_text
from cors_lab.widgets.playground import Playground
from cors_lab.widgets.predict import Outcome, Predict, PredictionSet
from cors_lab.widgets.quiz import WillItCors

__all__ = [
    "sequence_diagram",
    "SequenceDiagram",
    "Playground",
    "WillItCors",
    "Predict",
    "PredictionSet",
    "Outcome",
    "ExerciseChecker",
    "Check",
    "credentials_exercise",
    "InputError",
    "exchanges_text",
]
