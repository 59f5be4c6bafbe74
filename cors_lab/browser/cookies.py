"""A small cookie jar (RFC 6265bis) with the SameSite and third-party rules Chromium 156 applies to fetch().

Observed in Chromium 156 (headless, default profile): ports never change the site, but localhost, shop.localhost
and 127.0.0.1 are three sites (a host under a TLD unknown to the Public Suffix List is its own site); a cross-site
fetch sends no cookies at all and its Set-Cookie is not stored (third-party cookies are blocked); SameSite=None needs
Secure; Secure cookies are accepted from http://localhost and http://127.0.0.1 (potentially trustworthy).

Hostile values, as Chromium 156 treats them (recorded): a name and value over 4096 bytes together refuse the cookie;
an attribute value over 1024 bytes is ignored (so Path=/<2000 bytes> leaves the default path); a Max-Age too large
for 64 bits is clamped (99999999999999999999 keeps the cookie, -99999999999999999999 deletes it), and a cookie never
lasts more than 400 days.

Firefox 153 ESR (recorded; netwerk/cookie/CookieParser.cpp says why) keeps the same two size limits, but says so in
the console: "Cookie “a” is invalid because its size is too big. Max size is 4096 B." for the cookie it refuses, and
"The value of the attribute “path” for the cookie “a” has been rejected because its size is too big. Max size is
1024 B." for an ignored Path, Domain, Expires or Max-Age. Its Max-Age is digits only: one starting with '-' expires
the cookie whatever follows, anything else (+0, 0.5, 1e3) is ignored with "Invalid “max-age“ value for cookie “a”.
The attribute is ignored." Those attribute lines are written only for a cookie the parser accepts.

Both (recorded): the last Path, Domain, Expires, Max-Age or SameSite wins; a name starting with __Secure- or __Host-
(in any case) needs Secure, and __Host- also Path=/ and no Domain, or the cookie is refused. Chromium keeps
``Set-Cookie: v`` and ``=v`` as a cookie without a name (sent as ``v``); Firefox takes ``v`` for a name with an
empty value (sent as ``v=``) and refuses ``=v``. Expires dates: `cors_lab.browser.cookie_dates`.
"""
from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cors_lab.browser.browsers import CHROMIUM, BrowserModel
from cors_lab.browser.cookie_dates import chromium_date, nspr_date
from cors_lab.browser.origin import is_potentially_trustworthy, origin_of, registrable_domain

_counter = itertools.count()
MAX_NAME_AND_VALUE = 4096  # Chromium's kMaxCookieNamePlusValueSize, Firefox's kMaxBytesPerCookie
MAX_ATTRIBUTE_VALUE = 1024  # Chromium's kMaxCookieAttributeValueSize, Firefox's ATTRIBUTE_MAX_LENGTH: ignored
MAX_LIFETIME = 400 * 24 * 3600  # both cap a cookie's expiry at 400 days from now (Firefox: network.cookie.maxageCap
# is 34560000, read from Firefox 153; it keeps a Max-Age too large for 64 bits forever, which no lab can tell apart)
_SIGNED_INTEGER = re.compile(r"[+-]?[0-9]+")
_DIGITS = re.compile(r"[0-9]+")


@dataclass
class Cookie:
    name: str
    value: str
    host: str
    host_only: bool = True
    path: str = "/"
    secure: bool = False
    http_only: bool = False
    same_site: str = "lax"  # Chromium's default when SameSite is absent
    expires: float | None = None
    order: int = field(default_factory=lambda: next(_counter))

    def matches(self, host: str, path: str) -> bool:
        if self.host_only:
            if host != self.host:
                return False
        elif not (host == self.host or host.endswith("." + self.host)):
            return False
        return path == self.path or path.startswith(self.path.rstrip("/") + "/") or self.path == "/"


@dataclass
class SetCookieOutcome:
    """What one Set-Cookie did: ``stored`` (False when refused or when it deleted a cookie), ``reason`` in words,
    and ``warnings``: the console lines it causes, as (failures-table kind, values) pairs in the browser's order
    (`cors_lab.browser.failures` words them; a browser with no sentence for a kind writes nothing)."""

    stored: bool
    reason: str
    warnings: list[tuple[str, dict]] = field(default_factory=list)


def _default_path(path: str) -> str:
    if not path.startswith("/") or path.count("/") == 1:
        return "/"
    return path[: path.rfind("/")]


def _apply_domain(cookie: Cookie, value: str, host: str) -> str | None:
    """Domain=: the host must be in it, and it must lie within the host's registrable domain (Chromium's
    GetCookieDomainWithString); a host with none (an IP, localhost, shop.localhost) may only name itself."""
    domain = value.lstrip(".").lower()
    if not (host == domain or host.endswith("." + domain)):
        return f"Domain={value} does not match host {host}"
    registrable = registrable_domain(host)
    if not registrable and domain != host:
        return f"Domain={value} is not allowed: {host} has no registrable domain (IP address, localhost, ...)"
    if registrable and not (domain == registrable or domain.endswith("." + registrable)):
        return f"Domain={value} is a public suffix"
    cookie.host, cookie.host_only = domain, not registrable
    return None


class CookieJar:
    """The tab's cookies: what Set-Cookie stored, and the Cookie header a request gets.

    ``model`` is the browser whose parsing rules apply (`cors_lab.browser.browsers`; Chromium's by default)."""

    def __init__(self, clock=time.time, model: BrowserModel = CHROMIUM):
        self.cookies: list[Cookie] = []  # in the order they were stored (older first, for the Cookie header)
        self.clock = clock  # seconds since the epoch; a test passes its own
        self.model = model

    def set(self, url: str, header: str) -> tuple[bool, str]:
        """Store one Set-Cookie value received from `url` (same-site context). Returns (stored, reason)."""
        outcome = self.receive(url, header)
        return outcome.stored, outcome.reason

    def receive(self, url: str, header: str) -> SetCookieOutcome:
        """Store one Set-Cookie value received from `url` (same-site context): the outcome, with the console lines
        the browser writes about it.

        The refusals come in Firefox's order (CookieParser.cpp: SameSite=None without Secure, empty, too big, no
        name, Domain, prefix, Secure), each with its console line; the lines about ignored attributes (too big,
        overwritten, an unknown SameSite, an unreadable Max-Age) are written only for a cookie that is accepted."""
        name_value, *attributes = [part.strip(" \t") for part in header.split(";")]
        if "=" in name_value:
            name, _, value = name_value.partition("=")
        elif self.model.nameless_cookies:  # Chromium: "v" is a cookie without a name (sent as "v")
            name, value = "", name_value
        else:  # Firefox: "v" is the name v with an empty value (sent as "v=")
            name, value = name_value, ""
        name, value = name.strip(" \t"), value.strip(" \t")
        split = urlsplit(url)
        host = (split.hostname or "").lower()
        cookie = Cookie(name, value, host, path=_default_path(split.path or "/"))
        now = self.clock()
        ignored: list[tuple[str, dict]] = []
        seen = self._read_attributes(cookie, attributes, ignored)
        ignored += self._apply_expiry(cookie, seen.get("max-age"), seen.get("expires"), now)
        refusal = self._refusal(cookie, name_value, seen, url)
        if refusal is not None:
            return refusal
        self.cookies = [old for old in self.cookies
                        if not (old.name == cookie.name and old.host == cookie.host and old.path == cookie.path)]
        if cookie.expires is not None and cookie.expires <= now:  # Max-Age<=0 or a past Expires deletes it
            return SetCookieOutcome(False, "expired (Max-Age<=0 or Expires in the past): deleted", ignored)
        self.cookies.append(cookie)
        return SetCookieOutcome(True, "stored", ignored)

    def _refusal(self, cookie: Cookie, name_value: str, seen: dict[str, str], url: str) -> SetCookieOutcome | None:
        """Why the browser refuses this cookie (with its console line), or None when it keeps it. Applies Domain."""
        def refuse(reason: str, kind: str | None = None) -> SetCookieOutcome:
            return SetCookieOutcome(False, reason, [(kind, {"name": cookie.name})] if kind else [])

        if cookie.same_site == "none" and not cookie.secure:
            return refuse("SameSite=None cookies must also be Secure", "cookie_same_site_none_insecure")
        if not cookie.name and not cookie.value:
            return refuse("no name and no value", "cookie_empty")
        if len(cookie.name) + len(cookie.value) > MAX_NAME_AND_VALUE:
            return refuse(f"name and value are over {MAX_NAME_AND_VALUE} bytes", "cookie_too_big")
        if not cookie.name and not self.model.nameless_cookies:
            return refuse(f"{name_value!r} has no name", "cookie_invalid_name")
        if seen.get("domain"):
            problem = _apply_domain(cookie, seen["domain"], cookie.host)
            if problem is not None:
                return refuse(problem, "cookie_invalid_domain")
        trustworthy = is_potentially_trustworthy(origin_of(url))
        problem = self._prefix_problem(cookie, seen, trustworthy)
        if problem is not None:
            return refuse(problem, "cookie_invalid_prefix")
        if cookie.secure and not trustworthy:
            return refuse("Secure cookies can only be set from https (or localhost)")
        return None

    def _prefix_problem(self, cookie: Cookie, seen: dict[str, str], trustworthy: bool) -> str | None:
        """Cookie name prefixes (RFC 6265bis 4.1.3, matched in any case, recorded in both browsers): __Secure- needs
        Secure from a secure origin (http://localhost counts); __Host- also needs Path=/ and no Domain (Chromium:
        no Domain attribute at all; Firefox: a host-only cookie, so Domain=localhost from localhost passes)."""
        lower = cookie.name.lower()
        if not lower.startswith(("__secure-", "__host-")):
            return None
        if not (cookie.secure and trustworthy):
            return f"a {cookie.name[:cookie.name.index('-') + 1]} cookie must be Secure, from a secure origin"
        if lower.startswith("__host-"):
            if self.model.host_prefix_rule == "attributes":
                allowed = "domain" not in seen and seen.get("path") == "/"
            else:
                allowed = cookie.host_only and cookie.path == "/"
            if not allowed:
                return "a __Host- cookie needs Path=/ and no Domain"
        return None

    def _read_attributes(self, cookie: Cookie, attributes: list[str], ignored: list) -> dict[str, str]:
        """The attributes (RFC 6265bis 5.6), the last of each kind winning. Sets the flags, Path and SameSite on
        ``cookie``; returns the values as given (path, domain, expires, max-age). Adds to ``ignored`` what the
        browser's console says, in Firefox's order: values over 1024 bytes (ignored; Firefox checks only Path,
        Domain, Expires and Max-Age), then those given twice (the second replaces the first), then an unknown
        SameSite value (Lax is used)."""
        seen: dict[str, str] = {}
        default_path = cookie.path
        sized = self.model.cookie_attributes_size_checked
        too_big, overwritten, same_site_unknown = [], [], False
        for attribute in attributes:
            key, _, value = attribute.partition("=")
            key, value = key.strip(" \t").lower(), value.strip(" \t")
            if len(value) > MAX_ATTRIBUTE_VALUE and (sized == "all" or key in sized.split()):
                too_big.append(("cookie_attribute_too_big", {"attribute": key, "name": cookie.name}))
                continue
            if key in ("path", "domain", "expires", "max-age"):
                if seen.get(key):
                    overwritten.append(("cookie_attribute_overwritten", {"attribute": key, "name": cookie.name}))
                seen[key] = value
                if key == "path":  # one not starting with '/' means the default path
                    cookie.path = value if value.startswith("/") else default_path
            elif key == "secure":
                cookie.secure = True
            elif key == "httponly":
                cookie.http_only = True
            elif key == "samesite":
                known = value.lower() in ("lax", "strict", "none")
                cookie.same_site = value.lower() if known else "lax"
                same_site_unknown = not known
        ignored += too_big + overwritten
        if same_site_unknown:
            ignored.append(("cookie_invalid_same_site", {"name": cookie.name}))
        return seen

    def _apply_expiry(self, cookie: Cookie, max_age: str | None, expires: str | None, now: float) -> list:
        """Max-Age wins over Expires when the browser can read it; a cookie never lasts more than 400 days.
        Returns the console lines about an unreadable Max-Age (Firefox's)."""
        if max_age:
            if self.model.cookie_max_age_syntax == "minus-or-digits":  # Firefox: ParseMaxAgeAttribute
                if max_age.startswith("-"):
                    cookie.expires = now - 1
                    return []
                if _DIGITS.fullmatch(max_age):
                    cookie.expires = now + min(int(max_age), MAX_LIFETIME)
                    return []
                warnings = [("cookie_invalid_max_age", {"name": cookie.name})]
            else:  # Chromium: a signed integer, clamped to 64 bits
                if _SIGNED_INTEGER.fullmatch(max_age):
                    cookie.expires = now + max(min(int(max_age), MAX_LIFETIME), -1)
                    return []
                warnings = []
        else:
            warnings = []
        if expires:  # a date the browser cannot read is ignored (cookie_dates says which it reads)
            read = nspr_date if self.model.cookie_date_parser == "nspr" else chromium_date
            when = read(expires)
            if when is not None:
                cookie.expires = min(when, now + MAX_LIFETIME)
        return warnings

    def header_for(self, url: str) -> str | None:
        """The Cookie header for a same-site request to `url` (None when no cookie matches)."""
        split = urlsplit(url)
        host, path = (split.hostname or "").lower(), split.path or "/"
        secure_ok = is_potentially_trustworthy(origin_of(url))
        now = self.clock()
        self.cookies = [c for c in self.cookies if c.expires is None or c.expires > now]
        found = [c for c in self.cookies if c.matches(host, path) and (secure_ok or not c.secure)]
        found.sort(key=lambda c: (-len(c.path), c.order))  # longer paths first, then oldest first
        return "; ".join(f"{c.name}={c.value}" if c.name else c.value for c in found) or None  # nameless: "v"

    def clear(self) -> None:
        self.cookies.clear()

    def __repr__(self) -> str:
        return f"<CookieJar {[f'{c.host}{c.path} {c.name}={c.value}' for c in self.cookies]}>"
