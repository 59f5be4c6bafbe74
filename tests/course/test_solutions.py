"""Every exercise solution beside the notebooks runs and passes its automatic check; so do the README snippets."""
import re
import runpy
from pathlib import Path

import pytest

from cors_lab import Browser
from cors_lab.course.exercises import check_third_server

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.py"))


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_solution_passes_its_check(solution, capsys):
    runpy.run_path(str(solution), run_name="__main__")  # each solution asserts its verdicts
    out = capsys.readouterr().out
    assert "PASSED: " in out and "NOT YET" not in out


def test_exercise_check_refuses_an_unsolved_exercise():
    verdict = check_third_server(None)
    assert not verdict and verdict.hint


def test_readme_python_snippet_runs_on_a_free_port():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README shows Python"
    code = re.sub(r"port=\d+", "port=None", blocks[0])  # a free port: the test may not assume any port is free
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    api = namespace["api"]
    try:
        assert api.running and len(api.policy.allow_origins) == 1
        page = api.policy.allow_origins[0]
        assert Browser(page).fetch(api.url + "/api/public").readable  # the snippet's policy lets its page read
    finally:
        api.stop()
