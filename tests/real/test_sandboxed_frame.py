"""The bridges' sandboxed frame: ``ChromiumBrowser(origin="null", page_url=...)`` and ``FirefoxBrowser(...)`` run
fetch() and XHR in an ``<iframe sandbox="allow-scripts">`` whose document is page_url, with the bridges' contract.

What the frame's requests do is compared with the engine scenario by scenario in test_*_agreement.py (the "null-"
scenarios); here: that the frame really is one (its origin is `null`), what the bridges say about it, and the
refusals of a page_url no frame can come from."""
from __future__ import annotations

import pytest
from werkzeug.wrappers import Request, Response

from cors_lab import serve
from cors_lab.errors import InputError


def _bridge(name: str):
    if name == "chromium":
        from cors_lab.real.chromium import ChromiumBrowser, chromium_available, unavailable_reason

        if not chromium_available():
            pytest.skip(f"real Chromium not available: {unavailable_reason()}")
        return ChromiumBrowser
    from cors_lab.real.firefox import FirefoxBrowser, firefox_available, unavailable_reason

    if not firefox_available():
        pytest.skip(f"real Firefox not available: {unavailable_reason()}")
    return FirefoxBrowser


def _app(environ, start_response):
    request = Request(environ)
    if request.path == "/frame":
        response = Response("<!doctype html><title>frame</title>", content_type="text/html")
    else:
        response = Response(f"origin={request.headers.get('Origin', '-')}")
        response.headers["Access-Control-Allow-Origin"] = "null"
    return response(environ, start_response)


@pytest.fixture(scope="module")
def server():
    lab = serve(_app, name="sandboxed-frame-test")
    yield lab
    lab.stop()


@pytest.mark.parametrize("name", ["chromium", "firefox"])
@pytest.mark.parametrize("route_page", [True, False], ids=["routed frame", "served frame"])
def test_the_scripts_run_in_a_frame_whose_origin_is_null(name, route_page, server):
    cls = _bridge(name)
    with cls("null", page_url=server.origin + "/frame", route_page=route_page) as real:
        assert real.sandboxed
        assert repr(real).startswith(f"<{cls.__name__} sandboxed frame, origin null, loaded from {server.origin}/frame")
        result = real.fetch(server.origin + "/d")  # the frame's own URL's origin: still cross-origin
        assert (result.blocked, result.type, result.text) == (False, "cors", "origin=null")
        assert (result.browser, result.source) == (name, name)
        assert [x.request_headers.get("origin") for x in result.exchanges] == ["null"]
        assert result.request["origin"] == "null"
        xhr = real.xhr(server.origin + "/d")
        assert (xhr.blocked, xhr.type, xhr.text) == (False, "cors", "origin=null")


@pytest.mark.parametrize("name", ["chromium", "firefox"])
@pytest.mark.parametrize("page_url", ["data:text/html,<p>", "file:///tmp/frame.html", "http://[bad"])
def test_a_page_url_no_sandboxed_frame_can_come_from_is_one_sentence(name, page_url):
    cls = _bridge(name)
    with pytest.raises(InputError, match="page_url"):
        cls("null", page_url=page_url)


@pytest.mark.parametrize("name", ["chromium", "firefox"])
def test_a_sandboxed_frame_without_page_url_is_loaded_from_the_course_page_server(name):
    real = _bridge(name)("null")
    assert real.page_url == "http://localhost:8001/" and real.origin.serialize() == "null"
