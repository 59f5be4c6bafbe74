"""A small cookie jar (RFC 6265bis) with the SameSite and third-party rules Chromium 156 applies to fetch().

Observed in Chromium 156 (headless, default profile): ports never change the site, but localhost, shop.localhost
and 127.0.0.1 are three sites (a host under a TLD unknown to the Public Suffix List is its own site); a cross-site
fetch sends no cookies at all and its Set-Cookie is not stored (third-party cookies are blocked); SameSite=None needs Secure;
Secure cookies are accepted from http://localhost and http://127.0.0.1 (potentially trustworthy)."""
from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from cors_lab.browser.origin import is_potentially_trustworthy, origin_of, registrable_domain

_counter = itertools.count()


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


class CookieJar:
    def __init__(self, clock=time.time):
        self.cookies: list[Cookie] = []
        self.clock = clock

    def set(self, url: str, header: str) -> tuple[bool, str]:
        """Store one Set-Cookie value received from `url` (same-site context). Returns (stored, reason)."""
        parts = [p.strip() for p in header.split(";")]
        if "=" not in parts[0]:
            return False, "no name=value pair"
        name, _, value = parts[0].partition("=")
        name, value = name.strip(), value.strip()
        split = urlsplit(url)
        host = (split.hostname or "").lower()
        c = Cookie(name, value, host, path=_default_path(split.path or "/"))
        delete = False
        for attr in parts[1:]:
            key, _, val = attr.partition("=")
            key, val = key.strip().lower(), val.strip()
            if key == "path" and val.startswith("/"):
                c.path = val
            elif key == "domain" and val:
                d = val.lstrip(".").lower()
                if not (host == d or host.endswith("." + d)):
                    return False, f"Domain={val} does not match host {host}"
                rd = registrable_domain(host)  # Chromium's GetCookieDomainWithString: Domain within the registrable domain
                if not rd and d != host:  # hosts without one (IP, localhost, shop.localhost): Domain may only be the host
                    return False, f"Domain={val} is not allowed: {host} has no registrable domain (IP address, localhost, ...)"
                if rd and not (d == rd or d.endswith("." + rd)):
                    return False, f"Domain={val} is a public suffix"
                c.host, c.host_only = d, not rd
            elif key == "secure":
                c.secure = True
            elif key == "httponly":
                c.http_only = True
            elif key == "samesite":
                c.same_site = val.lower() if val.lower() in ("lax", "strict", "none") else "lax"
            elif key == "max-age":
                try:
                    age = int(val)
                except ValueError:
                    continue
                c.expires = self.clock() + age
                delete = age <= 0
            elif key == "expires" and c.expires is None:
                try:
                    c.expires = parsedate_to_datetime(val).timestamp()
                    delete = c.expires <= self.clock()
                except (TypeError, ValueError):
                    pass
        if c.secure and not is_potentially_trustworthy(origin_of(url)):
            return False, "Secure cookies can only be set from https (or localhost)"
        if c.same_site == "none" and not c.secure:
            return False, "SameSite=None cookies must also be Secure"
        self.cookies = [k for k in self.cookies if not (k.name == name and k.host == c.host and k.path == c.path)]
        if delete:
            return False, "expired (Max-Age<=0 or Expires in the past): deleted"
        self.cookies.append(c)
        return True, "stored"

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
