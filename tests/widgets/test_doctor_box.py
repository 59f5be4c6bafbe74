"""The doctor as a paste box (notebook 02): the doctor decides, the box shows its diagnosis part by part."""
from __future__ import annotations

import pytest

from cors_lab import diagnose
from cors_lab.browser.failures import FAILURES
from cors_lab.course.teaching import API, FRONTEND
from cors_lab.widgets import DoctorBox
from cors_lab.widgets.doctor_box import example_sentences


def test_the_prefilled_sentence_is_a_real_chromium_sentence_and_the_first_press_diagnoses_it():
    box = DoctorBox()
    assert box.text.value == FAILURES["allow_origin_mismatch"].sentence(
        url=f"{API}/api/public", origin=FRONTEND, hint=f"{FRONTEND}/")
    assert repr(box) == "DoctorBox(not diagnosed yet)"
    box.button.click()
    assert repr(box) == "DoctorBox(diagnosed: allow_origin_mismatch)"
    text = box.output_text()
    for part in (f"The URL the script asked for: {API}/api/public",
                 f"The page's origin (its Origin header): {FRONTEND}",
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


# ---- one failure in every browser's words, and what scripts catch --------------------------------------------------
THREE_FORMS = ("no Access-Control-Allow-Origin", "the same, XMLHttpRequest in Chromium", "the same, in Firefox")


def test_one_failure_in_its_three_forms_is_the_same_failure_with_the_same_fix():
    examples = example_sentences()
    assert len({examples[label] for label in THREE_FORMS}) == 3  # three different texts
    boxes = [DoctorBox(origin=FRONTEND) for _ in THREE_FORMS]
    for box, label in zip(boxes, THREE_FORMS, strict=True):
        box.diagnose(examples[label])
    assert {box.diagnosis.kind for box in boxes} == {"missing_allow_origin"}
    assert len({box.diagnosis.alternatives[0][1] for box in boxes}) == 1  # the fix Chromium's fetch() sentence gets
    written = [line for box in boxes for line in box.output_text().splitlines() if line.startswith("Written by")]
    assert written == ["Written by: Chromium, fetch()", "Written by: Chromium, XMLHttpRequest",
                       "Written by: Firefox (reason code CORSMissingAllowOrigin)"]


def test_the_examples_are_the_tables_texts_and_axios_recorded_error():
    from cors_lab.doctor import AXIOS_NETWORK_ERROR

    examples = example_sentences()
    assert examples["the same, XMLHttpRequest in Chromium"] == FAILURES["missing_allow_origin"].text(
        "chromium", "xhr", url=f"{API}/api/public", origin=FRONTEND)
    assert examples["what JavaScript sees in Firefox"] == FAILURES["failed_to_fetch"].firefox
    assert examples["what axios rejects with"] == AXIOS_NETWORK_ERROR


def test_the_axios_error_shows_axios_facts_and_firefoxs_error_where_firefox_shows_the_reason():
    text = DoctorBox().diagnose(example_sentences()["what axios rejects with"])
    assert "Written by: axios" in text and text.count("Note: ") == 3 and "withCredentials" in text
    text = DoctorBox().diagnose(example_sentences()["what JavaScript sees in Firefox"])
    assert "Written by: Firefox, fetch()" in text and "Cross-Origin Request Blocked" in text


def test_a_shared_firefox_sentence_says_what_else_it_may_be():
    from cors_lab.browser.failures import FAILURES as ROWS

    box = DoctorBox()
    text = box.diagnose(ROWS["network_error"].text("firefox", url="http://localhost:2/x", status="(null)"))
    assert "The same sentence may also be: " in text and ROWS["too_many_redirects"].short in text
    assert "The status code Firefox saw: (null)" in text
