"""What fetch() refuses before sending anything (texts recorded from Chromium 156). No server needed: nothing is
sent."""
import pytest

from cors_lab import Browser

TE = "TypeError: Failed to execute 'fetch' on 'Window': "
API = "http://localhost:9/x"  # nothing listens there: a request sent by mistake would show up as a network error
CLOSED = "http://localhost:2/x"  # closed too, but not a port Chromium refuses: a request really goes out


@pytest.mark.parametrize("url, kwargs, exception", [
    ("http://", {}, TE + "Failed to parse URL from http://"),
    ("http://u:p@localhost:9/x", {}, TE + "Request cannot be constructed from a URL that includes credentials: "
                                          "http://u:p@localhost:9/x"),
    (API, {"method": "CONNECT"}, TE + "'CONNECT' HTTP method is unsupported."),
    (API, {"method": "trace"}, TE + "'trace' HTTP method is unsupported."),
    (API, {"method": "TRACK"}, TE + "'TRACK' HTTP method is unsupported."),
    (API, {"method": "GE T"}, TE + "'GE T' is not a valid HTTP method."),
    (API, {"method": ""}, TE + "'' is not a valid HTTP method."),
    (API, {"method": "put", "mode": "no-cors"}, TE + "'PUT' is unsupported in no-cors mode."),
    (API, {"headers": {"X Foo": "1"}}, TE + "Invalid name"),
    (API, {"headers": {"X:Foo": "1"}}, TE + "Invalid name"),
    (API, {"headers": {"": "1"}}, TE + "Invalid name"),
    (API, {"headers": {"X-Foo": "a\r\nb"}}, TE + "Invalid value"),
    (API, {"headers": {"X-Foo": "a\x00b"}}, TE + "Invalid value"),
    (API, {"headers": {"X-Foo": "\u0100"}}, TE + "Failed to read the 'headers' property from 'RequestInit': String "
                                                 "contains non ISO-8859-1 code point."),
    (API, {"body": "x"}, TE + "Request with GET/HEAD method cannot have body."),
    (API, {"method": "HEAD", "body": "x"}, TE + "Request with GET/HEAD method cannot have body."),
    (API, {"mode": "navigate"}, TE + "Cannot construct a Request with a RequestInit whose mode member is set as "
                                     "'navigate'."),
    (API, {"mode": "bogus"}, TE + "Failed to read the 'mode' property from 'RequestInit': The provided value 'bogus' "
                                  "is not a valid enum value of type RequestMode."),
    (API, {"credentials": "bogus"}, TE + "Failed to read the 'credentials' property from 'RequestInit': The provided "
                                         "value 'bogus' is not a valid enum value of type RequestCredentials."),
    (API, {"redirect": "bogus"}, TE + "Failed to read the 'redirect' property from 'RequestInit': The provided value "
                                      "'bogus' is not a valid enum value of type RequestRedirect."),
    # RequestInit members are read in alphabetical order (credentials, headers, mode, redirect), before the URL
    ("http://", {"mode": "x"}, TE + "Failed to read the 'mode' property from 'RequestInit': The provided value 'x' is "
                                    "not a valid enum value of type RequestMode."),
    (API, {"credentials": "x", "headers": {"X": "\u0100"}}, TE + "Failed to read the 'credentials' property from "
                                                                 "'RequestInit': The provided value 'x' is not a valid "
                                                                 "enum value of type RequestCredentials."),
])
def test_the_browser_refuses_to_build_the_request(url, kwargs, exception):
    r = Browser("http://localhost:8001").fetch(url, **kwargs)
    assert (r.blocked, r.type, r.exception, r.error, r.exchanges) == (True, "error", exception, None, [])
    assert r.steps and r.steps[-1].passed is False


@pytest.mark.parametrize("url, kwargs, error", [
    ("ftp://localhost:9/x", {}, 'Fetch API cannot load ftp://localhost:9/x. URL scheme "ftp" is not supported.'),
    (API, {"mode": "same-origin"}, 'Fetch API cannot load http://localhost:9/x. Request mode is "same-origin" but the '
                                   "URL's origin is not same as the request origin http://localhost:8001."),
    (API, {"mode": "no-cors", "redirect": "manual"}, 'Fetch API cannot load http://localhost:9/x. Request mode is '
                                                     '"no-cors" but the redirect mode is not "follow".'),
])
def test_refusals_before_the_network_print_a_console_message(url, kwargs, error):
    r = Browser("http://localhost:8001").fetch(url, **kwargs)
    assert (r.blocked, r.exception, r.error, r.exchanges) == (True, "TypeError: Failed to fetch", error, [])


@pytest.mark.parametrize("kwargs, needle", [
    ({"headers": 5}, "headers must be"), ({"body": {"a": 1}}, "json.dumps"), ({"method": None}, "method must be"),
])
def test_python_type_mistakes_raise_one_clear_value_error(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        Browser("http://localhost:8001").fetch(API, **kwargs)


# "null" is valid: a sandboxed frame (tests/browser/test_opaque_origin.py)
@pytest.mark.parametrize("origin", ["localhost:8001", "http://localhost:8001/page", "NULL", "", "file:///x"])
def test_an_invalid_page_origin_is_a_value_error_naming_it(origin):
    with pytest.raises(ValueError, match="is not a valid origin") as info:
        Browser(origin)
    assert repr(origin) in str(info.value)


def test_a_refused_connection_is_failed_to_fetch_without_a_console_sentence():
    r = Browser("http://localhost:8001").fetch(CLOSED)
    assert (r.blocked, r.exception, r.error) == (True, "TypeError: Failed to fetch", None)
    assert "ERR_CONNECTION_REFUSED" in r.explain()


@pytest.mark.parametrize("page", ["http://localhost:8001", "http://shop.example.com.evil.net"])
def test_a_restricted_port_is_refused_before_anything_is_sent_even_before_local_network_access(page):
    r = Browser(page).fetch(API, method="PUT")  # port 9 (discard) is on Chromium's list; recorded: no LNA sentence
    assert (r.blocked, r.exception, r.error, r.exchanges) == (True, "TypeError: Failed to fetch", None, [])
    assert r.failure.kind == "unsafe_port" and "ERR_UNSAFE_PORT" in r.explain()


@pytest.mark.parametrize("kwargs", [{}, {"mode": "same-origin"}, {"mode": "no-cors"},
                                    {"method": "PUT", "headers": {"X-A": "1"}},
                                    {"credentials": "include", "redirect": "error"}])
def test_a_data_url_is_answered_without_network_as_a_basic_200(kwargs):
    r = Browser("http://localhost:8001").fetch("data:text/plain;base64,aGk=", **kwargs)
    assert (r.blocked, r.type, r.status, r.headers, r.text, r.preflight) == (
        False, "basic", 200, {"content-type": "text/plain"}, "hi", False)


def test_a_head_data_url_has_no_body_and_a_broken_one_fails_without_a_console_sentence():
    b = Browser("http://localhost:8001")
    assert b.fetch("data:,hi", method="HEAD").text == ""
    r = b.fetch("data:hi")
    assert (r.blocked, r.exception, r.error) == (True, "TypeError: Failed to fetch", None)


@pytest.mark.parametrize("url, kwargs, error", [
    ("file:///etc/hostname", {}, "Not allowed to load local resource: file:///etc/hostname"),
    ("FILE:///tmp/a b", {"mode": "no-cors"}, "Not allowed to load local resource: file:///tmp/a%20b"),
    ("file:///etc/hostname", {"mode": "same-origin"}, 'Fetch API cannot load file:///etc/hostname. Request mode is '
                                                      '"same-origin" but the URL\'s origin is not same as the request '
                                                      "origin http://localhost:8001."),
])
def test_file_urls_are_never_loaded(url, kwargs, error):
    r = Browser("http://localhost:8001").fetch(url, **kwargs)
    assert (r.blocked, r.exception, r.error, r.exchanges) == (True, "TypeError: Failed to fetch", error, [])


def test_a_host_with_a_space_parses_and_fails_on_dns_without_a_console_sentence():
    r = Browser("http://localhost:8001").fetch("http://exa mple.test/")
    assert (r.blocked, r.exception, r.error) == (True, "TypeError: Failed to fetch", None)
    assert r.exchanges[0].url == "http://exa%20mple.test/"


@pytest.mark.parametrize("page", ["http://shop.example.com.evil.net", "http://192.168.1.10:8001"])
@pytest.mark.parametrize("kwargs", [{}, {"method": "PUT"}, {"mode": "no-cors"}])
def test_a_page_that_is_not_a_secure_context_cannot_reach_loopback(page, kwargs):
    # a PUT's preflight is started, then stopped before it is sent (as in Chromium)
    r = Browser(page).fetch(CLOSED, **kwargs)
    assert (r.blocked, r.exception, r.exchanges, r.preflight) == (True, "TypeError: Failed to fetch", [],
                                                                  "method" in kwargs)
    assert r.error == (f"Access to fetch at '{CLOSED}' from origin '{page}' has been blocked by CORS policy: The "
                       "request client is not a secure context and the resource is in more-private address space "
                       "`loopback`.")


@pytest.mark.parametrize("page", ["https://shop.example.com", "http://shop.localhost:8001", "http://127.0.0.2:8001",
                                  "http://[::1]:8001"])
def test_secure_or_loopback_pages_reach_loopback(page):
    r = Browser(page).fetch(CLOSED)  # nothing listens on port 2: the request was sent and refused
    assert (r.blocked, r.error, len(r.exchanges)) == (True, None, 1)
