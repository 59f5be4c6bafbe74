"""The doctor as a paste box (notebook 02): the doctor decides, the box shows its diagnosis part by part."""
from __future__ import annotations

import pytest

from cors_lab import diagnose
from cors_lab.browser.failures import FAILURES
from cors_lab.widgets import DoctorBox
from cors_lab.widgets.doctor_box import example_sentences


def test_the_prefilled_sentence_is_a_real_chromium_sentence_and_the_first_press_diagnoses_it():
    box = DoctorBox()
    assert box.text.value == FAILURES["allow_origin_mismatch"].sentence(
        url="http://localhost:8002/api/public", origin="http://localhost:8001", hint="http://localhost:8001/")
    assert repr(box) == "DoctorBox(not diagnosed yet)"
    box.button.click()
    assert repr(box) == "DoctorBox(diagnosed: allow_origin_mismatch)"
    text = box.output_text()
    for part in ("The URL the script asked for: http://localhost:8002/api/public",
                 "The page's origin (its Origin header): http://localhost:8001",
                 "Which check failed: Access-Control-Allow-Origin does not match the Origin",
                 "The header to look at: Access-Control-Allow-Origin",
                 "The smallest fix: " + diagnose(box.text.value).fix,
                 "MDN's page: https://developer.mozilla.org/"):
        assert part in text


@pytest.mark.parametrize("label, sentence", list(example_sentences().items()))
def test_every_example_is_diagnosed_as_the_doctor_says(label, sentence):
    box = DoctorBox()
    text = box.diagnose(sentence)
    d = diagnose(sentence)
    assert box.diagnosis.kind == d.kind and d.meaning in text and d.fix in text


def test_a_preflight_failure_says_so():
    text = DoctorBox().diagnose(example_sentences()["a header the preflight did not allow"])
    assert "on the answer to the OPTIONS preflight" in text and "Access-Control-Allow-Headers (in the preflight" in text


def test_an_unknown_sentence_gets_the_doctors_own_answer():
    box = DoctorBox()
    text = box.diagnose("Uncaught ReferenceError: data is not defined")
    assert text.splitlines()[0] == f"The doctor: {FAILURES['unknown'].meaning}"
    assert "Which check failed" not in text


def test_an_empty_box_is_one_sentence():
    box = DoctorBox()
    assert box.diagnose("   ").startswith("The box is empty") and box.diagnosis is None


def test_a_pasted_hostile_text_is_escaped():
    box = DoctorBox()
    box.diagnose("Access to fetch at 'http://x/<img/src=x/onerror=alert(1)>' from origin 'http://localhost:8001' "
                 "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
                 "requested resource.")
    assert box.diagnosis.kind == "missing_allow_origin"
    assert "<img" not in box.output.value and "&lt;img" in box.output.value


def test_picking_an_example_fills_the_box():
    box = DoctorBox()
    box.examples.value = example_sentences()["what JavaScript sees"]
    assert box.text.value == "TypeError: Failed to fetch"
    assert "DevTools" in box.diagnose()


def test_the_docstring_examples_run():
    import doctest

    from cors_lab.widgets import doctor_box

    assert doctest.testmod(doctor_box).failed == 0
