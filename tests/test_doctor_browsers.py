"""The doctor reads every browser's words for a failure, and gives the fix Chromium's fetch() sentence gets.

Round trips through the engine: every scenario of tests/support/scenarios.py (fetch) and tests/support/
xhr_scenarios.py (XMLHttpRequest) runs as Chromium and as Firefox (`Browser(origin, browser=...)`); every blocked
result's text (its console lines, else what the script caught) goes through ``diagnose``, which must name the
failed step's kind (for a sentence Firefox shares between failures: list it in ``kinds``) and give its fix - the
fix the Chromium fetch() sentence of the same request gets (for an XMLHttpRequest: the same call sent as fetch()).
Then the texts no engine result carries: Firefox's NetworkError alone and axios' error (recorded from axios 1.21.1
in real Chromium 156 and Firefox 153 ESR: tests/real has no axios bridge, so the texts are the doctor's constants).
"""
from __future__ import annotations

import re
import string

import pytest
from support.scenarios import SCENARIOS, XhrCall, fill, page_url, run, url_map
from support.xhr_scenarios import XHR_SCENARIOS

from cors_lab import Browser, serve
from cors_lab.browser.browsers import CHROMIUM, FIREFOX
from cors_lab.browser.failures import CORS_KINDS, FAILED_TO_FETCH, FAILURES, MDN_ERRORS
from cors_lab.course.teaching import PORTS
from cors_lab.doctor import (
    _UNSAID,
    _UNSAID_HINT,
    AXIOS_CODE,
    AXIOS_FACTS,
    AXIOS_MESSAGE,
    AXIOS_NETWORK_ERROR,
    WHERE_THE_REASON_IS,
    diagnose,
    known_kinds,
)
from cors_lab.errors import PortInUseError

URL, FIRST, ORIGIN = "http://localhost:8002/api/items/1", "http://localhost:8003/api/redirect?to=x", "http://localhost:8001"
SAMPLE = {"url": URL, "origin": ORIGIN, "scheme": "ftp", "page_url": ORIGIN + "/", "member": "credentials",
          "value": "includes", "idl_type": "RequestCredentials", "method": "CONNECT", "name": "X-Token",
          "hint": "X-Api-Key", "status": "200", "attribute": "path", "target": "data:,hi"}
NETWORK_ERROR = FAILURES["failed_to_fetch"].firefox  # Firefox's TypeError, recorded (the table's text)
#: values the row's own rule is about, where one Firefox sentence is told apart by what it quotes
FITS = {"invalid_method": {"method": "GE T"}, "no_cors_method": {"method": "PUT"}, "unsafe_port": {"url": "http://localhost:6000/"}}
TEACHING_PORTS = {role: PORTS[role] for role in ("page", "api", "api2")}  # a free port for any that is taken


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _firefox_rows():
    return [row for row in FAILURES.values() if row.firefox and row.section != "doctor"]


# ---- every text of the table, without a server ---------------------------------------------------------------------
@pytest.mark.parametrize("row", _firefox_rows(), ids=lambda row: row.kind)
def test_every_firefox_text_of_the_table_is_recognised_with_what_it_quotes(row):
    sample = {**SAMPLE, **FITS.get(row.kind, {})}
    values = {name: sample[name] for name in _fields(row.firefox)}
    d = diagnose(row.text("firefox", **values))
    assert d.recognised and d.browser == "firefox" and row.kind in d.kinds, (d.kinds, row.firefox)
    assert d.reason_code == FAILURES[d.kind].firefox_reason == row.firefox_reason
    assert {name: d.details[name] for name in values} == values
    assert d.fix and d.meaning and "<" not in d.fix  # no field left unfilled


@pytest.mark.parametrize("row", [row for row in FAILURES.values() if row.section == "cors" and row.chromium],
                         ids=lambda row: row.kind)
@pytest.mark.parametrize("preflight", [False, True])
@pytest.mark.parametrize("initial_url", [None, FIRST])
def test_chromium_xhr_sentences_get_the_kind_and_fix_of_the_fetch_sentence(row, preflight, initial_url):
    values = dict(url=URL, origin=ORIGIN, hint="x-api-key", preflight=preflight, initial_url=initial_url)
    xhr, fetch = row.text("chromium", "xhr", **values), row.text("chromium", "fetch", **values)
    assert xhr.startswith("Access to XMLHttpRequest at ") and xhr != fetch
    d, f = diagnose(xhr), diagnose(fetch)
    assert (d.kind, d.browser, d.api) == (row.kind, "chromium", "xhr") and f.api == "fetch"
    assert (d.fix, d.meaning, d.preflight, d.details) == (f.fix, f.meaning, f.preflight, f.details)


def test_chromium_xhr_reasons_differ_from_fetchs_as_recorded():
    wildcard = FAILURES["wildcard_origin_with_credentials"].text("chromium", "xhr", url=URL, origin=ORIGIN)
    assert wildcard.endswith("controlled by the withCredentials attribute.")
    mismatch = FAILURES["allow_origin_mismatch"].text("chromium", "xhr", url=URL, origin=ORIGIN, hint=ORIGIN + "/")
    assert "Have the server send" not in mismatch
    assert diagnose(wildcard).kind == "wildcard_origin_with_credentials"
    assert diagnose(mismatch).details["hint"] == ORIGIN + "/"


@pytest.mark.parametrize("row", [row for row in FAILURES.values() if row.kind.startswith("xhr_")],
                         ids=lambda row: row.kind)
def test_xhr_exceptions_and_the_unsafe_header_warning_are_recognised_in_both_browsers(row):
    chromium = diagnose(row.text("chromium", **{name: SAMPLE[name] for name in row.fields}))
    assert (chromium.kind, chromium.browser, chromium.api) == (row.kind, "chromium", "xhr")
    firefox = diagnose(row.text("firefox", **{name: SAMPLE[name] for name in _fields(row.firefox)}))
    assert row.kind in firefox.kinds and firefox.browser == "firefox" and firefox.api == "xhr"


def test_unsafe_header_names_the_header_the_script_set():
    d = diagnose(FAILURES["xhr_unsafe_header"].text("chromium", name="Cookie"))
    assert d.details == {"name": "Cookie"} and "Do not set Cookie" in d.fix
    assert diagnose(FAILURES["xhr_unsafe_header"].text("firefox", name="Cookie")).fix == d.fix


# ---- Firefox's shared sentences: the rule, and a fix honest for every case ----------------------------------------
def test_a_shared_sentence_names_first_the_row_of_its_mdn_page_and_lists_the_others():
    d = diagnose(FAILURES["network_error"].text("firefox", url="http://localhost:2/x", status="(null)"))
    shared = [row.kind for row in _firefox_rows() if row.firefox == FAILURES["network_error"].firefox]
    assert d.kind == "network_error" and d.mdn_url == f"{MDN_ERRORS}/CORSDidNotSucceed"
    assert set(d.kinds) == set(shared) and len(shared) > 2 and set(d.other_kinds) == set(shared) - {"network_error"}
    for kind in shared:  # the fix is honest for all of them: it says each one's fix
        assert FAILURES[kind].fix_for(url="http://localhost:2/x", origin=ORIGIN) in d.fix
    assert "May also be:" in str(d) and "May also be:" in d._repr_html_()


def test_a_port_firefox_refuses_narrows_did_not_succeed_to_it():
    d = diagnose(FAILURES["network_error"].text("firefox", url="http://localhost:6000/x", status="(null)"))
    assert d.kinds == ("unsafe_port",) and d.fix == FAILURES["unsafe_port"].fix_for()


def test_a_refused_header_value_may_hold_the_newline_firefox_quotes():
    d = diagnose(FAILURES["invalid_header_value"].text("firefox", value="a\nb"))
    assert d.kind == "invalid_header_value" and d.details == {"value": "a\nb"}


@pytest.mark.parametrize("method, kind", [("GE T", "invalid_method"), ("TRACE", "forbidden_method"),
                                          ("PUT", "no_cors_method"), ("G\ufffdT", "invalid_method")])
def test_firefoxs_method_sentence_is_told_apart_by_the_engines_own_rules(method, kind):
    d = diagnose(FAILURES["invalid_method"].text("firefox", method=method))
    assert d.kinds == (kind,) and d.api == "fetch" and d.fix == FAILURES[kind].fix_for(method=method)


@pytest.mark.parametrize("value, kinds", [
    ("http://localhost:8001/", ("allow_origin_mismatch",)),
    ("null", ("allow_origin_mismatch",)),
    ("", ("invalid_allow_origin", "allow_origin_mismatch")),  # Chromium: "contains the invalid value ''"
    ("http://localhost:8001, http://localhost:8003", ("allow_origin_mismatch", "multiple_allow_origin")),
])
def test_does_not_match_also_names_what_chromiums_check_calls_the_value(value, kinds):
    d = diagnose(FAILURES["allow_origin_mismatch"].text("firefox", url=URL, hint=value), origin=ORIGIN)
    assert d.kinds == kinds and d.details["hint"] == value
    for kind in kinds:
        assert FAILURES[kind].fix_for(url=URL, origin=ORIGIN, hint=value) in d.fix


def test_firefoxs_sentence_does_not_say_preflight_or_redirect_so_the_fix_covers_both():
    d = diagnose(FAILURES["missing_allow_origin"].text("firefox", url=URL, status="200"), origin=ORIGIN)
    row = FAILURES["missing_allow_origin"]
    assert d.preflight is None and d.alternatives[0] == ("", row.fix_for(url=URL, origin=ORIGIN))
    fixes = [fix for _, fix in d.alternatives]
    assert row.fix_for(url=URL, origin=ORIGIN, preflight=True) in fixes
    assert row.fix_for(url=URL, origin=ORIGIN, initial_url=FIRST) in fixes  # after a cross-origin redirect: null
    assert all(fix in d.fix for fix in fixes) and d.details == {"url": URL, "status": "200"}


def test_a_preflight_only_reason_says_preflight_even_in_firefox():
    d = diagnose(FAILURES["header_not_allowed"].text("firefox", url=URL, hint="x-api-key"))
    assert d.preflight is True and "x-api-key" in d.fix and d.header == "Access-Control-Allow-Headers"


def test_the_origin_firefox_does_not_name_is_the_callers_or_the_pages_origin():
    sentence = FAILURES["wildcard_origin_with_credentials"].text("firefox", url=URL)
    assert f"`Access-Control-Allow-Origin: {ORIGIN}`" in diagnose(sentence, origin=ORIGIN).fix
    assert "the page's origin" in diagnose(sentence).fix
    same_origin = FAILURES["same_origin_mode"].text("firefox", url=URL, page_url=ORIGIN + "/app")
    assert diagnose(same_origin).kinds == ("same_origin_mode", "same_origin_mode_redirect")


def test_a_pasted_firefox_console_is_read_at_its_most_specific_sentence():
    reason = FAILURES["header_not_allowed"].text("firefox", url=URL, hint="content-type")
    then = FAILURES["network_error"].text("firefox", url=URL, status="(null)")  # recorded: a failed preflight logs both
    warning = FAILURES["xhr_unsafe_header"].text("firefox", name="Cookie")
    for pasted in (f"{reason}\n{then}", f"{then}\n{reason}", f"{warning}\n{then}\n{reason}"):
        assert diagnose(pasted).kind == "header_not_allowed"


def test_a_pasted_status_code_is_optional_and_quotes_may_be_straight():
    full = FAILURES["missing_allow_origin"].text("firefox", url=URL, status="404")
    assert diagnose(full).details["status"] == "404"
    short = full.split(" Status code:")[0].replace("\u2018", "'").replace("\u2019", "'")
    assert diagnose(short).kind == "missing_allow_origin" and "status" not in diagnose(short).details


def test_mdn_links_the_rows_page_else_firefoxs_reason_codes_page():
    credentials = diagnose(FAILURES["invalid_allow_credentials"].text("firefox", url=URL))
    assert credentials.mdn_url == FAILURES["invalid_allow_credentials"].mdn_url  # MDN's own spelling
    row = FAILURES["wildcard_allow_headers_authorization"]
    warning = diagnose(row.text("firefox", url=URL))
    assert warning.kind == row.kind and row.mdn is None and warning.mdn_url == f"{MDN_ERRORS}/{row.firefox_reason}"
    chromium = diagnose(FAILURES["redirect_credentials"].text("chromium", url=URL, origin=ORIGIN))
    assert chromium.mdn_url is None and chromium.reason_code is None  # Chromium has no reason codes


def test_known_kinds_per_browser():
    firefox = set(known_kinds("firefox"))
    assert {row.kind for row in _firefox_rows()} <= firefox and "network_error" in firefox
    assert "network_error" not in known_kinds() and set(CORS_KINDS) <= set(known_kinds())
    assert "xhr_unsafe_header" in known_kinds()


# ---- what the script caught: no reason in it -------------------------------------------------------------------------
def test_firefoxs_network_error_alone_says_where_firefox_shows_the_reason():
    for text in (NETWORK_ERROR, "Uncaught (in promise) " + NETWORK_ERROR, NETWORK_ERROR.removeprefix("TypeError: ")):
        d = diagnose(text)
        assert (d.kind, d.browser, d.api) == ("failed_to_fetch", "firefox", "fetch"), text
        assert d.fix.startswith(WHERE_THE_REASON_IS["firefox"]) and "Cross-Origin Request Blocked" in d.fix
        assert "Network panel" in d.fix and d.meaning == diagnose(FAILED_TO_FETCH).meaning
    assert diagnose(FAILED_TO_FETCH).fix == FAILURES["failed_to_fetch"].fix_for()  # Chromium's is unchanged


@pytest.mark.parametrize("name", ["body_cut_short_error", "body_decoding_error"])
def test_firefoxs_broken_body_rejections_name_the_broken_answer(name):
    words = getattr(FIREFOX, name, None)
    if words is None:
        pytest.skip(f"the Firefox model has no {name} yet")
    d = diagnose(f"Uncaught (in promise) {words}")
    assert (d.kind, d.browser, d.api) == ("invalid_response", "firefox", "fetch")
    assert diagnose(getattr(CHROMIUM, name)).kind == "failed_to_fetch"  # Chromium's is its plain Failed to fetch


AXIOS_TEXTS = [
    AXIOS_NETWORK_ERROR, AXIOS_MESSAGE, AXIOS_CODE, f"code: '{AXIOS_CODE}'",
    f"Uncaught (in promise) {AXIOS_NETWORK_ERROR}\n    at XMLHttpRequest.handleError (xhr.js:1:1)",  # console.log(err)
    f"{AXIOS_NETWORK_ERROR} {{message: '{AXIOS_MESSAGE}', name: 'AxiosError', code: '{AXIOS_CODE}', config: {{…}}}}",
]


@pytest.mark.parametrize("text", AXIOS_TEXTS)
def test_axios_network_error_is_failed_to_fetch_plus_axios_facts(text):
    d = diagnose(text)
    assert (d.kind, d.api, d.browser) == ("failed_to_fetch", "axios", None) and d.notes == AXIOS_FACTS
    assert "Access to XMLHttpRequest at" in d.fix and "Cross-Origin Request Blocked" in d.fix
    assert any("withCredentials: true" in note and "'include'" in note for note in d.notes)
    assert any("application/json" in note and "preflight" in note for note in d.notes)
    assert "Note:" in str(d) and "axios" in str(d)


def test_the_doctors_axios_words_are_the_course_models_recorded_error():
    axios = pytest.importorskip("cors_lab.course.axios")
    error = axios.NETWORK_ERROR
    assert (str(error), error.message, error.code) == (AXIOS_NETWORK_ERROR, AXIOS_MESSAGE, AXIOS_CODE)


def test_a_chromium_network_line_is_not_axios():
    assert diagnose("GET http://localhost:8002/x net::ERR_NETWORK_CHANGED").kind == "network_line"


def test_an_axios_error_pasted_with_the_sentence_gets_the_sentences_kind_and_axios_facts():
    sentence = FAILURES["header_not_allowed"].text("chromium", "xhr", url=URL, origin=ORIGIN, hint="content-type",
                                                   preflight=True)
    d = diagnose(f"{sentence}\n{AXIOS_NETWORK_ERROR}")
    assert (d.kind, d.api, d.browser) == ("header_not_allowed", "axios", "chromium") and d.notes == AXIOS_FACTS
    assert d.fix == diagnose(sentence).fix


# ---- round trips through the engine ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def servers():
    """The scenario app over both tables on the teaching ports (a free port for any that is taken)."""
    from support.scenario_server import ScenarioApp

    app = ScenarioApp(SCENARIOS + XHR_SCENARIOS, {})
    running = {}
    for role, port in TEACHING_PORTS.items():
        try:
            running[role] = serve(app, port=port, name=f"doctor-{role}")
        except PortInUseError:
            running[role] = serve(app, port=None, name=f"doctor-{role}")
    app.urls.update(url_map({role: srv.port for role, srv in running.items()}))
    yield app.urls
    for srv in running.values():
        srv.stop()


def _factory(browser: str):
    return lambda origin, page_url: Browser(origin, page_url=page_url, browser=browser)


def _as_fetch(call: XhrCall, urls: dict, sid: str) -> dict | None:
    """The same request sent with fetch() (None: an upload listener, which fetch() has no way to say)."""
    options = call.kwargs(urls, sid)
    if options.pop("upload_listener"):
        return None
    options["credentials"] = "include" if options.pop("with_credentials") else "same-origin"
    if str(options["method"]).upper() in ("GET", "HEAD"):
        options["body"] = None  # XHR drops it, fetch() would throw
    return options


def _chromium_fetch_of_xhr(scenario, urls) -> list:
    tab = Browser(fill(scenario.origin, urls, scenario.id), page_url=page_url(scenario, urls))
    for url, cookie in scenario.cookies:
        tab.set_cookie(fill(url, urls, scenario.id), cookie)
    results = []
    for call in scenario.calls:
        options = _as_fetch(call, urls, scenario.id)
        results.append(tab.fetch(**options) if options is not None else None)
    return results


@pytest.fixture(scope="module")
def runs(servers):
    """(label, scenario id, call index, result, the Chromium fetch() result of the same request) for every call."""
    out = []
    chromium = {scenario.id: run(scenario, _factory("chromium"), servers) for scenario in SCENARIOS}
    as_fetch = {scenario.id: _chromium_fetch_of_xhr(scenario, servers) for scenario in XHR_SCENARIOS}
    for label, table, browser in (("chromium fetch", SCENARIOS, "chromium"), ("firefox fetch", SCENARIOS, "firefox"),
                                  ("chromium xhr", XHR_SCENARIOS, "chromium"),
                                  ("firefox xhr", XHR_SCENARIOS, "firefox")):
        for scenario in table:
            same = chromium[scenario.id] if table is SCENARIOS else as_fetch[scenario.id]
            results = same if label == "chromium fetch" else run(scenario, _factory(browser), servers)
            out += [(label, scenario.id, i, result, same[i]) for i, result in enumerate(results)]
    return out


def _pasted(result) -> str:
    """What a learner pastes: the console lines (the failure's sentence among them), else what the script caught."""
    return "\n".join(result.console) if result.console else (result.exception or "")


def _matches(expected: str, fixes: list[str]) -> bool:
    """Is ``expected`` one of ``fixes``, allowing a value the sentence did not carry to read as the doctor's words?"""
    if expected in fixes:
        return True
    standins = sorted(set(_UNSAID.values()) | set(_UNSAID_HINT.values()), key=len, reverse=True)
    for fix in fixes:
        pattern = re.escape(fix)
        for standin in standins:
            pattern = pattern.replace(re.escape(standin), "(.+?)")
        if pattern != re.escape(fix) and re.fullmatch(pattern, expected):
            return True
    return False


def _blocked(runs, label_start: str):
    return [(label, sid, i, r, same) for label, sid, i, r, same in runs if label.startswith(label_start) and r.blocked]


def test_the_round_trips_cover_every_browser_and_api(runs):
    counts = {label: sum(1 for lab, *_ in _blocked(runs, label) if lab == label)
              for label in ("chromium fetch", "firefox fetch", "chromium xhr", "firefox xhr")}
    assert all(count >= 10 for count in counts.values()), counts


@pytest.mark.parametrize("label", ["chromium fetch", "chromium xhr", "firefox fetch", "firefox xhr"])
def test_every_blocked_result_is_diagnosed_as_its_failed_step_with_its_fix(runs, label):
    browser, api = label.split()
    wrong = []
    for _, sid, i, result, _same in _blocked(runs, label):
        step = result.failed_step
        text = _pasted(result)
        if not text:  # nothing to paste: XMLHttpRequest's script sees only an 'error' event, the console nothing
            assert api == "xhr" and FAILURES[step.failure].section in ("silent", "cors"), (sid, step.failure)
            continue
        d = diagnose(text, origin=result.request["origin"])
        if d.kind == "failed_to_fetch":  # only the script's error: no sentence names the reason
            assert result.error is None and d.browser == browser, (sid, text)
            continue
        fixes = [fix for _, fix in d.alternatives]
        if step.failure not in d.kinds or not _matches(step.fix, fixes) or d.browser != browser:
            wrong.append((sid, i, step.failure, d.kinds, step.fix, fixes))
        if browser == "chromium":  # Chromium's sentence says all it needs: one kind, the same fix
            assert d.kinds == (step.failure,) and d.fix == step.fix, (sid, text)
            assert d.api == (api if FAILURES[step.failure].section == "cors" else d.api), (sid, d.api)
    assert not wrong, "\n".join(map(str, wrong[:10]))


@pytest.mark.parametrize("label", ["chromium xhr", "firefox fetch", "firefox xhr"])
def test_the_same_request_gets_the_fix_of_chromiums_fetch_sentence(runs, label):
    compared, differs = 0, []
    for _, sid, _i, result, same in _blocked(runs, label):
        if same is None or not same.blocked or not same.error or not _pasted(result):
            continue  # no Chromium fetch() sentence for the same request to compare with
        chromium = diagnose(same.error)
        d = diagnose(_pasted(result), origin=result.request["origin"])
        if d.kind == "failed_to_fetch" or chromium.kind not in FAILURES or FAILURES[chromium.kind].section == "warning":
            continue
        compared += 1
        if chromium.kind in d.kinds:
            assert _matches(chromium.fix, [fix for _, fix in d.alternatives]), (sid, chromium.fix, d.alternatives)
        else:  # the browsers themselves decide otherwise (recorded): the engine's step says so too
            differs.append((sid, chromium.kind, d.kinds))
            assert result.failed_step.failure in d.kinds, (sid, result.failed_step.failure, d.kinds)
    assert compared >= 10, compared
    if label == "chromium xhr":
        assert not differs, differs  # one browser: XMLHttpRequest fails exactly where fetch() does
