"""The browsers the engine can be: one row each, the one place that says what differs between them.

    >>> Browser("http://localhost:8001", browser="firefox").fetch(url).exception        # doctest: +SKIP
    'TypeError: NetworkError when attempting to fetch resource.'

`Browser(origin)` is Chromium; `Browser(origin, browser="firefox")` decides and words everything as Firefox does.
Each row below was recorded from the real browser (Debian's `chromium` and `firefox-esr`, through
`cors_lab.real`), never written from memory; the differential tests (tests/real/) run the same scenario tables
through the engine in each mode and through the real browser, field by field. Where the two browsers differ, the
difference is a field here, and the engine's steps read it (``self.model.<field>`` in `cors_lab.browser.fetch`), so
a lesson can show both sides of it.
"""
from __future__ import annotations

from dataclasses import dataclass

from cors_lab.errors import InputError


@dataclass(frozen=True)
class BrowserModel:
    """What one browser does where browsers differ."""

    name: str  # "chromium" | "firefox": what results carry as ``result.browser``
    title: str  # the name a learner reads, with the version the recordings come from
    network_error: str  # what a failed fetch() rejects with (JavaScript's TypeError, stringified)
    # where the two decide differently (each recorded; the lessons show them)
    safelists_client_hints: bool  # DPR, Save-Data, Device-Memory, ... go without a preflight (Chromium only)
    comma_in_allow_origin_is_multiple: bool  # one `Access-Control-Allow-Origin: a, b` line counts as several values
    names_invalid_allow_origin: bool  # an Access-Control-Allow-Origin that is no origin gets its own sentence
    fetch_follows_credentials_redirect: bool  # fetch() follows a same-origin redirect to a URL with user:pass
    upload_listener_preflights_without_body: bool  # xhr.upload listener preflights even a request without a body
    completes_upload_before_cors_check: bool  # a blocked XHR answer still fires the upload's load events
    names_network_errors: bool  # a CORS request's network error gets a console sentence ("did not succeed")
    local_network_access: bool  # a public http page may not reach loopback/private addresses (Chromium's LNA).
    # Firefox 153 has LNA too, but asks only for a page served from a public IP address (recorded with an address
    # override: the fetch waits on a permission prompt); a page whose address Firefox cannot tell is let through, and
    # that is what the lab's pages are: modelled as no LNA
    xhr_progress_without_body: bool  # XHR fires 'progress' even when no body byte arrived
    data_url_progress_events: int  # how many 'progress' events an XHR of a data: URL fires
    data_url_content_length: bool  # a data: URL's response has a Content-Length header (fetch())
    preflight_sends_null_after_redirect: bool  # a preflight after a tainting redirect says `Origin: null`
    host_code_points_refused: str  # characters the URL parser refuses in a host (the standard's list is common)
    shows_in_messages: str  # how exception texts show a name or method: "as-is" | "lowercase-latin1"
    # the cookie jar (cookies.py) and the CORS-preflight cache (preflight.py)
    cookie_max_age_syntax: str  # "signed": [+-]digits, else ignored | "minus-or-digits": '-...' expires it, else digits
    cookie_attributes_size_checked: str  # the attributes ignored when over 1024 bytes: "all", or their names
    cookie_date_parser: str  # how Expires is read: "chromium" (ParseCookieExpiryTime) | "nspr" (PR_ParseTimeString)
    nameless_cookies: bool  # Set-Cookie "v" or "=v" is a cookie without a name, sent as "v" (else "v" is a name)
    host_prefix_rule: str  # a __Host- cookie: "attributes" (Path=/ given, no Domain) | "result" (path /, host-only)
    preflight_cache_forgets_blocked_url: bool  # a response that fails the CORS check drops the URL's cached preflights
    max_age_cap: int  # the longest a preflight stays cached (seconds)
    unreadable_max_age_caches: bool  # an Access-Control-Max-Age that is no number still caches for the default 5 s
    caches_opaque_origin_preflights: bool  # a page whose origin is opaque (a sandboxed frame, `Origin: null`) reuses
    # its cached preflights (recorded: Firefox sends one OPTIONS for two PUTs; Chromium sends a preflight every time)
    preflight_cache_by_token: bool  # Firefox's cache: each allowed method/header kept with its own expiry, per
    # credentials mode; preflights add to it; only GET and POST pass unlisted; '*' is kept as a name, never a wildcard
    data_url_charset_last: bool  # a data: URL's MIME type gets its charset parameter moved to the end
    checks_port_before_preflight: bool  # a refused port stops the call before any preflight is started
    error_is_blocking_sentence: bool  # `error` is the blocking sentence even after earlier warnings (as the bridge
    # picks it from Firefox's console); else it is the first console line, as Chromium's bridge picks it
    partitions_third_party_cookies: bool  # a cross-site server's cookies live in a jar of the page's site (sent
    # back to it from this page), instead of being blocked (Firefox's Total Cookie Protection; Chromium blocks them)
    # how the network layer reads HTTP/1 (cors_lab.browser.http1 and network; recorded with the hostile scenarios)
    http1: str  # whose parser reads answers: "chromium" | "firefox" (status line, headers, framing, 1xx, retries)
    body_cut_short_error: str  # what response.text() rejects with when the body ends before its length/last chunk
    body_decoding_error: str  # ... when the body does not decode as its Content-Encoding says
    opaque_waits_for_body: bool  # a no-cors answer resolves only once its whole body is in (Firefox's Opaque
    # Response Blocking sniffs it first), so a body cut short or too slow fails the fetch
    console_header_bytes: str  # a header's bytes above 0x7F in a console sentence: "escaped" (\u00C3\u00A9) | "utf-8"
    parses_location_when_following: bool  # a redirect's Location is parsed (and data:/file: refused) only to follow
    # it, before its CORS check (Firefox); Chromium's network layer parses it first, whatever the redirect mode

    def __repr__(self) -> str:
        return f"<BrowserModel {self.title}>"

    def shown(self, text: str, name: bool = False) -> str:
        """A header name, method or value as this browser's exception texts show it: Firefox lowercases header names
        and shows every byte above 0x7F as U+FFFD, and a value only up to its first NUL (recorded)."""
        if self.shows_in_messages == "as-is":
            return text
        text = "".join("\ufffd" if ord(char) > 0x7F else char for char in text.split("\x00")[0])
        return text.lower() if name else text


CHROMIUM = BrowserModel(
    name="chromium", title="Chromium 156",
    network_error="TypeError: Failed to fetch",
    safelists_client_hints=True, comma_in_allow_origin_is_multiple=True, names_invalid_allow_origin=True,
    fetch_follows_credentials_redirect=False, upload_listener_preflights_without_body=False,
    completes_upload_before_cors_check=True, names_network_errors=False, local_network_access=True,
    xhr_progress_without_body=False, data_url_progress_events=1, data_url_content_length=False,
    preflight_sends_null_after_redirect=True, host_code_points_refused="", shows_in_messages="as-is",
    partitions_third_party_cookies=False, data_url_charset_last=True, checks_port_before_preflight=False,
    error_is_blocking_sentence=False,
    http1="chromium", body_cut_short_error="TypeError: Failed to fetch",
    body_decoding_error="TypeError: Failed to fetch", opaque_waits_for_body=False, console_header_bytes="escaped",
    parses_location_when_following=False,
    cookie_max_age_syntax="signed", cookie_attributes_size_checked="all", max_age_cap=7200,
    unreadable_max_age_caches=True, preflight_cache_by_token=False, caches_opaque_origin_preflights=False,
    nameless_cookies=True, host_prefix_rule="attributes", preflight_cache_forgets_blocked_url=False,
    cookie_date_parser="chromium",
)
FIREFOX = BrowserModel(
    name="firefox", title="Firefox 153 ESR",
    network_error="TypeError: NetworkError when attempting to fetch resource.",
    safelists_client_hints=False, comma_in_allow_origin_is_multiple=False, names_invalid_allow_origin=False,
    fetch_follows_credentials_redirect=True, upload_listener_preflights_without_body=True,
    completes_upload_before_cors_check=False, names_network_errors=True, local_network_access=False,
    xhr_progress_without_body=True, data_url_progress_events=2, data_url_content_length=True,
    preflight_sends_null_after_redirect=False, host_code_points_refused=" *", shows_in_messages="lowercase-latin1",
    partitions_third_party_cookies=True, data_url_charset_last=False, checks_port_before_preflight=True,
    error_is_blocking_sentence=True,
    http1="firefox", body_cut_short_error="TypeError: Content-Length header of network response exceeds response Body.",
    body_decoding_error="TypeError: Decoding failed.", opaque_waits_for_body=True, console_header_bytes="utf-8",
    parses_location_when_following=True,
    # recorded: Max-Age=+0 and 0.5 are ignored (with a console line), Max-Age=-<5000 digits> deletes; preflight Max-Age
    # 'soon', '5.5' and -99999999999999999999 cache nothing, 99999999999999999999 caches; an entry made with
    # credentials does not serve a request without (CookieParser.cpp and nsCORSListenerProxy.cpp say why)
    cookie_max_age_syntax="minus-or-digits", cookie_attributes_size_checked="path domain expires max-age",
    max_age_cap=86400, unreadable_max_age_caches=False, preflight_cache_by_token=True,
    caches_opaque_origin_preflights=True,
    # recorded: Set-Cookie "justvalue" is sent back as "justvalue=", "=justvalue" is refused; __Host-a=1; Secure;
    # Path=/; Domain=localhost is kept; a blocked PUT makes the next one preflight again
    nameless_cookies=False, host_prefix_rule="result", preflight_cache_forgets_blocked_url=True,
    cookie_date_parser="nspr",  # recorded: Expires=9 Jun 2021 and 06/09/2021 10:18:14 GMT are read (past: deleted)
)
MODELS: dict[str, BrowserModel] = {model.name: model for model in (CHROMIUM, FIREFOX)}


def browser_model(name: str | BrowserModel) -> BrowserModel:
    """The model for ``"chromium"`` or ``"firefox"`` (any case); one clear sentence for anything else."""
    if isinstance(name, BrowserModel):
        return name
    model = MODELS.get(name.lower()) if isinstance(name, str) else None
    if model is None:
        raise InputError(f"browser must be one of {', '.join(repr(n) for n in MODELS)}, not {name!r}")
    return model
