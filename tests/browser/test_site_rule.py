"""Sites as Chromium computes them: the registrable domain from the Public Suffix List (Debian's publicsuffix), and
the rule that decided, named in one sentence; without the list, the lab's rule, named too."""
import pytest

from cors_lab.browser.origin import PUBLIC_SUFFIX_LIST, public_suffix_rules, registrable_domain, site_rule

needs_list = pytest.mark.skipif(public_suffix_rules() is None, reason=f"no Public Suffix List at {PUBLIC_SUFFIX_LIST}")


@needs_list
@pytest.mark.parametrize("host, domain", [
    ("shop.example.co.uk", "example.co.uk"),  # a two-label public suffix
    ("example.com", "example.com"),
    ("a.github.io", "a.github.io"),  # a private-section suffix: each user's site is its own
    ("github.io", ""),  # a public suffix itself
    ("www.ck", "www.ck"),  # an exception rule (!www.ck) beats the wildcard (*.ck)
    ("a.b.ck", "a.b.ck"),  # the wildcard makes b.ck a suffix
    ("shop.localhost", ""), ("a.example.test", ""),  # unknown TLDs: no registrable domain (Chromium)
    ("127.0.0.1", ""), ("[::1]", ""),
])
def test_registrable_domains_follow_the_public_suffix_list(host, domain):
    assert registrable_domain(host) == domain


@needs_list
def test_the_rule_is_named():
    assert site_rule("shop.example.co.uk")[1].startswith("The public suffix is co.uk (Public Suffix List)")
    assert "is an IP address" in site_rule("127.0.0.1")[1]
    assert "'localhost' is not a suffix of the Public Suffix List" in site_rule("localhost")[1]
    assert "is itself a public suffix" in site_rule("github.io")[1]


def test_without_the_list_the_lab_rule_is_named(tmp_path):
    missing = str(tmp_path / "none.dat")
    assert site_rule("shop.example.co.uk", missing) == (
        "co.uk", "No Public Suffix List on this machine, so the lab takes the last two labels: co.uk (right for "
                 "example.com, not for example.co.uk).")
    assert site_rule("shop.localhost", missing)[0] == "" and site_rule("10.0.0.1", missing)[0] == ""
