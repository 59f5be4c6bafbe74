import pytest

from cors_lab.browser.safelist import (
    is_forbidden_method,
    is_forbidden_request_header,
    is_no_cors_safelisted,
    is_safelisted_request_header,
    normalize_method,
    unsafe_request_header_names,
)


@pytest.mark.parametrize("given, sent", [
    ("get", "GET"), ("Post", "POST"), ("delete", "DELETE"), ("put", "PUT"), ("options", "OPTIONS"), ("head", "HEAD"),
    ("patch", "patch"), ("Patch", "Patch"), ("foo", "foo"), ("PATCH", "PATCH"),
])
def test_only_the_six_methods_are_uppercased(given, sent):
    assert normalize_method(given) == sent


@pytest.mark.parametrize("method, forbidden",
                         [("CONNECT", True), ("trace", True), ("Track", True), ("GET", False), ("PATCH", False)])
def test_connect_trace_track_are_forbidden_in_any_case(method, forbidden):
    assert is_forbidden_method(method) is forbidden


@pytest.mark.parametrize("name, value, safe", [
    ("Content-Type", "text/plain", True),
    ("Content-Type", "TEXT/PLAIN; charset=utf-8", True),
    ("content-type", "multipart/form-data", True),
    ("Content-Type", "application/x-www-form-urlencoded", True),
    ("Content-Type", "application/json", False),
    ("Content-Type", 'text/plain; a="b"', False),  # '"' is a CORS-unsafe request-header byte
    ("Accept", "a" * 128, True),
    ("Accept", "a" * 129, False),  # over 128 bytes
    ("Accept", "text/(x)", False),
    ("Accept", "application/json, text/plain", True),
    ("Accept-Language", "en-US,en;q=0.9", True),
    ("Accept-Language", "en/us", False),
    ("Content-Language", "en_US", False),
    ("Range", "bytes=0-10", True),
    ("Range", "bytes=5-", True),
    ("Range", "bytes=0-10,20-30", False),
    ("Range", "bytes=10-5", False),
    ("X-Foo", "1", False),
    ("Authorization", "Bearer x", False),
    ("Cache-Control", "no-cache", False),
    # Chromium's client hints (cors.cc IsCorsSafelistedHeader)
    ("DPR", "2", True), ("DPR", "1.5", True), ("DPR", "1.", False), ("DPR", ".5", False), ("DPR", "abc", False),
    ("Device-Memory", "0.25", True), ("Device-Memory", "8GB", False), ("Downlink", "10.5", True),
    ("Downlink", "1e3", False),
    ("Downlink", "", False), ("Width", "100", True), ("Width", "1.5", False), ("Width", "-1", False),
    ("Viewport-Width", "800", True), ("RTT", "50", True), ("RTT", "1.5", False),
    ("ECT", "4g", True), ("ECT", "slow-2g", True), ("ECT", "5g", False), ("ECT", "4G", False),
    ("Save-Data", "on", True), ("Save-Data", "ON", True), ("Save-Data", "off", False),
    ("Intervention", "anything", True),
    ("DPR", "1" * 129, False),
])
def test_safelisted_request_headers_follow_the_value_rules(name, value, safe):
    assert is_safelisted_request_header(name, value) is safe


def test_unsafe_names_are_lowercased_sorted_and_unique():
    assert unsafe_request_header_names({"X-B": "1", "x-a": "2", "Content-Type": "application/json", "Accept": "x"}) == [
        "content-type", "x-a", "x-b"]


def test_safelisted_values_may_total_1024_bytes_and_one_more_byte_makes_them_all_unsafe():
    headers = {"accept": "a" * 128, "accept-language": "b" * 128, "content-language": "c" * 128,
               "content-type": "text/plain;" + "d" * 117, "dpr": "2." + "0" * 126, "device-memory": "8." + "0" * 126,
               "viewport-width": "1" * 128, "width": "1" * 128}
    assert unsafe_request_header_names(headers) == []
    assert unsafe_request_header_names({**headers, "save-data": "on"}) == sorted([*headers, "save-data"])
    assert unsafe_request_header_names({"accept": "a" * 64 + ", " + "a" * 64}) == ["accept"]


@pytest.mark.parametrize("name, value, forbidden", [
    ("Cookie", "a=1", True), ("Host", "x", True), ("Origin", "x", True), ("Referer", "x", True),
    ("User-Agent", "x", True),
    ("Proxy-Anything", "x", True), ("Sec-Fetch-Mode", "x", True), ("Content-Length", "3", True),
    ("Connection", "close", True),
    ("X-HTTP-Method-Override", "TRACE", True), ("X-HTTP-Method-Override", "PATCH", False), ("X-Foo", "1", False),
    # client hints are sent (and safelisted)
    ("Authorization", "x", False), ("Save-Data", "on", False), ("DPR", "2", False),
])
def test_forbidden_request_headers(name, value, forbidden):
    assert is_forbidden_request_header(name, value) is forbidden


@pytest.mark.parametrize("name, value, kept", [
    ("Accept", "text/x", True), ("Content-Type", "application/json", False), ("Content-Type", "text/plain", True),
    ("X-Foo", "1", False), ("Range", "bytes=0-1", False), ("Save-Data", "on", False),
])
def test_no_cors_keeps_only_no_cors_safelisted_headers(name, value, kept):
    assert is_no_cors_safelisted(name, value) is kept
