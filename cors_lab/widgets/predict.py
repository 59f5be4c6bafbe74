"""Predict first, then see: the one prediction widget every lesson uses (`WillItCors` is one of them).

    p = Predict(f"Is {API} the same origin as {FRONTEND}?", ["same", "different"],
                reveal=lambda: Outcome("different", "The ports differ."))
    p                        # the question and one button per choice; nothing of the answer is shown
    p.predict("different")   # same as pressing the button: records the prediction, then shows right or not, and why

The prediction is captured before anything of the answer is computed or shown. ``reveal`` runs only then (live:
it may send requests, so the answer is what the servers do *now*), and returns an `Outcome`: the right choice, why
in a sentence or two, and optionally a picture (HTML) and details. A refusal inside ``reveal`` (a stopped server,
a bad field) is shown as one sentence and the prediction is not graded.

`PredictionSet` stacks several predictions under one title and keeps the score.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import ipywidgets as w

from cors_lab.errors import InputError
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView, current_server


@dataclass
class Outcome:
    """What a prediction is graded against: the right ``truth`` (one of the choices), ``why``, extras to show.

    ``why`` explains the answer whoever predicted what; ``wrong`` (optional) maps a wrong choice to the sentence
    that corrects exactly that misconception; ``html`` is a picture (a sequence diagram, a table) shown below;
    ``details`` is text shown below ``why`` (the console sentence, the log line).
    """

    truth: str
    why: str
    html: str = ""
    details: str = ""
    wrong: dict | None = None
    result: object = None  # the FetchResult the answer came from, when there is one
    calls: list | None = None  # the calls to replay in the learner's browser (a login, then the request), when
    # ``result`` alone is not the whole story; by default ``result``'s own call is offered; [] offers nothing
    around: Callable | None = None  # a context manager the calls run in, e.g. the server's temporary policy


class Predict(WidgetView):
    """One question, one button per choice; pressing one records the prediction, then reveals and grades it.

    - ``question``: what the learner predicts, as a question.
    - ``choices``: the answers offered (buttons, in this order).
    - ``reveal``: a function of no arguments returning the `Outcome` (called after the prediction is captured).
    - ``context``: text shown above the buttons (the request, the two URLs ...); never the answer.
    - ``title``: the bold word before the question.
    - ``servers``: the lab servers ``reveal`` talks to; when one was stopped (Run All ends with ``stop_all()``),
      the widget says which cell to re-run instead of grading.
    - ``own_browser``: after the reveal, offer "Send from my browser" for the request the answer came from
      (`Outcome.calls`, else `Outcome.result`'s call), when a lab server serves its page origin; False: never.

        >>> p = Predict("Same origin?", ["same", "different"], lambda: Outcome("different", "Ports differ."))
        >>> print(p.predict("same"))
        Not quite: you said same, it is different.
        Why: Ports differ.
        >>> p
        Predict('Same origin?': answered 'same' (wrong))
    """

    kind = "prediction"

    def __init__(self, question: str, choices: Sequence[str], reveal: Callable[[], Outcome], context: str = "",
                 title: str = "Predict", servers=(), own_browser: bool = True):
        choices = [str(choice) for choice in choices]
        if len(choices) < 2:
            raise InputError("A prediction needs at least two choices.")
        self.question, self.choices, self.reveal, self.title = question, choices, reveal, title
        self.servers = list(servers)  # lab servers ``reveal`` talks to: stopped, the widget says which cell to re-run
        self.prediction: str | None = None  # the latest answer the learner gave
        self.first_prediction: str | None = None  # the first one: what they thought before seeing anything
        self.correct: bool | None = None
        self.outcome: Outcome | None = None
        self.feedback = ""
        self.refusal: str | None = None
        self.offer_own_browser = own_browser
        self.own_browser = None  # the OwnBrowserPanel, once a reveal came from a request the learner's browser can send
        self._own_calls: list = []
        self.buttons = []
        for choice in choices:
            button = w.Button(description=choice, button_style="info", tooltip=f"predict: {choice}",
                              layout=w.Layout(width="auto"))
            button.on_click(lambda _, c=choice: self.predict(c))
            self.buttons.append(button)
        self.output = w.HTML()
        self.context = w.HTML(fmt.pre(context) if context else "")
        head = w.HTML(f"<b>{fmt.escape(title)}</b> {fmt.escape(question)}")
        self.finish(w.VBox([head, self.context, w.HBox([w.HTML("Your prediction: "), *self.buttons],
                                                       layout=w.Layout(flex_flow="row wrap")), self.output]),
                    actions=self.buttons, outputs=[self.output])

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.question!r}: {self.state()})"

    def state(self) -> str:
        """'not answered yet' or "answered 'X' (right|wrong)"."""
        if self.prediction is None:
            return "not answered yet"
        return f"answered {self.prediction!r} ({'right' if self.correct else 'wrong'})"

    def predict(self, choice: str) -> str:
        """Record ``choice``, reveal the answer, and return (and show) the feedback: right or not, and why."""
        return self.action(self._predict)(choice) or self.refusal or ""

    def _predict(self, choice: str) -> str:
        choice = str(choice).strip()
        match = next((c for c in self.choices if c.lower() == choice.lower()), None)
        if match is None:
            raise InputError(f"Answer with one of: {', '.join(self.choices)} (not {choice!r}).")
        self.servers = [current_server(server) for server in self.servers]  # stopped: one sentence, nothing graded
        outcome = self.reveal()
        if outcome.truth not in self.choices:
            raise InputError(f"The answer {outcome.truth!r} is not one of the choices {self.choices}.")
        self.first_prediction = self.first_prediction or match
        self.prediction, self.outcome, self.correct = match, outcome, match == outcome.truth
        lines = [f"Right: {outcome.truth}." if self.correct
                 else f"Not quite: you said {match}, it is {outcome.truth}."]
        if not self.correct and outcome.wrong and match in outcome.wrong:
            lines.append(outcome.wrong[match])
        lines.append(f"Why: {outcome.why}")
        if outcome.details:
            lines.append(outcome.details)
        self.feedback = "\n".join(lines)
        for button in self.buttons:
            button.button_style = ("success" if button.description == outcome.truth
                                   else "danger" if button.description == match else "")
        self.output.value = fmt.pre(self.feedback, fmt.GREEN if self.correct else fmt.RED) + outcome.html
        self._offer_own_browser(outcome)
        return self.feedback

    def _offer_own_browser(self, outcome: Outcome) -> None:
        """After the reveal (never before: the request would give the answer away), "Send from my browser" for the
        request the answer came from, when a lab server serves its page (the frame is served there)."""
        from cors_lab.browser.result import FetchResult
        from cors_lab.widgets.own_browser import OwnBrowserPanel, OwnCall, serves_page

        if not self.offer_own_browser:
            return
        calls = outcome.calls
        if calls is None and isinstance(outcome.result, FetchResult) and outcome.result.request.get("origin"):
            calls = [OwnCall.from_result(outcome.result)]
        if not calls or not all(serves_page(call.origin) for call in calls):
            return
        self._own_calls = list(calls)
        if self.own_browser is None:
            self.own_browser = OwnBrowserPanel(lambda: self._own_calls, nested=True)
            self.widget.children = (*self.widget.children, self.own_browser.widget)
        self.own_browser.around = outcome.around

    def output_text(self) -> str:
        """What the widget shows under the buttons, as text ('' before the first prediction)."""
        return self.refusal or self.feedback


class PredictionSet(WidgetView):
    """Several `Predict` widgets under one title, with the score so far ("2 of 3 right").

        >>> story = PredictionSet("The two-tab story", [p1, p2, p3])      # doctest: +SKIP
        >>> story.score()                                                  # doctest: +SKIP
        (2, 3)
    """

    kind = "predictions"

    def __init__(self, title: str, predictions: Sequence[Predict], intro: str = ""):
        self.title, self.predictions = title, list(predictions)
        self.score_line = w.HTML()
        for prediction in self.predictions:
            for button in prediction.buttons:
                button.on_click(lambda _: self._update())
        parts = [w.HTML(f"<b>{fmt.escape(title)}</b>" + (f"<br>{fmt.escape(intro)}" if intro else ""))]
        parts += [p.widget for p in self.predictions] + [self.score_line]
        self.finish(w.VBox(parts), outputs=[self.score_line])
        self._update()

    def score(self) -> tuple[int, int]:
        """(right, asked) over the predictions answered so far."""
        answered = [p for p in self.predictions if p.prediction is not None]
        return sum(bool(p.correct) for p in answered), len(answered)

    def _update(self) -> None:
        right, answered = self.score()
        total = len(self.predictions)
        self.score_line.value = fmt.escape(f"{right} of {answered} right ({total - answered} still to predict)."
                                           if answered else f"{total} predictions: answer each before reading on.")

    def __repr__(self) -> str:
        right, answered = self.score()
        return f"PredictionSet({self.title!r}: {len(self.predictions)} predictions, {right}/{answered} right)"
