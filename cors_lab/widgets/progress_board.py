"""The teacher's progress board (notebook 98): who is stuck where, live, from the class's progress folder.

    board = progress_board()   # the folder in CORS_LAB_PROGRESS_DIR, or a demo of three pretend learners
    board                      # a table (learner x exercise), a bar chart per exercise, Refresh, auto-refresh
    print(board.text())        # the same table as text, and who is stuck
    board.refresh()            # read the folder again

The board only reads: `cors_lab.course.progress` writes (every Check press, every workshop check) and decides
(`progress.summary`, the stuck rule); this module shows. The chart is plain SVG, so it needs nothing installed.
Auto-refresh is an ipywidgets ``Play`` ticking in the browser: each tick asks the kernel to read the folder again,
so it runs while the notebook is open and costs nothing when it is closed.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as w

from cors_lab.course import progress
from cors_lab.widgets import format as fmt
from cors_lab.widgets.base import WidgetView

AMBER = "#b26a00"  # trying: not passed yet, not stuck
STATES = {"passed": ("✔", fmt.GREEN), "trying": ("…", AMBER), "stuck": ("✘", fmt.RED)}


def state_of(row: progress.Standing) -> str:
    """'passed', 'stuck' or 'trying' for one learner on one exercise."""
    return "passed" if row.passed else "stuck" if row.stuck else "trying"


def ago(seconds: float) -> str:
    """How long ago, as a teacher says it: 'just now', '4 min ago', '2 h ago'.

        >>> ago(20), ago(4 * 60 + 10), ago(2 * 3600 + 60)
        ('just now', '4 min ago', '2 h ago')
    """
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h ago"
    return f"{int(seconds // 86400)} days ago"


def exercises_of(rows: list[progress.Standing]) -> list[tuple[str | None, str]]:
    """The (notebook, exercise) pairs tried, in course order."""
    pairs = {(row.notebook, row.exercise) for row in rows}
    return sorted(pairs, key=lambda pair: progress.course_order(*pair))


def column_title(notebook: str | None, exercise: str) -> str:
    """'03 · preflight policy': the lesson's number and the exercise."""
    number = (notebook or "?").split("_")[0]
    return f"{number} · {exercise}"


class ProgressBoard(WidgetView):
    """A class's progress, read from ``folder``: a table (learner x exercise: passed / tries / last try), a bar chart
    per exercise (passed, trying, stuck), Refresh and auto-refresh.

    - ``now``: a function giving the time the stuck rule measures from (default: the clock); the demo fixes it.
    - ``stuck_tries``, ``stuck_minutes``: the stuck rule's numbers (`progress.stuck_rule`).
    - ``refresh_seconds``: how often auto-refresh reads the folder.
    - ``demo``: the board says, everywhere it shows data, that these learners are pretend ones.

        >>> board = ProgressBoard("/srv/cors_lab-progress")                      # doctest: +SKIP
        >>> board                                                                # doctest: +SKIP
        ProgressBoard(/srv/cors_lab-progress: 24 learners, 9 exercises, 3 stuck)
        >>> [(row.learner, row.exercise) for row in board.stuck()]               # doctest: +SKIP
        [('grace', 'preflight policy')]
    """

    kind = "progress-board"

    def __init__(self, folder: str | Path, *, now=None, stuck_tries: int = progress.STUCK_TRIES,
                 stuck_minutes: float = progress.STUCK_MINUTES, refresh_seconds: int = 30, demo: bool = False):
        self.folder, self.demo = Path(folder), demo
        self.now = now or time.time
        self.stuck_tries, self.stuck_minutes, self.refresh_seconds = stuck_tries, stuck_minutes, refresh_seconds
        self.rows: list[progress.Standing] = []
        self.read_at: float | None = None
        self.refresh_button = w.Button(description="Refresh", icon="refresh", tooltip="read the folder again")
        self.refresh_button.on_click(lambda _: self.refresh())
        # auto-refresh ticks in the browser (no kernel thread): each tick's new value makes the kernel re-read
        self.play = w.Play(value=0, min=0, max=10 ** 6, step=1, interval=refresh_seconds * 1000, show_repeat=False,
                           description="auto-refresh", tooltip=f"read the folder every {refresh_seconds} s")
        self.play.observe(lambda _: self.refresh(), names="value")
        self.heading = w.HTML()
        self.table = w.HTML()
        self.chart = w.HTML()
        self.output = self.table
        self.finish(w.VBox([
            self.heading,
            w.HBox([self.refresh_button, w.HTML(f"&nbsp;auto-refresh every {refresh_seconds} s:&nbsp;"), self.play]),
            self.chart, self.table,
        ]), actions=[self.refresh_button], outputs=[self.chart, self.table])
        self.refresh()

    # ---- the model's view of the folder ------------------------------------------------------------------
    def refresh(self) -> ProgressBoard:
        """Read the folder again and redraw (what Refresh and each auto-refresh tick do)."""
        self.read_at = self.now()
        tries = progress.read(self.folder) if self.folder.is_dir() else []
        self.rows = progress.summary(tries, now=self.read_at, stuck_tries=self.stuck_tries,
                                     stuck_minutes=self.stuck_minutes)
        self.heading.value = self.heading_html()
        self.table.value = self.table_html()
        self.chart.value = self.chart_svg()
        return self

    def learners(self) -> list[str]:
        return sorted({row.learner for row in self.rows})

    def exercises(self) -> list[tuple[str | None, str]]:
        return exercises_of(self.rows)

    def stuck(self) -> list[progress.Standing]:
        """Who is stuck where, by learner."""
        return [row for row in self.rows if row.stuck]

    def cell(self, learner: str, notebook: str | None, exercise: str) -> progress.Standing | None:
        for row in self.rows:
            if (row.learner, row.notebook, row.exercise) == (learner, notebook, exercise):
                return row
        return None

    def counts(self) -> dict[tuple[str | None, str], dict[str, int]]:
        """Per exercise: how many learners passed it, are trying, are stuck."""
        found = {pair: {"passed": 0, "trying": 0, "stuck": 0} for pair in self.exercises()}
        for row in self.rows:
            found[(row.notebook, row.exercise)][state_of(row)] += 1
        return found

    def where(self) -> str:
        return "demo" if self.demo else str(self.folder)

    def __repr__(self) -> str:
        if not self.rows:
            return f"ProgressBoard({self.where()}: no tries yet)"
        return (f"ProgressBoard({self.where()}: {len(self.learners())} learners, {len(self.exercises())} exercises, "
                f"{len(self.stuck())} stuck)")

    # ---- text ----------------------------------------------------------------------------------------------
    def text(self) -> str:
        """The table as text (✔ passed, … trying, ✘ stuck, with the number of tries), then who is stuck where."""
        lines = [("DEMO: " if self.demo else "") + self.source_sentence(),
                 progress.stuck_rule(self.stuck_tries, self.stuck_minutes)]
        if not self.rows:
            return "\n".join(lines + ["No tries yet: the table fills as learners press Check."])
        columns = [column_title(*pair) for pair in self.exercises()]
        table = [["learner", *columns]]
        for name in self.learners():
            cells = []
            for notebook, exercise in self.exercises():
                row = self.cell(name, notebook, exercise)
                cells.append("" if row is None else f"{STATES[state_of(row)][0]} {row.tries}")
            table.append([name, *cells])
        widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
        lines.append("")
        lines += ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
                  for line in table]
        lines.append("")
        lines += self.stuck_lines() or ["Nobody is stuck."]
        return "\n".join(lines)

    def stuck_lines(self) -> list[str]:
        """One line per stuck learner and exercise: tries, when, and what the last check said."""
        return [f"Stuck: {row.learner} at {column_title(row.notebook, row.exercise)} ({row.tries} "
                f"{'try' if row.tries == 1 else 'tries'}, last {ago(self.read_at - row.last_try)}): {row.last_message}"
                for row in self.stuck()]

    def source_sentence(self) -> str:
        if self.demo:
            return ("three pretend learners (ada, grace, alan) ran real checks into a temporary folder; "
                    "set CORS_LAB_PROGRESS_DIR to see your class.")
        return f"Progress of the class in {self.folder}."

    # ---- HTML ----------------------------------------------------------------------------------------------
    def heading_html(self) -> str:
        badge = ("<span style='background:#fff3cd;border:1px solid #b26a00;padding:1px 6px;border-radius:3px;"
                 "font-weight:bold'>DEMO</span> " if self.demo else "")
        missing = "" if self.folder.is_dir() else f" The folder {fmt.escape(str(self.folder))} does not exist yet."
        read = datetime.fromtimestamp(self.read_at, timezone.utc).astimezone().strftime("%H:%M:%S")
        return (f"<div>{badge}<b>Progress</b>: {fmt.escape(self.source_sentence())}{missing} "
                f"<span style='color:{fmt.GREY}'>(read at {read})</span></div>"
                f"<div style='color:{fmt.GREY};font-size:12px'>"
                f"{fmt.escape(progress.stuck_rule(self.stuck_tries, self.stuck_minutes))}</div>")

    def table_html(self) -> str:
        """The learner x exercise table; each cell: passed / trying / stuck, tries, last try (the last message on
        hover)."""
        if not self.rows:
            return fmt.message_html("No tries yet: the table fills as learners press Check.", ok=None)
        style = "border:1px solid #ddd;padding:3px 6px;font-size:12px;vertical-align:top"
        head = "".join(f"<th style='{style}'>{fmt.escape(column_title(*pair))}</th>" for pair in self.exercises())
        body = []
        for name in self.learners():
            cells = []
            for notebook, exercise in self.exercises():
                row = self.cell(name, notebook, exercise)
                if row is None:
                    cells.append(f"<td style='{style}'></td>")
                    continue
                mark, color = STATES[state_of(row)]
                tip = fmt.escape(row.last_message + (f" (hint: {row.last_hint})" if row.last_hint else ""))
                tries = f"{row.tries} {'try' if row.tries == 1 else 'tries'}"
                cells.append(f"<td style='{style};color:{color}' title='{tip}'><b>{mark} {state_of(row)}</b><br>"
                             f"{tries} · {ago(self.read_at - row.last_try)}</td>")
            body.append(f"<tr><th style='{style};text-align:left'>{fmt.escape(name)}</th>{''.join(cells)}</tr>")
        return (f"<table style='border-collapse:collapse;margin-top:6px'><tr><th style='{style}'>learner</th>{head}"
                f"</tr>{''.join(body)}</table>")

    def chart_svg(self) -> str:
        """A horizontal stacked bar per exercise: learners who passed, are trying, are stuck."""
        counts = self.counts()
        if not counts:
            return ""
        label_width, bar_width, row_height = 230, 360, 22
        most = max(sum(kinds.values()) for kinds in counts.values())
        height = 24 + row_height * len(counts)
        parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{label_width + bar_width + 20}' height='{height}' "
                 f"role='img' aria-label='learners per exercise: passed, trying, stuck' "
                 f"style='font-family:sans-serif;font-size:12px'>"]
        x = label_width
        for kind, (_mark, color) in STATES.items():  # the legend
            parts.append(f"<rect x='{x}' y='4' width='10' height='10' fill='{color}'/>"
                         f"<text x='{x + 14}' y='13'>{kind}</text>")
            x += 80
        for index, (pair, kinds) in enumerate(counts.items()):
            y = 22 + index * row_height
            parts.append(f"<text x='{label_width - 6}' y='{y + 14}' text-anchor='end'>"
                         f"{fmt.escape(column_title(*pair))}</text>")
            x = label_width
            for kind, (_mark, color) in STATES.items():
                if not kinds[kind]:
                    continue
                width = bar_width * kinds[kind] / most
                parts.append(f"<rect class='bar-{kind}' x='{x:.1f}' y='{y}' width='{width:.1f}' "
                             f"height='{row_height - 4}' fill='{color}'><title>{kinds[kind]} {kind}</title></rect>"
                             f"<text x='{x + width / 2:.1f}' y='{y + 13}' text-anchor='middle' fill='white'>"
                             f"{kinds[kind]}</text>")
                x += width
        parts.append("</svg>")
        return "".join(parts)


# ---- the demo: three pretend learners, real checks -------------------------------------------------------------
DEMO_START = datetime(2025, 1, 6, 10, 0, tzinfo=timezone.utc).timestamp()
DEMO_NOW = 20  # minutes after the start: when the demo board is read


def demo_class(folder: str | Path | None = None) -> tuple[Path, float]:
    """Run real checks as three pretend learners into ``folder`` (default: a new temporary folder, removed when the
    kernel ends), on a pretend clock from 10:00; returns (the folder, the pretend "now", 10:20).

    Every try goes the way a learner's does: an `ExerciseChecker`'s Check for the lessons, the `WorkshopBoard`'s
    checker for the workshop, so the lines are what a class writes. ada passes everything; grace passes two lessons,
    then fails the preflight four times (stuck: tries) and has just started the workshop (trying); alan passes the
    quiz and has been silent for twelve minutes since a failed check (stuck: silence)."""
    from cors_lab import CorsPolicy
    from cors_lab.course import FRONTEND
    from cors_lab.course.exercises import (
        SAME_ORIGIN_QUIZ,
        check_error_status_policy,
        check_preflight_policy,
        check_same_origin_answers,
        same_origin_answer,
    )
    from cors_lab.widgets.checker import ExerciseChecker
    from cors_lab.widgets.workshop_board import WorkshopBoard

    if folder is None:
        folder = tempfile.mkdtemp(prefix="cors_lab-progress-demo-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    folder = Path(folder)
    right_quiz = {url: same_origin_answer(url) for url in SAME_ORIGIN_QUIZ}
    all_true = {url: True for url in SAME_ORIGIN_QUIZ}
    preflight = dict(allow_origins=[FRONTEND], allow_methods=["PUT"], allow_headers=["Content-Type", "X-Api-Key"])
    origins = {"a": False, "b": True, "c": False, "d": False, "e": True}
    lessons = {"quiz": check_same_origin_answers, "errors": check_error_status_policy,
               "preflight": check_preflight_policy}
    script = [  # (minute, learner, what, answer): "quiz", "errors", "preflight" or a challenge's number
        (1, "ada", "quiz", all_true), (2, "ada", "quiz", right_quiz),
        (2, "grace", "quiz", right_quiz), (3, "alan", "quiz", all_true),
        (4, "ada", "errors", CorsPolicy(allow_origins=[FRONTEND])), (5, "alan", "quiz", right_quiz),
        (5, "grace", "errors", CorsPolicy()), (6, "grace", "errors", CorsPolicy(allow_origins=[FRONTEND])),
        (7, "ada", "preflight", CorsPolicy(**preflight, max_age=600)),
        (8, "alan", "errors", CorsPolicy(reflect_origin=True)),
        (9, "grace", "preflight", CorsPolicy(allow_origins=[FRONTEND])),
        (11, "grace", "preflight", CorsPolicy(allow_origins=[FRONTEND], allow_methods=["PUT"])),
        (12, "ada", 1, origins),
        (13, "grace", "preflight", CorsPolicy(**preflight)),
        (13, "ada", 2, CorsPolicy(allow_origins="*")), (14, "ada", 2, CorsPolicy(allow_origins=[FRONTEND])),
        (18, "grace", "preflight", CorsPolicy(**preflight, max_age=60)),
        (19, "grace", 1, dict(origins, c=True)),
    ]
    minute = [0]
    boards: dict[str, WorkshopBoard] = {}
    for at, name, what, answer in script:
        minute[0] = at
        with progress.recording(folder, as_learner=name, clock=lambda: DEMO_START + minute[0] * 60):
            if isinstance(what, int):  # a workshop challenge, through the learner's board
                boards.setdefault(name, WorkshopBoard()).check(what, answer)
            else:
                check = lessons[what]
                ExerciseChecker("demo", check=check, answer="answer", namespace={"answer": answer}).check()
    return folder, DEMO_START + DEMO_NOW * 60


def progress_board(**options) -> ProgressBoard:
    """The board of this class (the folder in ``CORS_LAB_PROGRESS_DIR``), or, when none is set, the board of a demo
    class (`demo_class`), labelled DEMO.

        >>> progress_board()                                                     # doctest: +SKIP
        ProgressBoard(demo: 3 learners, 5 exercises, 2 stuck)
    """
    place = progress.folder()
    if place is not None:
        return ProgressBoard(place, **options)
    demo_folder, now = demo_class()
    return ProgressBoard(demo_folder, now=lambda: now, demo=True, **options)
