"""An opaque origin (`OpaqueOrigin`) and a page that has one: `Browser("null")`, a sandboxed frame.

Expected values are what Chromium 156 and Firefox 153 did from a real ``<iframe sandbox="allow-scripts">`` loaded
from http://localhost:8001 (recorded; tests/real/test_*_agreement.py runs the "null-" scenarios in both)."""
import pytest
from werkzeug.wrappers import Request, Response

from cors_lab import Browser, serve
from cors_lab.browser.origin import (
    SANDBOXED_PAGE_URL,
    OpaqueOrigin,
    origin_of,
    parse_origin,
    same_origin,
    same_site,
)
from cors_lab.errors import InputError

FRAME = origin_of("http://localhost:8001/lesson")


# ---- the type ---------------------------------------------------------------------------------------------------
def test_an_opaque_origin_serializes_to_null():
    assert OpaqueOrigin(FRAME).serialize() == "null"
    assert str(OpaqueOrigin()) == "null"


def test_an_opaque_origin_is_equal_only_to_itself():
    first, second = OpaqueOrigin(FRAME), OpaqueOrigin(FRAME)
    assert first == first and same_origin(first, first)
    assert first != second and not same_origin(first, second)  # not even another opaque origin, from the same URL
    assert first != FRAME and FRAME != first  # nor the tuple origin of the URL it was loaded from
    assert not same_origin(first, FRAME) and not same_origin(FRAME, first)
    assert len({first, second, first}) == 2


def test_an_opaque_origin_is_same_site_with_nothing_but_itself():
    frame = OpaqueOrigin(FRAME)
    assert not same_site(frame, FRAME) and not same_site(FRAME, frame)
    assert not same_site(frame, OpaqueOrigin(FRAME))
    assert same_site(frame, frame)


def test_an_opaque_origin_remembers_where_its_document_came_from():
    frame = OpaqueOrigin(FRAME)
    assert frame.precursor == parse_origin("http://localhost:8001")
    assert FRAME.precursor is FRAME and not FRAME.opaque and frame.opaque
    assert repr(frame) == "<OpaqueOrigin null loaded from http://localhost:8001>"


def test_firefox_names_an_opaque_origin_by_a_null_principal_with_a_uuid_per_document():
    first, second = OpaqueOrigin(FRAME), OpaqueOrigin(FRAME)
    assert first.firefox_principal().startswith("moz-nullprincipal:{")
    assert first.firefox_principal().endswith("}?http://localhost:8001")
    assert first.firefox_principal() != second.firefox_principal()
    assert first.firefox_principal() == first.firefox_principal()


# ---- Browser("null") --------------------------------------------------------------------------------------------
def test_browser_null_models_a_sandboxed_frame_and_says_so():
    tab = Browser("null", page_url="http://localhost:8001/some/page")
    assert tab.sandboxed and tab.origin.opaque and tab.origin.serialize() == "null"
    assert repr(tab) == ("<Browser sandboxed frame, origin null, loaded from http://localhost:8001/some/page "
                         "(Chromium 156)>")
    firefox = Browser("null", page_url="http://localhost:8001/some/page", browser="firefox")
    assert "sandboxed frame" in repr(firefox) and "Firefox 153" in repr(firefox)
    assert not Browser("http://localhost:8001").sandboxed


def test_browser_null_without_page_url_is_loaded_from_the_course_page_server():
    tab = Browser("null")
    assert tab.page_url == SANDBOXED_PAGE_URL == "http://localhost:8001/"
    assert tab.origin.precursor == parse_origin("http://localhost:8001")


@pytest.mark.parametrize("page_url", ["not a url at all\x00", "data:text/html,<p>", "file:///tmp/page.html"])
def test_browser_null_refuses_a_page_url_a_sandboxed_frame_cannot_come_from(page_url):
    with pytest.raises(InputError, match="page_url"):
        Browser("null", page_url=page_url)


def test_two_sandboxed_frames_have_two_origins():
    assert Browser("null").origin != Browser("null").origin


def test_mode_same_origin_refuses_even_the_frames_own_url_origin_chromium():
    tab = Browser("null", page_url="http://localhost:8001/some/page")
    result = tab.fetch("http://localhost:8001/d", mode="same-origin")
    assert result.blocked and not result.exchanges
    assert result.error == ('Fetch API cannot load http://localhost:8001/d. Request mode is "same-origin" but the '
                            "URL's origin is not same as the request origin null.")
    assert "sandboxed frame" in result.explain()


def test_mode_same_origin_in_firefox_names_the_null_principal():
    tab = Browser("null", page_url="http://localhost:8001/some/page", browser="firefox")
    result = tab.fetch("http://localhost:8001/d", mode="same-origin")
    assert result.blocked
    assert result.error == (f"Security Error: Content at {tab.origin.firefox_principal()} may not load data from "
                            "http://localhost:8001/d.")


def test_a_data_url_from_a_sandboxed_frame_is_a_basic_200():
    result = Browser("null").fetch("data:text/plain,hello")
    assert (result.blocked, result.type, result.status, result.text) == (False, "basic", 200, "hello")


# ---- over real HTTP -----------------------------------------------------------------------------------------------
def _echo(environ, start_response):
    """Answers with ACAO as ?acao= says (and ACAC with ?acac), and the request's Origin, Cookie and Referer."""
    request = Request(environ)
    if request.path == "/set":
        response = Response("set")
        response.headers.add("Set-Cookie", "f=1; SameSite=None; Secure")
    else:
        response = Response("|".join(f"{name}={request.headers.get(name, '-')}"
                                     for name in ("Origin", "Cookie", "Referer")))
    if "acao" in request.args:
        response.headers["Access-Control-Allow-Origin"] = request.args["acao"]
    if "acac" in request.args:
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Access-Control-Allow-Methods"] = "PUT"
    response.headers["Access-Control-Max-Age"] = "600"
    return response(environ, start_response)


@pytest.fixture(scope="module")
def api():
    server = serve(_echo, name="opaque-origin-test")
    yield server
    server.stop()


def _frame(api, browser="chromium"):
    return Browser("null", page_url=api.origin + "/frame/page", browser=browser)


def test_the_frame_sends_origin_null_and_no_referer_even_to_its_own_url_origin(api):
    result = _frame(api).fetch(api.origin + "/d?acao=null")
    assert (result.blocked, result.type, result.text) == (False, "cors", "Origin=null|Cookie=-|Referer=-")


def test_acao_naming_the_frames_url_origin_does_not_match_null(api):
    result = _frame(api).fetch(f"{api.origin}/d?acao={api.origin}")
    assert result.blocked
    assert result.error == (f"Access to fetch at '{api.origin}/d?acao={api.origin}' from origin 'null' has been "
                            "blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value "
                            f"'{api.origin}' that is not equal to the supplied origin. Have the server send the "
                            "header with a valid value.")


def test_chromium_sends_no_cookie_from_a_sandboxed_frame_and_stores_none(api):
    tab = _frame(api)
    tab.set_cookie(api.origin + "/", "sid=1; SameSite=None; Secure")
    tab.fetch(api.origin + "/set?acao=null&acac", credentials="include")
    result = tab.fetch(api.origin + "/d?acao=null&acac", credentials="include")
    assert not result.blocked and "Cookie=-" in result.text


def test_firefox_sends_back_only_the_cookies_answers_to_the_frame_set(api):
    tab = _frame(api, "firefox")
    tab.set_cookie(api.origin + "/", "sid=1; SameSite=None; Secure")  # a top-level visit's cookie: never sent
    tab.fetch(api.origin + "/set?acao=null&acac", credentials="include")
    result = tab.fetch(api.origin + "/d?acao=null&acac", credentials="include")
    assert not result.blocked and "Cookie=f=1|" in result.text


@pytest.mark.parametrize(("browser", "preflights"), [("chromium", 2), ("firefox", 1)])
def test_the_preflight_cache_of_a_sandboxed_frame(api, browser, preflights):
    tab = _frame(api, browser)
    api.clear_log()
    for _ in range(2):
        assert not tab.fetch(api.origin + "/d?acao=null", method="PUT").blocked
    assert sum(1 for entry in api.log if entry.method == "OPTIONS") == preflights


def test_an_xhr_from_a_sandboxed_frame_is_worded_with_origin_null(api):
    result = _frame(api).xhr(api.origin + "/d")
    assert result.blocked and result.events == ["loadstart", "error", "loadend"]
    assert result.error == (f"Access to XMLHttpRequest at '{api.origin}/d' from origin 'null' has been blocked by "
                            "CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested "
                            "resource.")
