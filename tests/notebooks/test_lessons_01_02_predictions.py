"""Lessons 01 and 02 ask before they show: the experiments that used to print their answers (requests versus the
browser, the simple POST, the fixing steps, the hidden 404) are predictions the learner operates, and every quiz on
02's one shared API brings its own policy, so it keeps asking about its step after Run All."""
import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "notebooks" / "src"


def cells(stem: str) -> list[str]:
    """The notebook's cells, in order (markdown and code), from its jupytext source."""
    return [c.strip() for c in re.split(r"^# %%.*$", (SRC / f"{stem}.py").read_text(), flags=re.M) if c.strip()]


def code_between(stem: str, first: str, last: str) -> str:
    text = (SRC / f"{stem}.py").read_text()
    return text[text.index(first):text.index(last)]


def test_lesson_01_asks_who_reads_the_answer_before_it_asks_real_chromium():
    text = (SRC / "01_same_origin_policy.py").read_text()
    assert "BrowserOrPython(api" in text
    assert text.index("BrowserOrPython(api") < text.index("ChromiumBrowser(origin=")
    assert "from_python = requests.get" not in text  # the printed comparison is gone


def test_lesson_01s_chromium_cell_is_checked_like_every_lessons_and_says_why_when_chromium_is_missing():
    # make test installs Chromium, so the stored agreement is checked (ports sanitized) as in lessons 03-05
    chromium = next(c for c in cells("01_same_origin_policy") if "chromium_available()" in c)
    assert "NBVAL_IGNORE_OUTPUT" not in chromium and "unavailable_reason()" in chromium


def test_lesson_02_prints_nothing_from_the_simple_post_to_the_hidden_404():
    section = code_between("02_reading_a_cors_error", "## 3. Simple requests", "## 6. The error doctor")
    assert "print(" not in section and "log_text()" not in section
    assert section.count("ConsoleQuiz(api") == 5 and "ArrivalQuiz(api" in section and "WillItCors(api" in section


def test_every_quiz_on_lesson_02s_shared_api_brings_its_own_policy():
    section = code_between("02_reading_a_cors_error", "## 3. Simple requests", "## 6. The error doctor")
    calls = [node for node in ast.walk(ast.parse(section)) if isinstance(node, ast.Call)
             and getattr(node.func, "id", "") in ("ConsoleQuiz", "WillItCors", "ArrivalQuiz")]
    assert len(calls) == 7
    for call in calls:
        names = {k.arg for k in call.keywords}
        assert "policy" in names or any(getattr(k.value, "id", "") == "post_text" for k in call.keywords
                                        if k.arg is None), ast.unparse(call)
    assert "policy=no_cors" in section
    # no code sets the API's policy for everyone: a later quiz would then be asked about another step's policy
    assert not [line for line in section.splitlines() if line.startswith("api.policy")]


def test_prose_right_below_a_prediction_starts_by_saying_it_comes_after_the_answer():
    for stem in ("01_same_origin_policy", "02_reading_a_cors_error"):
        parts = cells(stem)
        for quiz, after in zip(parts, parts[1:], strict=False):
            if re.search(r"^(ConsoleQuiz|BrowserOrPython|PredictionSet)\(", quiz, flags=re.M) and \
                    after.startswith("# ") and "Once you have answered" not in after:
                raise AssertionError(f"{stem}: the prose after {quiz.splitlines()[-1]!r} gives the answer away")
