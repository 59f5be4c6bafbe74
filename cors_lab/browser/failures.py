"""Every way a fetch() can fail, one row each: the one table the engine, explain(), the doctor and the widgets read.

As requests' ``status_codes.py`` builds everything from one ``_codes`` table, everything cors_lab says about a
failure comes from its row here: the browser's own sentence (so the engine can print it and the doctor can recognise
it), the short reason of step titles and reprs, the response header to look at, what it means, the fix, whether it
happens on the preflight, and the MDN page that explains it. So the same failure always gets the same fix sentence,
whether the engine met it (``result.explain()``) or a learner pasted it (``diagnose(sentence)``).

    >>> row = FAILURES["missing_allow_origin"]
    >>> row.sentence(url="http://localhost:8002/api", origin="http://localhost:8001")
    "Access to fetch at 'http://localhost:8002/api' from origin 'http://localhost:8001' has been blocked by CORS \
policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."
    >>> row.fix_for(url="http://localhost:8002/api", origin="http://localhost:8001")
    'Make the server at http://localhost:8002 send `Access-Control-Allow-Origin: http://localhost:8001` on every \
response, errors included.'

Browser sentences are never written from memory: each Chromium template was recorded from real Chromium 156
(Debian) and matches third_party/blink/renderer/platform/loader/cors/cors_error_string.cc (Chromium 156 no longer
appends the "If an opaque response serves your needs, ..." advice). The other columns were recorded the same way:
``xhr``, Chromium's reason for an XMLHttpRequest where it is not fetch()'s (no "Have the server send the header with
a valid value." advice; one more sentence about withCredentials); ``firefox``, Firefox 153 ESR's whole text
(console sentence or exception, typographic quotes included; None where Firefox writes nothing), and
``firefox_reason``, the category of that console message, which is Firefox's reason code and the name of MDN's CORS
error page. Firefox is less specific than Chromium: several rows share one Firefox sentence (the doctor says so).
MDN pages with no row here: CORSDisabled (a Firefox setting) and CORSOriginHeaderNotAdded (privileged code only).

The sections of the table (`Failure.section`):

- ``cors``: blocked by CORS policy. JavaScript sees ``TypeError: Failed to fetch``; the console says why, in the
  sentence ``Access to fetch at '<url>' from origin '<origin>' has been blocked by CORS policy: <reason>``.
- ``refused``: fetch() refused the URL or mode before the network; the console says why, JavaScript sees
  ``TypeError: Failed to fetch``.
- ``request``: new Request() rejected the call; JavaScript sees the TypeError itself, nothing is sent.
- ``silent``: a network error; JavaScript sees ``TypeError: Failed to fetch`` and the console only a
  ``net::ERR_...`` line, so no sentence tells these apart (the engine's trace does).
- ``warning``: the request went through, but the console warns (a header setRequestHeader() refused, a rule
  Firefox will enforce soon).
- ``doctor``: what the doctor answers for a text that is no single failure (``Failed to fetch`` alone, a
  ``net::ERR_`` line, or a text it does not know).

Meanings and fixes are templates filled by `Failure.meaning_for` / `Failure.fix_for` from values a console sentence
carries, so the engine and the doctor fill them alike: ``origin`` (the page's), ``url``, ``initial_url`` (where a
redirected fetch started), ``hint`` (Chromium's "failed parameter"), ``preflight`` (the sentence has the preflight
prefix), and the fields of the row's own sentence (``method``, ``member``, ...). Derived fields: ``server`` (the
origin of ``url``), ``request_origin`` (the Origin the request carried: the page's, or `null` after a tainting
redirect), ``acao`` (the header line naming it), ``on`` and ``responses`` (the response or the preflight answer).
"""
from __future__ import annotations

import string
from dataclasses import dataclass

from cors_lab.browser.origin import URLError, origin_of, parse_url

FAILED_TO_FETCH = "TypeError: Failed to fetch"
PREFLIGHT_PREFIX = "Response to preflight request doesn't pass access control check: "
CORS_SCHEMES = ("chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, "
                "https, isolated-app")
MDN_ERRORS = "https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS/Errors"
SECTIONS = ("cors", "refused", "request", "silent", "warning", "doctor")

_TYPE_ERROR = "TypeError: Failed to execute 'fetch' on 'Window': "  # how Chromium's fetch() rejections begin
_VALID = " Have the server send the header with a valid value."  # fetch() only: XHR's sentence ends before it
_XHR_CREDENTIALS = (" The credentials mode of requests initiated by the XMLHttpRequest is controlled by the "
                    "withCredentials attribute.")  # what Chromium adds to an XHR's credentials sentences
# Firefox's words, recorded from Firefox 153 ESR (its console; the typographic quotes are Firefox's own)
_FF_BLOCKED = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. "
_FF_STATUS = " Status code: {status}."
_FF_FETCH = "TypeError: Window.fetch: "  # how Firefox's fetch() rejections begin


def _ff(reason: str, status: bool = False, quoted_url: bool = False) -> str:
    """Firefox's CORS console sentence for a reason: ``(Reason: ...)``, with the status code where Firefox adds it
    ("(null)" when there was no response) and the URL in quotes where Firefox quotes it."""
    frame = _FF_BLOCKED.replace("{url}", "‘{url}’") if quoted_url else _FF_BLOCKED
    return frame + f"(Reason: {reason})." + (_FF_STATUS if status else "")
_ACAO, _ACAC = "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"
_REDIRECTED = (" The request started at {initial_url} and was redirected; after a cross-origin redirect the browser "
               "may send `Origin: null`.")


@dataclass(frozen=True)
class Failure:
    """One way a fetch() fails: the browser's words for it, and ours.

    Templates use ``str.format`` fields (see the module docstring for the values they are filled with)."""

    kind: str  # the stable name code matches on, e.g. "missing_allow_origin"
    section: str  # one of SECTIONS: how the failure shows (console sentence, TypeError, nothing)
    short: str  # the short reason of step titles and reprs, e.g. "no Access-Control-Allow-Origin"
    meaning: str  # what happened, in plain words (template)
    fix: str  # the smallest change that makes it work, naming the header (template)
    chromium: str | None = None  # Chromium's text for fetch(): the CORS reason, console sentence or TypeError
    header: str | None = None  # the response header to look at first (None: no header is involved)
    on_preflight: bool = False  # it can only come from the answer to a preflight
    prefixed_on_preflight: bool = False  # found on a preflight, Chromium's sentence starts with PREFLIGHT_PREFIX
    mdn: str | None = None  # the name of MDN's CORS error page (MDN spells one CORSMIssingAllowCredentials)
    firefox: str | None = None  # Firefox's whole text for it (console sentence or TypeError), recorded; a template
    firefox_reason: str | None = None  # Firefox's reason code, as its network monitor names it
    xhr: str | None = None  # Chromium's CORS reason for XMLHttpRequest where it is not fetch()'s (recorded)
    comes_with: str | None = None  # a warning's: the failure it announces (the doctor names both)

    # ---- the browser's words ---------------------------------------------------------------------------------
    def sentence(self, url: str = "", origin: str = "", hint: str = "", preflight: bool = False,
                 initial_url: str | None = None, api: str = "fetch", reason: str | None = None, **fields: str) -> str:
        """Chromium's text for this failure, filled in: the console sentence, or the TypeError of a rejection.
        ``api`` and ``reason``: the API the sentence names ("fetch", "XMLHttpRequest") and its reason template."""
        if self.chromium is None:
            raise ValueError(f"Chromium writes no sentence for {self.kind!r}")
        if self.section != "cors":
            return self.chromium.format(url=url, origin=origin, hint=hint, **fields)
        text = f"Access to {api} at '{url}' "
        if initial_url and initial_url != url:
            text += f"(redirected from '{initial_url}') "
        text += f"from origin '{origin}' has been blocked by CORS policy: "
        if preflight and self.prefixed_on_preflight:
            text += PREFLIGHT_PREFIX
        return text + (reason or self.chromium).format(hint=hint)

    def text(self, browser: str = "chromium", api: str = "fetch", **values) -> str | None:
        """This failure's text in ``browser`` ("chromium" | "firefox") for ``api`` ("fetch" | "xhr"), filled in:
        the console sentence (sections cors, refused) or the TypeError (section request). None when that browser
        writes nothing for it (or nothing has been recorded)."""
        if browser == "firefox":
            if self.firefox is None:
                return None
            return self.firefox.format_map(_Values({"url": values.get("url", ""), **values}))
        if self.chromium is None:
            return None
        if api != "xhr" or self.section != "cors":
            return self.sentence(**values)
        return self.sentence(api="XMLHttpRequest", reason=self.xhr or self.chromium, **values)

    @property
    def fields(self) -> tuple[str, ...]:
        """The names the row's template leaves to fill: Chromium's, or Firefox's for a row only Firefox writes (the
        CORS frame adds url, origin and initial_url)."""
        template = self.chromium if self.chromium is not None else self.firefox
        if template is None:
            return ()
        return tuple(dict.fromkeys(name for _, name, _, _ in string.Formatter().parse(template) if name))

    # ---- our words -------------------------------------------------------------------------------------------
    def happened_on_preflight(self, preflight: bool = False) -> bool:
        """Whether the failure was on the preflight: always for preflight-only kinds, else when the sentence said so."""
        return self.on_preflight or (preflight and self.prefixed_on_preflight)

    def short_for(self, **values) -> str:
        return self.short.format_map(self._values(values))

    def meaning_for(self, **values) -> str:
        filled = self._values(values)
        meaning = self.meaning.format_map(filled)
        if self.section == "cors" and filled.get("initial_url"):
            meaning += _REDIRECTED.format_map(filled)
        return meaning

    def fix_for(self, **values) -> str:
        """The fix, filled only from what the row's sentence carries, so the engine (which knows more) and the
        doctor (which reads the sentence) give the same fix for the same failure."""
        return self.fix.format_map(self._values(values))

    def carried(self, values: dict) -> dict:
        """The values a sentence of this row shows: the CORS frame's (url, origin, initial_url, hint, preflight)
        or the fields of the row's own template; nothing for a failure that has no sentence."""
        if self.section == "cors":
            names = ("url", "origin", "initial_url", "hint", "preflight")
        else:
            names = self.fields
        return {name: values[name] for name in names if values.get(name) is not None}

    @property
    def mdn_url(self) -> str | None:
        return f"{MDN_ERRORS}/{self.mdn}" if self.mdn else None

    def _values(self, values: dict) -> dict:
        values = self.carried(values)
        origin = values.get("origin") or "the page's origin"
        sent = origin_sent(origin, values.get("url"), values.get("initial_url"))
        preflight = self.happened_on_preflight(bool(values.get("preflight")))
        return _Values({
            **values, "origin": origin, "hint": values.get("hint", ""), "server": server_of(values.get("url")),
            "request_origin": sent, "acao": f"`{_ACAO}: {sent}`",
            "on": "the answer to the OPTIONS preflight" if preflight else "the response",
            "responses": "its preflight answers" if preflight else "every response, errors included",
        })


def server_of(url: str | None) -> str:
    """The origin of the server a URL points at, for a fix sentence ("the API server" when it is no http(s) URL)."""
    try:
        parsed = parse_url(url or "")
    except URLError:
        return "the API server"
    if not parsed.startswith(("http://", "https://")):
        return "the API server"
    return origin_of(parsed).serialize()


def origin_sent(origin: str, url: str | None, initial_url: str | None) -> str:
    """The Origin header the failed request carried, as far as its sentence tells: `null` when it was redirected
    from a URL cross-origin to the page to yet another origin (HTTP-redirect fetch taints the origin), else the page's
    origin. A longer chain can taint it unseen (same-origin URL -> A -> B): the meaning says the Origin may be
    `null`."""
    if not initial_url:
        return origin
    first = server_of(initial_url)
    return "null" if first != origin and server_of(url) != first else origin


class _Values(dict):
    """Template values; a field nobody knows reads <field> instead of failing (a hand-built Diagnosis, a test)."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


_ROWS = (
    # ---- cors: blocked by CORS policy (cors_error_string.cc); {hint} is Chromium's "failed parameter" ------------
    Failure(
        "missing_allow_origin", "cors", "no Access-Control-Allow-Origin",
        "The server answered, but {on} carries no Access-Control-Allow-Origin header, so the browser hides it from "
        "the page's script. (The server did receive the request; look at its log.) If the status was an error "
        "(404, 500...), the server may just skip CORS headers on errors.",
        "Make the server at {server} send {acao} on {responses}.",
        chromium="No 'Access-Control-Allow-Origin' header is present on the requested resource.",
        header=_ACAO, prefixed_on_preflight=True, mdn="CORSMissingAllowOrigin",
        firefox_reason="CORSMissingAllowOrigin",
        firefox=_ff("CORS header ‘Access-Control-Allow-Origin’ missing", status=True)),
    Failure(
        "wildcard_origin_with_credentials", "cors", "Access-Control-Allow-Origin '*' with credentials",
        "The request was sent with credentials: 'include' (cookies), and the server answered "
        "`Access-Control-Allow-Origin: *`. The wildcard never works with credentials.",
        "Send the exact origin, {acao}, plus `Access-Control-Allow-Credentials: true` and `Vary: Origin`.",
        chromium="The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' "
                 "when the request's credentials mode is 'include'.",
        xhr="The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when "
            "the request's credentials mode is 'include'." + _XHR_CREDENTIALS,
        header=_ACAO, prefixed_on_preflight=True, mdn="CORSNotSupportingCredentials",
        firefox_reason="CORSNotSupportingCredentials",
        firefox=_ff("Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’",
                    quoted_url=True)),
    Failure(
        "multiple_allow_origin", "cors", "several values in Access-Control-Allow-Origin",
        "Access-Control-Allow-Origin holds several values ('{hint}'); a browser accepts exactly one origin.",
        "Send only the origin that made the request ({acao}): check it against your allow-list on the server and "
        "echo the one that matches (and make sure two layers, e.g. a proxy and the app, do not both add the header).",
        chromium="The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only one is allowed."
                 + _VALID,
        xhr="The 'Access-Control-Allow-Origin' header contains multiple values '{hint}', but only one is allowed.",
        header=_ACAO, prefixed_on_preflight=True, mdn="CORSMultipleAllowOriginNotAllowed",
        firefox_reason="CORSMultipleAllowOriginNotAllowed",
        firefox=_ff("Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed")),
    Failure(
        "invalid_allow_origin", "cors", "invalid Access-Control-Allow-Origin",
        "Access-Control-Allow-Origin is '{hint}', which is not an origin at all.",
        "Send a full origin, scheme + host + port: {acao}.",
        chromium="The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'." + _VALID,
        xhr="The 'Access-Control-Allow-Origin' header contains the invalid value '{hint}'.",
        # Firefox compares the value with the origin and reports a mismatch
        header=_ACAO, prefixed_on_preflight=True, mdn="CORSAllowOriginNotMatchingOrigin",
        firefox_reason="CORSAllowOriginNotMatchingOrigin",
        firefox=_ff("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{hint}’")),
    Failure(
        "allow_origin_mismatch", "cors", "Access-Control-Allow-Origin does not match the Origin",
        "The server allows '{hint}', but the request's Origin is {request_origin}. They must be equal character for "
        "character (scheme, host, port; no path, no trailing slash).",
        "Send {acao}, exactly the request's Origin.",
        chromium="The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the supplied "
                 "origin." + _VALID,
        xhr="The 'Access-Control-Allow-Origin' header has a value '{hint}' that is not equal to the supplied origin.",
        header=_ACAO, prefixed_on_preflight=True, mdn="CORSAllowOriginNotMatchingOrigin",
        firefox_reason="CORSAllowOriginNotMatchingOrigin",
        firefox=_ff("CORS header ‘Access-Control-Allow-Origin’ does not match ‘{hint}’")),
    Failure(
        "invalid_allow_credentials", "cors", "Access-Control-Allow-Credentials is not 'true'",
        "The request was sent with credentials: 'include', and Access-Control-Allow-Credentials was '{hint}' "
        "(empty means absent). It must be exactly the word `true`.",
        "Add `Access-Control-Allow-Credentials: true` to {on} (keep {acao}, never `*`).",
        chromium="The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' which must "
                 "be 'true' when the request's credentials mode is 'include'.",
        xhr="The value of the 'Access-Control-Allow-Credentials' header in the response is '{hint}' which must be "
            "'true' when the request's credentials mode is 'include'." + _XHR_CREDENTIALS,
        header=_ACAC, prefixed_on_preflight=True, mdn="CORSMIssingAllowCredentials",
        firefox_reason="CORSMissingAllowCredentials",
        firefox=_ff("expected ‘true’ in CORS header ‘Access-Control-Allow-Credentials’")),
    Failure(
        "preflight_status", "cors", "preflight status is not 2xx",
        "The OPTIONS preflight got an error status (401, 403, 404, 405, 500...). Often an authentication middleware "
        "or router treats the preflight like a normal request; preflights never carry cookies or tokens.",
        "Answer OPTIONS preflights with 204 (or 200) and the CORS headers before any authentication check.",
        chromium="It does not have HTTP ok status.",
        on_preflight=True, prefixed_on_preflight=True, mdn="CORSPreflightDidNotSucceed",
        firefox_reason="CORSPreflightDidNotSucceed",
        firefox=_ff("CORS preflight response did not succeed", status=True)),
    Failure(
        "preflight_redirect", "cors", "preflight was redirected",
        "The OPTIONS preflight was answered with a redirect (301/302/307/308). A preflight may not be redirected.",
        "Call the final URL directly (a missing or extra trailing slash, or http->https, is the usual cause), or "
        "make the server answer OPTIONS without redirecting.",
        chromium="Redirect is not allowed for a preflight request.",
        # Firefox reports a redirected preflight as an external redirect (nsCORSPreflightListener)
        header="Location", on_preflight=True, prefixed_on_preflight=True, mdn="CORSExternalRedirectNotAllowed",
        firefox_reason="CORSExternalRedirectNotAllowed",
        firefox=_ff("CORS request external redirect not allowed")),
    Failure(
        "invalid_allow_methods", "cors", "unparsable Access-Control-Allow-Methods",
        "The preflight answer's Access-Control-Allow-Methods could not be parsed.",
        "Send a comma-separated list of method names, e.g. `Access-Control-Allow-Methods: GET, POST, PUT`.",
        chromium="Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
        header="Access-Control-Allow-Methods", on_preflight=True, mdn="CORSInvalidAllowMethod",
        firefox_reason="CORSInvalidAllowMethod",
        firefox=_ff("invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Methods’")),
    Failure(
        "invalid_allow_headers", "cors", "unparsable Access-Control-Allow-Headers",
        "The preflight answer's Access-Control-Allow-Headers could not be parsed.",
        "Send a comma-separated list of header names, e.g. `Access-Control-Allow-Headers: Content-Type, X-Api-Key`.",
        chromium="Cannot parse Access-Control-Allow-Headers response header field in preflight response.",
        header="Access-Control-Allow-Headers", on_preflight=True, mdn="CORSInvalidAllowHeader",
        firefox_reason="CORSInvalidAllowHeader",
        firefox=_ff("invalid token ‘{hint}’ in CORS header ‘Access-Control-Allow-Headers’")),
    Failure(
        "method_not_allowed", "cors", "method not in Access-Control-Allow-Methods",
        "The page wants to send {hint}, which needs a preflight, and the preflight answer does not list {hint} in "
        "Access-Control-Allow-Methods.",
        "Add {hint} to `Access-Control-Allow-Methods` in the preflight answer (a `*` does not count with credentials).",
        chromium="Method {hint} is not allowed by Access-Control-Allow-Methods in preflight response.",
        header="Access-Control-Allow-Methods", on_preflight=True, mdn="CORSMethodNotFound",
        firefox_reason="CORSMethodNotFound",
        firefox=_ff("Did not find method in CORS header ‘Access-Control-Allow-Methods’")),
    Failure(
        "header_not_allowed", "cors", "header not in Access-Control-Allow-Headers",
        "The page sends the request header '{hint}', which is not CORS-safelisted, and the preflight answer does not "
        "list it in Access-Control-Allow-Headers.",
        "Add {hint} to `Access-Control-Allow-Headers` in the preflight answer (or stop sending the header).",
        chromium="Request header field {hint} is not allowed by Access-Control-Allow-Headers in preflight response.",
        header="Access-Control-Allow-Headers", on_preflight=True, mdn="CORSMissingAllowHeaderFromPreflight",
        firefox_reason="CORSMissingAllowHeaderFromPreflight",
        firefox=_ff("header ‘{hint}’ is not allowed according to header ‘Access-Control-Allow-Headers’ from "
                    "CORS preflight response")),
    Failure(
        # Chromium 156 names no location here (its hint is empty); Firefox refuses without a console reason
        "redirect_credentials", "cors", "redirect to a URL with credentials",
        "The server redirected to a URL with user:password@ in it; cross-origin requests may not follow it.",
        "Redirect to a URL without a username and password.",
        chromium="Redirect location '{hint}' contains a username and password, which is disallowed for cross-origin "
                 "requests.",
        header="Location",
        firefox=_ff("CORS request did not succeed", status=True),
        firefox_reason="CORSDidNotSucceed"),
    Failure(
        "cors_disabled_scheme", "cors", "redirect to a non-http(s) URL",
        "A redirect led to a URL whose scheme is not http(s); CORS requests can only go to the listed schemes.",
        "Redirect (or fetch) only http:// or https:// URLs.",
        chromium="Cross origin requests are only supported for protocol schemes: " + CORS_SCHEMES + ".",
        header="Location", mdn="CORSRequestNotHttp", firefox_reason="CORSRequestNotHttp",
        firefox=_ff("CORS request not http")),
    Failure(
        # Chromium's Local Network Access: no other browser has it, so no MDN page either
        "insecure_private_network", "cors", "non-secure page calling a more-private address (Local Network Access)",
        "Local Network Access: a page that is not a secure context (plain http on a more public address) asked for "
        "a resource in the more private address space `{hint}` (your machine or your local network). Chromium "
        "refuses, to protect the devices behind your router.",
        "Serve the page from a secure context (https, or http://localhost) or from the same address space as the "
        "resource; a page on http://localhost calling another localhost port is not affected.",
        chromium="The request client is not a secure context and the resource is in more-private address space "
                 "`{hint}`."),
    # ---- refused: main fetch says no before the network, with a console sentence -----------------------------------
    Failure(
        "same_origin_mode", "refused", "mode 'same-origin'",
        "The script used `mode: 'same-origin'`, which refuses every cross-origin URL before anything is sent.",
        "Use mode 'cors' (the default) and let the server allow the origin; or call a same-origin URL (a dev proxy).",
        chromium='Fetch API cannot load {url}. Request mode is "same-origin" but the URL\'s origin is not same as the '
                 "request origin {origin}.",
        firefox="Security Error: Content at {page_url} may not load data from {url}."),
    Failure(
        "no_cors_redirect_mode", "refused", "no-cors needs redirect 'follow'",
        "`mode: 'no-cors'` only works with `redirect: 'follow'`.",
        "Drop the redirect option (or the no-cors mode, which only gives an opaque response anyway).",
        chromium='Fetch API cannot load {url}. Request mode is "no-cors" but the redirect mode is not "follow".'),
    Failure(
        "unsupported_scheme", "refused", "URL scheme not supported",
        "fetch() cannot load this kind of URL (only http and https).",
        "Serve the file over http (e.g. a lab server) instead of opening file:// or other schemes.",
        chromium='Fetch API cannot load {url}. URL scheme "{scheme}" is not supported.', mdn="CORSRequestNotHttp",
        firefox=_ff("CORS request not http"),
        firefox_reason="CORSRequestNotHttp"),
    Failure(
        "same_origin_mode_redirect", "refused", "mode 'same-origin' redirect",
        "A `mode: 'same-origin'` request was redirected to another origin; the browser refused to follow.",
        "Fetch the final URL directly, or use mode 'cors' and let that server allow the origin.",
        chromium="Unsafe attempt to load URL {url} from frame with URL {page_url}. Domains, protocols and ports must "
                 "match.\n",
        header="Location",
        firefox="Security Error: Content at {page_url} may not load data from {url}."),
    Failure(
        "local_resource", "refused", "local file (file: URL)",
        "The page tried to load a local file (a file:// URL); web pages may not read files from your disk.",
        "Serve the file from a web server (for example a lab server) and fetch its http:// URL.",
        chromium="Not allowed to load local resource: {url}", mdn="CORSRequestNotHttp",
        firefox="Security Error: Content at {page_url} may not load or link to {url}."),
    # ---- request: new Request() rejects the call; the TypeError is what JavaScript sees -----------------------------
    Failure(
        "invalid_url", "request", "URL cannot be parsed",
        "fetch() could not parse the URL; nothing was sent.", "Check the URL for typos (scheme, host, port).",
        chromium=_TYPE_ERROR + "Failed to parse URL from {url}",
        firefox=_FF_FETCH + "{url} is not a valid URL."),
    Failure(
        "url_with_credentials", "request", "URL contains a username/password",
        "The URL contains user:password@; fetch() refuses such URLs.",
        "Remove the user:password@ part and send credentials in a header (Authorization) instead.",
        chromium=_TYPE_ERROR + "Request cannot be constructed from a URL that includes credentials: {url}",
        firefox=_FF_FETCH + "{url} is an url with embedded credentials."),
    Failure(
        "bad_enum", "request", "unknown {member} value",
        "An option of fetch() has a value it does not know (a typo such as 'includes' for 'include').",
        "Use one of the allowed values: credentials omit|same-origin|include, mode cors|no-cors|same-origin, "
        "redirect follow|error|manual.",
        chromium=_TYPE_ERROR + "Failed to read the '{member}' property from 'RequestInit': The provided value "
                               "'{value}' is not a valid enum value of type {idl_type}.",
        firefox=_FF_FETCH + "'{value}' (value of '{member}' member of RequestInit) is not a valid value for "
                "enumeration {idl_type}."),
    Failure(
        "navigate_mode", "request", "mode 'navigate' is not for fetch()",
        "fetch() cannot use mode 'navigate'.", "Use mode 'cors' (the default).",
        chromium=_TYPE_ERROR + "Cannot construct a Request with a RequestInit whose mode member is set as 'navigate'.",
        firefox=_FF_FETCH + "Invalid request mode navigate."),
    Failure(
        "non_latin1_header", "request", "header outside ISO-8859-1",
        "A header name or value contains a character outside ISO-8859-1 (an emoji, an accented letter of another "
        "script...).",
        "Encode the value (e.g. percent-encode it or base64) before putting it in a header.",
        chromium=_TYPE_ERROR + "Failed to read the 'headers' property from 'RequestInit': String contains non "
                               "ISO-8859-1 code point."),
    Failure(
        "invalid_header_name", "request", "invalid header name",
        "A header name contains a character HTTP does not allow (a space, a colon...).", "Fix the header name.",
        chromium=_TYPE_ERROR + "Invalid name",
        firefox=_FF_FETCH + "{name} is an invalid header name."),
    Failure(
        "invalid_header_value", "request", "invalid value for header",
        "A header value contains a character HTTP does not allow (a newline, a NUL...).", "Fix the header value.",
        chromium=_TYPE_ERROR + "Invalid value",
        firefox=_FF_FETCH + "{value} is an invalid header value."),
    Failure(
        "body_with_get_head", "request", "GET/HEAD with a body",
        "A GET or HEAD request cannot have a body.", "Put the data in the query string, or use POST.",
        chromium=_TYPE_ERROR + "Request with GET/HEAD method cannot have body.",
        firefox=_FF_FETCH + "HEAD or GET Request cannot have a body."),
    Failure(
        "invalid_method", "request", "invalid method name",
        "The method name is not a valid HTTP token.", "Use a method name such as GET, POST, PUT, PATCH, DELETE.",
        chromium=_TYPE_ERROR + "'{method}' is not a valid HTTP method.",
        firefox=_FF_FETCH + "Invalid request method {method}."),
    Failure(
        "forbidden_method", "request", "forbidden method",
        "CONNECT, TRACE and TRACK are forbidden methods for scripts.", "Use another method.",
        chromium=_TYPE_ERROR + "'{method}' HTTP method is unsupported.",
        firefox=_FF_FETCH + "Invalid request method {method}."),
    Failure(
        "no_cors_method", "request", "method not allowed in no-cors mode",
        "mode 'no-cors' only allows GET, HEAD and POST.",
        "Use mode 'cors' and let the server allow the method in its preflight answer.",
        chromium=_TYPE_ERROR + "'{method}' is unsupported in no-cors mode.",
        firefox=_FF_FETCH + "Invalid request method {method}."),
    # ---- silent: network errors; JavaScript and the console show no sentence that names the reason ------------------
    Failure(
        "network_error", "silent", "server unreachable",
        "The request did not reach a server that answered (connection refused, unknown host, unreachable network...): "
        "a network error. The console shows only a net::ERR_... line.",
        "Is the server running? Start it with serve(...) and check the port.",
        mdn="CORSDidNotSucceed", firefox_reason="CORSDidNotSucceed",
        firefox=_ff("CORS request did not succeed", status=True)),
    Failure(
        "unsafe_port", "silent", "a port browsers refuse",
        "The URL's port belongs to another protocol (mail, IRC, X11, SIP, ...), so browsers refuse to talk HTTP to it: "
        "nothing is sent and the console shows only net::ERR_UNSAFE_PORT. Every URL of a fetch is checked, redirects "
        "included.",
        "Serve the API on an ordinary port (the lab uses 8000-8999) and redirect only there: ports such as 6000, 6667, "
        "10080 or 5060 can never be fetched from a page.",
        firefox=_ff("CORS request did not succeed", status=True),
        firefox_reason="CORSDidNotSucceed"),
    Failure(
        "invalid_response", "silent", "the answer is not valid HTTP",
        "The server answered, but not in a way the browser accepts: no HTTP status line, a NUL byte or over 256 KiB of "
        "headers, two different Content-Length or Location headers, a body shorter than its Content-Length, a broken "
        "chunked body, or a Content-Encoding that does not decode. A network error (the console shows only its "
        "net::ERR_... line); when only the body is broken, fetch() resolves and response.text() rejects.",
        "Look at the raw answer (curl -v, or the server's log): one status line, valid headers, and a body exactly as "
        "long as its Content-Length and encoded as its Content-Encoding says.",
        firefox=_ff("CORS request did not succeed", status=True),
        firefox_reason="CORSDidNotSucceed"),
    Failure(
        "timed_out", "silent", "no complete answer in time",
        "The server did not finish its answer within the call's deadline, which covers the preflight, every redirect "
        "and every read: the lab gave up where a page would wait on. A slow server, a body that trickles, or slow "
        "redirects that add up.",
        "Make the server answer sooner, or give the call more time: Browser(origin, timeout=30) or "
        "tab.fetch(url, timeout=30)."),
    Failure(
        "unsafe_redirect", "silent", "redirect to a data: or file: URL",
        "A redirect pointed to a data: or file: URL: browsers never follow a redirect there "
        "(net::ERR_UNSAFE_REDIRECT), in any mode, and the console shows only that line.",
        "Redirect only to http:// or https:// URLs; serve the content at a URL of its own.", header="Location",
        firefox=_ff("CORS request did not succeed", status=True),
        firefox_reason="CORSDidNotSucceed"),
    Failure(
        "redirect_error_mode", "silent", "redirect 'error'",
        "The script used `redirect: 'error'` and the server answered with a redirect: a network error.",
        "Point the request at the final URL, or use redirect 'follow'.", header="Location"),
    Failure(
        "too_many_redirects", "silent", "too many redirects",
        "More than 20 redirects in a row (net::ERR_TOO_MANY_REDIRECTS): usually a redirect loop.",
        "Fix the redirect loop on the server.", header="Location",
        firefox=_ff("CORS request did not succeed", status=True),
        firefox_reason="CORSDidNotSucceed"),
    Failure(
        "invalid_redirect_location", "silent", "redirect Location cannot be parsed",
        "The server redirected to a Location the URL parser rejects: a network error (net::ERR_INVALID_REDIRECT), "
        "whatever the redirect mode.",
        "Send a valid absolute URL in the Location header.", header="Location",
        firefox=_ff("CORS request did not succeed", status=True),
        firefox_reason="CORSDidNotSucceed"),
    Failure(
        "invalid_data_url", "silent", "data: URL cannot be decoded",
        "The data: URL cannot be decoded (no comma, invalid base64, a charset that is not a token): a network error "
        "(net::ERR_INVALID_URL).",
        "Write the data: URL as data:[<media type>][;base64],<data>: the comma is required and base64 must be valid."),
    # ---- doctor: texts that are no single failure --------------------------------------------------------------------
    Failure(
        "failed_to_fetch", "doctor", "Failed to fetch",
        "This is what JavaScript sees for every blocked or failed request; the reason is not in it on purpose (a page "
        "must not learn why). The reason is in the DevTools console sentence.",
        "Open DevTools -> Console, copy the red sentence that starts with \"Access to fetch at\" and diagnose that "
        "one. No such sentence? Then it is a network error: is the server running, and is the port right?",
        chromium=FAILED_TO_FETCH,
        firefox="TypeError: NetworkError when attempting to fetch resource."),
    Failure(
        "network_line", "doctor", "network error line",
        "A network line of the console: a net::ERR_... code after the URL. With CORS errors it sits next to the real "
        "sentence and says nothing more.",
        "Look for the sentence starting with \"Access to fetch at\" just above it and diagnose that one."),
    Failure(
        "unknown", "doctor", "not a sentence the doctor knows",
        "Not a CORS sentence I know. The doctor knows the sentences Chromium writes to the console for fetch() (they "
        "start with \"Access to fetch at\", \"Fetch API cannot load\" or \"TypeError: ...\").",
        "Paste the whole red console sentence, from \"Access to fetch at\" to its final full stop."),
    # ---- xhr: XMLHttpRequest's own calls threw (open, setRequestHeader); the texts are recorded per browser -------
    Failure(
        "xhr_invalid_method", "request", "open(): invalid method",
        "xhr.open() threw: {method!r} is not a valid HTTP method name (a token: letters, digits and !#$%&'*+-.^_`|~).",
        "Use a method name such as 'GET', 'POST' or 'PUT'.",
        chromium="SyntaxError: Failed to execute 'open' on 'XMLHttpRequest': '{method}' is not a valid HTTP method.",
        firefox="SyntaxError: An invalid or illegal string was specified"),
    Failure(
        "xhr_forbidden_method", "request", "open(): forbidden method",
        "xhr.open() threw: CONNECT, TRACE and TRACK are forbidden methods; no script may send them.",
        "Use another method: scripts can never send {method}.",
        chromium="SecurityError: Failed to execute 'open' on 'XMLHttpRequest': '{method}' HTTP method is unsupported.",
        firefox="SecurityError: The operation is insecure."),
    Failure(
        "xhr_invalid_url", "request", "open(): invalid URL",
        "xhr.open() threw: the URL is not one the parser accepts, even relative to the page.",
        "Write an absolute URL such as 'http://localhost:8002/api'.",
        chromium="SyntaxError: Failed to execute 'open' on 'XMLHttpRequest': Invalid URL",
        firefox="SyntaxError: XMLHttpRequest.open: '{url}' is not a valid URL."),
    Failure(
        "xhr_invalid_header_name", "request", "setRequestHeader(): invalid name",
        "xhr.setRequestHeader() threw: {name!r} is not a valid header name (a token, no spaces or colons).",
        "Use a header name such as 'X-Token'.",
        chromium="SyntaxError: Failed to execute 'setRequestHeader' on 'XMLHttpRequest': '{name}' is not a valid HTTP "
                 "header field name.",
        firefox="SyntaxError: Invalid header name."),
    Failure(
        "xhr_invalid_header_value", "request", "setRequestHeader(): invalid value",
        "xhr.setRequestHeader() threw: the value {value!r} contains a character a header value cannot have "
        "(a newline, NUL).",
        "Remove the newline or NUL from the header's value.",
        chromium="SyntaxError: Failed to execute 'setRequestHeader' on 'XMLHttpRequest': '{value}' is not a valid "
                 "HTTP header field value.",
        firefox="SyntaxError: Invalid header name."),
    Failure(
        "xhr_unsafe_header", "warning", "setRequestHeader(): forbidden header",
        "xhr.setRequestHeader() ignored {name}: it is a forbidden request-header, which only the browser sets "
        "(Cookie, Host, Origin, Referer, Content-Length, Connection, Sec-*, Proxy-*, ...). The request went out "
        "without it.",
        "Do not set {name} from the script; for cookies use withCredentials = true and let the server set them.",
        chromium='Refused to set unsafe header "{name}"',
        firefox="Attempt to set a forbidden header was denied: {name}"),
    # ---- warning: the request went through, but the console warns (recorded) -----------------------------------
    Failure(
        "wildcard_allow_headers_authorization", "warning", "Authorization under Access-Control-Allow-Headers: *",
        "The preflight answered `Access-Control-Allow-Headers: *` and the request sends Authorization. The wildcard "
        "does not cover Authorization in the Fetch Standard: Chromium lets it through, Firefox lets it through for "
        "now and warns that it will stop.",
        "List it by name: `Access-Control-Allow-Headers: Authorization, ...` in the preflight answer.",
        header="Access-Control-Allow-Headers", firefox_reason="CORSAllowHeaderFromPreflightDeprecation",
        firefox="Cross-Origin Request Warning: The Same Origin Policy will disallow reading the remote resource at "
                "{url} soon. (Reason: When the `Access-Control-Allow-Headers` is `*`, the `Authorization` header is "
                "not covered. To include the `Authorization` header, it must be explicitly listed in CORS header "
                "`Access-Control-Allow-Headers`)."),
    Failure(
        "cookie_foreign_not_partitioned", "warning", "a cross-site cookie without Partitioned",
        "A cross-site server set cookie {name} in its answer to this page. Firefox keeps it (in the jar of the "
        "page's site) but warns that it will refuse such cookies unless they carry the Partitioned attribute "
        "(CHIPS).",
        "If the API must set cookies for a page on another site, add `Partitioned; Secure; SameSite=None` (over "
        "https); better, serve the API from the page's own site.",
        header="Set-Cookie",
        firefox="Cookie “{name}” will soon be rejected because it is foreign and does not have the “Partitioned“ "
                "attribute."),
    Failure(
        "cookie_cross_site_same_site", "warning", "a SameSite=Lax/Strict cookie from a cross-site server",
        "A cross-site server set cookie {name} with SameSite=Lax or Strict in its answer to this page: the browser "
        "refuses it, as it could never go back to that server from this page.",
        "For a cookie a page on another site must send, use `SameSite=None; Secure` (over https), or serve the API "
        "from the page's own site.",
        header="Set-Cookie",
        firefox="Cookie “{name}” has been rejected because it is in a cross-site context and its “SameSite” is "
                "“Lax” or “Strict”."),
    Failure(
        "cookie_too_big", "warning", "a cookie over 4096 bytes",
        "Cookie {name}'s name and value together are longer than 4096 bytes: the browser refuses it.",
        "Keep cookies small: store an id in the cookie and the data on the server.",
        header="Set-Cookie",
        firefox="Cookie “{name}” is invalid because its size is too big. Max size is 4096 B."),
    Failure(
        "cookie_attribute_too_big", "warning", "a cookie attribute over 1024 bytes",
        "An attribute ({attribute}) of cookie {name} is longer than 1024 bytes: the browser ignores that attribute "
        "and keeps the cookie without it.",
        "Keep cookie attributes short (a Path or Domain over 1024 bytes is ignored).",
        header="Set-Cookie",
        firefox="The value of the attribute “{attribute}” for the cookie “{name}” has been rejected because its size "
                "is too big. Max size is 1024 B."),
    Failure(
        "cookie_invalid_max_age", "warning", "a Max-Age that is no number",
        "Cookie {name} has a Max-Age Firefox cannot read (a fraction, a sign, letters): it ignores the attribute, "
        "so the cookie lives until the browser closes.",
        "Send Max-Age as whole seconds, e.g. `Max-Age=3600`.",
        header="Set-Cookie",
        firefox="Invalid “max-age“ value for cookie “{name}”. The attribute is ignored."),
    # recorded from Firefox 153 ESR by helper ff-cookies (a credentialed same-site fetch whose answer sets it)
    Failure(
        "cookie_attribute_overwritten", "warning", "a cookie attribute given twice",
        "Cookie {name} gives its {attribute} attribute twice: the browser keeps the last one.",
        "Send each attribute once.",
        header="Set-Cookie",
        firefox="The value of the attribute “{attribute}” for the cookie “{name}” has been overwritten."),
    Failure(
        "cookie_invalid_same_site", "warning", "a SameSite value that is not Lax, Strict or None",
        "Cookie {name} has a SameSite value the browser does not know: it uses the default (Lax) instead.",
        "Use `SameSite=Lax`, `SameSite=Strict` or `SameSite=None; Secure`.",
        header="Set-Cookie",
        firefox="Invalid “SameSite“ value for cookie “{name}”. The supported values are: “Lax“, “Strict“, “None“."),
    Failure(
        "cookie_same_site_none_insecure", "warning", "SameSite=None without Secure",
        "Cookie {name} says SameSite=None but not Secure: the browser refuses it.",
        "Add `Secure` (a SameSite=None cookie must be Secure; http://localhost may set Secure cookies).",
        header="Set-Cookie",
        firefox="Cookie “{name}” rejected because it has the “SameSite=None” attribute but is missing the "
                "“secure” attribute."),
    Failure(
        "cookie_invalid_domain", "warning", "a Domain the host may not set",
        "Cookie {name} names a Domain that does not contain the host that sent it, or is a public suffix: the "
        "browser refuses it.",
        "Leave Domain out (the cookie is then for this host only), or name the host's own registrable domain.",
        header="Set-Cookie",
        firefox="Cookie “{name}” has been rejected for invalid domain."),
    Failure(
        "cookie_empty", "warning", "a cookie with no name and no value",
        "A Set-Cookie had neither a name nor a value: the browser refuses it.",
        "Send `Set-Cookie: name=value`.",
        header="Set-Cookie",
        firefox="Cookie with an empty name and an empty value has been rejected."),
    Failure(
        "cookie_invalid_name", "warning", "a cookie without a name",
        "A Set-Cookie starts with '=' (no name): Firefox refuses it; Chromium keeps it as a cookie without a name.",
        "Give the cookie a name: `Set-Cookie: name=value`.",
        header="Set-Cookie",
        firefox="Cookie “{name}” has been rejected for invalid characters in the name."),
    Failure(
        "cookie_invalid_prefix", "warning", "a __Secure- or __Host- cookie that breaks its prefix's rules",
        "Cookie {name}'s name starts with __Secure- or __Host- (in any case), which promises Secure (and, for "
        "__Host-, Path=/ and no Domain): the browser refuses it because the promise is not kept.",
        "Add `Secure` (and for __Host-: `Path=/`, no Domain), or drop the prefix from the name.",
        header="Set-Cookie",
        firefox="Cookie “{name}” has been rejected for invalid prefix."),
    Failure(
        "data_url_redirect_refused", "warning", "a redirect to a data: URL",
        "The server redirected to {target}: browsers never follow a redirect to a data: URL (nor to file:), so the "
        "request fails as a network error. Firefox says so in the console; Chromium does not.",
        "Redirect to an http(s) URL, or answer with the content itself.",
        header="Location", comes_with="unsafe_redirect",
        firefox="Redirecting to data: URI not allowed (Blocked loading of: “{target}”)"),
)

#: every failure kind -> its row, in the table's order (the doctor tries the sentences in this order)
FAILURES: dict[str, Failure] = {row.kind: row for row in _ROWS}
assert len(FAILURES) == len(_ROWS), "two rows of the failures table share a kind"

#: the kinds whose sentence begins "Access to fetch at ... has been blocked by CORS policy"
CORS_KINDS = tuple(kind for kind, row in FAILURES.items() if row.section == "cors")


def console_text(value: str) -> str:
    """A header value as Chromium's console sentence quotes it: each character above 0x7F written \\uXXXX
    (recorded: an Access-Control-Allow-Origin ending in the UTF-8 bytes of é shows as ...\\u00C3\\u00A9)."""
    return "".join(char if ord(char) < 0x80 else f"\\u{ord(char):04X}" for char in value)


def failure(kind: str) -> Failure:
    """The row of one failure kind (KeyError naming the known kinds otherwise)."""
    try:
        return FAILURES[kind]
    except KeyError:
        raise KeyError(f"no failure kind {kind!r}; known: {', '.join(FAILURES)}") from None


def cors_sentence(kind: str, url: str, origin: str, hint: str = "", preflight: bool = False,
                  initial_url: str | None = None) -> str:
    """Chromium's console sentence for a CORS failure:
    ``Access to fetch at '<url>' [(redirected from '<initial url>') ]from origin '<origin>' has been blocked by CORS
    policy: [Response to preflight request doesn't pass access control check: ]<reason>``."""
    return failure(kind).sentence(url=url, origin=origin, hint=hint, preflight=preflight, initial_url=initial_url)


def _table_for_docs() -> str:
    lines = ["", "The rows (kind, section, MDN page):", ""]
    lines += [f"- ``{row.kind}`` ({row.section}): {row.short}" + (f"; MDN {row.mdn}" if row.mdn else "")
              for row in _ROWS]
    return "\n".join(lines) + "\n"


__doc__ = (__doc__ or "") + _table_for_docs()  # as requests' status_codes.py, the docs list the table itself

__all__ = ["CORS_KINDS", "CORS_SCHEMES", "FAILED_TO_FETCH", "FAILURES", "Failure", "MDN_ERRORS", "PREFLIGHT_PREFIX",
           "SECTIONS", "console_text", "cors_sentence", "failure", "origin_sent", "server_of"]
