import pytest

from cors_lab.browser.preflight import (
    PreflightCache,
    check_preflight,
    needs_preflight,
    parse_allow_list,
    parse_max_age,
    preflight_headers,
)

PAGE = "http://localhost:8001"


@pytest.mark.parametrize("method, unsafe, needed", [
    ("GET", [], False), ("POST", [], False), ("HEAD", [], False), ("PUT", [], True), ("patch", [], True),
    ("GET", ["x-foo"], True), ("OPTIONS", [], True),
])
def test_preflight_is_needed_for_unsafe_methods_or_headers(method, unsafe, needed):
    assert needs_preflight(method, unsafe) is needed


def test_preflight_request_headers_are_lowercase_sorted_comma_joined():
    h = preflight_headers(PAGE, "PUT", ["content-type", "x-a", "x-b"])
    assert h == {"accept": "*/*", "access-control-request-method": "PUT", "origin": PAGE,
                 "access-control-request-headers": "content-type,x-a,x-b"}
    assert "access-control-request-headers" not in preflight_headers(PAGE, "PUT", [])


@pytest.mark.parametrize("value, parsed", [
    (None, []), ("PUT", ["PUT"]), ("PUT,,", ["PUT"]), (" GET , PUT ,", ["GET", "PUT"]), ("PUT GET", None),
    ("x foo", None), ("*", ["*"]),
])
def test_allow_lists_skip_empty_items_and_reject_non_tokens(value, parsed):
    assert parse_allow_list(value) == parsed


@pytest.mark.parametrize("value, seconds", [
    (None, 5), ("abc", 5), ("1.5", 5), ("", 5), ("0", 0), ("-5", 0), ("10", 10), ("7200", 7200), ("999999", 7200),
    (" 10 ", 10),
    # too large for 64 bits is unparsable (recorded in Chromium 156: the default 5 s, whatever the sign)
    ("9223372036854775807", 7200), ("99999999999999999999", 5), ("-99999999999999999999", 5), ("9" * 5000, 5),
])
def test_max_age_as_chromium_parses_it(value, seconds):
    assert parse_max_age(value) == seconds


def _ok(**extra):
    return {"access-control-allow-origin": PAGE, **extra}


@pytest.mark.parametrize("status, headers, include, method, unsafe, error", [
    (204, _ok(**{"access-control-allow-methods": "PUT"}), False, "PUT", [], None),
    (299, _ok(**{"access-control-allow-methods": "PUT"}), False, "PUT", [], None),
    (500, {}, False, "PUT", [], ("missing_allow_origin", "")),  # ACAO before status
    (500, _ok(), False, "PUT", [], ("preflight_status", "")),
    (204, _ok(), False, "PUT", [], ("method_not_allowed", "PUT")),
    (204, _ok(**{"access-control-allow-methods": "put"}), False, "PUT", [], ("method_not_allowed", "PUT")),
    (204, _ok(**{"access-control-allow-methods": "PATCH"}), False, "patch", [], ("method_not_allowed", "patch")),
    (204, _ok(**{"access-control-allow-methods": "*"}), False, "DELETE", [], None),
    (204, _ok(**{"access-control-allow-methods": "*", "access-control-allow-credentials": "true"}), True, "PUT", [],
     ("method_not_allowed", "PUT")),
    (204, _ok(), False, "GET", ["x-bar", "x-foo"], ("header_not_allowed", "x-bar")),
    (204, _ok(**{"access-control-allow-headers": "X-Foo, X-BAR"}), False, "GET", ["x-bar", "x-foo"], None),
    # Chromium 156: * covers it
    (204, _ok(**{"access-control-allow-headers": "*"}), False, "GET", ["authorization"], None),
    (204, _ok(**{"access-control-allow-headers": "*", "access-control-allow-credentials": "true"}), True, "GET",
     ["x-foo"], ("header_not_allowed", "x-foo")),
    (204, _ok(**{"access-control-allow-methods": "PUT GET"}), False, "PUT", [], ("invalid_allow_methods", "")),
    (204, _ok(**{"access-control-allow-headers": "x foo"}), False, "GET", ["x-foo"], ("invalid_allow_headers", "")),
    (204, {"access-control-allow-origin": "*", "access-control-allow-methods": "PUT"}, True, "PUT", [],
     ("wildcard_origin_with_credentials", "")),
    (204, _ok(**{"access-control-allow-methods": "PUT"}), True, "PUT", [], ("invalid_allow_credentials", "")),
])
def test_preflight_response_checks(status, headers, include, method, unsafe, error):
    err, entry = check_preflight(status, headers, PAGE, include, method, unsafe)
    assert err == error
    assert (entry is None) == (error is not None)


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _entry(max_age=None, methods="PUT", include=False, headers=None):
    h = _ok(**{"access-control-allow-methods": methods})
    if include:
        h["access-control-allow-credentials"] = "true"
    if max_age is not None:
        h["access-control-max-age"] = max_age
    if headers:
        h["access-control-allow-headers"] = headers
    return check_preflight(204, h, PAGE, include, "PUT", [])[1]


def test_cache_default_entry_lives_five_seconds():
    clock = Clock()
    cache = PreflightCache(clock=clock)
    cache.store(PAGE, "http://a/x", _entry())
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is not None
    clock.t += 5
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is None


@pytest.mark.parametrize("max_age", ["0", "-1"])
def test_cache_keeps_nothing_for_zero_or_negative_max_age(max_age):
    cache = PreflightCache(clock=Clock())
    cache.store(PAGE, "http://a/x", _entry(max_age))
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is None


def test_cache_is_keyed_by_page_origin_and_url():
    cache = PreflightCache(clock=Clock())
    cache.store(PAGE, "http://a/x", _entry("60"))
    assert cache.lookup("http://localhost:8666", "http://a/x", False, "PUT", []) is None
    assert cache.lookup(PAGE, "http://a/x?q=1", False, "PUT", []) is None
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is not None


def test_a_cached_entry_without_credentials_does_not_serve_include_and_is_evicted():
    cache = PreflightCache(clock=Clock())
    cache.store(PAGE, "http://a/x", _entry("60"))
    assert cache.lookup(PAGE, "http://a/x", True, "PUT", []) is None
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is None  # evicted by the failed lookup


def test_a_credentialed_entry_serves_a_request_without_credentials():
    cache = PreflightCache(clock=Clock())
    cache.store(PAGE, "http://a/x", _entry("60", include=True))
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is not None


def test_a_cached_entry_must_allow_the_new_method_and_headers():
    cache = PreflightCache(clock=Clock())
    cache.store(PAGE, "http://a/x", _entry("60", methods="PUT, DELETE", headers="x-foo"))
    assert cache.lookup(PAGE, "http://a/x", False, "DELETE", ["x-foo"]) is not None
    assert cache.lookup(PAGE, "http://a/x", False, "PATCH", []) is None


def test_cache_caps_max_age_at_two_hours():
    clock = Clock()
    cache = PreflightCache(clock=clock)
    cache.store(PAGE, "http://a/x", _entry("86400"))
    clock.t += 7199
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is not None
    clock.t += 1
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is None
