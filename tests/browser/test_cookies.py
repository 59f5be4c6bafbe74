import pytest

from cors_lab.browser.cookies import CookieJar

API = "http://localhost:8002/"


class Clock:
    t = 1_000_000.0

    def __call__(self):
        return self.t


@pytest.mark.parametrize("header, stored", [
    ("sid=abc", True),
    ("sid=abc; SameSite=Lax", True),
    ("sid=abc; SameSite=Strict", True),
    ("sid=abc; SameSite=None", False),  # SameSite=None requires Secure
    ("sid=abc; SameSite=None; Secure", True),  # Secure is fine on http://localhost
    ("sid=abc; Max-Age=0", False),
    ("sid=abc; Expires=Thu, 01 Jan 1970 00:00:00 GMT", False),
    ("sid=abc; Domain=example.com", False),
    ("no-equals-sign", False),
])
def test_which_set_cookie_values_are_stored(header, stored):
    assert CookieJar().set(API, header)[0] is stored


@pytest.mark.parametrize("url, header, stored", [
    ("http://shop.localhost:8002/", "sid=1; Domain=localhost", False),  # shop.localhost has no registrable domain
    ("http://shop.localhost:8002/", "sid=1; Domain=shop.localhost", True),
    ("http://127.0.0.1:8002/", "sid=1; Domain=127.0.0.1", True),
    ("http://a.example.com/", "sid=1; Domain=example.com", True),
    ("http://a.example.com/", "sid=1; Domain=com", False),  # a public suffix
])
def test_the_domain_attribute_must_stay_within_the_registrable_domain(url, header, stored):
    jar = CookieJar()
    assert jar.set(url, header)[0] is stored
    if stored and "example" not in url:  # hosts without a registrable domain only get host-only cookies
        assert jar.header_for(url) == "sid=1" and jar.header_for("http://x." + url.split("//")[1]) is None


def test_secure_cookies_are_refused_from_plain_http_on_other_hosts():
    assert CookieJar().set("http://example.com/", "a=1; Secure")[0] is False


def test_ports_do_not_separate_cookies():
    jar = CookieJar()
    jar.set("http://localhost:8002/", "sid=abc")
    assert jar.header_for("http://localhost:8001/anything") == "sid=abc"
    assert jar.header_for("http://127.0.0.1:8002/") is None  # another host


def test_cookies_are_ordered_longest_path_first_then_oldest():
    jar = CookieJar()
    jar.set(API, "a=1; Path=/")
    jar.set(API, "b=2; Path=/sub")
    jar.set(API, "c=3; Path=/")
    assert jar.header_for("http://localhost:8002/sub/x") == "b=2; a=1; c=3"
    assert jar.header_for("http://localhost:8002/other") == "a=1; c=3"


def test_a_cookie_is_replaced_by_name_host_and_path_and_deleted_by_max_age_zero():
    jar = CookieJar()
    jar.set(API, "a=1; Path=/")
    jar.set(API, "a=2; Path=/")
    assert jar.header_for(API) == "a=2"
    jar.set(API, "a=x; Path=/; Max-Age=0")
    assert jar.header_for(API) is None


def test_cookies_expire_with_max_age():
    clock = Clock()
    jar = CookieJar(clock=clock)
    jar.set(API, "a=1; Max-Age=10")
    assert jar.header_for(API) == "a=1"
    clock.t += 11
    assert jar.header_for(API) is None


def test_default_path_is_the_directory_of_the_url():
    jar = CookieJar()
    jar.set("http://localhost:8002/api/login", "a=1")
    assert jar.header_for("http://localhost:8002/api/x") == "a=1"
    assert jar.header_for("http://localhost:8002/") is None
