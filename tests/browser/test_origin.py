import pytest

from cors_lab.browser.origin import (
    Origin,
    URLError,
    address_space,
    is_potentially_trustworthy,
    origin_of,
    parse_origin,
    parse_url,
    registrable_domain,
    same_origin,
    same_site,
)


@pytest.mark.parametrize("url, expected", [
    ("http://localhost:8002", "http://localhost:8002/"),
    ("HTTP://LocalHost:8002/a?b=1", "http://localhost:8002/a?b=1"),
    ("http://localhost:80/x", "http://localhost/x"),
    ("https://example.com:443", "https://example.com/"),
    ("http://127.0.0.1:9/p", "http://127.0.0.1:9/p"),
    ("http://localhost:9/a b?x=y z", "http://localhost:9/a%20b?x=y%20z"),
    ("http://localhost:9/d7#frag", "http://localhost:9/d7#frag"),  # Chromium's console sentence keeps the fragment
    ("http://exa mple.test/", "http://exa%20mple.test/"),  # Chromium escapes a space in the host (WHATWG would fail)
    ("http://exa*mple.test/", "http://exa%2Ample.test/"),
    ("FILE:///tmp/a b", "file:///tmp/a%20b"),
    ("file://localhost/etc/hostname", "file://localhost/etc/hostname"),
    ("DATA:text/plain,a b", "data:text/plain,a b"),  # non-special schemes: only the scheme is lowercased
])
def test_urls_are_serialized_like_the_url_standard(url, expected):
    assert parse_url(url) == expected


def test_a_relative_url_is_resolved_against_the_page():
    assert parse_url("/api/x", base="http://localhost:8001/") == "http://localhost:8001/api/x"


@pytest.mark.parametrize("url", ["http://", "http://:80/", "http://local host:99999/", "http://exa^mple.test/",
                                 "http://exa|mple.test/"])
def test_unparsable_urls_raise_url_error(url):
    with pytest.raises(URLError):
        parse_url(url)


@pytest.mark.parametrize("a, b, same", [
    ("http://localhost:8001/", "http://localhost:8001/x", True),
    ("http://localhost:8001/", "http://localhost:8002/", False),
    ("http://localhost:8001/", "http://127.0.0.1:8001/", False),
    ("http://localhost:8001/", "https://localhost:8001/", False),
    ("http://localhost/", "http://localhost:80/", True),
])
def test_same_origin_compares_scheme_host_and_port(a, b, same):
    assert same_origin(origin_of(a), origin_of(b)) is same


@pytest.mark.parametrize("a, b, same", [
    ("http://localhost:8001/", "http://localhost:8666/", True),  # ports never change the site
    ("http://localhost:8001/", "http://127.0.0.1:8001/", False),
    ("http://a.example.com/", "http://b.example.com/", True),
    ("http://example.com/", "https://example.com/", False),  # schemeful same-site
    ("http://127.0.0.1:1/", "http://127.0.0.2:1/", False),
    # localhost is no public suffix: each host is a site
    ("http://shop.localhost:8001/", "http://localhost:8002/", False),
    ("http://shop.localhost:8001/", "http://shop.localhost:8002/", True),
    ("http://a.shop.localhost/", "http://b.shop.localhost/", False),
])
def test_same_site_ignores_ports_but_not_hosts_or_schemes(a, b, same):
    assert same_site(origin_of(a), origin_of(b)) is same


@pytest.mark.parametrize("value", ["localhost:8001", "http://localhost:8001/page", "ftp://x", "", "http://", 8001, None,
                                   "http://localhost:8001?x=1"])
def test_an_invalid_page_origin_raises_value_error_naming_it(value):
    with pytest.raises(ValueError, match=repr(value).replace("?", r"\?").replace("(", r"\(")):
        parse_origin(value)


def test_a_page_origin_may_end_with_a_slash():
    assert parse_origin("http://localhost:8001/") == Origin("http", "localhost", 8001)
    assert str(parse_origin("http://LOCALHOST:8001")) == "http://localhost:8001"


@pytest.mark.parametrize("url, trusted", [
    ("http://localhost:1/", True), ("http://127.0.0.1:1/", True), ("https://example.com/", True),
    ("http://example.com/", False),
    ("http://shop.localhost:1/", True), ("http://127.evil.net/", False),
])
def test_loopback_and_https_are_potentially_trustworthy(url, trusted):
    assert is_potentially_trustworthy(origin_of(url)) is trusted


@pytest.mark.parametrize("host, domain", [
    ("example.com", "example.com"), ("shop.example.com.evil.net", "evil.net"), ("localhost", ""),
    ("shop.localhost", ""),
    ("127.0.0.1", ""), ("[::1]", ""), ("a.example.test", ""),
])
def test_hosts_under_unknown_tlds_and_ip_addresses_have_no_registrable_domain(host, domain):
    assert registrable_domain(host) == domain


@pytest.mark.parametrize("host, space", [
    ("localhost", "loopback"), ("shop.localhost", "loopback"), ("127.0.0.2", "loopback"), ("[::1]", "loopback"),
    ("192.168.1.10", "local"), ("10.0.0.5", "local"), ("example.com", "public"), ("127.evil.net", "public"),
])
def test_address_spaces_come_from_the_host(host, space):
    assert address_space(host) == space


@pytest.mark.parametrize("host, serialized", [  # each recorded from Chromium 156 (scenarios ip-host-*)
    ("2130706433", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"), ("127.0.1", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"), ("0X7F.1", "127.0.0.1"),
    ("0x7f.0x.1", "127.0.0.1"), ("0x", "0.0.0.0"), ("0", "0.0.0.0"), ("1.2.3.0x", "1.2.3.0"),
    ("example.com", "example.com"), ("1e5", "1e5"), ("a.b.c.d.e", "a.b.c.d.e"),
])
def test_a_host_whose_last_label_is_a_number_is_an_ipv4_address_written_dotted(host, serialized):
    assert parse_url(f"http://{host}:8002/x") == f"http://{serialized}:8002/x"


@pytest.mark.parametrize("host", ["4294967296", "127.0.0.256", "09.0.0.1", "1.2.3.09", "1.2.3.4.5", "999999999999",
                                  "a.0x1", "0x100000000", "a..1"])
def test_numbers_that_make_no_ipv4_address_are_an_invalid_url(host):
    with pytest.raises(URLError):
        parse_url(f"http://{host}/")


@pytest.mark.parametrize("location, resolved", [
    ("http:", "http://localhost:8002/a/b"),  # the same special scheme without slashes is relative: the URL itself
    ("http:c", "http://localhost:8002/a/c"),
    ("http:/c", "http://localhost:8002/c"),
    ("http:///localhost:8003/c", "http://localhost:8003/c"),  # extra slashes before the host are ignored
])
def test_a_location_naming_the_current_scheme_resolves_as_the_url_standard_says(location, resolved):
    assert parse_url(location, base="http://localhost:8002/a/b") == resolved
