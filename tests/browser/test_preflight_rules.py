"""Which rule decides a preflight (preflight_rules) and which rule hides a response header (header_visibility):
the explanations the widgets show, checked against the engine's own decisions."""
from __future__ import annotations

import pytest

from cors_lab.browser.check import header_visibility, visible_headers
from cors_lab.browser.preflight import needs_preflight, preflight_rules
from cors_lab.browser.safelist import unsafe_request_header_names

CASES = [  # (method, headers, preflight?, the rules that are not safelisted)
    ("GET", {}, False, []),
    ("get", {"Accept-Language": "fr"}, False, []),
    ("GET", {"X-Api-Key": "k"}, True, ["X-Api-Key: k"]),
    ("POST", {"Content-Type": "text/plain;charset=UTF-8"}, False, []),
    ("POST", {"Content-Type": "application/x-www-form-urlencoded"}, False, []),
    ("POST", {"Content-Type": "application/json"}, True, ["Content-Type: application/json"]),
    ("DELETE", {}, True, ["DELETE"]),
    ("PUT", {"Content-Type": "application/json", "Authorization": "Bearer x"}, True,
     ["PUT", "Content-Type: application/json", "Authorization: Bearer x"]),
    ("GET", {"Cookie": "a=1", "Host": "evil"}, False, []),  # forbidden headers are dropped: they decide nothing
    ("GET", {"Accept": "a" * 100, "Accept-Language": "b" * 100, "Content-Language": "c" * 100,
             "Content-Type": "text/plain", "Dpr": "1"}, False, []),
]


@pytest.mark.parametrize("method, headers, needed, deciding", CASES)
def test_the_rules_name_what_made_a_preflight_and_agree_with_the_engine(method, headers, needed, deciding):
    decided, rules = preflight_rules(method, headers)
    assert decided is needed
    assert [rule.subject for rule in rules if not rule.safelisted] == deciding
    kept = {n: v for n, v in headers.items() if n.lower() not in ("cookie", "host")}
    assert needs_preflight(method.upper(), unsafe_request_header_names(kept)) is needed


def test_safelisted_values_over_1024_bytes_together_make_a_preflight_and_say_so():
    # each value is safelisted alone (at most 128 bytes); together they pass Chromium's 1024-byte limit
    many = {"Accept": "a" * 128, "Accept-Language": "b" * 128, "Content-Language": "c" * 128,
            "Content-Type": "text/plain;" + "d" * 110, "Dpr": "1" * 100, "Downlink": "2" * 100,
            "Device-Memory": "3" * 100, "Rtt": "4" * 100, "Width": "5" * 100, "Viewport-Width": "6" * 100}
    assert sum(len(v) for v in many.values()) > 1024
    decided, rules = preflight_rules("GET", many)
    assert decided is True
    assert any("exceed 1024 bytes" in rule.detail for rule in rules)
    assert preflight_rules("GET", {"Accept": "a" * 128})[0] is False


def test_the_content_type_rule_names_the_three_safelisted_types():
    _, rules = preflight_rules("POST", {"Content-Type": "application/json"})
    assert rules[1].rule == "content-type"
    assert "application/x-www-form-urlencoded, multipart/form-data, text/plain" in rules[1].detail


RESPONSE = {"content-type": "application/json", "x-request-id": "7", "date": "today", "set-cookie": "sid=1",
            "access-control-allow-origin": "http://localhost:8001"}


@pytest.mark.parametrize("expose, include, readable", [
    (None, False, {"content-type"}),
    ("X-Request-Id", False, {"content-type", "x-request-id"}),
    ("*", False, {"content-type", "x-request-id", "date", "access-control-allow-origin",
                  "access-control-expose-headers"}),
    ("*", True, {"content-type"}),  # with credentials '*' is a header named '*'
])
def test_header_visibility_agrees_with_the_engines_filter(expose, include, readable):
    headers = dict(RESPONSE, **({"access-control-expose-headers": expose} if expose else {}))
    rows = header_visibility(headers, "cors", include)
    assert {name for name, seen, _ in rows if seen} == set(visible_headers(headers, "cors", include)) == readable
    assert {n: why for n, _, why in rows}["set-cookie"] == "Set-Cookie is never readable by JavaScript"


def test_header_visibility_names_the_rule_for_each_header():
    why = {name: reason for name, _, reason in header_visibility(RESPONSE, "cors", True)}
    assert why["content-type"] == "CORS-safelisted response header"
    assert why["x-request-id"] == "not exposed: not in Access-Control-Expose-Headers"
    assert why["access-control-allow-origin"].startswith("a CORS header")
    starred = dict(RESPONSE, **{"access-control-expose-headers": "*"})
    assert {n: r for n, _, r in header_visibility(starred, "cors", True)}["x-request-id"].startswith(
        "not exposed: with credentials, '*'")
    assert all(not seen for _, seen, _ in header_visibility(RESPONSE, "opaque", False))
