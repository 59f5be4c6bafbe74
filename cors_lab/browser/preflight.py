"""The CORS-preflight request, its check, and the preflight cache (Fetch Standard §4.8 'CORS-preflight fetch',
§4.9 'CORS-preflight cache'), following Chromium's services/network/cors/preflight_{controller,result}.cc.

Firefox 153 ESR's cache (recorded; netwerk/protocol/http/nsCORSListenerProxy.cpp says why) differs: it reads
Access-Control-Max-Age as digits only (absent: 5 s; anything else, 'soon', '5.5', '-1', caches nothing) and caps it
at 24 hours; it keeps one entry per page origin, URL *and credentials mode*, in which each allowed method and header
has its own expiry, and each successful preflight adds its methods and headers to the entry."""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from cors_lab.browser.browsers import CHROMIUM, BrowserModel
from cors_lab.browser.check import cors_check
from cors_lab.browser.safelist import SAFELISTED_METHODS, TOKEN

DEFAULT_MAX_AGE = 5  # both browsers: no Access-Control-Max-Age -> 5 seconds
MAX_MAX_AGE = CHROMIUM.max_age_cap  # Chromium caps Max-Age at 2 hours (Firefox: BrowserModel.max_age_cap, 24 h)
_DIGITS = re.compile(r"[0-9]+")


def needs_preflight(method: str, unsafe_names: list[str]) -> bool:
    """§4.1 main fetch: a preflight is needed for a non-safelisted method or any CORS-unsafe header."""
    return method not in SAFELISTED_METHODS or bool(unsafe_names)


def preflight_headers(origin_sent: str, method: str, unsafe_names: list[str]) -> dict[str, str]:
    """§4.8 steps 1-5: OPTIONS with Origin, Access-Control-Request-Method, -Headers (sorted, lowercase, ',')."""
    headers = {"accept": "*/*", "access-control-request-method": method, "origin": origin_sent}
    if unsafe_names:
        headers["access-control-request-headers"] = ",".join(unsafe_names)
    return headers


def parse_allow_list(value: str | None) -> list[str] | None:
    """A '#token' list (Access-Control-Allow-Methods/-Headers). Empty items are skipped; None = unparsable."""
    if value is None:
        return []
    items = [item.strip(" \t") for item in value.split(",")]
    items = [item for item in items if item]
    return items if all(TOKEN.match(item) for item in items) else None


def invalid_token(value: str | None) -> str:
    """The first item of an allow list that is no token (what Firefox's sentence names)."""
    items = [item.strip(" \t") for item in (value or "").split(",")]
    return next((item for item in items if item and not TOKEN.match(item)), "")


def parse_max_age(value: str | None, model: BrowserModel | None = None) -> int:
    """How long a preflight answer with this Access-Control-Max-Age is cached, in seconds (0: not cached).

    Chromium (ParseAccessControlMaxAge): absent/unparsable -> 5 s, negative -> 0, capped at 7200. The number must fit
    in 64 bits: Chromium 156 takes 99999999999999999999 (or -99999999999999999999) for unparsable, so 5 s, not 7200
    (recorded). Firefox (nsCORSPreflightListener::AddResultToCache): absent or empty -> 5 s; digits only, capped at
    86400 however many there are; any other character ('-', '+', '.', a letter) -> not cached (recorded)."""
    model = model or CHROMIUM
    if value is None:
        return DEFAULT_MAX_AGE
    number = value.strip(" \t")
    if not model.unreadable_max_age_caches:  # Firefox
        if not number:
            return DEFAULT_MAX_AGE
        if not _DIGITS.fullmatch(number):
            return 0
        digits = number.lstrip("0") or "0"
        return model.max_age_cap if len(digits) > 12 else min(int(digits), model.max_age_cap)
    digits = number[1:] if number[:1] in "+-" else number
    if not _DIGITS.fullmatch(digits) or len(digits) > 19 or not -2**63 <= int(number) < 2**63:
        return DEFAULT_MAX_AGE
    seconds = int(number)
    return 0 if seconds < 0 else min(seconds, model.max_age_cap)


@dataclass
class PreflightEntry:
    credentials: bool
    methods: list[str]
    headers: list[str]  # lowercase
    max_age: int
    expires: float = 0.0

    def method_error(self, method: str) -> tuple[str, str] | None:
        """Methods match case-sensitively; safelisted ones always pass; '*' only without credentials."""
        if method in self.methods or method in SAFELISTED_METHODS:
            return None
        if not self.credentials and "*" in self.methods:
            return None
        return ("method_not_allowed", method)

    def header_error(self, unsafe_names: list[str]) -> tuple[str, str] | None:
        """Names match case-insensitively; '*' covers every name (even Authorization, in Chromium 156) without
        credentials."""
        if not self.credentials and "*" in self.headers:
            return None
        for name in unsafe_names:
            if name not in self.headers:
                return ("header_not_allowed", name)
        return None

    def allows(self, include: bool, method: str, unsafe_names: list[str]) -> bool:
        if include and not self.credentials:
            return False
        return self.method_error(method) is None and self.header_error(unsafe_names) is None


def check_preflight(status: int, headers: dict[str, str], origin_sent: str, include: bool, method: str,
                    unsafe_names: list[str], model=None,
                    lines: int = 1) -> tuple[tuple[str, str] | None, PreflightEntry | None]:
    """§4.8 steps 6-7 in Chromium's order: CORS check, ok status, parse ACAM/ACAH, method, headers.
    Returns (error (kind, hint) or None, entry or None). An entry is returned when it may be cached.
    ``model`` and ``lines``: as for `cors_check`."""
    problem = cors_check(headers.get("access-control-allow-origin"), headers.get("access-control-allow-credentials"),
                         origin_sent, include, model, lines)
    if problem:  # the preflight response must pass the CORS check (checked before the status)
        return problem, None
    if not 200 <= status <= 299:  # the preflight response must have an ok status (200-299)
        return ("preflight_status", ""), None
    methods = parse_allow_list(headers.get("access-control-allow-methods"))
    if methods is None:
        return ("invalid_allow_methods", invalid_token(headers.get("access-control-allow-methods"))), None
    names = parse_allow_list(headers.get("access-control-allow-headers"))
    if names is None:
        return ("invalid_allow_headers", invalid_token(headers.get("access-control-allow-headers"))), None
    max_age = parse_max_age(headers.get("access-control-max-age"), model)
    entry = PreflightEntry(include, methods, [name.lower() for name in names], max_age)
    problem = entry.method_error(method) or entry.header_error(unsafe_names)
    return problem, (None if problem else entry)


@dataclass
class _AllowedTokens:
    """Firefox's cache entry (nsPreflightCache::CacheEntry): each method and header name with its own expiry."""

    methods: dict[str, float] = field(default_factory=dict)  # as the server spelled them (compared exactly)
    headers: dict[str, float] = field(default_factory=dict)  # lowercase (compared case-insensitively)
    last: PreflightEntry | None = None  # the preflight that last added to it

    def purge(self, now: float) -> None:
        self.methods = {name: until for name, until in self.methods.items() if until > now}
        self.headers = {name: until for name, until in self.headers.items() if until > now}


@dataclass
class PreflightCache:
    """The tab's CORS-preflight cache, as ``model``'s browser keeps it (Chromium's by default).

    Chromium: keyed by (page origin, URL); an entry made without credentials does not serve a credentialed request
    (one made with credentials serves both); an entry that does not allow a request is evicted.
    Firefox: keyed by (page origin, URL, credentials); each successful preflight adds its allowed methods and
    headers, each kept for its own Max-Age; a request is served when its method is GET or POST or listed exactly
    (HEAD too must be listed; a '*' is kept as the name "*", which no method or header matches) and every one of its
    unsafe headers is listed; an entry that does not serve a request stays."""

    entries: dict[tuple, object] = field(default_factory=dict)
    clock: object = time.monotonic
    model: BrowserModel = CHROMIUM

    def lookup(self, origin: str, url: str, include: bool, method: str,
               unsafe_names: list[str]) -> PreflightEntry | None:
        if self.model.preflight_cache_by_token:
            return self._lookup_tokens(origin, url, include, method, unsafe_names)
        key = (origin, url)
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.expires <= self.clock() or not entry.allows(include, method, unsafe_names):
            del self.entries[key]
            return None
        return entry

    def _lookup_tokens(self, origin: str, url: str, include: bool, method: str,
                       unsafe_names: list[str]) -> PreflightEntry | None:
        """nsPreflightCache::CacheEntry::CheckRequest."""
        tokens = self.entries.get((origin, url, include))
        if tokens is None:
            return None
        now = self.clock()
        tokens.purge(now)
        if method not in ("GET", "POST") and method not in tokens.methods:
            return None
        if any(name.lower() not in tokens.headers for name in unsafe_names):
            return None
        until = max([*tokens.methods.values(), *tokens.headers.values()], default=now)
        return PreflightEntry(include, list(tokens.methods), list(tokens.headers),
                              tokens.last.max_age if tokens.last else 0, until)

    def store(self, origin: str, url: str, entry: PreflightEntry) -> None:
        entry.expires = self.clock() + entry.max_age
        if entry.max_age <= 0:
            return
        if not self.model.preflight_cache_by_token:
            self.entries[(origin, url)] = entry
            return
        tokens = self.entries.setdefault((origin, url, entry.credentials), _AllowedTokens())
        for method in entry.methods:
            tokens.methods[method] = entry.expires
        for name in entry.headers:
            tokens.headers[name.lower()] = entry.expires
        tokens.last = entry

    def response_blocked(self, origin: str, url: str) -> None:
        """The response to ``url`` failed the CORS check. Firefox then forgets every preflight it cached for the URL
        (nsCORSListenerProxy::OnStartRequest, with and without credentials), so the next request preflights again
        (recorded); Chromium keeps them."""
        if self.model.preflight_cache_forgets_blocked_url:
            for key in [key for key in self.entries if key[:2] == (origin, url)]:
                del self.entries[key]

    def clear(self) -> None:
        self.entries.clear()


@dataclass(frozen=True)
class PreflightRule:
    """One rule that decides whether a request is preflighted: the method, or one request header.

    ``rule`` is "method", "header" or "content-type" (a Content-Type header: its value decides); ``subject`` what
    was looked at ("PUT", "X-Api-Key: secret"); ``safelisted`` whether it lets the request go without asking first;
    ``detail`` why, in one sentence."""

    rule: str
    subject: str
    safelisted: bool
    detail: str


def preflight_rules(method: str, headers: dict[str, str]) -> tuple[bool, list[PreflightRule]]:
    """(needs a preflight?, the rule for the method and for each header) for a cross-origin ``mode: "cors"`` fetch.

    The same functions the engine's fetch uses decide (`needs_preflight`, `unsafe_request_header_names`); this
    says, rule by rule, which one made the difference. Forbidden headers (Cookie, Host, ...) are dropped by the
    browser before, so they decide nothing.

        >>> needed, rules = preflight_rules("POST", {"Content-Type": "application/json"})
        >>> needed, [(r.rule, r.safelisted) for r in rules]
        (True, [('method', True), ('content-type', False)])
    """
    from cors_lab.browser.safelist import (
        SAFELISTED_CONTENT_TYPES,
        is_forbidden_request_header,
        is_safelisted_request_header,
        normalize_method,
        unsafe_request_header_names,
    )

    method = normalize_method(method)
    kept = {name: value for name, value in headers.items() if not is_forbidden_request_header(name, value)}
    unsafe = unsafe_request_header_names(kept)
    ok = method in SAFELISTED_METHODS
    rules = [PreflightRule("method", method, ok, f"{method} is a CORS-safelisted method (GET, HEAD, POST)." if ok
                           else f"{method} is not a CORS-safelisted method (only GET, HEAD and POST are).")]
    for name, value in kept.items():
        lower = name.lower()
        safe = lower not in unsafe
        if lower == "content-type":
            types = ", ".join(sorted(SAFELISTED_CONTENT_TYPES))
            detail = (f"Content-Type {value} is one of the three safelisted types ({types})." if safe else
                      f"Content-Type {value} is not one of the three safelisted types ({types}).")
            rules.append(PreflightRule("content-type", f"{name}: {value}", safe, detail))
            continue
        if safe:
            detail = f"{name} is a CORS-safelisted request-header with this value."
        elif is_safelisted_request_header(name, value):
            detail = f"{name} is safelisted, but all safelisted values together exceed 1024 bytes."
        else:
            detail = (f"{name} is not a CORS-safelisted request-header (only Accept, Accept-Language, "
                      "Content-Language and Content-Type with a safelisted value are), so the server is asked first.")
        rules.append(PreflightRule("header", f"{name}: {value}", safe, detail))
    return needs_preflight(method, unsafe), rules
