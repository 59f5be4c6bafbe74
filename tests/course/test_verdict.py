"""The one verdict type: truthy when passed, a short stable repr (the feedback a cell shows), parts for checks made
of several parts, and the environment check speaks it too."""
import pytest

from cors_lab.course import Verdict, check_environment


@pytest.mark.parametrize("verdict, text", [
    (Verdict(True, "The frontend reads /api/public."), "PASSED: The frontend reads /api/public."),
    (Verdict(False, "The PUT is blocked.", hint="allow_methods=['PUT']"),
     "NOT YET: The PUT is blocked.\n  hint: allow_methods=['PUT']"),
    (Verdict(True, "Done.", hint="never shown once passed"), "PASSED: Done."),
    (Verdict(False, "2 of 3 checks pass.", parts=[
        Verdict(True, "JS reads status 200.", about="The frontend reads it."),
        Verdict(False, "JS reads status 200.", hint="list only the frontend", about="The attacker cannot."),
        Verdict(True, "blocked", about="The attacker cannot use cookies."),
    ]), "NOT YET: 2 of 3 checks pass.\n"
        "  ✘ The attacker cannot.\n      what happened: JS reads status 200.\n      hint: list only the frontend\n"
        "  ✔ The frontend reads it.\n  ✔ The attacker cannot use cookies."),
])
def test_a_verdict_shows_passed_or_not_yet_the_hint_while_failing_and_what_fails_first(verdict, text):
    assert repr(verdict) == str(verdict) == text
    assert bool(verdict) is verdict.passed


def test_a_verdict_is_not_a_tuple_to_unpack_and_keeps_its_parts_in_order():
    verdict = Verdict(False, "1 of 2", parts=[Verdict(False, "x", about="first"), Verdict(True, "y", about="second")])
    with pytest.raises(TypeError):
        passed, message = verdict
    assert [part.about for part in verdict.parts] == ["first", "second"]
    assert [part.about for part in verdict.failing()] == ["first"]


def test_a_verdict_shows_in_colour_in_a_notebook_and_escapes_what_it_quotes():
    html = Verdict(False, "Origin <script> refused", hint="x")._repr_html_()
    assert "&lt;script&gt;" in html and "#b00020" in html
    assert "#1b5e20" in Verdict(True, "ok")._repr_html_()


def test_the_environment_check_is_a_verdict_with_one_part_per_need_and_passes_without_chromium(monkeypatch):
    monkeypatch.setenv("CORS_LAB_CHROMIUM", "/no/such/chromium")
    verdict = check_environment()
    assert verdict.passed, verdict  # the lessons run; only the real-browser cells skip
    assert "without Chromium" in verdict.message
    chromium = verdict.failing()
    assert [part.about for part in chromium] == ["Chromium"] and "apt-get install chromium" in chromium[0].hint
    assert any(part.about.startswith("Python: v3.") for part in verdict.parts)  # a passing part names its version
