"""The workshop board (notebook 99): a timer that ticks in the browser, progress ("3 of 8 solved"), and one
`ExerciseChecker` per challenge of `cors_lab.course.workshop`.

    board = WorkshopBoard()          # the timer (Start/Pause) and the progress line
    board.checker(2)                 # challenge 2's checker: reads the learner's ``answer_2`` when Check is pressed
    board.check(2, my_policy)        # or check in code; the progress line follows
    board.solved()                   # [2]

The timer is an ipywidgets ``Play`` jslinked to the seconds field: it runs in the front end, so it keeps ticking
while the kernel checks an answer (and without any kernel round trip).
"""
from __future__ import annotations

import functools

import ipywidgets as w

from cors_lab.course import workshop
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView
from cors_lab.widgets.checker import ExerciseChecker

SOLUTION = "solutions/99_workshop.py"


class WorkshopBoard(WidgetView):
    """A timer, the progress line, and a checker per challenge (``answer_<n>`` is challenge n's variable).

        >>> board = WorkshopBoard()                                              # doctest: +SKIP
        >>> board                                                                # doctest: +SKIP
        WorkshopBoard(0 of 8 solved)
        >>> board.check(1, {"a": False, "b": True, "c": False, "d": False, "e": True})   # doctest: +SKIP
        PASSED: All five right: scheme, host and port must all match.
        >>> board.progress()                                                     # doctest: +SKIP
        '1 of 8 solved'
    """

    kind = "workshop-board"

    def __init__(self, minutes: int | None = None, namespace: dict | None = None):
        self.challenges = list(workshop.CHALLENGES)
        self.minutes = minutes or sum(c.minutes for c in self.challenges)
        self.checkers: dict[int, ExerciseChecker] = {}
        for challenge in self.challenges:
            checker = ExerciseChecker(
                challenge.task, check=functools.partial(workshop.check, challenge.number),
                answer=f"answer_{challenge.number}", hints=challenge.hints, solution=SOLUTION,
                title=f"Challenge {challenge.number} ({challenge.minutes} min): {challenge.title}",
                namespace=namespace)
            checker.button.on_click(lambda _: self._update())  # after the checker's own handler: it has a verdict
            self.checkers[challenge.number] = checker
        # the timer runs in the front end: Play counts seconds, jslinked to the field (no kernel needed)
        self.play = w.Play(value=0, min=0, max=self.minutes * 60, step=1, interval=1000, description="Start/Pause",
                           show_repeat=False)
        self.seconds = w.IntText(value=0, description="seconds:", disabled=True, layout=w.Layout(width="160px"))
        self.link = w.jslink((self.play, "value"), (self.seconds, "value"))
        self.progress_line = w.HTML()
        self.start_button = w.Button(description="Start", icon="play", tooltip="start the workshop timer")
        self.start_button.on_click(lambda _: self.start())
        self.pause_button = w.Button(description="Pause", icon="pause", tooltip="pause the workshop timer")
        self.pause_button.on_click(lambda _: self.pause())
        self.finish(w.VBox([
            w.HTML(f"<b>Workshop</b>: {len(self.challenges)} challenges, about {self.minutes} minutes."),
            w.HBox([self.start_button, self.pause_button, self.play, self.seconds,
                    w.HTML(f"&nbsp;of {self.minutes * 60} s")]),
            self.progress_line,
        ]), actions=[self.start_button, self.pause_button], outputs=[self.progress_line])
        self._update()

    def __repr__(self) -> str:
        return f"WorkshopBoard({self.progress()})"

    def checker(self, number: int) -> ExerciseChecker:
        """Challenge ``number``'s checker (display it under the challenge's answer cell)."""
        if number not in self.checkers:
            raise KeyError(f"There is no challenge {number}; they are numbered 1 to {len(self.challenges)}.")
        return self.checkers[number]

    def check(self, number: int, answer=None):
        """Check challenge ``number`` (with ``answer``, or the notebook's ``answer_<n>``) and update the progress."""
        checker = self.checker(number)
        namespace = checker.namespace
        if answer is not None:
            checker.namespace = {checker.answer: answer}
        try:
            verdict = checker.check()
        finally:
            checker.namespace = namespace
        self._update()
        return verdict

    def solved(self) -> list[int]:
        """The numbers of the challenges whose last check passed."""
        return [n for n, c in self.checkers.items() if c.verdict is not None and c.verdict.passed]

    def progress(self) -> str:
        return f"{len(self.solved())} of {len(self.challenges)} solved"

    def _update(self) -> None:
        solved = self.solved()
        marks = " ".join(f"{n}{'✔' if n in solved else '·'}" for n in self.checkers)
        self.progress_line.value = fmt.message_html(f"{self.progress()}   {marks}", ok=True if solved else None)

    def start(self) -> str:
        """Start (or resume) the timer: it ticks in the browser."""
        self.play.playing = True
        return "timer running"

    def pause(self) -> str:
        """Pause the timer."""
        self.play.playing = False
        return "timer paused"
