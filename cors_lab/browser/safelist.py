"""Safelisted and forbidden methods and headers (Fetch Standard §2.2 'Methods', §2.2.2 'Headers'), as Chromium 156
ships them."""
from __future__ import annotations

import re

TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")

SAFELISTED_METHODS = {"GET", "HEAD", "POST"}
NORMALIZED_METHODS = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"}
FORBIDDEN_METHODS = {"CONNECT", "TRACE", "TRACK"}

FORBIDDEN_HEADER_NAMES = {
    "accept-charset", "accept-encoding", "access-control-request-headers", "access-control-request-method",
    "connection", "content-length", "cookie", "cookie2", "date", "dnt", "expect", "host", "keep-alive",
    "origin", "referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
    "user-agent",  # Chromium still forbids it (the spec no longer does): observed dropped
}
METHOD_OVERRIDE_HEADERS = {"x-http-method", "x-http-method-override", "x-method-override"}

SAFELISTED_CONTENT_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
NO_CORS_SAFELISTED_NAMES = {"accept", "accept-language", "content-language", "content-type"}
SAFELISTED_RESPONSE_HEADERS = {
    "cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma",
}
FORBIDDEN_RESPONSE_HEADERS = {"set-cookie", "set-cookie2"}

_UNSAFE_BYTES = (set(range(0x00, 0x20)) - {0x09}
                 | {0x22, 0x28, 0x29, 0x3A, 0x3C, 0x3E, 0x3F, 0x40, 0x5B, 0x5C, 0x5D, 0x7B, 0x7D, 0x7F})
_LANGUAGE_CHARS = re.compile(r"^[0-9A-Za-z *,\-.;=]*$")
_SIMPLE_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")
_DOUBLE, _INT = re.compile(r"[0-9]+(\.[0-9]+)?"), re.compile(r"[0-9]+")
# Chromium's cors.cc IsCorsSafelistedHeader also safelists client hints (value rules below) and Intervention (any value)
CLIENT_HINTS = {
    # dpr, device-memory, downlink: 1*DIGIT ["." 1*DIGIT]
    "dpr": _DOUBLE.fullmatch, "device-memory": _DOUBLE.fullmatch, "downlink": _DOUBLE.fullmatch,
    "width": _INT.fullmatch, "viewport-width": _INT.fullmatch, "rtt": _INT.fullmatch,  # 1*DIGIT
    "ect": lambda v: v in ("slow-2g", "2g", "3g", "4g"),  # case-sensitive
    "save-data": lambda v: v.lower() == "on",  # case-insensitive
    "intervention": lambda v: True,
}


def normalize_method(method: str) -> str:
    """Fetch §2.2 'normalize a method': byte-uppercase only DELETE, GET, HEAD, OPTIONS, POST, PUT."""
    return method.upper() if method.upper() in NORMALIZED_METHODS else method


def is_valid_method(method: str) -> bool:
    return bool(TOKEN.match(method))


def is_forbidden_method(method: str) -> bool:
    return method.upper() in FORBIDDEN_METHODS


def is_valid_header_name(name: str) -> bool:
    return bool(TOKEN.match(name))


def is_valid_header_value(value: str) -> bool:
    """No NUL, CR or LF (after trimming leading/trailing HTTP whitespace)."""
    return not any(c in value for c in "\x00\r\n")


def normalize_header_value(value: str) -> str:
    return value.strip(" \t\r\n")


def is_forbidden_request_header(name: str, value: str) -> bool:
    """Fetch §2.2.2 'forbidden request-header' (+ Chromium's User-Agent drop)."""
    lower = name.lower()
    if lower in FORBIDDEN_HEADER_NAMES or lower.startswith("proxy-") or lower.startswith("sec-"):
        return True
    if lower in METHOD_OVERRIDE_HEADERS:  # forbidden only when a listed method is a forbidden method
        return any(is_forbidden_method(method.strip()) for method in value.split(","))
    return False


def _mime_essence(value: str) -> str | None:
    essence = value.split(";", 1)[0].strip(" \t").lower()
    if "/" not in essence:
        return None
    t, _, s = essence.partition("/")
    return essence if TOKEN.match(t) and TOKEN.match(s) else None


def is_safelisted_request_header(name: str, value: str, client_hints: bool = True) -> bool:
    """Fetch §2.2.2 'CORS-safelisted request-header' (value rules included), plus Chromium's client hints
    (``client_hints=False``: Firefox, which safelists none of them - recorded)."""
    n = name.lower()
    if len(value.encode("latin-1", "replace")) > 128:  # values longer than 128 bytes are never safelisted
        return False
    if n == "accept":
        return not any(ord(c) in _UNSAFE_BYTES for c in value)
    if n in ("accept-language", "content-language"):
        return bool(_LANGUAGE_CHARS.match(value))
    if n == "content-type":
        if any(ord(c) in _UNSAFE_BYTES for c in value):
            return False
        return _mime_essence(value) in SAFELISTED_CONTENT_TYPES
    if n == "range":
        m = _SIMPLE_RANGE.match(value)
        return bool(m) and (not m.group(2) or int(m.group(1)) <= int(m.group(2)))
    if n in CLIENT_HINTS and client_hints:
        return bool(CLIENT_HINTS[n](value))
    return False


def unsafe_request_header_names(headers: dict[str, str], client_hints: bool = True) -> list[str]:
    """Fetch §2.2.2 'CORS-unsafe request-header names': lowercased, sorted, with the 1024-byte rule."""
    unsafe, safe_size, safe_names = set(), 0, set()
    for name, value in headers.items():
        if is_safelisted_request_header(name, value, client_hints):
            safe_size += len(value)
            safe_names.add(name.lower())
        else:
            unsafe.add(name.lower())
    if safe_size > 1024:  # all safelisted headers together may not exceed 1024 bytes
        unsafe |= safe_names
    return sorted(unsafe)


def is_no_cors_safelisted(name: str, value: str) -> bool:
    """Fetch §2.2.2 'no-CORS-safelisted request-header'."""
    return name.lower() in NO_CORS_SAFELISTED_NAMES and is_safelisted_request_header(name, value)


def parse_header_list(value: str | None) -> list[str]:
    """A comma-separated list of header names, lowercased (Access-Control-Expose-Headers)."""
    if not value:
        return []
    return [v.strip(" \t").lower() for v in value.split(",") if v.strip(" \t")]
