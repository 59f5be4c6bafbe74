import pytest

from cors_lab.browser.origin import origin_of
from cors_lab.browser.redirects import location, next_method, taints

PAGE = origin_of("http://localhost:8001/")


@pytest.mark.parametrize("status, headers, expected", [
    (302, [("Location", "http://localhost:8003/x")], "http://localhost:8003/x"),
    (307, [("location", "/y")], "/y"),  # resolved later, by the URL parser, against the current URL
    (302, [], None),  # no Location: the 302 itself is the response
    (302, [("Location", "")], None),  # an empty Location does not count either
    (302, [("Location", ""), ("Location", "/b")], "/b"),  # the first that is not empty
    (200, [("Location", "/y")], None),
    (304, [("Location", "/y")], None),
    (302, [("Location", "/caf\xc3\xa9")], "/caf%C3%A9"),  # the bytes of a UTF-8 é, percent-escaped as they came
    (302, [("Location", "/caf\xe9")], "/caf%E9"),  # a Latin-1 é: one byte
])
def test_location_is_the_first_non_empty_one_with_its_non_ascii_bytes_escaped(status, headers, expected):
    assert location(status, headers) == expected


@pytest.mark.parametrize("status, method, after", [
    (301, "POST", ("GET", False)), (302, "POST", ("GET", False)), (303, "POST", ("GET", False)),
    (303, "PUT", ("GET", False)),
    (303, "HEAD", ("HEAD", True)), (307, "POST", ("POST", True)), (308, "PUT", ("PUT", True)),
    (302, "PUT", ("PUT", True)),
])
def test_redirects_change_the_method_only_as_the_spec_says(status, method, after):
    assert next_method(status, method) == after


@pytest.mark.parametrize("current, nxt, tainted", [
    ("http://localhost:8002/r", "http://localhost:8003/x", True),   # cross -> other cross: Origin becomes null
    ("http://localhost:8002/r", "http://localhost:8002/x", False),  # same server
    ("http://localhost:8001/r", "http://localhost:8002/x", False),  # from the page's own origin
    ("http://localhost:8002/r", "http://localhost:8001/x", True),   # back to the page's origin is still a cross hop
])
def test_origin_is_tainted_by_a_cross_origin_hop_from_a_cross_origin_url(current, nxt, tainted):
    assert taints(PAGE, current, nxt) is tainted
