"""The response inspector of notebook 05: what crossed the wire next to what JavaScript reads, row by row."""
from __future__ import annotations

import pytest
from flask import Flask, Response

from cors_lab import CorsPolicy, serve
from cors_lab.course.teaching import FRONTEND
from cors_lab.server.apps import api_app
from cors_lab.widgets import ResponseInspector

PAGE = FRONTEND


@pytest.fixture
def api():
    return serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[PAGE]))


def rows(inspector) -> dict:
    return {what: (wire, js, why) for what, wire, js, why in inspector.rows}


def test_inspect_with_the_defaults_shows_custom_headers_crossed_the_wire_but_are_hidden(api):
    inspector = ResponseInspector(api)
    assert inspector.inspect().readable
    table = rows(inspector)
    assert table["status"][:2] == ("200", "200")
    assert table["x-request-id"] == ("req-42", "—", "not exposed: not in Access-Control-Expose-Headers")
    assert table["content-type"][1] == "application/json" and "safelisted" in table["content-type"][2]
    assert inspector.visible() == ["content-length", "content-type"]
    assert repr(inspector) == "ResponseInspector(/api/custom-headers: 2 headers readable)"
    assert "cors-lab-inspector-table" in inspector.output.value and "<svg" in inspector.output.value


def test_an_exposed_header_moves_to_the_readable_column_and_the_policy_is_put_back(api):
    before = api.policy
    inspector = ResponseInspector(api, policy=CorsPolicy(allow_origins=[PAGE], expose_headers=["X-Request-Id"]))
    inspector.inspect()
    assert rows(inspector)["x-request-id"][1:] == ("req-42", "listed in Access-Control-Expose-Headers")
    assert rows(inspector)["x-ratelimit-remaining"][1] == "—"
    assert api.policy is before


def test_a_no_cors_answer_is_opaque_status_headers_and_body_hidden(api):
    inspector = ResponseInspector(api, "/api/public", mode="no-cors", policy=CorsPolicy.none())
    inspector.inspect()
    table = rows(inspector)
    assert table["status"][:2] == ("200", "— (0)") and table["body"][1] == "—"
    assert all(js.startswith("—") for wire, js, why in table.values())
    assert "opaque" in table["content-type"][2]


def test_a_cookie_value_is_never_shown_and_set_cookie_is_never_readable(api):
    inspector = ResponseInspector(api, "/login?user=alice", credentials="include",
                                  policy=CorsPolicy(allow_origins=[PAGE], allow_credentials=True))
    inspector.inspect()
    wire, js, why = rows(inspector)["set-cookie"]
    assert wire.startswith("sid=…") and js == "—" and why == "Set-Cookie is never readable by JavaScript"
    cookie = inspector.result.exchanges[-1].set_cookies[0].split(";")[0].split("=")[1]
    assert cookie not in inspector.output.value and cookie not in inspector.output_text()


def test_header_values_a_server_sends_are_escaped():
    app = Flask("hostile")

    @app.get("/x")
    def x():
        return Response("<script>alert(1)</script>", headers={"X-Evil": "<img src=x onerror=alert(1)>",
                                                              "Access-Control-Allow-Origin": "*"})

    server = serve(app, port=None, name="hostile")
    inspector = ResponseInspector(server, "/x")
    inspector.inspect()
    html = inspector.output.value
    assert "<img src=x" not in html and "<script>alert" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_after_the_server_is_stopped_inspect_says_which_cell_to_rerun_then_rebinds(api):
    inspector = ResponseInspector(api)
    api.stop()
    assert inspector.inspect() is None and "re-run" in inspector.output_text() and inspector.rows == []
    again = serve(api_app(), port=None, name="api", policy=CorsPolicy(allow_origins=[PAGE]))
    assert inspector.inspect().readable and inspector.result.exchanges[-1].url.startswith(again.url)
