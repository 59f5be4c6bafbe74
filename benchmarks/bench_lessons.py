"""Each lesson, measured for a teacher's plan: the seconds it takes to run top to bottom in a fresh kernel (nbclient,
as nbval runs it), and what a learner reads and does in it (words of prose, code cells, questions to predict,
exercises), with the minutes those counts suggest. Nothing is asserted.

    .venv/bin/python benchmarks/bench_lessons.py [--no-run] [notebook ...]

The learner's minutes are an estimate from the counts, not a stopwatch: reading at 150 words a minute, 0.5 minute
per code cell (run it, look at the output), 1 minute per prediction, 6 minutes per exercise (edit, check, retry).
Run it where the teaching ports are free (e.g. `unshare -n` as root), or fallbacks change nothing but the ports.
"""
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
READING_WPM, PER_CODE_CELL, PER_PREDICTION, PER_EXERCISE = 150, 0.5, 1.0, 6.0
PREDICTIONS = re.compile(r"\b(Predict|PredictionSet|PolicyQuiz|ConsoleQuiz|WillItCors|TrapQuiz|ProxyRoute|"
                         r"PreflightPredictor|BrowserOrPython|CredentialsQuiz)\(")
EXERCISES = re.compile(r"\bExerciseChecker\(|\w+_exercise\(|board\.checker\(")  # lessons' exercises, workshop's


def counts(path: Path) -> dict:
    cells = json.loads(path.read_text())["cells"]
    markdown = " ".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    code = [("".join(c["source"])) for c in cells if c["cell_type"] == "code"]
    source = "\n".join(code)
    predictions = sum(len(PREDICTIONS.findall(cell)) for cell in code)
    exercises = sum(len(EXERCISES.findall(cell)) for cell in code)
    words = len(re.findall(r"[A-Za-z']+", re.sub(r"`[^`]*`", "x", markdown)))
    minutes = words / READING_WPM + len(code) * PER_CODE_CELL + predictions * PER_PREDICTION + \
        exercises * PER_EXERCISE
    return {"words": words, "code_cells": len(code), "predictions": predictions, "exercises": exercises,
            "learner_minutes": round(minutes), "uses_real_browser": "real" in source or "firefox" in source}


def run_seconds(path: Path) -> float:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    started = time.monotonic()
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
                   ).execute()
    return time.monotonic() - started


def main(argv: list[str]) -> int:
    run = "--no-run" not in argv
    names = [a for a in argv if not a.startswith("--")]
    paths = [NOTEBOOKS / n for n in names] if names else [p for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
                                                             if not p.stem.startswith("98_")]  # 98: the teacher's
    print(f"{'lesson':34} {'run s':>6} {'words':>6} {'code':>5} {'predict':>7} {'exerc.':>6} {'~min':>5}")
    total = 0
    for path in paths:
        c = counts(path)
        seconds = f"{run_seconds(path):6.1f}" if run else "     -"
        total += c["learner_minutes"]
        print(f"{path.stem:34} {seconds} {c['words']:6} {c['code_cells']:5} {c['predictions']:7} "
              f"{c['exercises']:6} {c['learner_minutes']:5}")
    print(f"{'all':34} {'':6} {'':6} {'':5} {'':7} {'':6} {total:5}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
