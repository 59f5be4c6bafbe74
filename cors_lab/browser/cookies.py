"""A small cookie jar (RFC 6265bis) with the SameSite and third-party rules Chromium 156 applies to fetch().

Observed in Chromium 156 (headless, default profile): ports never change the site, but localhost, shop.localhost
and 127.0.0.1 are three sites (a host under a TLD unknown to the Public Suffix List is its own site); a cross-site
fetch sends no cookies at all and its Set-Cookie is not stored (third-party cookies are blocked); SameSite=None needs
Secure; Secure cookies are accepted from http://localhost and http://127.0.0.1 (potentially trustworthy).

Hostile values, as Chromium 156 treats them (recorded): a name and value over 4096 bytes together refuse the cookie;
an attribute value over 1024 bytes is ignored (so Path=/<2000 bytes> leaves the default path); a Max-Age too large
for 64 bits is clamped (99999999999999999999 keeps the cookie, -99999999999999999999 deletes it), and a cookie never
lasts more than 400 days."""
from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from cors_lab.browser.origin import is_potentially_trustworthy, origin_of, registrable_domain

_counter = itertools.count()
MAX_NAME_AND_VALUE = 4096  # Chromium's kMaxCookieNamePlusValueSize
MAX_ATTRIBUTE_VALUE = 1024  # Chromium's kMaxCookieAttributeValueSize: a longer attribute is ignored
MAX_LIFETIME = 400 * 24 * 3600  # Chromium caps a cookie's expiry at 400 days from now


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
    """The tab's cookies: what Set-Cookie stored, and the Cookie header a request gets."""

    def __init__(self, clock=time.time):
        self.cookies: list[Cookie] = []  # in the order they were stored (older first, for the Cookie header)
        self.clock = clock  # seconds since the epoch; a test passes its own

    def set(self, url: str, header: str) -> tuple[bool, str]:
        """Store one Set-Cookie value received from `url` (same-site context). Returns (stored, reason)."""
        name_value, *attributes = [part.strip() for part in header.split(";")]
        if "=" not in name_value:
            return False, "no name=value pair"
        name, _, value = name_value.partition("=")
        if len(name.strip()) + len(value.strip()) > MAX_NAME_AND_VALUE:
            return False, f"name and value are over {MAX_NAME_AND_VALUE} bytes"
        split = urlsplit(url)
        host = (split.hostname or "").lower()
        cookie = Cookie(name.strip(), value.strip(), host, path=_default_path(split.path or "/"))
        now = self.clock()
        for attribute in attributes:
            refusal = self._apply(cookie, attribute, host, now)
            if refusal is not None:
                return False, refusal
        if cookie.secure and not is_potentially_trustworthy(origin_of(url)):
            return False, "Secure cookies can only be set from https (or localhost)"
        if cookie.same_site == "none" and not cookie.secure:
            return False, "SameSite=None cookies must also be Secure"
        self.cookies = [old for old in self.cookies
                        if not (old.name == cookie.name and old.host == cookie.host and old.path == cookie.path)]
        if cookie.expires is not None and cookie.expires <= now:  # Max-Age<=0 or a past Expires deletes it
            return False, "expired (Max-Age<=0 or Expires in the past): deleted"
        self.cookies.append(cookie)
        return True, "stored"

    @staticmethod
    def _apply(cookie: Cookie, attribute: str, host: str, now: float) -> str | None:
        """One attribute of a Set-Cookie (RFC 6265bis 5.6); returns why the cookie is refused, if it is."""
        key, _, value = attribute.partition("=")
        key, value = key.strip().lower(), value.strip()
        if len(value) > MAX_ATTRIBUTE_VALUE:
            return None
        if key == "path" and value.startswith("/"):
            cookie.path = value
        elif key == "domain" and value:
            return _apply_domain(cookie, value, host)
        elif key == "secure":
            cookie.secure = True
        elif key == "httponly":
            cookie.http_only = True
        elif key == "samesite":
            cookie.same_site = value.lower() if value.lower() in ("lax", "strict", "none") else "lax"
        elif key == "max-age" and re.fullmatch(r"[+-]?[0-9]+", value):  # Max-Age wins over Expires, wherever it comes
            cookie.expires = now + max(min(int(value), MAX_LIFETIME), -1)
        elif key == "expires" and cookie.expires is None:
            try:
                cookie.expires = min(parsedate_to_datetime(value).timestamp(), now + MAX_LIFETIME)
            except (TypeError, ValueError, OverflowError, IndexError, OSError):  # a date no calendar has: ignored
                pass
        return None

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
