"""The error doctor: paste a Chromium console sentence, get what it means and the smallest fix.

    >>> from cors_lab.doctor import diagnose
    >>> diagnose("Access to fetch at 'http://localhost:8002/api/public' from origin 'http://localhost:8001' "
    ...          "has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the "
    ...          "requested resource.").fix
    'Make the server at http://localhost:8002 send `Access-Control-Allow-Origin: http://localhost:8001` ...'

The sentences are not re-typed here: every pattern is built from the templates in
`cors_lab.browser.messages` (recorded from real Chromium), so the doctor knows exactly the sentences the
engine can produce. Pure: no I/O.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Callable

from cors_lab.browser import messages as msg

# ---- turning a template into a pattern ---------------------------------------------------------------
_SLOT = "\x00{}\x00"


def _pattern(sample: str, slots: dict[str, str] | None = None) -> re.Pattern:
    """A template filled with slot markers -> a regex with one named group per slot."""
    regex = re.escape(sample.strip())
    for name, group in (slots or {}).items():
        regex = regex.replace(re.escape(_SLOT.format(name)), f"(?P<{name}>{group})", 1)
        regex = regex.replace(re.escape(_SLOT.format(name)), f"(?P={name})")
    return re.compile(regex, re.S)


def _s(name: str) -> str:
    return _SLOT.format(name)


_ANY = r"[^'\s]*"  # a URL or origin inside quotes (may be empty)
_WORD = r"\S+"


def _cors_pattern(kind: str, preflight: bool, redirected: bool) -> re.Pattern:
    url, first = _s("url"), _s("initial_url")
    sample = msg.cors_blocked(url, first if redirected else url, _s("origin"), kind, _s("hint"), preflight)
    slots = {"url": _ANY, "origin": _ANY, "hint": r".*?"}
    if redirected:
        slots["initial_url"] = _ANY
    return _pattern(sample, slots)


# ---- what each failure means, and its fix --------------------------------------------------------------
@dataclass
class Diagnosis:
    """What one console sentence means. ``recognised`` is False when the doctor does not know the text."""

    sentence: str
    kind: str  # a key of messages.CORS_REASONS, or the name of another template; "unknown" when not recognised
    meaning: str
    fix: str
    recognised: bool = True
    preflight: bool = False  # the failure happened on the OPTIONS preflight, not on the actual response
    details: dict[str, str] = field(default_factory=dict)  # url, origin, initial_url, hint ... as parsed

    @property
    def header(self) -> str | None:
        """The response header a learner should look at first (None when no header is involved)."""
        return _HEADER.get(self.kind)

    def __repr__(self) -> str:
        where = " (preflight)" if self.preflight else ""
        return f"<Diagnosis {self.kind}{where}: {self.meaning}\n  fix: {self.fix}>"

    def __str__(self) -> str:
        lines = [f"What it means: {self.meaning}", f"Fix:           {self.fix}"]
        if self.header:
            lines.insert(1, f"Look at:       {self.header}" + (" in the answer to the OPTIONS preflight" if self.preflight else ""))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        color = "#1b5e20" if self.recognised else "#8a6d00"
        look = (f"<div><b>Look at:</b> <code>{escape(self.header)}</code>"
                f"{' in the answer to the OPTIONS preflight' if self.preflight else ''}</div>") if self.header else ""
        return (f"<div style='font-family:sans-serif;font-size:13px;border-left:4px solid {color};padding-left:8px'>"
                f"<div><b>{escape(self.kind)}</b>{' (preflight)' if self.preflight else ''}</div>"
                f"<div><b>What it means:</b> {escape(self.meaning)}</div>{look}"
                f"<div><b>Fix:</b> {escape(self.fix)}</div></div>")


_HEADER = {
    "missing_allow_origin": "Access-Control-Allow-Origin",
    "wildcard_origin_with_credentials": "Access-Control-Allow-Origin",
    "multiple_allow_origin": "Access-Control-Allow-Origin",
    "invalid_allow_origin": "Access-Control-Allow-Origin",
    "allow_origin_mismatch": "Access-Control-Allow-Origin",
    "invalid_allow_credentials": "Access-Control-Allow-Credentials",
    "invalid_allow_methods": "Access-Control-Allow-Methods",
    "method_not_allowed": "Access-Control-Allow-Methods",
    "invalid_allow_headers": "Access-Control-Allow-Headers",
    "header_not_allowed": "Access-Control-Allow-Headers",
    "preflight_redirect": "Location",
    "redirect_credentials": "Location",
    "cors_disabled_scheme": "Location",
}


def _server(d: dict) -> str:
    url = d.get("url", "")
    m = re.match(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*", url)
    return m.group(0) if m else "the API server"


def _cors_advice(kind: str, d: dict, preflight: bool) -> tuple[str, str]:
    o, h, srv = d.get("origin", "the page's origin"), d.get("hint", ""), _server(d)
    on = "the answer to the OPTIONS preflight" if preflight else "the response"
    acao = f"`Access-Control-Allow-Origin: {o}`"
    table: dict[str, tuple[str, str]] = {
        "missing_allow_origin": (
            f"The server answered, but {on} carries no Access-Control-Allow-Origin header, so the browser "
            f"hides it from the page's script. (The server did receive the request; look at its log.) "
            f"If the status was an error (404, 500...), the server may just skip CORS headers on errors.",
            f"Make the server at {srv} send {acao} on {'its preflight answers' if preflight else 'every response, errors included'}."),
        "wildcard_origin_with_credentials": (
            "The request was sent with credentials: 'include' (cookies), and the server answered "
            "`Access-Control-Allow-Origin: *`. The wildcard never works with credentials.",
            f"Send the exact origin, {acao}, plus `Access-Control-Allow-Credentials: true` and `Vary: Origin`."),
        "multiple_allow_origin": (
            f"Access-Control-Allow-Origin holds several values ('{h}'); a browser accepts exactly one origin.",
            f"Send only the origin that made the request ({acao}): check it against your allow-list on the server "
            "and echo the one that matches (and make sure two layers, e.g. a proxy and the app, do not both add the header)."),
        "invalid_allow_origin": (
            f"Access-Control-Allow-Origin is '{h}', which is not an origin at all.",
            f"Send a full origin, scheme + host + port: {acao}."),
        "allow_origin_mismatch": (
            f"The server allows '{h}', but the page's origin is {o}. They must be equal character for character "
            "(scheme, host, port; no path, no trailing slash).",
            f"Send {acao}, exactly the request's Origin."),
        "invalid_allow_credentials": (
            f"The request was sent with credentials: 'include', and Access-Control-Allow-Credentials was '{h}' "
            "(empty means absent). It must be exactly the word `true`.",
            f"Add `Access-Control-Allow-Credentials: true` to {on} (keep {acao}, never `*`)."),
        "preflight_status": (
            "The OPTIONS preflight got an error status (401, 403, 404, 405, 500...). Often an authentication "
            "middleware or router treats the preflight like a normal request; preflights never carry cookies or tokens.",
            "Answer OPTIONS preflights with 204 (or 200) and the CORS headers before any authentication check."),
        "preflight_redirect": (
            "The OPTIONS preflight was answered with a redirect (301/302/307/308). A preflight may not be redirected.",
            "Call the final URL directly (a missing or extra trailing slash, or http->https, is the usual cause), "
            "or make the server answer OPTIONS without redirecting."),
        "invalid_allow_methods": (
            "The preflight answer's Access-Control-Allow-Methods could not be parsed.",
            "Send a comma-separated list of method names, e.g. `Access-Control-Allow-Methods: GET, POST, PUT`."),
        "invalid_allow_headers": (
            "The preflight answer's Access-Control-Allow-Headers could not be parsed.",
            "Send a comma-separated list of header names, e.g. `Access-Control-Allow-Headers: Content-Type, X-Api-Key`."),
        "method_not_allowed": (
            f"The page wants to send {h}, which needs a preflight, and the preflight answer does not list {h} in "
            "Access-Control-Allow-Methods.",
            f"Add {h} to `Access-Control-Allow-Methods` in the preflight answer (a `*` does not count with credentials)."),
        "header_not_allowed": (
            f"The page sends the request header '{h}', which is not CORS-safelisted, and the preflight answer does "
            "not list it in Access-Control-Allow-Headers.",
            f"Add {h} to `Access-Control-Allow-Headers` in the preflight answer (or stop sending the header)."),
        "redirect_credentials": (
            f"The server redirected to '{h}', a URL with user:password@ in it; cross-origin requests may not follow it.",
            "Redirect to a URL without a username and password."),
        "cors_disabled_scheme": (
            "A redirect led to a URL whose scheme is not http(s); CORS requests can only go to the listed schemes.",
            "Redirect (or fetch) only http:// or https:// URLs."),
        "insecure_private_network": (
            f"Local Network Access: a page that is not a secure context (plain http on a more public address) asked "
            f"for a resource in the more private address space `{h}` (your machine or your local network). Chromium "
            "refuses, to protect the devices behind your router.",
            "Serve the page from a secure context (https, or http://localhost) or from the same address space as "
            "the resource; a page on http://localhost calling another localhost port is not affected."),
    }
    if kind in table:
        meaning, fix = table[kind]
    else:  # a failure recorded after this table was written: fall back on the engine's own fix
        from cors_lab.browser.explain import fix_for

        meaning = "Chromium says: " + msg.CORS_REASONS[kind].format(hint=h)
        fix = fix_for(kind, h, o, False, "", []) or "Change the response header the sentence names."
    if d.get("initial_url"):
        meaning += (f" The request started at {d['initial_url']} and was redirected; after a cross-origin redirect "
                    "the browser may send `Origin: null`.")
    return meaning, fix


_OTHER: list[tuple[str, re.Pattern, str, str]] = [
    # (kind, pattern, meaning, fix); patterns come from the templates, most specific first.
    ("same_origin_mode", _pattern(msg.same_origin_mode(_s("url"), _s("origin")), {"url": r"\S+", "origin": r"\S+"}),
     "The script used `mode: 'same-origin'`, which refuses every cross-origin URL before anything is sent.",
     "Use mode 'cors' (the default) and let the server allow the origin; or call a same-origin URL (a dev proxy)."),
    ("no_cors_redirect_mode", _pattern(msg.no_cors_redirect_mode(_s("url")), {"url": r"\S+"}),
     "`mode: 'no-cors'` only works with `redirect: 'follow'`.",
     "Drop the redirect option (or the no-cors mode, which only gives an opaque response anyway)."),
    ("unsupported_scheme", _pattern(msg.unsupported_scheme(_s("url"), _s("scheme")), {"url": r"\S+", "scheme": r"[^\"]*"}),
     "fetch() cannot load this kind of URL (only http and https).",
     "Serve the file over http (e.g. a lab server) instead of opening file:// or other schemes."),
    ("same_origin_mode_redirect", _pattern(msg.same_origin_mode_redirect(_s("url"), _s("page")), {"url": r"\S+", "page": r"\S+"}),
     "A `mode: 'same-origin'` request was redirected to another origin; the browser refused to follow.",
     "Fetch the final URL directly, or use mode 'cors' and let that server allow the origin."),
    ("local_resource", _pattern(msg.local_resource(_s("url")), {"url": r"\S+"}),
     "The page tried to load a local file (a file:// URL); web pages may not read files from your disk.",
     "Serve the file from a web server (for example a lab server) and fetch its http:// URL."),
    ("invalid_url", _pattern(msg.invalid_url(_s("url")), {"url": r".*"}),
     "fetch() could not parse the URL; nothing was sent.", "Check the URL for typos (scheme, host, port)."),
    ("url_with_credentials", _pattern(msg.url_with_credentials(_s("url")), {"url": r".*"}),
     "The URL contains user:password@; fetch() refuses such URLs.",
     "Remove the user:password@ part and send credentials in a header (Authorization) instead."),
    ("bad_enum", _pattern(msg.bad_enum(_s("member"), _s("value"), _s("type")), {"member": r"\w+", "value": r".*?", "type": r"\w+"}),
     "An option of fetch() has a value it does not know (a typo such as 'includes' for 'include').",
     "Use one of the allowed values: credentials omit|same-origin|include, mode cors|no-cors|same-origin, "
     "redirect follow|error|manual."),
    ("navigate_mode", _pattern(msg.NAVIGATE_MODE), "fetch() cannot use mode 'navigate'.", "Use mode 'cors' (the default)."),
    ("non_latin1_header", _pattern(msg.NON_LATIN1_HEADER),
     "A header name or value contains a character outside ISO-8859-1 (an emoji, an accented letter of another script...).",
     "Encode the value (e.g. percent-encode it or base64) before putting it in a header."),
    ("invalid_header_name", _pattern(msg.INVALID_HEADER_NAME),
     "A header name contains a character HTTP does not allow (a space, a colon...).", "Fix the header name."),
    ("invalid_header_value", _pattern(msg.INVALID_HEADER_VALUE),
     "A header value contains a character HTTP does not allow (a newline, a NUL...).", "Fix the header value."),
    ("body_with_get_head", _pattern(msg.BODY_WITH_GET_HEAD),
     "A GET or HEAD request cannot have a body.", "Put the data in the query string, or use POST."),
    ("invalid_method", _pattern(msg.invalid_method(_s("method")), {"method": r".*?"}),
     "The method name is not a valid HTTP token.", "Use a method name such as GET, POST, PUT, PATCH, DELETE."),
    ("forbidden_method", _pattern(msg.forbidden_method(_s("method")), {"method": r".*?"}),
     "CONNECT, TRACE and TRACK are forbidden methods for scripts.", "Use another method."),
    ("no_cors_method", _pattern(msg.no_cors_method(_s("method")), {"method": r".*?"}),
     "mode 'no-cors' only allows GET, HEAD and POST.",
     "Use mode 'cors' and let the server allow the method in its preflight answer."),
]

_CORS: list[tuple[str, bool, re.Pattern]] = [
    (kind, preflight, _cors_pattern(kind, preflight, redirected))
    for kind in msg.CORS_REASONS
    for preflight in ((True, False) if kind in msg.PREFIXED_PREFLIGHT_KINDS else (False,))
    for redirected in (True, False)
]


# failures that can only come from the answer to a preflight, so Chromium adds no prefix
_PREFLIGHT_ONLY = {"method_not_allowed", "header_not_allowed", "invalid_allow_methods", "invalid_allow_headers",
                   "preflight_status", "preflight_redirect"}


def _normalise(text: str) -> str:
    # Pasted text: DevTools line prefixes ("(index):1 "), curly quotes, several lines joined.
    text = text.replace("\u2018", "'").replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"[ \t]*\n[ \t]*", "\n", text).strip()


def diagnose(sentence: str) -> Diagnosis:
    """What a Chromium console sentence (or fetch() rejection) means and how to fix it, in plain words."""
    if not isinstance(sentence, str):
        raise TypeError(f"diagnose() takes the console text as a string, not {type(sentence).__name__}")
    text = _normalise(sentence)
    for kind, preflight, pattern in _CORS:
        m = pattern.search(text)
        if m:
            details = {k: v for k, v in m.groupdict().items() if v is not None}
            meaning, fix = _cors_advice(kind, details, preflight)
            on_preflight = preflight or kind in _PREFLIGHT_ONLY
            return Diagnosis(sentence, kind, meaning, fix, True, on_preflight, details)
    for kind, pattern, meaning, fix in _OTHER:
        m = pattern.search(text)
        if m:
            return Diagnosis(sentence, kind, meaning, fix, True, False, {k: v for k, v in m.groupdict().items() if v})
    if msg.FAILED_TO_FETCH in text or "Failed to fetch" in text:
        return Diagnosis(sentence, "failed_to_fetch",
                         "This is what JavaScript sees for every blocked or failed request; the reason is not in it "
                         "on purpose (a page must not learn why). The reason is in the DevTools console sentence.",
                         "Open DevTools -> Console, copy the red sentence that starts with \"Access to fetch at\" and "
                         "diagnose that one. No such sentence? Then it is a network error: is the server running, "
                         "and is the port right?", True)
    if "net::ERR_" in text:
        return Diagnosis(sentence, "network_line",
                         "A network line of the console: a net::ERR_... code after the URL. With CORS errors it sits "
                         "next to the real sentence and says nothing more.",
                         "Look for the sentence starting with \"Access to fetch at\" just above it and diagnose that one.",
                         True)
    return Diagnosis(sentence, "unknown",
                     "Not a CORS sentence I know. The doctor knows the sentences Chromium writes to the console for "
                     "fetch() (they start with \"Access to fetch at\", \"Fetch API cannot load\" or \"TypeError: ...\").",
                     "Paste the whole red console sentence, from \"Access to fetch at\" to its final full stop.", False)


def known_kinds() -> list[str]:
    """Every failure kind the doctor recognises."""
    return list(msg.CORS_REASONS) + [kind for kind, *_ in _OTHER] + ["failed_to_fetch", "network_line"]


__all__ = ["Diagnosis", "diagnose", "known_kinds"]
