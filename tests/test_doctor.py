"""The error doctor recognises every console sentence the engine can produce, and says so when it cannot."""
import inspect

import pytest

from cors_lab.browser import messages as msg
from cors_lab.doctor import Diagnosis, diagnose, known_kinds

URL, FIRST, ORIGIN = "http://localhost:8002/api/items/1", "http://localhost:8003/api/redirect?to=x", "http://localhost:8001"


def cors_sentences():
    for kind in msg.CORS_REASONS:
        for preflight in (False, True):
            for initial in (URL, FIRST):
                yield kind, preflight, msg.cors_blocked(URL, initial, ORIGIN, kind, "X-Api-Key", preflight)


@pytest.mark.parametrize("kind, preflight, sentence", list(cors_sentences()))
def test_every_cors_template_is_recognised_with_its_kind_url_and_origin(kind, preflight, sentence):
    d = diagnose(sentence)
    assert d.recognised and d.kind == kind
    assert d.details["url"] == URL and d.details["origin"] == ORIGIN
    only_on_preflights = {"method_not_allowed", "header_not_allowed", "invalid_allow_methods",
                          "invalid_allow_headers", "preflight_status", "preflight_redirect"}
    assert d.preflight == ((preflight and kind in msg.PREFIXED_PREFLIGHT_KINDS) or kind in only_on_preflights)
    assert d.meaning and d.fix


def test_a_redirected_sentence_mentions_where_the_request_started():
    d = diagnose(msg.cors_blocked(URL, FIRST, "null", "missing_allow_origin"))
    assert d.details["initial_url"] == FIRST and FIRST in d.meaning and "null" in d.fix


def test_the_fix_names_the_origin_and_the_header_from_the_sentence():
    d = diagnose(msg.cors_blocked(URL, URL, ORIGIN, "allow_origin_mismatch", "http://localhost:8001/"))
    assert f"Access-Control-Allow-Origin: {ORIGIN}" in d.fix and d.header == "Access-Control-Allow-Origin"
    d = diagnose(msg.cors_blocked(URL, URL, ORIGIN, "header_not_allowed", "x-api-key"))
    assert "x-api-key" in d.fix and d.header == "Access-Control-Allow-Headers" and d.preflight


def _fill(template):
    """Call a message function with plausible values for each parameter."""
    values = {"url": URL, "origin": ORIGIN, "scheme": "file", "page_url": ORIGIN + "/", "member": "credentials",
              "value": "includes", "idl_type": "RequestCredentials", "method": "CONNECT"}
    return template(*(values[p] for p in inspect.signature(template).parameters))


TEMPLATES = {name: value for name, value in vars(msg).items()
             if not name.startswith("_") and name not in ("cors_blocked", "FAILED_TO_FETCH")
             and ((callable(value) and value.__module__ == msg.__name__)
                  or (isinstance(value, str) and value.startswith(("TypeError", "Fetch API"))))}
OTHER_TEMPLATES = list(TEMPLATES.values())


@pytest.mark.parametrize("template", OTHER_TEMPLATES, ids=list(TEMPLATES))
def test_every_other_template_in_messages_is_recognised(template):
    sentence = _fill(template) if callable(template) else template
    d = diagnose(sentence)
    assert d.recognised and d.kind not in ("unknown", "failed_to_fetch"), (sentence, d.kind)


def test_the_test_covers_every_template_the_engine_module_defines():
    functions = {n for n, v in vars(msg).items() if callable(v) and not n.startswith("_") and v.__module__ == msg.__name__}
    assert functions - {t.__name__ for t in OTHER_TEMPLATES if callable(t)} == {"cors_blocked"}


def test_failed_to_fetch_alone_points_to_the_console_sentence():
    d = diagnose("TypeError: Failed to fetch")
    assert d.kind == "failed_to_fetch" and "Console" in d.fix


def test_unknown_text_gets_a_helpful_not_a_cors_sentence_answer():
    d = diagnose("Uncaught ReferenceError: foo is not defined")
    assert not d.recognised and d.kind == "unknown"
    assert "Not a CORS sentence I know" in d.meaning and "Access to fetch at" in d.fix


def test_pasted_text_with_curly_quotes_and_extra_lines_is_still_recognised():
    sentence = msg.cors_blocked(URL, URL, ORIGIN, "missing_allow_origin").replace("'", "\u2019")
    d = diagnose("(index):1 " + sentence + "\nGET " + URL + " net::ERR_FAILED 200 (OK)")
    assert d.kind == "missing_allow_origin"


def test_a_diagnosis_shows_itself_in_text_and_html():
    d = diagnose(msg.cors_blocked(URL, URL, ORIGIN, "wildcard_origin_with_credentials"))
    assert isinstance(d, Diagnosis) and "wildcard_origin_with_credentials" in repr(d)
    assert "Fix:" in str(d) and "<b>Fix:</b>" in d._repr_html_()


def test_diagnose_refuses_a_non_string_with_a_sentence():
    with pytest.raises(TypeError, match="string"):
        diagnose(None)


def test_known_kinds_include_every_cors_reason():
    assert set(msg.CORS_REASONS) <= set(known_kinds())


@pytest.mark.parametrize("kind", list(msg.CORS_REASONS))
def test_every_cors_reason_has_its_own_explanation_not_the_fallback(kind):
    d = diagnose(msg.cors_blocked(URL, URL, ORIGIN, kind, "loopback"))
    assert not d.meaning.startswith("Chromium says:"), f"the doctor has no words of its own for {kind!r} yet"
