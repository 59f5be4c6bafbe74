"""Real Vite (from npm) and real Chromium: the dev server's proxy makes the page's API calls same-origin; after
`vite build` no proxy exists and CORS is back; the proxy forwards the browser's Origin, so an API that checks Origin
refuses the proxied POST."""
from __future__ import annotations

import pytest
import requests

from cors_lab import Browser, api_app, serve
from cors_lab.course.vite import (
    build_and_serve,
    origin_checking_api,
    start_preview,
    start_vite,
    vite_build,
    vite_config,
    vite_modules,
)
from cors_lab.errors import InputError, ServerError

#: headers a proxy may add or rewrite; what Vite really sent is read from the lab server's log
PROXY_HEADERS = ("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "Forwarded", "Via")


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


def test_the_build_calls_the_api_by_its_full_url(vite, tmp_path):
    dist = vite_build("http://localhost:8002", tmp_path)
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


@pytest.mark.parametrize("change_origin", [True, False], ids=["changeOrigin-true", "changeOrigin-false"])
def test_what_vite_sends_the_api_is_the_browsers_origin_and_a_host_changeorigin_chooses(vite, real_chromium,
                                                                                        change_origin):
    api = serve(api_app(), port=None, name="api")
    with start_vite(api.url, change_origin=change_origin) as dev:
        with real_chromium(dev.origin, route_page=False) as real:
            post = real.fetch(dev.url + "/api/echo", method="POST", headers={"Content-Type": "application/json"},
                              body='{"a": 1}')
    assert post.status == 200 and '"a":1' in post.text.replace(" ", "")
    arrived = api.last_request(method="POST")
    assert arrived.origin == dev.origin and arrived.headers["Referer"] == dev.url + "/"
    host = f"localhost:{api.port}" if change_origin else f"localhost:{dev.port}"
    assert arrived.headers["Host"] == host
    assert [name for name in PROXY_HEADERS if name in arrived.headers] == []  # xfwd is off: Vite adds none


def test_the_configure_hook_of_the_lesson_strips_origin_in_real_vite(vite, real_chromium):
    checker = serve(origin_checking_api(["http://localhost:8001"]), port=None, name="checker")
    with start_vite(checker.url, strip_origin=True) as dev:
        assert 'removeHeader("origin")' in dev.config
        with real_chromium(dev.origin, route_page=False) as real:
            post = real.fetch(dev.url + "/api/items", method="POST", headers={"Content-Type": "application/json"},
                              body="{}")
    assert post.status == 200 and '"saved":true' in post.text.replace(" ", "")
    assert checker.last_request(method="POST").origin is None
    assert post.exchanges[-1].origin_sent == dev.origin  # the browser did send it


def test_vite_preview_keeps_the_dev_proxy_where_a_static_host_answers_404(vite):
    api = serve(api_app(), port=None, name="api")
    site = build_and_serve(api.url)
    with start_preview(api.url) as preview:
        before = api.count(path="/api/public")
        through_preview = requests.get(preview.url + "/api/public", timeout=10)
        reached = api.count(path="/api/public") - before
        page = requests.get(preview.url + "/", timeout=10)
    assert through_preview.status_code == 200 and through_preview.json()["public"] is True and reached == 1
    assert "<script" in page.text and "/assets/" in page.text  # the built page, not the dev server's
    assert requests.get(site.url + "/api/public", timeout=10).status_code == 404
    assert not preview.directory.exists()  # stopping the preview removed its build


def test_the_courses_dev_proxy_strips_or_forwards_origin_in_real_chromium(real_chromium):
    from cors_lab import dev_proxy, page_app

    statuses = {}
    checker = serve(origin_checking_api(["http://localhost:8001"]), port=None, name="checker")
    for origin in ("strip", "forward"):
        dev = serve(dev_proxy(page_app(api_url=""), api_url=checker.url, origin=origin), port=None, name="dev")
        with real_chromium(dev.origin, route_page=False) as real:
            post = real.fetch(dev.url + "/api/items", method="POST", headers={"Content-Type": "application/json"},
                              body="{}")
        statuses[origin] = (post.status, checker.last_request(method="POST").origin)
    assert statuses == {"strip": (200, None), "forward": (403, dev.origin)}


@pytest.mark.parametrize("api_url, prefix", [("localhost:8002", "/api"), ("http://localhost:8002/v1", "/api"),
                                             ("http://localhost:8002", "api")])
def test_a_bad_api_url_or_prefix_is_one_sentence(api_url, prefix):
    with pytest.raises(InputError) as caught:
        vite_config(api_url, prefix)
    assert str(caught.value).count(".") >= 1 and "\n" not in str(caught.value)


def test_vite_missing_is_one_sentence(monkeypatch, tmp_path):
    from cors_lab.course import vite as vite_module
    from cors_lab.frameworks import npm

    monkeypatch.setattr(vite_module, "NODE_HOME", tmp_path / "empty")
    monkeypatch.setattr(npm.shutil, "which", lambda name: None)
    with pytest.raises(ServerError, match="^node and npm are needed to run Vite"):
        start_vite("http://localhost:8002")
