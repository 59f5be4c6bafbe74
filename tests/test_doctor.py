"""The error doctor recognises every console sentence the engine can produce, and says so when it cannot."""
import pytest

from cors_lab.browser.failures import CORS_KINDS, FAILURES, cors_sentence
from cors_lab.doctor import Diagnosis, diagnose, known_kinds

URL, FIRST, ORIGIN = "http://localhost:8002/api/items/1", "http://localhost:8003/api/redirect?to=x", "http://localhost:8001"
SAMPLE_FIELDS = {"url": URL, "origin": ORIGIN, "scheme": "ftp", "page_url": ORIGIN + "/", "member": "credentials",
                 "value": "includes", "idl_type": "RequestCredentials", "method": "CONNECT",
                 "name": "X-Token"}


def cors_sentences():
    for kind in CORS_KINDS:
        for preflight in (False, True):
            for initial in (URL, FIRST):
                yield kind, preflight, cors_sentence(kind, URL, ORIGIN, "X-Api-Key", preflight, initial)


@pytest.mark.parametrize("kind, preflight, sentence", list(cors_sentences()))
def test_every_cors_template_is_recognised_with_its_kind_url_and_origin(kind, preflight, sentence):
    d = diagnose(sentence)
    row = FAILURES[kind]
    assert d.recognised and d.kind == kind and d.failure is row
    assert d.details["url"] == URL and d.details["origin"] == ORIGIN
    assert d.preflight == ((preflight and row.prefixed_on_preflight) or row.on_preflight)
    assert d.meaning and d.fix


def test_a_redirected_sentence_mentions_where_the_request_started():
    d = diagnose(cors_sentence("missing_allow_origin", URL, "null", initial_url=FIRST))
    assert d.details["initial_url"] == FIRST and FIRST in d.meaning and "null" in d.fix


def test_after_a_redirect_from_one_cross_origin_server_to_another_the_fix_names_origin_null():
    d = diagnose(cors_sentence("missing_allow_origin", URL, ORIGIN, initial_url=FIRST))
    assert "`Access-Control-Allow-Origin: null`" in d.fix
    back_home = diagnose(cors_sentence("missing_allow_origin", URL, ORIGIN, initial_url=ORIGIN + "/start"))
    assert f"`Access-Control-Allow-Origin: {ORIGIN}`" in back_home.fix  # a same-origin start taints nothing seen


def test_the_fix_names_the_origin_and_the_header_from_the_sentence():
    d = diagnose(cors_sentence("allow_origin_mismatch", URL, ORIGIN, "http://localhost:8001/"))
    assert f"Access-Control-Allow-Origin: {ORIGIN}" in d.fix and d.header == "Access-Control-Allow-Origin"
    d = diagnose(cors_sentence("header_not_allowed", URL, ORIGIN, "x-api-key", preflight=True))
    assert "x-api-key" in d.fix and d.header == "Access-Control-Allow-Headers" and d.preflight


SENTENCE_ROWS = [row for row in FAILURES.values() if row.chromium and row.section in ("refused", "request")]


@pytest.mark.parametrize("row", SENTENCE_ROWS, ids=lambda row: row.kind)
def test_every_other_sentence_of_the_table_is_recognised_with_its_fields(row):
    fields = {name: SAMPLE_FIELDS[name] for name in row.fields}
    d = diagnose(row.sentence(**fields))
    assert d.recognised and d.kind == row.kind, d.kind
    assert d.details == fields
    assert d.fix == row.fix_for(**fields) and d.meaning == row.meaning_for(**fields)


def test_failed_to_fetch_alone_points_to_the_console_sentence():
    d = diagnose("TypeError: Failed to fetch")
    assert d.kind == "failed_to_fetch" and "Console" in d.fix and d.recognised


def test_a_network_line_points_to_the_sentence_next_to_it():
    d = diagnose("GET http://localhost:8002/api net::ERR_CONNECTION_REFUSED")
    assert d.kind == "network_line" and d.recognised


def test_unknown_text_gets_a_helpful_not_a_cors_sentence_answer():
    d = diagnose("Uncaught ReferenceError: foo is not defined")
    assert not d.recognised and d.kind == "unknown"
    assert "Not a CORS sentence I know" in d.meaning and "Access to fetch at" in d.fix


def test_pasted_text_with_curly_quotes_and_extra_lines_is_still_recognised():
    sentence = cors_sentence("missing_allow_origin", URL, ORIGIN).replace("'", "\u2019")
    d = diagnose("(index):1 " + sentence + "\nGET " + URL + " net::ERR_FAILED 200 (OK)")
    assert d.kind == "missing_allow_origin"


def test_a_diagnosis_shows_itself_in_text_and_html():
    d = diagnose(cors_sentence("wildcard_origin_with_credentials", URL, ORIGIN))
    assert isinstance(d, Diagnosis) and "wildcard_origin_with_credentials" in repr(d)
    assert "Fix:" in str(d) and "Look at:" in str(d) and "<b>Fix:</b>" in d._repr_html_()


def test_a_diagnosis_links_to_the_mdn_page_named_after_firefoxs_reason():
    d = diagnose(cors_sentence("invalid_allow_credentials", URL, ORIGIN, "false"))
    assert d.mdn_url.endswith("/CORS/Errors/CORSMIssingAllowCredentials")
    assert diagnose(cors_sentence("insecure_private_network", URL, ORIGIN, "loopback")).mdn_url is None


def test_diagnose_refuses_a_non_string_with_a_sentence():
    with pytest.raises(TypeError, match="string"):
        diagnose(None)


def test_known_kinds_are_every_row_with_a_sentence_and_the_two_generic_answers():
    kinds = set(known_kinds())
    assert set(CORS_KINDS) <= kinds and {row.kind for row in SENTENCE_ROWS} <= kinds
    assert {"failed_to_fetch", "network_line"} <= kinds and "unknown" not in kinds
    assert not kinds & {kind for kind, row in FAILURES.items() if row.section == "silent"}
