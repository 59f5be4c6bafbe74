"""The playground pointed at any URL (an API that is not a lab server: here real Starlette under uvicorn): no policy
fields, the headers the server answered instead; Send, Ask real Chromium and an unreachable URL work as for a lab
server; a lab server's playground is unchanged."""
from __future__ import annotations

import html
import socket

import pytest

from cors_lab import CorsPolicy, InputError, api_app, serve
from cors_lab.widgets import Playground
from cors_lab.widgets.playground import NO_OWN_BROWSER

PAGE = "http://localhost:8001"


@pytest.fixture(scope="module")
def own_api():
    pytest.importorskip("uvicorn", reason="uvicorn is not installed")
    from cors_lab.course.own_api import start_my_fastapi

    with start_my_fastapi(dict(allow_origins=[PAGE], allow_methods=["GET", "PUT"])) as live:
        yield live


def test_a_playground_on_any_url_shows_what_the_server_answered(own_api):
    pg = Playground(url=own_api.url + "/api/data", origin=PAGE)
    assert repr(pg) == f"Playground(url={own_api.url + '/api/data'!r})" and pg.own_browser is None
    assert "not a lab server" in pg.title.value and html.escape(NO_OWN_BROWSER) in pg.widget.children[3].value
    result = pg.send()
    assert result.readable
    text = pg.output_text()
    assert f"access-control-allow-origin: {PAGE}" in text.lower()
    assert "(no request reached a lab server)" in text
    assert "access-control-allow-origin" in pg.server_headers.value.lower()


def test_a_preflighted_put_and_a_refused_origin(own_api):
    pg = Playground(url=own_api.url + "/api/items/1", origin=PAGE, method="PUT",
                    headers={"Content-Type": "application/json"}, body="{}")
    assert pg.send().readable
    assert "OPTIONS /api/items/1 -> 200" in pg.output_text()  # Starlette's accepted preflight
    pg.origin.value = "http://localhost:9999"
    refused = pg.send()
    assert refused.blocked and "OPTIONS /api/items/1 -> 400" in pg.output_text()


def test_ask_real_chromium_agrees_on_any_url(own_api):
    from cors_lab.real.chromium import chromium_available, unavailable_reason

    if not chromium_available():
        pytest.skip(unavailable_reason())
    pg = Playground(url=own_api.url + "/api/data", origin="http://localhost:9999")
    pg.send()
    assert pg.ask_chromium() is not None and pg.agrees is True


def test_an_unreachable_url_is_a_result_not_a_traceback():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    pg = Playground(url=f"http://localhost:{port}/api", origin=PAGE)
    result = pg.send()
    assert result.blocked and "net::ERR_CONNECTION_REFUSED" in result.explain()
    assert "GET /api -> no answer" in pg.output_text()


def test_without_server_or_url_one_sentence():
    with pytest.raises(InputError, match="needs a lab server or a url"):
        Playground()


def test_a_lab_servers_playground_still_edits_its_policy():
    api = serve(api_app(), port=None, name="api")
    pg = Playground(api, origin=PAGE)
    assert repr(pg) == "Playground(server='api')" and pg.own_browser is not None
    pg.allow_origins.value = PAGE
    assert pg.send().readable and api.policy.allow_origins == [PAGE]
    assert isinstance(api.policy, CorsPolicy)
