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
"""
from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from cors_lab.browser.browsers import CHROMIUM, BrowserModel
from cors_lab.browser.origin import is_potentially_trustworthy, origin_of, registrable_domain

_counter = itertools.count()
MAX_NAME_AND_VALUE = 4096  # Chromium's kMaxCookieNamePlusValueSize, Firefox's kMaxBytesPerCookie
MAX_ATTRIBUTE_VALUE = 1024  # Chromium's kMaxCookieAttributeValueSize, Firefox's ATTRIBUTE_MAX_LENGTH: ignored
MAX_LIFETIME = 400 * 24 * 3600  # Chromium caps a cookie's expiry at 400 days from now
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
        the browser writes about it."""
        name_value, *attributes = [part.strip(" \t") for part in header.split(";")]
        if "=" not in name_value:
            return SetCookieOutcome(False, "no name=value pair")
        name, _, value = name_value.partition("=")
        name, value = name.strip(" \t"), value.strip(" \t")
        split = urlsplit(url)
        host = (split.hostname or "").lower()
        cookie = Cookie(name, value, host, path=_default_path(split.path or "/"))
        now = self.clock()
        warnings: list[tuple[str, dict]] = []
        seen = self._read_attributes(cookie, attributes, warnings)
        expiry_warnings = self._apply_expiry(cookie, seen.get("max-age"), seen.get("expires"), now)
        if len(name) + len(value) > MAX_NAME_AND_VALUE:
            return SetCookieOutcome(False, f"name and value are over {MAX_NAME_AND_VALUE} bytes",
                                    [("cookie_too_big", {"name": name})])
        if seen.get("domain"):
            refusal = _apply_domain(cookie, seen["domain"], host)
            if refusal is not None:
                return SetCookieOutcome(False, refusal)
        if cookie.secure and not is_potentially_trustworthy(origin_of(url)):
            return SetCookieOutcome(False, "Secure cookies can only be set from https (or localhost)")
        if cookie.same_site == "none" and not cookie.secure:
            return SetCookieOutcome(False, "SameSite=None cookies must also be Secure")
        warnings += expiry_warnings  # the parser accepted the cookie: now the browser says what it ignored
        self.cookies = [old for old in self.cookies
                        if not (old.name == cookie.name and old.host == cookie.host and old.path == cookie.path)]
        if cookie.expires is not None and cookie.expires <= now:  # Max-Age<=0 or a past Expires deletes it
            return SetCookieOutcome(False, "expired (Max-Age<=0 or Expires in the past): deleted", warnings)
        self.cookies.append(cookie)
        return SetCookieOutcome(True, "stored", warnings)

    def _read_attributes(self, cookie: Cookie, attributes: list[str], warnings: list) -> dict[str, str]:
        """The attributes (RFC 6265bis 5.6), the last of each kind winning. Sets the flags, Path and SameSite on
        ``cookie``; returns the values still to be decided (domain, expires, max-age). An attribute value over 1024
        bytes is ignored (Firefox names it in ``warnings``; it checks only Path, Domain, Expires and Max-Age)."""
        seen: dict[str, str] = {}
        default_path = cookie.path
        sized = self.model.cookie_attributes_size_checked
        for attribute in attributes:
            key, _, value = attribute.partition("=")
            key, value = key.strip(" \t").lower(), value.strip(" \t")
            if len(value) > MAX_ATTRIBUTE_VALUE and (sized == "all" or key in sized.split()):
                warnings.append(("cookie_attribute_too_big", {"attribute": key, "name": cookie.name}))
                continue
            if key == "path":  # the last Path decides; one not starting with '/' means the default path
                cookie.path = value if value.startswith("/") else default_path
            elif key in ("domain", "expires", "max-age"):
                seen[key] = value
            elif key == "secure":
                cookie.secure = True
            elif key == "httponly":
                cookie.http_only = True
            elif key == "samesite":
                cookie.same_site = value.lower() if value.lower() in ("lax", "strict", "none") else "lax"
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
        if expires:
            try:
                cookie.expires = min(parsedate_to_datetime(expires).timestamp(), now + MAX_LIFETIME)
            except (TypeError, ValueError, OverflowError, IndexError, OSError):  # a date no calendar has: ignored
                pass
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
        return "; ".join(f"{c.name}={c.value}" for c in found) or None

    def clear(self) -> None:
        self.cookies.clear()

    def __repr__(self) -> str:
        return f"<CookieJar {[f'{c.host}{c.path} {c.name}={c.value}' for c in self.cookies]}>"
