"""Shared by every widget: reading what a learner typed (one-line messages, never tracebacks) and
turning a FetchResult into short text. Pure: no widgets, no I/O.
"""
from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from cors_lab.browser.origin import origin_of, parse_origin
from cors_lab.course.teaching import API, FRONTEND
from cors_lab.errors import InputError

TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 9110 token: method and header names
KNOWN_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CREDENTIALS = ("omit", "same-origin", "include")
MODES = ("cors", "no-cors", "same-origin")
# request headers the diagram shows (the ones CORS is about)
KEY_REQUEST_HEADERS = ("origin", "access-control-request-method", "access-control-request-headers", "cookie",
                       "content-type")
RED, GREEN, GREY, BLUE = "#b00020", "#1b5e20", "#777777", "#1a4f8b"


# ---- reading fields ---------------------------------------------------------------------------------
def single_line(field: str, value: str) -> str:
    """The value stripped; CR or LF inside is refused (they would split an HTTP header)."""
    if "\r" in value or "\n" in value:
        raise InputError(f"{field}: line breaks (CR/LF) are not allowed here; keep it on one line.")
    return value.strip()


def _is_origin(value: str) -> bool:
    """Is ``value`` an http(s) origin, as the engine's parser reads one? (A trailing '/' is allowed.)"""
    try:
        parse_origin(value)
    except ValueError:  # InputError is one, and so is whatever the parser raises for a value it cannot read
        return False
    return True


def page_origin(value: str) -> str:
    """A page origin such as `FRONTEND` (no path), serialized as the browser would send it."""
    value = single_line("Page origin", value)
    if not value:
        raise InputError(f"Page origin is empty: write scheme://host:port, for example {FRONTEND}.")
    if not _is_origin(value):
        raise InputError(f"Page origin {value!r} is not an origin: write scheme://host:port, "
                         f"for example {FRONTEND} (no path).")
    return parse_origin(value).serialize()  # a page URL's root ('.../') is fine for the page itself


def url(value: str) -> str:
    value = single_line("URL", value)
    if not value:
        raise InputError(f"URL is empty: write the address to fetch, for example {API}/api/public.")
    if any(c.isspace() for c in value):
        raise InputError(f"URL {value!r} contains a space; encode it as %20 or remove it.")
    return value


def method(value: str) -> str:
    value = single_line("Method", value)
    if not value:
        raise InputError(f"Method is empty: choose one of {', '.join(KNOWN_METHODS)}.")
    if not TOKEN.match(value):
        raise InputError(f"Method {value!r} is not a method name (letters only, no spaces): "
                         f"use one of {', '.join(KNOWN_METHODS)}.")
    return value


def choice(field: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise InputError(f"{field} must be one of {', '.join(allowed)}, not {value!r}.")
    return value


def header_lines(text: str) -> list[tuple[str, str]]:
    """'Name: value' lines -> [(name, value)]; blank lines are skipped."""
    pairs = []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw[:-1] if raw.endswith("\r") else raw
        if not line.strip():
            continue
        if "\r" in line:
            raise InputError(f"Header line {number} contains a carriage return (CR); one header per line.")
        if ":" not in line:
            raise InputError(f"Header line {number} {line.strip()!r} has no colon: write 'Name: value', "
                             "for example 'X-Api-Key: 123'.")
        name, value = line.split(":", 1)
        name = name.strip()
        if not name:
            raise InputError(f"Header line {number} {line.strip()!r} has no name before the colon.")
        if not TOKEN.match(name):
            raise InputError(f"Header line {number}: {name!r} is not a header name (letters, digits and '-' only).")
        pairs.append((name, value.strip()))
    return pairs


def name_list(field: str, text: str, star: bool = True) -> list[str] | str:
    """'a, b' or one per line -> ['a', 'b']; '*' alone -> '*'. Names must be tokens."""
    text = text.replace("\r", "")
    items = [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]
    if star and items == ["*"]:
        return "*"
    for item in items:
        if item == "*":
            raise InputError(f"{field}: '*' must stand alone (it means any), not next to other names.")
        if not TOKEN.match(item):
            raise InputError(f"{field}: {item!r} is not a name (letters, digits and '-' only, separated by commas).")
    return items


def same_names(old, new) -> bool:
    """Do a policy value ('a, b', ['a', 'b'], '*') and a parsed field name the same things?"""
    def norm(value):
        if isinstance(value, str):
            value = [] if not value.strip() else ["*"] if value.strip() == "*" else value.split(",")
        return [item.strip() for item in value if item.strip()]

    return norm(old) == norm(new)


def origin_list(text: str) -> list[str] | str:
    """Allowed origins: '*' alone, or origins (scheme://host:port) and 'null', separated by commas or lines."""
    text = text.replace("\r", "")
    items = [item.strip() for item in re.split(r"[,\n\s]+", text) if item.strip()]
    if items == ["*"]:
        return "*"
    for item in items:
        if item == "*":
            raise InputError("Allowed origins: '*' must stand alone (it means any origin).")
        if item == "null":
            continue
        if not _is_origin(item):
            raise InputError(f"Allowed origins: {item!r} is not an origin; write scheme://host:port, "
                             f"for example {FRONTEND}.")
        if item.endswith("/"):  # the engine's parser accepts a page URL's root; an allowed origin must be exact
            raise InputError(f"Allowed origins: {item!r} ends with '/'; an origin has no path, write "
                             f"{item.rstrip('/')!r}.")
    return items  # as typed: the server sends them as they are, and the browser compares them exactly


def max_age(text: str) -> int | None:
    text = single_line("Max-Age", text)
    if not text:
        return None
    if not re.fullmatch(r"-?\d+", text):
        raise InputError(f"Max-Age must be a whole number of seconds (or empty for none), not {text!r}.")
    return int(text)


def status(text: str) -> int:
    text = single_line("Preflight status", text)
    if not re.fullmatch(r"\d{3}", text) or not 100 <= int(text) <= 599:
        raise InputError("Preflight status must be an HTTP status code from 100 to 599 (for example 204), "
                         f"not {text!r}.")
    return int(text)


# ---- describing results -----------------------------------------------------------------------------
def path_of(full_url: str) -> str:
    """What the request line names: 'https://api.example.com/api/x?y=1' -> '/api/x?y=1' (a fragment is never sent)."""
    try:
        parts = urlsplit(full_url)
    except ValueError:  # a URL the learner typed that fetch() refused ('http://[::1'): show it as typed
        return full_url
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def origin_part(full_url: str) -> str:
    """The origin of a URL the browser fetched: 'https://API.example.com/api/x' -> 'https://api.example.com'."""
    try:
        return origin_of(full_url).serialize()
    except ValueError:  # a port out of range, a broken IPv6 host: a URL fetch() refused, shown as typed
        return full_url


def cookie_names(value: str) -> str:
    """'sid=abc; theme=dark' -> 'sid=…; theme=…' (cookie values are random: never shown)."""
    names = [part.split("=", 1)[0].strip() for part in value.split(";") if part.strip()]
    return "; ".join(f"{n}=…" for n in names)


def set_cookie_name(value: str) -> str:
    """'sid=abc; Path=/; HttpOnly' -> 'sid=… (Path=/; HttpOnly)'."""
    first, _, attrs = value.partition(";")
    return f"{first.split('=', 1)[0].strip()}=…" + (f" ({attrs.strip()})" if attrs.strip() else "")


def request_header_lines(exchange) -> list[str]:
    lines = []
    for name in KEY_REQUEST_HEADERS:
        if name in exchange.request_headers:
            value = exchange.request_headers[name]
            if name == "cookie":
                value = cookie_names(value)
            lines.append(f"{_title(name)}: {value}")
    if "cookie" not in exchange.request_headers and exchange.kind != "preflight":
        lines.append("(no cookies sent)")
    return lines


def response_header_lines(exchange) -> list[str]:
    lines = [f"{_title(name)}: {value}" for name, value in exchange.response_headers.items()
             if name.startswith("access-control-") or name in ("vary", "location")]
    lines += [f"Set-Cookie: {set_cookie_name(v)}" for v in exchange.set_cookies]
    if not any(name.startswith("access-control-") for name in exchange.response_headers) and exchange.status:
        lines.insert(0, "(no Access-Control-* headers)")
    return lines


def _title(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def console_text(result) -> str:
    return result.error.strip() if result.error else "(nothing in the console)"


def js_text(result, max_body: int = 300) -> str:
    """What the page's JavaScript gets back."""
    if result.blocked:
        return (f"fetch() rejects with {result.exception or 'an error'}: "
                "JS reads nothing (no status, no headers, no body).")
    if not result.readable:  # opaque or opaqueredirect: sent and answered, and hidden from the script
        return (f"response.type '{result.type}': status 0, no headers, empty body. "
                "The request was sent, but JS reads nothing.")
    body = result.text if len(result.text) <= max_body else result.text[:max_body] + "…"
    headers = ", ".join(f"{k}: {v}" for k, v in sorted(result.headers.items())) or "(none)"
    return f"response.type '{result.type}', status {result.status}\nheaders JS can read: {headers}\nbody: {body}"


def exchanges_text(result) -> str:
    if not result.exchanges:
        return "Nothing was sent: fetch() stopped before the network."
    lines = []
    for ex in result.exchanges:
        label = {"preflight": "preflight", "redirect": "redirect hop"}.get(ex.kind, "request")
        lines.append(f"{label}: {ex.method} {ex.url}")
        lines += [f"    > {h}" for h in request_header_lines(ex)]
        lines.append(f"  < {ex.status or 'no response'}")
        lines += [f"    < {h}" for h in response_header_lines(ex)]
    return "\n".join(lines)


def fetch_code(request: dict) -> str:
    """The JavaScript call the result came from, as a learner would write it."""
    init = []
    if request.get("method", "GET") != "GET":
        init.append(f"method: {request['method']!r}")
    if request.get("headers"):
        headers = request["headers"]
        pairs = headers.items() if isinstance(headers, dict) else headers
        init.append("headers: {" + ", ".join(f"{n!r}: {v!r}" for n, v in pairs) + "}")
    if request.get("body") is not None:
        init.append(f"body: {request['body']!r}")
    for key, default in (("credentials", "same-origin"), ("mode", "cors")):
        if request.get(key, default) != default:
            init.append(f"{key}: {request[key]!r}")
    args = repr(request.get("url", ""))
    return f"fetch({args}" + (", {" + ", ".join(init) + "})" if init else ")")


def first_failure(result):
    return next((step for step in result.steps if step.passed is False), None)


def reason_text(result) -> str:
    """The first failed step and its fix, in two lines (or why it worked)."""
    step = first_failure(result)
    if step is None:
        if result.blocked:
            return "Blocked before any rule could pass."
        return "Every check passed."
    text = f"{step.rule}: {step.detail}"
    if step.fix:
        text += f"\nFix: {step.fix}"
    return text


def pre(text: str, color: str | None = None) -> str:
    style = "margin:2px 0;white-space:pre-wrap;font-size:12px" + (f";color:{color}" if color else "")
    return f"<pre style='{style}'>{escape(text)}</pre>"


def message_html(text: str, ok: bool | None = False) -> str:
    if not text:
        return ""
    color = {True: GREEN, False: RED, None: GREY}[ok]
    return f"<div style='color:{color};font-size:13px'>{escape(text)}</div>"


def section(title: str, body_html: str) -> str:
    return f"<div style='margin-top:6px'><b>{escape(title)}</b>{body_html}</div>"
