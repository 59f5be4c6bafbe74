import pytest

from cors_lab.browser.browsers import CHROMIUM, FIREFOX
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
    ("no-equals-sign", True),  # Chromium 156: a cookie without a name (recorded)
    ("=", False),  # no name and no value
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


# ---- Firefox 153 ESR's parser, against Chromium 156's (each case recorded from both through cors_lab.real) ------
SET = "http://localhost:8002/p/case/set"
GET = "http://localhost:8002/p/case/get"


def _firefox_and_chromium(header):
    """(Cookie header Firefox's jar sends back, its console kinds), then the same for Chromium's jar."""
    out = []
    clock = Clock()
    clock.t = 1_800_000_000.0  # in 2027: after the Expires dates below
    for model in (FIREFOX, CHROMIUM):
        jar = CookieJar(clock=clock, model=model)
        outcome = jar.receive(SET, header)
        out += [jar.header_for(GET), [kind for kind, _ in outcome.warnings]]
    return out


@pytest.mark.parametrize("header, firefox, firefox_says, chromium", [
    ("a=1; Max-Age=+0", "a=1", ["cookie_invalid_max_age"], None),
    ("a=1; Max-Age=0.5", "a=1", ["cookie_invalid_max_age"], "a=1"),
    ("a=1; Max-Age=-abc", None, [], "a=1"),  # Firefox: a leading '-' expires it, whatever follows
    ("a=1; Max-Age=-" + "9" * 5000, "a=1", ["cookie_attribute_too_big"], "a=1"),  # over 1024 bytes: ignored
    ("a=1; Expires=Wed, 09 Jun 2021 10:18:14 GMT; Max-Age=0.5", None, ["cookie_invalid_max_age"], None),
    ("a=" + "v" * 4096, None, ["cookie_too_big"], None),
    ("a=1; Path=/" + "p" * 2000, "a=1", ["cookie_attribute_too_big"], "a=1"),
    ("a=1; Path=/x; Path=/", "a=1", ["cookie_attribute_overwritten"], "a=1"),
    ("a=1; Max-Age=60; Max-Age=0", None, ["cookie_attribute_overwritten"], None),
    ("a=1; Path=/" + "p" * 1100 + "; Path=/; Path=/", "a=1",
     ["cookie_attribute_too_big", "cookie_attribute_overwritten"], "a=1"),
    ("a=1; Max-Age=x; SameSite=bogus; Path=/; Path=/", "a=1",
     ["cookie_attribute_overwritten", "cookie_invalid_same_site", "cookie_invalid_max_age"], "a=1"),
    ("a=1; Path=/; Path=/; SameSite=None", None, ["cookie_same_site_none_insecure"], None),  # refused: no more
    ("a=1; Domain=example.com", None, ["cookie_invalid_domain"], None),
    ("=", None, ["cookie_empty"], None),
    ("justvalue", "justvalue=", [], "justvalue"),
    ("=justvalue", None, ["cookie_invalid_name"], "justvalue"),
    ("__Host-a=1", None, ["cookie_invalid_prefix"], None),
    ("__host-a=1", None, ["cookie_invalid_prefix"], None),
    ("__secure-a=1", None, ["cookie_invalid_prefix"], None),
    ("__Secure-a=1; Secure", "__Secure-a=1", [], "__Secure-a=1"),
    ("__Host-a=1; Secure; Path=/", "__Host-a=1", [], "__Host-a=1"),
    ("__Host-a=1; Secure; Path=/p", None, ["cookie_invalid_prefix"], None),
    ("__Host-a=1; Secure; Path=/; Domain=localhost", "__Host-a=1", [], None),
    ("a=1; Path=abc", "a=1", [], "a=1"),  # the default path /p/case
    ("a=", "a=", [], "a="),
])
def test_firefox_parses_set_cookie_as_recorded(header, firefox, firefox_says, chromium):
    got_firefox, says, got_chromium, _ = _firefox_and_chromium(header)
    assert (got_firefox, says, got_chromium) == (firefox, firefox_says, chromium)


def test_chromium_names_nothing_in_its_console():
    from cors_lab.browser.failures import FAILURES

    jar = CookieJar(model=CHROMIUM)
    for header in ("a=1; Max-Age=x; SameSite=bogus; Path=/; Path=/", "__Host-a=1", "a=" + "v" * 4096):
        for kind, values in jar.receive(SET, header).warnings:
            assert FAILURES[kind].text("chromium", **values) is None
            assert FAILURES[kind].text("firefox", **values)


def test_firefox_caps_a_cookie_at_400_days_as_chromium_does():
    clock = Clock()
    jar = CookieJar(clock=clock, model=FIREFOX)
    jar.set(API, "a=1; Max-Age=99999999999")
    clock.t += 400 * 24 * 3600 - 1
    assert jar.header_for(API) == "a=1"
    clock.t += 2
    assert jar.header_for(API) is None


# ---- Expires: how each browser reads the date (past dates, recorded: deleted when read, kept when not) ----------
@pytest.mark.parametrize("expires, chromium_reads, firefox_reads", [
    ("Wed, 09 Jun 2021 10:18:14 GMT", True, True),
    ("Wed, 09-Jun-2021 10:18:14 GMT", True, True),
    ("Wed Jun 09 2021 10:18:14 GMT+0000 (Coordinated Universal Time)", True, True),
    ("Wed, 09 Jun 21 10:18:14 GMT", True, True),
    ("Wed, 09 Jun 2021 10:18:14", True, True),
    ("Jun 9 2021 10:18:14", True, True),
    ("Wed Jun  9 10:18:14 2021", True, True),
    ("Wed, 09 Jun 2021 10:18:14 EST", True, True),
    ("wed, 09 jun 2021 10:18:14 gmt", True, True),
    ("Wed, 09 Jun 1600 10:18:14 GMT", True, True),
    ("9 Jun 2021", False, True),
    ("06/09/2021 10:18:14 GMT", False, True),
    ("2021-06-09T10:18:14Z", False, False),
    ("1623233894", False, False),
    ("soon", False, False),
])
def test_a_past_expires_deletes_the_cookie_when_the_browser_reads_the_date(expires, chromium_reads, firefox_reads):
    for model, reads in ((CHROMIUM, chromium_reads), (FIREFOX, firefox_reads)):
        jar = CookieJar(model=model)
        jar.set(API, f"a=1; Expires={expires}")
        assert (jar.header_for(API) is None) is reads, model


@pytest.mark.parametrize("expires", ["Thu, 01 Jan 69 00:00:01 GMT", "Wed, 09 Jun 99999 10:18:14 GMT",
                                     "Wed, 09 Jun 2100 10:18:14 GMT", "Wed, 09-Jun-2100 10:18:14 GMT"])
def test_a_date_still_to_come_keeps_the_cookie_in_both(expires):  # 69 is 2069 in both (recorded)
    for model in (CHROMIUM, FIREFOX):
        jar = CookieJar(model=model)
        jar.set(API, f"a=1; Expires={expires}")
        assert jar.header_for(API) == "a=1", model


def test_the_two_date_readers_agree_on_the_forms_they_both_read():
    from cors_lab.browser.cookie_dates import chromium_date, nspr_date

    assert chromium_date("Wed, 09 Jun 2021 10:18:14 GMT") == nspr_date("Wed, 09 Jun 2021 10:18:14 GMT") == 1623233894
    assert nspr_date("Wed, 09 Jun 2021 10:18:14 EST") == 1623233894 + 5 * 3600  # Chromium ignores the zone
    # prtime.c takes a missing second from the next character ('p' - '0' = 64 s): ported as it is
    assert nspr_date("22-AUG-1993 10:59pm") == nspr_date("Sun, 22 Aug 1993 22:59:00 GMT") + 64
    assert nspr_date("Wed, 09 Jun 99999 10:18:14 GMT") is None and chromium_date("31 Jun 2021 10:00:00") is None
