"""The CORS check (Fetch Standard §4.10 'CORS check') and what a script may read of a response
(§3.2.3 'CORS-safelisted response-header name', §4.1 'main fetch' filtered responses)."""
from __future__ import annotations

import re

from cors_lab.browser.safelist import FORBIDDEN_RESPONSE_HEADERS, SAFELISTED_RESPONSE_HEADERS, parse_header_list

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_SPECIAL = ("http:", "https:", "ws:", "wss:", "ftp:", "file:")


def _looks_like_url(value: str) -> bool:
    """Chromium's GURL validity, roughly: a scheme; for special schemes a host without ':' and a numeric port."""
    if not _SCHEME.match(value):
        return False
    low = value.lower()
    for special in _SPECIAL:
        if low.startswith(special) and special != "file:":
            rest = value[len(special):].lstrip("/\\")
            authority = re.split(r"[/\\?#]", rest, maxsplit=1)[0].rpartition("@")[2]
            host, _, port = authority.partition(":") if not authority.startswith("[") else authority.partition("]:")
            return bool(host) and (port == "" or (port.isdigit() and int(port) <= 65535))
    return True


def cors_check(acao: str | None, acac: str | None, origin_sent: str, include: bool, model=None,
               lines: int = 1) -> tuple[str, str] | None:
    """Return None when the response passes, else (kind, hint) in the browser's order (Chromium's
    network/cors/cors.cc CheckAccess; Firefox's nsCORSListenerProxy, recorded). ``model``: the browser
    (`cors_lab.browser.browsers`, default Chromium); ``lines``: how many Access-Control-Allow-Origin lines came
    (Firefox refuses two lines, but reads one line "a, b" as one value that does not match)."""
    multiple = lines > 1 if model is not None and not model.comma_in_allow_origin_is_multiple else None
    if multiple:
        return ("multiple_allow_origin", acao or "")
    if acao == "*":
        if include:  # '*' never works for a credentialed request
            return ("wildcard_origin_with_credentials", "")
    elif acao is None:  # no Access-Control-Allow-Origin at all
        return ("missing_allow_origin", "")
    elif acao != origin_sent:  # must equal the serialized request Origin, byte for byte
        if multiple is None and (" " in acao or "," in acao):
            return ("multiple_allow_origin", acao)
        if acao == "null" or (model is not None and not model.names_invalid_allow_origin):
            return ("allow_origin_mismatch", acao)
        if not _looks_like_url(acao):
            return ("invalid_allow_origin", acao)
        return ("allow_origin_mismatch", acao)
    if include and acac != "true":  # credentials need Access-Control-Allow-Credentials: true (case-sensitive)
        return ("invalid_allow_credentials", acac or "")
    return None


def visible_headers(headers: dict[str, str], response_type: str, include: bool) -> dict[str, str]:
    """What JavaScript can read from response.headers for a filtered response of this type."""
    if response_type in ("opaque", "opaqueredirect", "error"):
        return {}
    visible = {k: v for k, v in headers.items() if k not in FORBIDDEN_RESPONSE_HEADERS}  # Set-Cookie never
    if response_type == "basic":
        return visible
    exposed = set(parse_header_list(headers.get("access-control-expose-headers")))
    if "*" in exposed and not include:  # '*' exposes everything, but only without credentials
        return visible
    allowed = SAFELISTED_RESPONSE_HEADERS | exposed
    return {k: v for k, v in visible.items() if k in allowed}


def exposed_explanation(headers: dict[str, str], include: bool) -> tuple[list[str], list[str]]:
    """(visible names, hidden names) of a CORS response — for explain()."""
    visible = visible_headers(headers, "cors", include)
    hidden = sorted(name for name in headers if name not in visible and not name.startswith("access-control-"))
    return sorted(visible), hidden


def header_visibility(headers: dict[str, str], response_type: str, include: bool) -> list[tuple[str, bool, str]]:
    """For each response header that crossed the wire: (name, can JavaScript read it?, why), names lowercase, sorted.

    `visible_headers` decides (the engine's filter); this only says which rule applied to each header.

        >>> header_visibility({"content-type": "text/plain", "x-request-id": "7"}, "cors", False)
        [('content-type', True, 'CORS-safelisted response header'), ('x-request-id', False, 'not exposed: not in \
Access-Control-Expose-Headers')]
    """
    visible = visible_headers(headers, response_type, include)
    exposed = set(parse_header_list(headers.get("access-control-expose-headers")))
    rows = []
    for name in sorted({name.lower() for name in headers}):
        seen = name in visible
        if name in FORBIDDEN_RESPONSE_HEADERS:
            why = "Set-Cookie is never readable by JavaScript"
        elif response_type in ("opaque", "opaqueredirect"):
            why = f"{response_type} response: JavaScript reads no header at all"
        elif response_type == "error":
            why = "blocked: JavaScript reads no header at all"
        elif response_type == "basic":
            why = "same-origin response: every header but Set-Cookie"
        elif name in SAFELISTED_RESPONSE_HEADERS:
            why = "CORS-safelisted response header"
        elif name in exposed:
            why = "listed in Access-Control-Expose-Headers"
        elif "*" in exposed and not include:
            why = "Access-Control-Expose-Headers: * (no credentials)"
        elif name.startswith("access-control-"):
            why = "a CORS header: the browser reads it; JavaScript does not (not exposed)"
        elif "*" in exposed:
            why = "not exposed: with credentials, '*' is a header literally named '*'"
        else:
            why = "not exposed: not in Access-Control-Expose-Headers"
        rows.append((name, seen, why))
    return rows
