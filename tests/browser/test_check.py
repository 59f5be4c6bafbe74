import pytest

from cors_lab.browser.check import cors_check, visible_headers

PAGE = "http://localhost:8001"


@pytest.mark.parametrize("acao, acac, include, expected", [
    (PAGE, None, False, None),
    ("*", None, False, None),
    (None, None, False, ("missing_allow_origin", "")),
    ("http://localhost:8003", None, False, ("allow_origin_mismatch", "http://localhost:8003")),
    (PAGE + "/", None, False, ("allow_origin_mismatch", PAGE + "/")),  # a trailing slash is another string
    ("http://LOCALHOST:8001", None, False, ("allow_origin_mismatch", "http://LOCALHOST:8001")),
    (PAGE + ", http://x", None, False, ("multiple_allow_origin", PAGE + ", http://x")),
    ("foo bar", None, False, ("multiple_allow_origin", "foo bar")),  # a space counts as several values
    ("null", None, False, ("allow_origin_mismatch", "null")),
    ("", None, False, ("invalid_allow_origin", "")),
    ("foo", None, False, ("invalid_allow_origin", "foo")),
    ("localhost:8001", None, False, ("allow_origin_mismatch", "localhost:8001")),  # parses as scheme 'localhost'
    (PAGE + ":80", None, False, ("invalid_allow_origin", PAGE + ":80")),  # two ports: GURL cannot parse it
    ("http://localhost:99999", None, False, ("invalid_allow_origin", "http://localhost:99999")),
    ("*", "true", True, ("wildcard_origin_with_credentials", "")),
    (PAGE, None, True, ("invalid_allow_credentials", "")),
    (PAGE, "TRUE", True, ("invalid_allow_credentials", "TRUE")),
    (PAGE, "true", True, None),
    (None, "true", True, ("missing_allow_origin", "")),  # ACAO is checked before ACAC
])
def test_cors_check_follows_chromiums_order_and_hints(acao, acac, include, expected):
    assert cors_check(acao, acac, PAGE, include) == expected


def test_null_origin_matches_acao_null():
    assert cors_check("null", None, "null", False) is None


H = {"content-type": "text/plain", "content-length": "2", "x-foo": "1", "set-cookie": "a=1", "date": "now",
     "cache-control": "no-cache", "access-control-allow-origin": PAGE}


@pytest.mark.parametrize("extra, rtype, include, expected", [
    ({}, "cors", False, {"content-type", "content-length", "cache-control"}),
    ({"access-control-expose-headers": "X-Foo"}, "cors", False,
     {"content-type", "content-length", "cache-control", "x-foo"}),
    ({"access-control-expose-headers": "*"}, "cors", False,
     set(H) - {"set-cookie"} | {"access-control-expose-headers"}),
    ({"access-control-expose-headers": "*"}, "cors", True, {"content-type", "content-length", "cache-control"}),
    ({"access-control-expose-headers": "*, date"}, "cors", True,
     {"content-type", "content-length", "cache-control", "date"}),
    ({"access-control-expose-headers": "set-cookie"}, "cors", False,
     {"content-type", "content-length", "cache-control"}),
    ({}, "basic", True, set(H) - {"set-cookie"}),
    ({}, "opaque", False, set()),
    ({}, "opaqueredirect", False, set()),
])
def test_visible_headers_depend_on_type_credentials_and_expose_headers(extra, rtype, include, expected):
    assert set(visible_headers({**H, **extra}, rtype, include)) == expected
