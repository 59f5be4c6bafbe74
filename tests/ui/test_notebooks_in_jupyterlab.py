"""Every notebook, run in real JupyterLab the way a learner runs it, shows no error and no broken widget.

For each notebook (one test id each), in its own tab:

1. Edit → Clear Outputs of All Cells (so all the page shows comes from this run), then Run All, in two steps so
   the widgets can be tried while the lab servers still run: Run → "Run All Above Selected Cell" with the last cell
   that calls ``stop_all()`` selected, then, after step 3, "Run Selected Cell and All Below". No cell may fail (no
   error output, no traceback on stderr, no cors_lab one-line error) and every code cell runs.
2. Every widget output is rendered (no "Loading widget...", "Error displaying widget", "model not found").
3. One interaction per widget kind: the first action of the first widget of each kind (a kind found in the DOM:
   ``cors-lab-<kind>`` next to ``cors-lab-widget``) shows a real result; for the kinds in `REAL_RESULT` it is the
   result that kind must give (a graded prediction, a verdict, what JavaScript can read).
4. After the whole run, when ``stop_all()`` has stopped every lab server: every action of every widget, clicked
   again, answers in the widget within seconds, with no traceback and no "Something went wrong": either a real
   result or one sentence saying which cell to re-run.

A failure lists every problem of the notebook, one line each: the notebook, the cell, the widget kind, the text.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from ui_harness import Cell, Click, NotebookTab, Widget, last_stop_all_cell

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RUN_TIMEOUT = 240  # seconds for a whole notebook (lesson 08 runs real Chromium many times)
CLICK_TIMEOUT = 10  # "within a few seconds": the first "Ask real Chromium" of a kernel starts a browser

#: what the first action of a widget of these kinds shows when it worked (other kinds: any clean, non-empty text)
REAL_RESULT = {
    "prediction": r"^(Right|Not quite): ",
    "quiz": r"^(Right|Not quite): ",
    "predictions": r"\d+ of \d+ right",
    "playground": r"What JavaScript can read",
    "checker": r"^(PASSED|NOT YET): ",
}
BROKEN = ("Traceback", "Something went wrong")


def short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def is_rerun_message(text: str) -> bool:
    """One sentence (one line) that says which cell to re-run."""
    return "re-run" in text.lower() and "\n" not in text.strip() and len(text) <= 400


def cell_of(cells: list[Cell], code: str) -> str:
    """The label of the cell whose source is ``code`` (the editor's text differs from it only in whitespace)."""
    squeeze = lambda text: "".join(text.split())
    for cell in cells:
        if cell.code and squeeze(cell.source) == squeeze(code):
            return cell.label
    first = next((line for line in code.splitlines() if line.strip()), "")
    return f"the cell `{first[:70]}`"


def run_problems(tab: NotebookTab, upto: int | None, seen_failures: int = 0) -> list[str]:
    """What went wrong in the cells run so far (cells before ``upto``, or all): failed cells, tracebacks, unrun cells,
    unrendered widgets."""
    cells = tab.cells()
    ran = cells if upto is None else cells[:upto]
    failed = [(cell_of(cells, code), error) for code, error in tab.traffic.failed_cells()[seen_failures:]]
    problems = [f"{label} failed: {error}" for label, error in failed]
    for cell in ran:
        for out in cell.outputs:
            if out["mime"] == "application/vnd.jupyter.stderr" and "Traceback" in out["text"] \
                    and cell.label not in dict(failed):
                last = next((line for line in reversed(out["text"].splitlines()) if line.strip()), "")
                problems.append(f"{cell.label} shows a traceback: {short(last)}")
        if any(out["ipywidget"] and not out["contract"] for out in cell.outputs):
            problems.append(f"{cell.label} shows an ipywidget without the cors-lab-widget class")
    unrun = [cell for cell in ran if cell.code and not cell.ran]
    if unrun:
        problems.append(f"{len(unrun)} code cell(s) did not run, the first: {unrun[0].label}")
    problems += [f"{cell.label}: widget not rendered: {short(text)}" for cell, text in tab.wait_for_widgets()]
    return problems


def judge(click: Click, widget: Widget, first_action: bool, allow_rerun: bool) -> str | None:
    """None when the click worked, else what was wrong (one line, without the notebook and cell)."""
    label = f"{click.label!r}"
    if click.disabled:
        return f"{label}: the button is disabled"
    if click.errors:
        return f"{label}: the click raised {short(click.errors[0])}"
    if not click.handled:
        return f"{label}: the kernel did not handle the click within {CLICK_TIMEOUT} s"
    shown = click.text or click.widget_text
    broken = next((word for word in BROKEN if word in (click.text + "\n" + click.widget_text)), None)
    if broken:
        return f"{label}: shows {broken!r}: {short(shown)}"
    if not shown:
        return f"{label}: nothing appeared in the widget"
    if first_action and not click.text:
        return f"{label} (its first action): nothing in its cors-lab-output; the widget shows: {short(shown)}"
    if is_rerun_message(click.text):
        return None if allow_rerun else f"{label}: asks to re-run while its servers run: {short(click.text)}"
    if "re-run" in click.text.lower():
        return f"{label}: a re-run message that is not one sentence: {short(click.text)}"
    expected = REAL_RESULT.get(widget.kind) if first_action else None
    if expected and not re.search(expected, click.text, re.MULTILINE):
        return f"{label}: not the {widget.kind} result (/{expected}/): {short(shown)}"
    return None


def names_a_missing_cell(click: Click, cells: list[Cell]) -> str | None:
    """A re-run message that names a cell ("re-run cell [3]") must name one the notebook shows."""
    named = re.findall(r"cell \[(\d+)\]", click.text) if is_rerun_message(click.text) else []
    counts = {cell.prompt.strip().rstrip(":") for cell in cells if cell.code}
    missing = [n for n in named if f"[{n}]" not in counts]
    if not missing:
        return None
    return f"{click.label!r}: says re-run cell [{missing[0]}], but no cell shows [{missing[0]}]: {short(click.text)}"


def log(step: str, widget: Widget, click: Click) -> None:
    """One line per click (pytest shows them with a failure, or with -s)."""
    text = click.text
    if is_rerun_message(text):  # the part that matters: which server, which cell
        text = re.sub(r" is stopped \(.*?\): ", " stopped: ", text)
    print(f"{step:5} {widget.kind:12} {click.label!r:24} {click.seconds * 1000:6.0f} ms  {short(text, 100)!r}")


def press_first(tab: NotebookTab, widget: Widget, widgets: list[Widget]) -> tuple[Widget, Click] | None:
    """Press the first action of ``widget``, or of its first part when it has none of its own (a set of
    predictions, a wrapper around one): (the widget whose button was pressed, the click)."""
    part = widget if widget.actions else next((w for w in widgets if w.parent == widget.index and w.actions), None)
    return None if part is None else (part, tab.click(part, 0, timeout=CLICK_TIMEOUT))


def rerun_named_cell(tab: NotebookTab, text: str) -> bool:
    """Do what a re-run message says: run the cell it names ("re-run cell [7]"). False when it names none."""
    named = re.findall(r"\[(\d+)\]", text.lower().split("re-run", 1)[-1])
    cells = tab.cells()
    index = next((cell.index for cell in cells if named and cell.prompt.strip().rstrip(":") == f"[{named[0]}]"), None)
    if index is None:
        return False
    tab.run_cell(index, RUN_TIMEOUT)
    return True


def try_each_kind(tab: NotebookTab) -> list[str]:
    """Step 3: per widget kind, the first action of the first widget of that kind must give a real result. A widget
    whose server a later cell stopped may rightly ask to re-run a cell: the cell it names is re-run (as the learner
    is told to) and the button pressed again; one that names no cell makes the next widget of that kind be tried."""
    widgets, problems = tab.widgets(), []
    for kind in dict.fromkeys(widget.kind for widget in widgets):
        problem = None
        for widget in (w for w in widgets if w.kind == kind):
            pressed = press_first(tab, widget, widgets)
            if pressed is None:
                continue
            part, click = pressed
            log("try", widget, click)
            if is_rerun_message(click.text) and rerun_named_cell(tab, click.text):
                widgets = tab.widgets()  # the re-run cell drew its widgets again (same places in the page)
                widget, part = widgets[widget.index], widgets[part.index]
                click = tab.click(part, 0, timeout=CLICK_TIMEOUT)
                log("rerun", widget, click)
            problem = judge(click, part, first_action=True, allow_rerun=False)
            if problem is None and part is not widget and widget.outputs:  # a set: its own line must follow
                own, _ = tab.texts(widget)
                expected = REAL_RESULT.get(widget.kind, r"\S")
                if not re.search(expected, own, re.MULTILINE):
                    problem = f"{click.label!r} of its first part: its own output is not /{expected}/: {short(own)}"
            problem = problem and f"{widget.describe(tab.cells())}, {problem}"
            if problem is None or "asks to re-run" not in problem:
                break
        if problem:
            problems.append(problem)
    return problems


def click_everything(tab: NotebookTab, allow_rerun: bool) -> list[str]:
    """Step 4: every action of every widget, once; each must answer cleanly."""
    widgets, cells, problems = tab.widgets(), tab.cells(), []
    for widget in widgets:
        for number in range(len(widget.actions)):
            click = tab.click(widget, number, timeout=CLICK_TIMEOUT)
            log("again", widget, click)
            if click.disabled:  # a widget may lock a button once it has done its work: not broken
                continue
            problem = judge(click, widget, first_action=number == 0, allow_rerun=allow_rerun)
            problem = problem or names_a_missing_cell(click, cells)
            if problem:
                problems.append(f"{widget.describe(cells)}, {problem}")
    return problems


def problems_of(tab: NotebookTab, path: Path) -> list[str]:
    """Steps 1-4 on the notebook open in ``tab`` (``path``: its file): every problem found, one line each."""
    split = last_stop_all_cell(path)
    tab.clear_outputs()
    if split is None:
        tab.menu("Run", "Run All Cells")
    else:
        tab.select(split)
        tab.menu("Run", "Run All Above Selected Cell")
    tab.wait_until_idle(RUN_TIMEOUT)
    problems = run_problems(tab, split)
    problems += try_each_kind(tab)
    if split is not None:
        seen = len(tab.traffic.failed_cells())
        tab.run_cell(split, RUN_TIMEOUT, and_below=True)
        problems += run_problems(tab, None, seen_failures=seen)
    problems += click_everything(tab, allow_rerun=split is not None)
    problems += [f"{cell.label}: widget not rendered: {short(text)}" for cell, text in tab.wait_for_widgets(timeout=2)]
    return list(dict.fromkeys(problems))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_run_all(path, open_notebook):
    problems = problems_of(open_notebook(path.name), path)
    if problems:
        pytest.fail(f"{path.stem}: {len(problems)} problem(s)\n" + "\n".join(f"{path.stem}: {p}" for p in problems),
                    pytrace=False)


BROKEN_NOTEBOOK = [
    # a widget of the contract whose actions: answer, raise, and answer with the wrapper's "Something went wrong"
    """import ipywidgets as w

out = w.HTML()
def answer(_):
    out.value = "PASSED: it works."
def explode(_):
    raise KeyError("boom")
def wrapped(_):
    out.value = "Something went wrong: KeyError: 'boom'"
buttons = [w.Button(description=name) for name in ("ok", "explode", "wrapped")]
for button, handler in zip(buttons, (answer, explode, wrapped)):
    button.on_click(handler)
    button.add_class("cors-lab-action")
out.add_class("cors-lab-output")
box = w.VBox([*buttons, out])
box.add_class("cors-lab-widget")
box.add_class("cors-lab-selftest")
box""",
    "w.Button(description='a widget without the contract')",
    """from IPython.display import display
display({"application/vnd.jupyter.widget-view+json": {"model_id": "no-such-model", "version_major": 2,
                                                      "version_minor": 0}}, raw=True)""",
    "from cors_lab.errors import InputError\n\nraise InputError('a bad field')",
    "print('never runs')",
    "from cors_lab import stop_all\n\nstop_all()",
]


def test_the_checks_catch_a_broken_notebook(open_notebook, notebook_copy):
    """The checks themselves: a notebook with one of each fault gets exactly one line per fault."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in BROKEN_NOTEBOOK]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = notebook_copy / "zz_broken.ipynb"
    nbformat.write(notebook, path)
    problems = problems_of(open_notebook(path.name), path)
    expected = ["cell [4] `from cors_lab.errors import InputError` failed: InputError: a bad field",
                "cell [2] `w.Button(description='a widget without the contract')` shows an ipywidget without",
                "cell [3] `from IPython.display import display`: widget not rendered: Error displaying widget",
                "1 code cell(s) did not run, the first: cell [ ] `print('never runs')`",
                "selftest widget in cell [1] `import ipywidgets as w`, 'explode': the click raised KeyError: 'boom'",
                "selftest widget in cell [1] `import ipywidgets as w`, 'wrapped': shows 'Something went wrong'"]
    missing = [line for line in expected if not any(problem.startswith(line) for problem in problems)]
    assert not missing and len(problems) == len(expected), "\n".join(["found:", *problems, "missing:", *missing])
