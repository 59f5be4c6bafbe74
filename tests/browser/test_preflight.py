import pytest

from cors_lab.browser.browsers import FIREFOX
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
    (204, _ok(**{"access-control-allow-methods": "PUT GET"}), False, "PUT", [], ("invalid_allow_methods", "PUT GET")),
    (204, _ok(**{"access-control-allow-headers": "x foo"}), False, "GET", ["x-foo"],
     ("invalid_allow_headers", "x foo")),
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


def _entry(max_age=None, methods="PUT", include=False, headers=None, model=None, method="PUT", unsafe=()):
    h = _ok(**{"access-control-allow-methods": methods})
    if include:
        h["access-control-allow-credentials"] = "true"
    if max_age is not None:
        h["access-control-max-age"] = max_age
    if headers:
        h["access-control-allow-headers"] = headers
    return check_preflight(204, h, PAGE, include, method, list(unsafe), model)[1]


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


# ---- Firefox 153 ESR's cache (recorded through cors_lab.real; nsCORSListenerProxy.cpp says why) ----------------
@pytest.mark.parametrize("value, seconds", [
    (None, 5), ("", 5), ("0", 0), ("10", 10), (" 10 ", 10), ("86400", 86400), ("86401", 86400),
    ("soon", 0), ("5.5", 0), ("-1", 0), ("+5", 0), ("10, 10", 0),  # two header lines: not a number
    ("99999999999999999999", 86400), ("-99999999999999999999", 0), ("9" * 5000, 86400), ("0" * 30 + "7", 7),
])
def test_max_age_as_firefox_parses_it(value, seconds):
    assert parse_max_age(value, FIREFOX) == seconds


def _firefox_cache():
    clock = Clock()
    return clock, PreflightCache(clock=clock, model=FIREFOX)


def test_firefox_keeps_one_entry_per_credentials_mode():
    _, cache = _firefox_cache()
    cache.store(PAGE, "http://a/x", _entry("60", include=True, model=FIREFOX))
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is None  # Chromium: served
    assert cache.lookup(PAGE, "http://a/x", True, "PUT", []) is not None
    cache.store(PAGE, "http://a/x", _entry("60", model=FIREFOX))
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is not None


def test_firefox_adds_each_preflight_to_the_entry_with_its_own_expiry():
    clock, cache = _firefox_cache()
    cache.store(PAGE, "http://a/x", _entry("60", methods="PUT", headers="X-A", model=FIREFOX, unsafe=["x-a"]))
    clock.t += 30
    cache.store(PAGE, "http://a/x", _entry("60", methods="DELETE", headers="X-B", model=FIREFOX, method="DELETE",
                                           unsafe=["x-b"]))
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", ["x-b"]) is not None  # recorded: no third preflight
    clock.t += 31  # PUT and X-A are gone, DELETE and X-B stay
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is None
    assert cache.lookup(PAGE, "http://a/x", False, "DELETE", ["X-B"]) is not None
    assert cache.lookup(PAGE, "http://a/x", False, "DELETE", ["x-a"]) is None


def test_firefox_cache_takes_a_wildcard_for_a_name_and_wants_head_listed():
    _, cache = _firefox_cache()
    cache.store(PAGE, "http://a/x", _entry("60", methods="*", headers="*", model=FIREFOX, unsafe=["x-a"]))
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", ["x-a"]) is None  # recorded: preflighted again
    cache.store(PAGE, "http://a/y", _entry("60", methods="", headers="X-A", model=FIREFOX, method="GET",
                                           unsafe=["x-a"]))
    assert cache.lookup(PAGE, "http://a/y", False, "GET", ["x-a"]) is not None
    assert cache.lookup(PAGE, "http://a/y", False, "POST", ["x-a"]) is not None
    assert cache.lookup(PAGE, "http://a/y", False, "HEAD", ["x-a"]) is None  # recorded: preflighted again


def test_firefox_forgets_a_url_whose_response_was_blocked_chromium_does_not():
    _, firefox = _firefox_cache()
    chromium = PreflightCache(clock=Clock())
    for cache, model in ((firefox, FIREFOX), (chromium, None)):
        cache.store(PAGE, "http://a/x", _entry("60", model=model))
        cache.store(PAGE, "http://a/y", _entry("60", model=model))
        cache.response_blocked(PAGE, "http://a/x")
    assert firefox.lookup(PAGE, "http://a/x", False, "PUT", []) is None
    assert firefox.lookup(PAGE, "http://a/y", False, "PUT", []) is not None
    assert chromium.lookup(PAGE, "http://a/x", False, "PUT", []) is not None


def test_firefox_caps_max_age_at_a_day_and_caches_nothing_for_junk():
    clock, cache = _firefox_cache()
    cache.store(PAGE, "http://a/x", _entry("999999", model=FIREFOX))
    clock.t += 86399
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is not None
    clock.t += 1
    assert cache.lookup(PAGE, "http://a/x", False, "PUT", []) is None
    cache.store(PAGE, "http://a/z", _entry("soon", model=FIREFOX))
    assert cache.lookup(PAGE, "http://a/z", False, "PUT", []) is None
