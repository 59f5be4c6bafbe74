"""Real Vite (from npm) and real Chromium: the dev server's proxy makes the page's API calls same-origin; after
`vite build` no proxy exists and CORS is back; the proxy forwards the browser's Origin, so an API that checks Origin
refuses the proxied POST."""
from __future__ import annotations

import pytest

from cors_lab import Browser, api_app, serve
from cors_lab.course.vite import build_and_serve, origin_checking_api, start_vite, vite_config, vite_modules
from cors_lab.errors import ServerError


@pytest.fixture(scope="module")
def vite():
    try:
        vite_modules()
    except ServerError as exc:
        pytest.skip(str(exc))


@pytest.fixture
def real_chromium():
    from cors_lab.real.chromium import chromium_available, unavailable_reason

    if not chromium_available():
        pytest.skip(unavailable_reason())
    from cors_lab.real.chromium import ChromiumBrowser

    return ChromiumBrowser


def test_the_config_is_the_server_proxy_block_a_learner_writes():
    text = vite_config("http://localhost:8002")
    assert 'proxy: {\n      "/api": { target: "http://localhost:8002", changeOrigin: true },' in text


def test_through_the_dev_server_the_api_call_is_same_origin(vite, real_chromium):
    api = serve(api_app(), port=None, name="api")  # no CORS policy at all
    with start_vite(api.url) as dev:
        engine = Browser(dev.origin).fetch(dev.url + "/api/public")
        with real_chromium(dev.origin, route_page=False) as real:  # the page Vite really serves
            page = real.fetch(dev.url + "/api/public")
    for result in (engine, page):
        assert result.readable and result.type == "basic" and '"public":true' in result.text
    arrived = api.requests(path="/api/public")
    assert len(arrived) == 2 and all(entry.headers["Host"] == f"localhost:{api.port}" for entry in arrived)
    assert all(entry.origin is None for entry in arrived)  # a same-origin GET carries no Origin to forward
    assert not dev.running


def test_after_vite_build_there_is_no_proxy_and_cors_is_back(vite, real_chromium):
    api = serve(api_app(), port=None, name="api")
    site = build_and_serve(api.url)
    with real_chromium(site.origin, route_page=False) as real:
        own_path = real.fetch(site.url + "/api/public")
        direct = real.fetch(api.url + "/api/public")
    assert own_path.status == 404  # the static host has no /api: the proxy was part of the dev server only
    assert direct.blocked and direct.error == (
        f"Access to fetch at '{api.url}/api/public' from origin '{site.origin}' has been blocked by CORS policy: "
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert direct.error == Browser(site.origin).fetch(api.url + "/api/public").error


def test_the_build_calls_the_api_by_its_full_url(vite):
    from cors_lab.course.vite import vite_build

    dist = vite_build("http://localhost:8002")
    scripts = "".join(path.read_text() for path in (dist / "assets").glob("*.js"))
    assert "http://localhost:8002" in scripts and "import.meta.env" not in scripts


def test_the_proxy_forwards_the_browsers_origin_on_a_post(vite, real_chromium):
    checker = serve(origin_checking_api(["http://localhost:8001"]), port=None, name="checker")
    with start_vite(checker.url) as dev:
        with real_chromium(dev.origin, route_page=False) as real:
            post = real.fetch(dev.url + "/api/items", method="POST", headers={"Content-Type": "application/json"},
                              body="{}")
            get = real.fetch(dev.url + "/api/data")
    assert post.status == 403 and dev.origin in post.text
    assert get.status == 200  # a same-origin GET carries no Origin
    [arrived] = checker.requests(method="POST")
    assert arrived.origin == dev.origin  # as the browser sent it: Vite forwards it untouched
    assert arrived.headers["Host"] == f"localhost:{checker.port}"  # changeOrigin: true rewrites Host only
    assert "X-Forwarded-For" not in arrived.headers  # Vite adds none (xfwd is off)


@pytest.mark.parametrize("origin, status", [("strip", 200), ("forward", 403)])
def test_the_courses_dev_proxy_strips_or_forwards_origin(origin, status):
    from cors_lab import dev_proxy, page_app

    checker = serve(origin_checking_api(["http://localhost:8001"]), port=None, name="checker")
    dev = serve(dev_proxy(page_app(api_url=""), api_url=checker.url, origin=origin), port=None, name="dev")
    result = Browser(dev.origin).fetch(dev.url + "/api/items", method="POST", body="{}")
    assert result.status == status
    assert checker.last_request().origin == (None if origin == "strip" else dev.origin)
